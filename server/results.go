package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// roundParam reads ?round=N: 0 when absent (the current round), EInvalid unless a positive
// integer.
func roundParam(c *gin.Context) (int, error) {
	raw, ok := c.GetQuery("round")
	if !ok || raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, &tenants.Error{Code: tenants.EInvalid, Message: "Some fields are not valid.", Fields: map[string]string{"round": "must be a positive integer"}}
	}
	return n, nil
}

// getResults answers the workspace's results (DESIGN.md §7) as of ?round=N, as the viewer may see them.
func (s *Server) getResults(c *gin.Context) {
	round, err := roundParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.svc.Results(c.Request.Context(), viewerOf(c), workspaceOf(c), round)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, res)
}

// exportName is the download's file name: the workspace id and the date.
func exportName(w *tenants.Workspace, ext string) string {
	return "workspace-" + w.ID + "-" + time.Now().UTC().Format("20060102") + "." + ext
}

func attachment(c *gin.Context, name string) {
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
}

// getExportJSON sends everything a facilitator may take out, with its data card. Facilitators only.
func (s *Server) getExportJSON(c *gin.Context) {
	x, err := s.svc.Export(c.Request.Context(), viewerOf(c), workspaceOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := json.MarshalIndent(x, "", " ")
	if err != nil {
		s.fail(c, tenants.Internal(err))
		return
	}
	attachment(c, exportName(x.Workspace, "json"))
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// csvHeader is the export's columns; one row per answer revision.
var csvHeader = []string{"question_id", "question", "dimension", "stakeholder_group", "organization", "display_name", "status",
	"value", "rationale", "evidence", "revision", "round", "time", "participant", "group_at_revision"}

// csvCell neutralises spreadsheet formulas: a cell starting with = + - @ TAB or CR gets a leading
// single quote, so spreadsheet programs show it as text instead of evaluating it.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// getExportCSV sends every answer revision as CSV (see csvHeader). Facilitators only.
func (s *Server) getExportCSV(c *gin.Context) {
	x, err := s.svc.Export(c.Request.Context(), viewerOf(c), workspaceOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := writeCSV(&buf, x); err != nil {
		s.fail(c, tenants.Internal(err))
		return
	}
	attachment(c, exportName(x.Workspace, "csv"))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func writeCSV(buf *bytes.Buffer, x *tenants.Export) error {
	cw := csv.NewWriter(buf)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, r := range x.Revisions {
		q := x.Instrument.Question(r.QuestionID)
		prompt, value := r.QuestionID, ""
		if q != nil {
			prompt = q.Prompt
			if r.Status == tenants.StatusAnswered {
				value = ShowValue(q, r.Value)
			}
		}
		urls := make([]string, 0, len(r.Evidence))
		for _, e := range r.Evidence {
			urls = append(urls, e.URL)
		}
		row := []string{r.QuestionID, prompt, r.Dimension, r.StakeholderGroup, r.Organization, r.DisplayName, r.Status, value,
			r.Rationale, strings.Join(urls, " "), strconv.Itoa(r.Revision), strconv.Itoa(r.Round), r.Time.Format(time.RFC3339),
			r.Pseudonym, r.GroupAtRevision}
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// pageResults shows the live results page. ?fragment=1 answers only the results body, for the
// page's script to swap in when something changes.
func (s *Server) pageResults(c *gin.Context) { s.renderResults(c, "results", false) }

// pageReport shows the printable report.
func (s *Server) pageReport(c *gin.Context) { s.renderResults(c, "report", true) }

func (s *Server) renderResults(c *gin.Context, page string, report bool) {
	round, err := roundParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	t, w, v := tenantOf(c), workspaceOf(c), viewerOf(c)
	res, err := s.svc.Results(c.Request.Context(), v, w, round)
	if err != nil {
		s.fail(c, err)
		return
	}
	view := s.resultsView(t, w, v, res, report)
	title := "Results · " + w.Title
	if report {
		title = "Report · " + w.Title
	}
	d := pageData{Title: title, BodyClass: page, Data: view}
	if page == "results" && c.Query("fragment") == "1" {
		s.fragment(c, page, d)
		return
	}
	s.page(c, http.StatusOK, page, d)
}

// Markers of the results body in the rendered page; the fragment is what lies between them.
const (
	fragmentStart = `<div id="results-body"`
	fragmentEnd   = `<div id="results-end"`
)

// fragment renders the page and answers only its results body.
func (s *Server) fragment(c *gin.Context, page string, d pageData) {
	d.Names = s.names
	var buf bytes.Buffer
	if err := s.tpl.Render(&buf, page, d); err != nil {
		s.log.Error("render", "page", page, "err", err)
		s.fail(c, tenants.Internal(err))
		return
	}
	html := buf.Bytes()
	i, j := bytes.Index(html, []byte(fragmentStart)), bytes.Index(html, []byte(fragmentEnd))
	if i < 0 || j < i {
		s.fail(c, tenants.Errorf(tenants.EInternal, "results fragment markers missing"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", html[i:j])
}

package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"workshop/server/servertest"
	"workshop/tenants"
)

// resultsWorkspace opens a workspace with two government participants and one from civil
// society, each answering the data-protection-law question.
type resultsWorkspace struct {
	app      *servertest.App
	tn       *servertest.Tenant
	ws, base string
	gov1     *servertest.Participant
	gov2     *servertest.Participant
	cso      *servertest.Participant
}

const lawQ = "legal_basis.dp_law"

func newResultsWorkspace(t *testing.T, body map[string]any) *resultsWorkspace {
	t.Helper()
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, body)
	rw := &resultsWorkspace{app: app, tn: tn, ws: ws, base: servertest.WSPath(tn.Slug, ws)}
	gi := tn.Invite(t, ws, "government", "participant")
	rw.gov1 = app.Join(t, gi, "Asha", "Ministry of Health")
	rw.gov2 = app.Join(t, gi, "Bo", "Treasury")
	rw.cso = app.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Chidi", "Data Rights Forum")
	rw.gov1.Client.Must(http.StatusOK, "PUT", rw.base+"/answers/"+lawQ, map[string]any{"value": 3, "rationale": "The act is in force.",
		"evidence": []map[string]string{{"url": "https://example.org/act", "title": "Act"}, {"url": "https://example.org/gazette"}}})
	rw.gov2.Client.Must(http.StatusOK, "PUT", rw.base+"/answers/"+lawQ, map[string]any{"value": 4, "rationale": "=HYPERLINK(\"http://evil\")"})
	rw.cso.Client.Must(http.StatusOK, "PUT", rw.base+"/answers/"+lawQ, map[string]any{"value": 1, "rationale": "Enforcement is weak."})
	return rw
}

type resultsJSON struct {
	Round     int                   `json:"round"`
	Withheld  string                `json:"withheld"`
	Groups    []tenants.ResultGroup `json:"groups"`
	Questions []struct {
		ID         string                     `json:"id"`
		Groups     map[string]json.RawMessage `json:"groups"`
		Divergence *float64                   `json:"divergence"`
	} `json:"questions"`
	Shifts []tenants.RoundShift `json:"shifts"`
}

func (r resultsJSON) group(t *testing.T, q, g string) map[string]any {
	t.Helper()
	for _, x := range r.Questions {
		if x.ID == q {
			var m map[string]any
			if raw, ok := x.Groups[g]; ok {
				if err := json.Unmarshal(raw, &m); err != nil {
					t.Fatal(err)
				}
			}
			return m
		}
	}
	t.Fatalf("no question %s", q)
	return nil
}

func TestResultsAPI(t *testing.T) {
	rw := newResultsWorkspace(t, nil)

	t.Run("facilitator sees per-group statistics in the contract's shape", func(t *testing.T) {
		r := rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/results", nil)
		var top map[string]json.RawMessage
		r.JSON(t, &top)
		for _, k := range []string{"groups", "questions", "dimensions", "coverage", "recommendations"} {
			if _, ok := top[k]; !ok {
				t.Errorf("missing key %q", k)
			}
		}
		var res resultsJSON
		r.JSON(t, &res)
		gov := res.group(t, lawQ, "government")
		for _, k := range []string{"n", "median", "min", "max", "counts", "not_applicable", "unknown"} {
			if _, ok := gov[k]; !ok {
				t.Errorf("group stat missing %q: %v", k, gov)
			}
		}
		if gov["n"] != 2.0 || gov["median"] != 3.5 || gov["min"] != 3.0 || gov["max"] != 4.0 {
			t.Errorf("government = %v", gov)
		}
		cso := res.group(t, lawQ, "civil_society")
		if cso["median"] != 1.0 {
			t.Errorf("civil society = %v", cso)
		}
		for _, q := range res.Questions {
			if q.ID == lawQ && (q.Divergence == nil || *q.Divergence != 2.5) {
				t.Errorf("divergence = %v", q.Divergence)
			}
		}
	})

	t.Run("participants see results when blind mode is off", func(t *testing.T) {
		var res resultsJSON
		rw.cso.Client.Must(http.StatusOK, "GET", rw.base+"/results", nil).JSON(t, &res)
		if res.Withheld != "" || res.group(t, lawQ, "government")["median"] != 3.5 {
			t.Errorf("participant results = %+v", res)
		}
	})

	t.Run("blind mode leaves participants only coverage", func(t *testing.T) {
		rw.tn.Owner.Must(http.StatusOK, "PATCH", rw.base+"/session", map[string]any{"blind": true})
		defer rw.tn.Owner.Must(http.StatusOK, "PATCH", rw.base+"/session", map[string]any{"blind": false})
		r := rw.cso.Client.Must(http.StatusOK, "GET", rw.base+"/results", nil)
		var res resultsJSON
		r.JSON(t, &res)
		if res.Withheld != "blind" || len(res.Questions) != 0 || len(res.Groups) != 2 {
			t.Errorf("blind participant results = %s", r.Body)
		}
		if bytes.Contains(r.Body, []byte("median")) {
			t.Error("a statistic leaked under blind mode")
		}
		var fac resultsJSON
		rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/results", nil).JSON(t, &fac)
		if fac.Withheld != "" || len(fac.Questions) == 0 {
			t.Error("facilitators always see everything")
		}
	})

	t.Run("bad rounds are invalid", func(t *testing.T) {
		for _, q := range []string{"?round=0", "?round=x", "?round=2"} {
			r := rw.tn.Owner.Do("GET", rw.base+"/results"+q, nil)
			if r.Status != http.StatusBadRequest || r.ErrorCode() != "invalid" {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}
	})

	t.Run("other tenants and strangers cannot read results", func(t *testing.T) {
		other := rw.app.Signup(t, "Other Org")
		if r := other.Owner.Do("GET", rw.base+"/results", nil); r.Status != http.StatusNotFound {
			t.Errorf("other tenant: %d", r.Status)
		}
		if r := rw.app.Client(t).Do("GET", rw.base+"/results", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", r.Status)
		}
	})
}

func TestResultsRounds(t *testing.T) {
	rw := newResultsWorkspace(t, nil)
	rw.tn.Owner.Must(http.StatusOK, "PATCH", rw.base+"/session", map[string]any{"round": 2})
	rw.cso.Client.Must(http.StatusOK, "PUT", rw.base+"/answers/"+lawQ, map[string]any{"value": 3, "rationale": "Convinced by the act."})

	var r1, r2 resultsJSON
	rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/results?round=1", nil).JSON(t, &r1)
	rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/results", nil).JSON(t, &r2)
	if r1.Round != 1 || r1.group(t, lawQ, "civil_society")["median"] != 1.0 {
		t.Errorf("round 1 = %+v", r1.group(t, lawQ, "civil_society"))
	}
	// Government did not answer again: its round-1 answers carry forward.
	if r2.Round != 2 || r2.group(t, lawQ, "civil_society")["median"] != 3.0 || r2.group(t, lawQ, "government")["median"] != 3.5 {
		t.Errorf("round 2 = %+v", r2)
	}
	if len(r2.Shifts) != 1 {
		t.Fatalf("shifts = %+v", r2.Shifts)
	}
	var law tenants.ItemShift
	for _, q := range r2.Shifts[0].Questions {
		if q.ID == lawQ {
			law = q
		}
	}
	if law.Groups["civil_society"] != (tenants.Shift{From: 1, To: 3, Change: 2}) || law.Groups["government"].Change != 0 {
		t.Errorf("shift = %+v", law)
	}
	page := rw.tn.Owner.Must(http.StatusOK, "GET", "/t/"+rw.tn.Slug+"/w/"+rw.ws+"/results", nil)
	if !bytes.Contains(page.Body, []byte("What moved from round 1 to round 2")) {
		t.Error("the results page shows no round shift")
	}
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, body)
	}
	return rows
}

func column(rows [][]string, name string) int {
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	return -1
}

func TestExports(t *testing.T) {
	rw := newResultsWorkspace(t, nil)
	rw.gov1.Client.Must(http.StatusOK, "PUT", rw.base+"/answers/"+lawQ, map[string]any{"status": "unknown", "rationale": "-1 on reflection\tand @home"})

	t.Run("CSV has one row per revision and escapes formulas", func(t *testing.T) {
		r := rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/export.csv", nil)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("headers %v", r.Header)
		}
		rows := readCSV(t, r.Body)
		want := "question_id,question,dimension,stakeholder_group,organization,display_name,status,value,rationale,evidence,revision,round,time,participant,group_at_revision"
		if strings.Join(rows[0], ",") != want {
			t.Errorf("header = %v", rows[0])
		}
		if len(rows) != 1+4 {
			t.Fatalf("rows = %d, want 4 revisions", len(rows)-1)
		}
		col := func(name string) int { return column(rows, name) }
		var asha []string
		for _, row := range rows[1:] {
			if row[col("display_name")] == "Asha" && row[col("revision")] == "1" {
				asha = row
			}
			if row[col("display_name")] == "Bo" && row[col("rationale")] != `'=HYPERLINK("http://evil")` {
				t.Errorf("formula not escaped: %q", row[col("rationale")])
			}
			if row[col("display_name")] == "Asha" && row[col("revision")] == "2" {
				if row[col("rationale")] != "'-1 on reflection\tand @home" || row[col("status")] != "unknown" || row[col("value")] != "" {
					t.Errorf("revision 2 = %q", row)
				}
			}
			if _, err := time.Parse(time.RFC3339, row[col("time")]); err != nil {
				t.Errorf("time %q", row[col("time")])
			}
		}
		if asha == nil {
			t.Fatal("no row for Asha's first revision")
		}
		if asha[col("value")] != "3 · Operational" && !strings.HasPrefix(asha[col("value")], "3 · ") {
			t.Errorf("value = %q", asha[col("value")])
		}
		if asha[col("evidence")] != "https://example.org/act https://example.org/gazette" || asha[col("organization")] != "Ministry of Health" ||
			asha[col("stakeholder_group")] != "government" || asha[col("round")] != "1" || !strings.HasPrefix(asha[col("participant")], "P-") {
			t.Errorf("row = %q", asha)
		}
	})

	t.Run("JSON export carries a data card and everything", func(t *testing.T) {
		r := rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/export.json", nil)
		var x map[string]json.RawMessage
		r.JSON(t, &x)
		for _, k := range []string{"data_card", "workspace", "instrument", "participants", "answers", "revisions", "comments", "syntheses", "results"} {
			if _, ok := x[k]; !ok {
				t.Errorf("export missing %q", k)
			}
		}
		var card map[string]any
		if err := json.Unmarshal(x["data_card"], &card); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"instrument_version", "attribution", "suppression_rule", "min_group_size", "generated_at", "row_definition"} {
			if v, ok := card[k]; !ok || v == "" {
				t.Errorf("data card %q = %v", k, v)
			}
		}
		var revs []map[string]any
		_ = json.Unmarshal(x["revisions"], &revs)
		if len(revs) != 4 {
			t.Errorf("revisions = %d", len(revs))
		}
	})

	t.Run("participants are forbidden", func(t *testing.T) {
		for _, p := range []string{"/export.csv", "/export.json"} {
			r := rw.gov1.Client.Do("GET", rw.base+p, nil)
			if r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden" {
				t.Errorf("%s: %d %s", p, r.Status, r.Body)
			}
		}
	})

	t.Run("other tenants get not found", func(t *testing.T) {
		other := rw.app.Signup(t, "Elsewhere Institute")
		for _, p := range []string{"/export.csv", "/export.json"} {
			if r := other.Owner.Do("GET", rw.base+p, nil); r.Status != http.StatusNotFound || r.ErrorCode() != "not_found" {
				t.Errorf("%s: %d", p, r.Status)
			}
		}
	})
}

func TestExportIdentityRules(t *testing.T) {
	t.Run("group attribution exports no names", func(t *testing.T) {
		rw := newResultsWorkspace(t, map[string]any{"title": "Anon", "attribution": "group"})
		rows := readCSV(t, rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/export.csv", nil).Body)
		for _, row := range rows[1:] {
			if row[column(rows, "display_name")] != "" || row[column(rows, "organization")] != "" {
				t.Errorf("names exported under group attribution: %q", row)
			}
		}
		body := rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/export.json", nil).Body
		for _, name := range []string{"Asha", "Ministry of Health", "Chidi"} {
			if bytes.Contains(body, []byte(name)) {
				t.Errorf("JSON export contains %q", name)
			}
		}
	})
	t.Run("groups under the minimum size are suppressed", func(t *testing.T) {
		rw := newResultsWorkspace(t, map[string]any{"title": "Small", "min_group_size": 2})
		rows := readCSV(t, rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/export.csv", nil).Body)
		for _, row := range rows[1:] {
			small := row[column(rows, "stakeholder_group")] == "civil_society"
			org := row[column(rows, "organization")]
			if small != (org == tenants.Suppressed) || (small && row[column(rows, "display_name")] != tenants.Suppressed) {
				t.Errorf("row %q", row)
			}
		}
		var res resultsJSON
		rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/results", nil).JSON(t, &res)
		if got := string(mustGroup(t, res, lawQ, "civil_society")); got != `{"suppressed":true}` {
			t.Errorf("civil society = %s", got)
		}
		body := rw.tn.Owner.Must(http.StatusOK, "GET", rw.base+"/export.json", nil).Body
		if bytes.Contains(body, []byte("Chidi")) || bytes.Contains(body, []byte("Data Rights Forum")) {
			t.Error("a suppressed participant is named in the JSON export")
		}
	})
}

func mustGroup(t *testing.T, res resultsJSON, q, g string) json.RawMessage {
	t.Helper()
	for _, x := range res.Questions {
		if x.ID == q {
			return x.Groups[g]
		}
	}
	t.Fatalf("no %s", q)
	return nil
}

func TestResultsPages(t *testing.T) {
	t.Run("an empty workspace renders", func(t *testing.T) {
		app := servertest.New(t, servertest.Options{})
		tn := app.Signup(t, "Empty Ministry")
		ws := tn.Workspace(t, nil)
		for _, p := range []string{"/results", "/report"} {
			r := tn.Owner.Must(http.StatusOK, "GET", "/t/"+tn.Slug+"/w/"+ws+p, nil)
			if !bytes.Contains(r.Body, []byte("<svg")) || !bytes.Contains(r.Body, []byte("<table")) {
				t.Errorf("%s lacks a chart or a table", p)
			}
		}
	})

	rw := newResultsWorkspace(t, map[string]any{"title": "Grouped", "attribution": "group"})
	page := "/t/" + rw.tn.Slug + "/w/" + rw.ws
	t.Run("the results page shows charts, tables and rationales", func(t *testing.T) {
		r := rw.tn.Owner.Must(http.StatusOK, "GET", page+"/results", nil)
		for _, want := range []string{"<svg", "<table", "<title", "Enforcement is weak.", "results.js", "Export CSV", `id="results-body"`} {
			if !bytes.Contains(r.Body, []byte(want)) {
				t.Errorf("results page lacks %q", want)
			}
		}
		if !bytes.Contains(r.Body, []byte("Chidi")) {
			t.Error("facilitators see names on the results page")
		}
	})
	t.Run("participants see no names under group attribution", func(t *testing.T) {
		r := rw.gov1.Client.Must(http.StatusOK, "GET", page+"/results", nil)
		if bytes.Contains(r.Body, []byte("Chidi")) || bytes.Contains(r.Body, []byte("Export CSV")) {
			t.Error("a participant sees another's name or the export links")
		}
		if !bytes.Contains(r.Body, []byte("Enforcement is weak.")) {
			t.Error("rationales are shown without names")
		}
	})
	t.Run("the report names nobody under group attribution", func(t *testing.T) {
		r := rw.tn.Owner.Must(http.StatusOK, "GET", page+"/report", nil)
		for _, want := range []string{"<svg", "<table", "Dissent register", "Evidence cited", "https://example.org/act", "Instrument version"} {
			if !bytes.Contains(r.Body, []byte(want)) {
				t.Errorf("report lacks %q", want)
			}
		}
		if bytes.Contains(r.Body, []byte("Chidi")) || bytes.Contains(r.Body, []byte("Asha")) {
			t.Error("the report names a participant")
		}
	})
	t.Run("the fragment is only the results body", func(t *testing.T) {
		r := rw.tn.Owner.Must(http.StatusOK, "GET", page+"/results?fragment=1", nil)
		if !bytes.HasPrefix(r.Body, []byte(`<div id="results-body"`)) || bytes.Contains(r.Body, []byte("<html")) {
			t.Errorf("fragment = %.200s", r.Body)
		}
	})
	t.Run("blind mode withholds the page for participants", func(t *testing.T) {
		rw.tn.Owner.Must(http.StatusOK, "PATCH", rw.base+"/session", map[string]any{"blind": true})
		r := rw.cso.Client.Must(http.StatusOK, "GET", page+"/results", nil)
		if !bytes.Contains(r.Body, []byte("Blind mode is on")) || bytes.Contains(r.Body, []byte("The act is in force.")) {
			t.Error("blind results page leaks or lacks the notice")
		}
		if !bytes.Contains(r.Body, []byte("<table")) {
			t.Error("coverage is still shown")
		}
	})
	t.Run("other tenants get not found", func(t *testing.T) {
		other := rw.app.Signup(t, "Foreign Office")
		if r := other.Owner.Do("GET", page+"/results", nil); r.Status != http.StatusNotFound {
			t.Errorf("status %d", r.Status)
		}
	})
}

// fillWorkspace writes, straight through the store, `people` participants spread over every
// stakeholder group, each answering every question of the instrument in round 1, a tenth of them
// revising in round 2, with rationales, some evidence and a few syntheses.
func fillWorkspace(t testing.TB, app *servertest.App, tenantID, wsID string, people int) {
	t.Helper()
	ctx := context.Background()
	cat := app.Service.Catalogue
	in := cat.Instrument(cat.Current)
	groups := cat.Taxonomy.StakeholderGroups
	now := tenants.Now()
	err := app.DB.Write(ctx, func(tx tenants.Tx) error {
		for p := 0; p < people; p++ {
			g := groups[p%len(groups)].ID
			pt := &tenants.Participant{ID: tenants.NewID(), TenantID: tenantID, WorkspaceID: wsID, DisplayName: "Person " + strconv.Itoa(p),
				Organization: "Org " + strconv.Itoa(p%17), StakeholderGroup: g, Role: tenants.RoleParticipant, InviteID: "seed",
				ReturnHash: tenants.NewID(), JoinedAt: now}
			if err := tx.CreateParticipant(pt); err != nil {
				return err
			}
			for qi, q := range in.Questions() {
				rounds := 1
				if p%10 == 0 {
					rounds = 2
				}
				a := &tenants.Answer{ID: tenants.NewID(), TenantID: tenantID, WorkspaceID: wsID, QuestionID: q.ID, ParticipantID: pt.ID,
					StakeholderGroup: g, Evidence: []tenants.Evidence{}}
				for r := 1; r <= rounds; r++ {
					a.Status, a.Value = tenants.StatusAnswered, nil
					switch {
					case (p+qi)%23 == 0:
						a.Status = tenants.StatusNotApplicable
					case (p+qi)%29 == 0:
						a.Status = tenants.StatusUnknown
					case q.Kind == tenants.KindMaturity:
						a.Value = json.RawMessage(strconv.Itoa((p*7 + qi*3 + r + len(g)) % 5))
					case q.Kind == tenants.KindChoice:
						a.Value, _ = json.Marshal(q.Options[(p+qi)%len(q.Options)].ID)
					case q.Kind == tenants.KindMulti:
						a.Value, _ = json.Marshal([]string{q.Options[p%len(q.Options)].ID})
					default:
						a.Value, _ = json.Marshal("Free text from person " + strconv.Itoa(p))
					}
					a.Rationale = fmt.Sprintf("Reason %d of person %d, based on what we saw in practice.", qi, p)
					if (p+qi)%20 == 0 {
						a.Evidence = []tenants.Evidence{{URL: "https://example.org/doc/" + strconv.Itoa((p+qi)%25), Title: "Document " + strconv.Itoa((p+qi)%25)}}
					}
					a.Revision, a.Round, a.UpdatedAt = r, r, now.Add(time.Duration(p*100+qi+r*10000)*time.Millisecond)
					if err := tx.SaveAnswer(a); err != nil {
						return err
					}
				}
			}
		}
		for i, q := range in.Questions() {
			if i%5 == 0 {
				status := []string{tenants.SynthesisAgreed, tenants.SynthesisReservations, tenants.SynthesisNoAgreement}[i%3]
				if err := tx.SaveSynthesis(&tenants.Synthesis{TenantID: tenantID, WorkspaceID: wsID, QuestionID: q.ID, Status: status,
					Summary: "Summary of " + q.ID, Dissent: "Civil society disagrees on " + q.ID, UpdatedBy: "Facilitator", UpdatedAt: now}); err != nil {
					return err
				}
			}
		}
		return tx.SaveSessionState(tenantID, wsID, &tenants.SessionState{Locked: []string{}, Round: 2})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestResultsFullWorkspace(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Big Ministry")
	ws := tn.Workspace(t, map[string]any{"title": "National exchange", "country": "Testland", "min_group_size": 3,
		"motivations": []string{app.Service.Catalogue.Taxonomy.Motivations[0].ID}})
	start := time.Now()
	fillWorkspace(t, app, tn.ID, ws, 200)
	t.Logf("filled 200 participants × %d questions in %v", len(app.Service.Catalogue.Instrument(app.Service.Catalogue.Current).Questions()), time.Since(start))
	base, page := servertest.WSPath(tn.Slug, ws), "/t/"+tn.Slug+"/w/"+ws

	start = time.Now()
	var res resultsJSON
	r := tn.Owner.Must(http.StatusOK, "GET", base+"/results", nil)
	r.JSON(t, &res)
	t.Logf("results JSON: %d bytes in %v", len(r.Body), time.Since(start))
	if len(res.Groups) != 8 || len(res.Questions) == 0 || len(res.Shifts) != 1 {
		t.Errorf("groups %d questions %d shifts %d", len(res.Groups), len(res.Questions), len(res.Shifts))
	}
	for _, p := range []string{"/results", "/report"} {
		start = time.Now()
		r := tn.Owner.Must(http.StatusOK, "GET", page+p, nil)
		t.Logf("%s: %d bytes in %v", p, len(r.Body), time.Since(start))
		if !bytes.Contains(r.Body, []byte("<svg")) || !bytes.Contains(r.Body, []byte("<table")) {
			t.Errorf("%s lacks a chart or a table", p)
		}
		if len(r.Body) > 150*1024 {
			t.Errorf("%s is %d bytes, over 150 KB", p, len(r.Body))
		}
	}
	rows := readCSV(t, tn.Owner.Must(http.StatusOK, "GET", base+"/export.csv", nil).Body)
	if len(rows) != 1+200*50+20*50 {
		t.Errorf("csv rows = %d", len(rows)-1)
	}
}

// BenchmarkServiceResults measures Service.Results end to end (SQLite read and computation) for
// 200 participants × 50 questions with a second round.
func BenchmarkServiceResults(b *testing.B) {
	app := servertest.New(b, servertest.Options{})
	tn := app.Signup(b, "Bench Ministry")
	ws := tn.Workspace(b, nil)
	fillWorkspace(b, app, tn.ID, ws, 200)
	ctx := context.Background()
	var w *tenants.Workspace
	if err := app.DB.Read(ctx, func(tx tenants.Tx) error {
		var err error
		w, err = tx.FindWorkspace(tn.ID, ws)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	v := tenants.Viewer{TenantID: tn.ID, WorkspaceID: ws, Role: tenants.RoleFacilitator, Name: "Bench"}
	q := app.Service.Catalogue.Instrument(w.InstrumentVersion).Questions()[0].ID
	b.Run("after-each-change", func(b *testing.B) {
		// Each iteration changes the workspace (a synthesis, so a new seq) and then computes: the
		// cost a room pays once per change.
		for b.Loop() {
			if _, _, err := app.Service.SaveSynthesis(ctx, v, w, q, tenants.SynthesisInput{Status: "agreed"}); err != nil {
				b.Fatal(err)
			}
			if _, err := app.Service.Results(ctx, v, w, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		// Every further viewer of the same state gets the shared computation.
		for b.Loop() {
			if _, err := app.Service.Results(ctx, v, w, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

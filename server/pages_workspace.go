package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// questionView is one question on the workspace page with what the viewer may see of it.
type questionView struct {
	Q         *tenants.Question
	Mine      *tenants.Answer
	MineValue string   // the viewer's current value as the form shows it
	MineMulti []string // for multi questions
	Others    []tenants.Answer
	Count     int
	Comments  []threadView
	NewCount  int
	Synthesis *tenants.Synthesis
	Locked    bool
	Spotlight bool
	Errors    map[string]string
	Draft     map[string]string
	History   []*tenants.Answer // the viewer's own revisions, newest first
}

// threadView is a top-level comment with its replies.
type threadView struct {
	tenants.Comment
	Replies []tenants.Comment
}

type dimensionLink struct {
	ID       string
	Name     string
	Answered int
	Total    int
	Current  bool
}

type workspaceData struct {
	Tenant     *tenants.Tenant
	Workspace  *tenants.Workspace
	You        tenants.Viewer
	Session    *tenants.SessionState
	Instrument *tenants.Instrument
	Dimension  *tenants.InstrumentDimension
	Dimensions []dimensionLink
	Questions  []questionView
	Answered   int
	Total      int
	Seq        int64
	Base       string
	Boot       string
	TimerLeft  int
}

// workspacePage gathers everything the workspace page shows for one dimension.
func (s *Server) workspacePage(c *gin.Context, errs map[string]map[string]string, drafts map[string]map[string]string) (*workspaceData, error) {
	ctx := c.Request.Context()
	t, w, v := tenantOf(c), workspaceOf(c), viewerOf(c)
	in := s.svc.Catalogue.Instrument(w.InstrumentVersion)
	if in == nil {
		return nil, tenants.Internal(nil)
	}
	seq, err := s.svc.LatestSeq(ctx, t.ID, w.ID)
	if err != nil {
		return nil, err
	}
	answers, st, err := s.svc.FindAnswers(ctx, v, w, tenants.AnswerFilter{})
	if err != nil {
		return nil, err
	}
	comments, err := s.svc.FindComments(ctx, v, w, "")
	if err != nil {
		return nil, err
	}
	syns, err := s.svc.FindSyntheses(ctx, v)
	if err != nil {
		return nil, err
	}
	history := map[string][]*tenants.Answer{}
	if v.ParticipantID != "" {
		revs, err := s.svc.AnswerHistory(ctx, v, "")
		if err != nil {
			return nil, err
		}
		for i := len(revs) - 1; i >= 0; i-- {
			history[revs[i].QuestionID] = append(history[revs[i].QuestionID], revs[i])
		}
	}
	d := &workspaceData{Tenant: t, Workspace: w, You: v, Session: st, Instrument: in, Seq: seq,
		Base: "/t/" + t.Slug + "/w/" + w.ID}
	if st.TimerEndsAt != nil {
		d.TimerLeft = max(0, int(time.Until(*st.TimerEndsAt).Seconds()))
	}
	want := c.Query("d")
	if want == "" && st.Spotlight != "" {
		if q := in.Question(st.Spotlight); q != nil {
			want = q.Dimension
		}
	}
	mine := map[string]*tenants.Answer{}
	others := map[string][]tenants.Answer{}
	for i := range answers {
		a := answers[i]
		if v.ParticipantID != "" && a.ParticipantID == v.ParticipantID {
			mine[a.QuestionID] = &answers[i]
		} else {
			others[a.QuestionID] = append(others[a.QuestionID], a)
		}
	}
	for i := range in.Dimensions {
		dim := &in.Dimensions[i]
		link := dimensionLink{ID: dim.ID, Name: dim.Name, Total: len(dim.Questions)}
		for _, q := range dim.Questions {
			if mine[q.ID] != nil {
				link.Answered++
			}
		}
		d.Answered += link.Answered
		d.Total += link.Total
		if dim.ID == want || (want == "" && i == 0) {
			d.Dimension, link.Current = dim, true
		}
		d.Dimensions = append(d.Dimensions, link)
	}
	if d.Dimension == nil {
		d.Dimension, d.Dimensions[0].Current = &in.Dimensions[0], true
	}
	synOf := map[string]*tenants.Synthesis{}
	for _, sy := range syns {
		synOf[sy.QuestionID] = sy
	}
	for _, q := range d.Dimension.Questions {
		qv := questionView{Q: q, Mine: mine[q.ID], Others: others[q.ID], Synthesis: synOf[q.ID],
			Locked: st.IsLocked(q.ID), Spotlight: st.Spotlight == q.ID, Errors: errs[q.ID], Draft: drafts[q.ID],
			History: history[q.ID]}
		qv.Count = len(qv.Others)
		if qv.Mine != nil {
			qv.Count++
			qv.MineValue, qv.MineMulti = formValue(qv.Mine)
		}
		byID := map[string]int{}
		for _, cm := range comments {
			if cm.QuestionID != q.ID {
				continue
			}
			if cm.New {
				qv.NewCount++
			}
			if cm.ParentID == "" {
				byID[cm.ID] = len(qv.Comments)
				qv.Comments = append(qv.Comments, threadView{Comment: cm})
			} else if i, ok := byID[cm.ParentID]; ok {
				qv.Comments[i].Replies = append(qv.Comments[i].Replies, cm)
			}
		}
		d.Questions = append(d.Questions, qv)
	}
	boot, _ := json.Marshal(map[string]any{"base": d.Base, "api": "/api/v1/tenants/" + t.Slug + "/workspaces/" + w.ID,
		"seq": seq, "you": youOut(v), "session": st, "dimension": d.Dimension.ID})
	d.Boot = string(boot)
	return d, nil
}

// formValue renders an answer's value the way the answer form's inputs hold it.
func formValue(a *tenants.Answer) (string, []string) {
	if a.Status != tenants.StatusAnswered {
		return a.Status, nil
	}
	var n int
	if json.Unmarshal(a.Value, &n) == nil {
		return strconv.Itoa(n), nil
	}
	var s string
	if json.Unmarshal(a.Value, &s) == nil {
		return s, nil
	}
	var ss []string
	_ = json.Unmarshal(a.Value, &ss)
	return "", ss
}

func (s *Server) renderWorkspace(c *gin.Context, status int, errs, drafts map[string]map[string]string) {
	d, err := s.workspacePage(c, errs, drafts)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.page(c, status, "workspace", pageData{Title: d.Workspace.Title, BodyClass: "workspace", Data: d})
}

func (s *Server) pageWorkspace(c *gin.Context) {
	if v := viewerOf(c); v.ParticipantID != "" {
		// Opening the page counts as a visit for the "new since last visit" markers of the
		// dimension shown; the markers were computed before this point.
		defer s.markDimensionSeen(c)
	}
	s.renderWorkspace(c, http.StatusOK, nil, nil)
}

func (s *Server) markDimensionSeen(c *gin.Context) {
	w, v := workspaceOf(c), viewerOf(c)
	in := s.svc.Catalogue.Instrument(w.InstrumentVersion)
	if in == nil {
		return
	}
	dim := c.Query("d")
	for _, d := range in.Dimensions {
		if d.ID == dim || (dim == "" && d.ID == in.Dimensions[0].ID) {
			for _, q := range d.Questions {
				if err := s.svc.MarkSeen(c.Request.Context(), v, w, q.ID); err != nil {
					s.log.Warn("mark seen", "err", err)
					return
				}
			}
		}
	}
}

// answerFromForm reads the answer form: "choice" holds a level, an option id, not_applicable or
// unknown; "multi" holds option ids; "text" holds a text answer; evidence comes in url_N/title_N
// pairs, blank pairs ignored.
func answerFromForm(c *gin.Context, q *tenants.Question) tenants.AnswerInput {
	in := tenants.AnswerInput{Status: tenants.StatusAnswered, Rationale: c.PostForm("rationale")}
	choice := c.PostForm("choice")
	switch choice {
	case tenants.StatusNotApplicable, tenants.StatusUnknown:
		in.Status = choice
	default:
		switch q.Kind {
		case tenants.KindMaturity:
			if n, err := strconv.Atoi(choice); err == nil {
				in.Value = json.RawMessage(strconv.Itoa(n))
			} else if choice != "" {
				in.Value, _ = json.Marshal(choice)
			}
		case tenants.KindChoice:
			if choice != "" {
				in.Value, _ = json.Marshal(choice)
			}
		case tenants.KindMulti:
			in.Value, _ = json.Marshal(formValues(c, "multi"))
		case tenants.KindText:
			in.Value, _ = json.Marshal(c.PostForm("text"))
		}
	}
	for i := 0; i < tenants.MaxEvidence; i++ {
		u, t := strings.TrimSpace(c.PostForm("url_"+strconv.Itoa(i))), strings.TrimSpace(c.PostForm("title_"+strconv.Itoa(i)))
		if u != "" || t != "" {
			in.Evidence = append(in.Evidence, tenants.Evidence{URL: u, Title: t})
		}
	}
	return in
}

func (s *Server) formAnswer(c *gin.Context) {
	w, qid := workspaceOf(c), c.Param("question")
	in := s.svc.Catalogue.Instrument(w.InstrumentVersion)
	q := in.Question(qid)
	if q == nil {
		s.fail(c, tenants.NotFound("Question"))
		return
	}
	ans := answerFromForm(c, q)
	_, _, err := s.svc.SaveAnswer(c.Request.Context(), viewerOf(c), w, qid, ans, c.PostForm("client_key"))
	if err != nil {
		if code := tenants.ErrorCode(err); code == tenants.EInvalid || code == tenants.EConflict {
			fields := tenants.ErrorFields(err)
			if fields == nil {
				fields = map[string]string{"form": tenants.ErrorMessage(err)}
			}
			draft := map[string]string{"choice": c.PostForm("choice"), "rationale": c.PostForm("rationale"), "text": c.PostForm("text")}
			for i := 0; i < 3; i++ {
				draft["url_"+strconv.Itoa(i)] = c.PostForm("url_" + strconv.Itoa(i))
				draft["title_"+strconv.Itoa(i)] = c.PostForm("title_" + strconv.Itoa(i))
			}
			c.Request.URL.RawQuery = "d=" + q.Dimension
			s.renderWorkspace(c, statusOf[code], map[string]map[string]string{qid: fields}, map[string]map[string]string{qid: draft})
			return
		}
		s.fail(c, err)
		return
	}
	s.redirect(c, s.wsBase(c)+"?d="+q.Dimension+"#q-"+qid, "Your answer is saved.")
}

func (s *Server) wsBase(c *gin.Context) string {
	return "/t/" + tenantOf(c).Slug + "/w/" + workspaceOf(c).ID
}

func (s *Server) formComment(c *gin.Context) {
	w, qid := workspaceOf(c), c.Param("question")
	q := s.svc.Catalogue.Instrument(w.InstrumentVersion).Question(qid)
	if q == nil {
		s.fail(c, tenants.NotFound("Question"))
		return
	}
	parent := c.PostForm("parent_id")
	in := tenants.CommentInput{Body: c.PostForm("body"), Stance: c.PostForm("stance"), ParentID: &parent}
	if _, _, err := s.svc.CreateComment(c.Request.Context(), viewerOf(c), w, qid, in); err != nil {
		if tenants.ErrorCode(err) == tenants.EInvalid {
			c.Request.URL.RawQuery = "d=" + q.Dimension
			s.renderWorkspace(c, http.StatusBadRequest, map[string]map[string]string{qid: prefixed("comment_", tenants.ErrorFields(err))},
				map[string]map[string]string{qid: {"comment": in.Body}})
			return
		}
		s.fail(c, err)
		return
	}
	s.redirect(c, s.wsBase(c)+"?d="+q.Dimension+"#q-"+qid, "Comment posted.")
}

func (s *Server) formHideComment(c *gin.Context) {
	cm, _, err := s.svc.HideComment(c.Request.Context(), viewerOf(c), workspaceOf(c), c.Param("comment"), tenants.HideInput{Reason: c.PostForm("reason")})
	if err != nil {
		s.fail(c, err)
		return
	}
	q := s.svc.Catalogue.Instrument(workspaceOf(c).InstrumentVersion).Question(cm.QuestionID)
	s.redirect(c, s.wsBase(c)+"?d="+q.Dimension+"#q-"+cm.QuestionID, "Comment hidden.")
}

// formSession applies one facilitator control from the workspace page: spotlight, lock, unlock,
// blind, next round or timer.
func (s *Server) formSession(c *gin.Context) {
	v, w := viewerOf(c), workspaceOf(c)
	st, err := s.svc.SessionState(c.Request.Context(), v)
	if err != nil {
		s.fail(c, err)
		return
	}
	var p tenants.SessionPatch
	q := c.PostForm("question")
	switch c.PostForm("action") {
	case "spotlight":
		p.Spotlight = &q
	case "lock", "unlock":
		locked := []string{}
		for _, id := range st.Locked {
			if id != q {
				locked = append(locked, id)
			}
		}
		if c.PostForm("action") == "lock" {
			locked = append(locked, q)
		}
		p.Locked = &locked
	case "blind_on", "blind_off":
		b := c.PostForm("action") == "blind_on"
		p.Blind = &b
	case "next_round":
		n := st.Round + 1
		p.Round = &n
	case "timer":
		n, err := strconv.Atoi(c.PostForm("minutes"))
		if err != nil {
			n = -1
		}
		secs := n * 60
		p.TimerSeconds = &secs
	default:
		s.fail(c, tenants.Errorf(tenants.EInvalid, "Unknown session action."))
		return
	}
	if _, _, err := s.svc.PatchSession(c.Request.Context(), v, w, p); err != nil {
		s.fail(c, err)
		return
	}
	back := s.wsBase(c)
	if d := c.PostForm("d"); d != "" {
		back += "?d=" + d
	}
	s.redirect(c, back, "Session updated.")
}

// Show renders an answer's value for people: the level and its label, the option labels, the text,
// or the status.
func (qv questionView) Show(a tenants.Answer) string {
	switch a.Status {
	case tenants.StatusNotApplicable:
		return "not applicable"
	case tenants.StatusUnknown:
		return "don't know"
	}
	return ShowValue(qv.Q, a.Value)
}

// ShowValue renders a stored value of question q for people.
func ShowValue(q *tenants.Question, v json.RawMessage) string {
	switch q.Kind {
	case tenants.KindMaturity:
		var n int
		if json.Unmarshal(v, &n) == nil && n >= 0 && n < len(q.Levels) {
			return strconv.Itoa(n) + " · " + q.Levels[n].Label
		}
	case tenants.KindChoice:
		var s string
		_ = json.Unmarshal(v, &s)
		for _, o := range q.Options {
			if o.ID == s {
				return o.Label
			}
		}
	case tenants.KindMulti:
		var ss []string
		_ = json.Unmarshal(v, &ss)
		var labels []string
		for _, o := range q.Options {
			if slices.Contains(ss, o.ID) {
				labels = append(labels, o.Label)
			}
		}
		return strings.Join(labels, ", ")
	case tenants.KindText:
		var s string
		_ = json.Unmarshal(v, &s)
		return s
	}
	return ""
}

func (s *Server) formSynthesis(c *gin.Context) {
	w, qid := workspaceOf(c), c.Param("question")
	q := s.svc.Catalogue.Instrument(w.InstrumentVersion).Question(qid)
	if q == nil {
		s.fail(c, tenants.NotFound("Question"))
		return
	}
	in := tenants.SynthesisInput{Status: c.PostForm("status"), Summary: c.PostForm("summary"), Dissent: c.PostForm("dissent")}
	if _, _, err := s.svc.SaveSynthesis(c.Request.Context(), viewerOf(c), w, qid, in); err != nil {
		if tenants.ErrorCode(err) == tenants.EInvalid {
			c.Request.URL.RawQuery = "d=" + q.Dimension
			s.renderWorkspace(c, http.StatusBadRequest, map[string]map[string]string{qid: prefixed("synthesis_", tenants.ErrorFields(err))},
				map[string]map[string]string{qid: {"summary": in.Summary, "dissent": in.Dissent}})
			return
		}
		s.fail(c, err)
		return
	}
	s.redirect(c, s.wsBase(c)+"?d="+q.Dimension+"#q-"+qid, "Synthesis saved. The answers beneath it are unchanged.")
}

// formRotateReturn gives the participant a new personal return link and shows it once.
func (s *Server) formRotateReturn(c *gin.Context) {
	token, err := s.svc.RotateReturnLink(c.Request.Context(), viewerOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.page(c, http.StatusOK, "return_link", pageData{Title: "Your new return link",
		Data: returnLinkPage{URL: s.svc.ReturnURL(token), Back: s.wsBase(c)}})
}

type returnLinkPage struct {
	URL  string
	Back string
}

// ShowRev renders a revision's value like Show.
func (qv questionView) ShowRev(a *tenants.Answer) string { return qv.Show(*a) }

package server_test

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"workshop/server/servertest"
)

// These tests follow issue 4: every answer kept per participant and per stakeholder group, with its
// history, and what each person may see of everyone else's (blind mode, group attribution,
// suppression of small groups, hidden comments).

const (
	qMaturity = "legal_basis.dp_law"
	qOther    = "legal_basis.purpose_limits"
	qText     = "institutional_governance.one_change"
)

// workshop is a tenant with one workspace and helpers to act in it.
type workshop struct {
	app  *servertest.App
	tn   *servertest.Tenant
	ws   string
	base string // API path of the workspace
	page string // page path of the workspace
}

func newWorkshop(t *testing.T, settings map[string]any) *workshop {
	t.Helper()
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Ministry of Digital")
	body := map[string]any{"title": "Health data exchange", "country": "Testland"}
	for k, v := range settings {
		body[k] = v
	}
	ws := tn.Workspace(t, body)
	return &workshop{app: app, tn: tn, ws: ws, base: servertest.WSPath(tn.Slug, ws), page: "/t/" + tn.Slug + "/w/" + ws}
}

func (w *workshop) join(t *testing.T, group, role, name, org string) *servertest.Participant {
	t.Helper()
	return w.app.Join(t, w.tn.Invite(t, w.ws, group, role), name, org)
}

type answerJSON struct {
	ID               string          `json:"id"`
	QuestionID       string          `json:"question_id"`
	ParticipantID    string          `json:"participant_id"`
	DisplayName      string          `json:"display_name"`
	Organization     string          `json:"organization"`
	StakeholderGroup string          `json:"stakeholder_group"`
	Value            json.RawMessage `json:"value"`
	Status           string          `json:"status"`
	Rationale        string          `json:"rationale"`
	Evidence         []struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"evidence"`
	Revision int  `json:"revision"`
	Round    int  `json:"round"`
	Redacted bool `json:"redacted"`
}

func (w *workshop) answer(t *testing.T, c *servertest.Client, q string, body map[string]any) (answerJSON, int64) {
	t.Helper()
	var out struct {
		Answer answerJSON `json:"answer"`
		Seq    int64      `json:"seq"`
	}
	c.Must(200, "PUT", w.base+"/answers/"+q, body).JSON(t, &out)
	return out.Answer, out.Seq
}

func (w *workshop) answers(t *testing.T, c *servertest.Client) []answerJSON {
	t.Helper()
	var out struct {
		Answers []answerJSON `json:"answers"`
	}
	c.Must(200, "GET", w.base+"/answers", nil).JSON(t, &out)
	return out.Answers
}

func (w *workshop) history(t *testing.T, c *servertest.Client, q string) []answerJSON {
	t.Helper()
	var out struct {
		Revisions []answerJSON `json:"revisions"`
	}
	c.Must(200, "GET", w.base+"/answers/"+q+"/history", nil).JSON(t, &out)
	return out.Revisions
}

type commentJSON struct {
	ID           string `json:"id"`
	QuestionID   string `json:"question_id"`
	ParentID     string `json:"parent_id"`
	Body         string `json:"body"`
	Stance       string `json:"stance"`
	Edited       bool   `json:"edited"`
	Deleted      bool   `json:"deleted"`
	Hidden       bool   `json:"hidden"`
	HiddenReason string `json:"hidden_reason"`
	Author       struct {
		ParticipantID    string `json:"participant_id"`
		UserID           string `json:"user_id"`
		DisplayName      string `json:"display_name"`
		StakeholderGroup string `json:"stakeholder_group"`
		Facilitator      bool   `json:"facilitator"`
	} `json:"author"`
}

func (w *workshop) comment(t *testing.T, c *servertest.Client, q string, body map[string]any) (commentJSON, int64) {
	t.Helper()
	var out struct {
		Comment commentJSON `json:"comment"`
		Seq     int64       `json:"seq"`
	}
	c.Must(201, "POST", w.base+"/questions/"+q+"/comments", body).JSON(t, &out)
	return out.Comment, out.Seq
}

func (w *workshop) comments(t *testing.T, c *servertest.Client, q string) map[string]commentJSON {
	t.Helper()
	var out struct {
		Comments []commentJSON `json:"comments"`
	}
	c.Must(200, "GET", w.base+"/questions/"+q+"/comments", nil).JSON(t, &out)
	m := map[string]commentJSON{}
	for _, cm := range out.Comments {
		m[cm.ID] = cm
	}
	return m
}

// pageHTML returns the workspace page (of q's dimension) as the client sees it.
func (w *workshop) pageHTML(t *testing.T, c *servertest.Client, dimension string) string {
	t.Helper()
	path := w.page
	if dimension != "" {
		path += "?d=" + dimension
	}
	return string(c.Must(200, "GET", path, nil).Body)
}

func byParticipant(as []answerJSON, id string) *answerJSON {
	for i := range as {
		if as[i].ParticipantID == id {
			return &as[i]
		}
	}
	return nil
}

func answerOf(as []answerJSON, participant, question string) *answerJSON {
	for i := range as {
		if as[i].ParticipantID == participant && as[i].QuestionID == question {
			return &as[i]
		}
	}
	return nil
}

func TestAnswerRevisionsAndHistory(t *testing.T) {
	w := newWorkshop(t, nil)
	gov := w.join(t, "government", "participant", "Asha", "Ministry of Health")
	cso := w.join(t, "civil_society", "participant", "Ben", "Data Rights Forum")
	obs := w.join(t, "academia", "observer", "Olu", "University")

	first, _ := w.answer(t, gov.Client, qMaturity, map[string]any{"value": 2, "rationale": "Draft law."})
	second, _ := w.answer(t, gov.Client, qMaturity, map[string]any{"value": 3, "rationale": "The act passed."})
	if first.Revision != 1 || second.Revision != 2 || first.ID != second.ID || second.ParticipantID != gov.ID || second.StakeholderGroup != "government" {
		t.Fatalf("revisions: %+v then %+v", first, second)
	}
	w.answer(t, cso.Client, qMaturity, map[string]any{"value": 1, "rationale": "Weak enforcement."})

	// Each stakeholder's current answer is kept separately: nothing is merged.
	all := w.answers(t, w.tn.Owner)
	if len(all) != 2 || string(byParticipant(all, gov.ID).Value) != "3" || string(byParticipant(all, cso.ID).Value) != "1" {
		t.Fatalf("current answers %+v", all)
	}

	own := w.history(t, gov.Client, qMaturity)
	if len(own) != 2 || own[0].Revision != 1 || string(own[0].Value) != "2" || own[0].Rationale != "Draft law." || own[1].Revision != 2 || string(own[1].Value) != "3" {
		t.Fatalf("own history %+v", own)
	}
	fac := w.history(t, w.tn.Owner, qMaturity)
	if len(fac) != 3 {
		t.Fatalf("facilitator history has %d revisions, want 3: %+v", len(fac), fac)
	}
	for _, r := range w.history(t, cso.Client, qMaturity) {
		if r.ParticipantID != cso.ID {
			t.Fatalf("a participant sees another's history: %+v", r)
		}
	}
	if h := w.history(t, obs.Client, qMaturity); len(h) != 0 {
		t.Fatalf("observer sees history %+v", h)
	}
	// The page shows one's own earlier answers, never another's.
	page := w.pageHTML(t, cso.Client, "legal_basis")
	if strings.Contains(page, "Draft law.") {
		t.Fatal("another participant's earlier rationale is on the page")
	}
	if page := w.pageHTML(t, gov.Client, "legal_basis"); !strings.Contains(page, "Draft law.") {
		t.Fatal("one's own earlier answer is not on the page")
	}
}

func TestIdempotentAnswerSave(t *testing.T) {
	w := newWorkshop(t, nil)
	p := w.join(t, "government", "participant", "Asha", "")
	var r1, r2 struct {
		Answer answerJSON `json:"answer"`
		Seq    int64      `json:"seq"`
	}
	p.Client.Must(200, "PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 2}, "Idempotency-Key", "k-1").JSON(t, &r1)
	p.Client.Must(200, "PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 2}, "Idempotency-Key", "k-1").JSON(t, &r2)
	if r1.Answer.Revision != 1 || r2.Answer.Revision != 1 || r1.Answer.ID != r2.Answer.ID {
		t.Fatalf("retry made a new revision: %+v / %+v", r1.Answer, r2.Answer)
	}
	if n := w.app.Count(t, "answer_revisions"); n != 1 {
		t.Fatalf("%d revisions after a retried save", n)
	}
}

func TestBlindMode(t *testing.T) {
	w := newWorkshop(t, nil)
	gov := w.join(t, "government", "participant", "Asha", "")
	cso := w.join(t, "civil_society", "participant", "Ben", "")
	obs := w.join(t, "academia", "observer", "Olu", "")
	w.tn.Owner.Must(200, "PATCH", w.base+"/session", map[string]any{"blind": true})

	mine, _ := w.answer(t, gov.Client, qMaturity, map[string]any{"value": 4, "rationale": "secret-rationale-asha",
		"evidence": []map[string]string{{"url": "https://example.org/secret-evidence-url", "title": "secret-evidence-title"}}})
	w.answer(t, gov.Client, qText, map[string]any{"value": "secret-text-answer"})
	w.answer(t, cso.Client, qMaturity, map[string]any{"value": 0, "rationale": "ben-rationale"})
	secrets := []string{"secret-rationale-asha", "secret-evidence-url", "secret-evidence-title", "secret-text-answer"}

	for name, c := range map[string]*servertest.Client{"other participant": cso.Client, "observer": obs.Client} {
		for _, a := range w.answers(t, c) {
			if a.ParticipantID == gov.ID || a.ID == mine.ID {
				if (len(a.Value) > 0 && string(a.Value) != "null") || a.Rationale != "" || len(a.Evidence) != 0 || !a.Redacted {
					t.Fatalf("%s reads a blind answer: %+v", name, a)
				}
			}
		}
		r := c.Must(200, "GET", w.base+"/answers", nil)
		for _, s := range secrets {
			if strings.Contains(string(r.Body), s) {
				t.Fatalf("%s: answers JSON holds %q", name, s)
			}
		}
		for _, dim := range []string{"legal_basis", "institutional_governance"} {
			page := w.pageHTML(t, c, dim)
			for _, s := range secrets {
				if strings.Contains(page, s) {
					t.Fatalf("%s: workspace page (%s) holds %q", name, dim, s)
				}
			}
		}
		if h := w.history(t, c, qMaturity); byParticipant(h, gov.ID) != nil {
			t.Fatalf("%s reads the blind answer's history", name)
		}
	}
	// The author and the facilitator see everything.
	if a := answerOf(w.answers(t, gov.Client), gov.ID, qMaturity); a == nil || string(a.Value) != "4" || a.Rationale != "secret-rationale-asha" {
		t.Fatalf("author's own answer under blind mode: %+v", a)
	}
	if a := answerOf(w.answers(t, w.tn.Owner), gov.ID, qMaturity); a == nil || string(a.Value) != "4" || a.Redacted {
		t.Fatalf("facilitator's view under blind mode: %+v", a)
	}
	if page := w.pageHTML(t, w.tn.Owner, "legal_basis"); !strings.Contains(page, "secret-rationale-asha") {
		t.Fatal("the facilitator's page lacks the answer")
	}
	// Revealing shows the values to everyone.
	w.tn.Owner.Must(200, "PATCH", w.base+"/session", map[string]any{"blind": false})
	if a := answerOf(w.answers(t, cso.Client), gov.ID, qMaturity); a == nil || string(a.Value) != "4" || a.Redacted {
		t.Fatalf("after reveal: %+v", a)
	}
}

func TestGroupAttribution(t *testing.T) {
	w := newWorkshop(t, map[string]any{"attribution": "group"})
	alice := w.join(t, "government", "participant", "Alice Secretname", "Secret Ministry")
	bob := w.join(t, "civil_society", "participant", "Bob Hiddenname", "Hidden Forum")
	obs := w.join(t, "academia", "observer", "Olga Unseen", "Unseen Institute")

	w.answer(t, alice.Client, qMaturity, map[string]any{"value": 3, "rationale": "alice-says"})
	w.answer(t, bob.Client, qMaturity, map[string]any{"value": 1, "rationale": "bob-says"})
	c, _ := w.comment(t, alice.Client, qMaturity, map[string]any{"body": "alice-comment"})
	w.comment(t, bob.Client, qMaturity, map[string]any{"body": "bob-reply", "parent_id": c.ID})
	fc, _ := w.comment(t, w.tn.Owner, qMaturity, map[string]any{"body": "facilitator-note"})

	aliceMarks := []string{"Alice Secretname", "Secret Ministry", alice.ID}
	for name, viewer := range map[string]*servertest.Client{"bob": bob.Client, "observer": obs.Client} {
		bodies := map[string]string{
			"answers":      string(viewer.Must(200, "GET", w.base+"/answers", nil).Body),
			"participants": string(viewer.Must(200, "GET", w.base+"/participants", nil).Body),
			"comments":     string(viewer.Must(200, "GET", w.base+"/questions/"+qMaturity+"/comments", nil).Body),
			"history":      string(viewer.Must(200, "GET", w.base+"/answers/"+qMaturity+"/history", nil).Body),
			"page":         w.pageHTML(t, viewer, "legal_basis"),
		}
		for where, body := range bodies {
			for _, m := range aliceMarks {
				if strings.Contains(body, m) {
					t.Errorf("%s sees %q in %s", name, m, where)
				}
			}
			if !strings.Contains(body, "government") && where != "history" {
				t.Errorf("%s's %s lacks the stakeholder group", name, where)
			}
		}
		// The facilitator is named; the viewer's own identity is there for themselves.
		if cm := w.comments(t, viewer, qMaturity)[fc.ID]; cm.Author.DisplayName == "" || !cm.Author.Facilitator {
			t.Errorf("%s: facilitator's comment author %+v", name, cm.Author)
		}
	}
	if a := byParticipant(w.answers(t, bob.Client), bob.ID); a == nil || a.DisplayName != "Bob Hiddenname" {
		t.Fatalf("bob's own answer: %+v", a)
	}
	// The facilitator sees names everywhere.
	fac := map[string]string{
		"answers":      string(w.tn.Owner.Must(200, "GET", w.base+"/answers", nil).Body),
		"participants": string(w.tn.Owner.Must(200, "GET", w.base+"/participants", nil).Body),
		"comments":     string(w.tn.Owner.Must(200, "GET", w.base+"/questions/"+qMaturity+"/comments", nil).Body),
		"page":         w.pageHTML(t, w.tn.Owner, "legal_basis"),
		"manage":       string(w.tn.Owner.Must(200, "GET", w.page+"/manage", nil).Body),
	}
	for where, body := range fac {
		if !strings.Contains(body, "Alice Secretname") {
			t.Errorf("facilitator's %s lacks the name", where)
		}
	}
}

func TestSmallGroupSuppression(t *testing.T) {
	w := newWorkshop(t, map[string]any{"min_group_size": 2})
	lone := w.join(t, "regulator", "participant", "Lone Regulator", "")
	c1 := w.join(t, "civil_society", "participant", "Cara", "")
	c2 := w.join(t, "civil_society", "participant", "Cole", "")

	w.answer(t, lone.Client, qMaturity, map[string]any{"value": 4, "rationale": "regulator-view"})
	w.answer(t, c1.Client, qMaturity, map[string]any{"value": 1, "rationale": "cara-view"})
	w.answer(t, c2.Client, qMaturity, map[string]any{"value": 2, "rationale": "cole-view"})

	got := w.answers(t, c1.Client)
	for _, a := range got {
		if a.StakeholderGroup == "regulator" {
			t.Fatalf("a participant sees a suppressed group's answer: %+v", a)
		}
	}
	if len(got) != 2 {
		t.Fatalf("civil society sees %d answers, want its own group's 2", len(got))
	}
	if page := w.pageHTML(t, c1.Client, "legal_basis"); strings.Contains(page, "regulator-view") {
		t.Fatal("the suppressed answer is on the page")
	}
	// Small is per question: two regulators in the workspace, but only one answered qOther.
	second := w.join(t, "regulator", "participant", "Second Regulator", "")
	w.answer(t, second.Client, qMaturity, map[string]any{"value": 3, "rationale": "second-regulator-view"})
	w.answer(t, lone.Client, qOther, map[string]any{"value": 0, "rationale": "only-one-regulator-here"})
	all := w.answers(t, c1.Client)
	if answerOf(all, lone.ID, qMaturity) == nil || answerOf(all, second.ID, qMaturity) == nil {
		t.Fatalf("a group of two is still suppressed: %+v", all)
	}
	if answerOf(all, lone.ID, qOther) != nil {
		t.Fatal("a single regulator's answer to a question is shown because other regulators answered other questions")
	}
	var filtered struct {
		Answers []answerJSON `json:"answers"`
	}
	c1.Client.Must(200, "GET", w.base+"/answers?question_id="+qOther, nil).JSON(t, &filtered)
	if answerOf(filtered.Answers, lone.ID, qOther) != nil {
		t.Fatal("the filtered list shows the suppressed answer")
	}
	if strings.Contains(w.pageHTML(t, c1.Client, "legal_basis"), "only-one-regulator-here") {
		t.Fatal("the page shows a suppressed answer")
	}
	w.tn.Owner.Must(200, "PATCH", w.base, map[string]any{"min_group_size": 1})
	if answerOf(w.answers(t, c1.Client), lone.ID, qOther) == nil {
		t.Fatal("with min_group_size 1 nothing is suppressed")
	}
	w.tn.Owner.Must(200, "PATCH", w.base, map[string]any{"min_group_size": 2})
	// The lone answerer still sees their own answer, and the big group's.
	if got := w.answers(t, lone.Client); answerOf(got, lone.ID, qOther) == nil || answerOf(got, c1.ID, qMaturity) == nil {
		t.Fatalf("the lone participant's view: %+v", got)
	}
	if got := w.answers(t, w.tn.Owner); len(got) != 5 {
		t.Fatalf("the facilitator sees %d answers, want all 5", len(got))
	}
}

func TestHiddenComments(t *testing.T) {
	w := newWorkshop(t, nil)
	author := w.join(t, "government", "participant", "Asha", "")
	other := w.join(t, "civil_society", "participant", "Ben", "")
	c, _ := w.comment(t, author.Client, qMaturity, map[string]any{"body": "rude-words-here", "stance": "challenges"})
	var hidden struct {
		Comment commentJSON `json:"comment"`
		Seq     int64       `json:"seq"`
	}
	w.tn.Owner.Must(200, "POST", w.base+"/comments/"+c.ID+"/hide", map[string]string{"reason": "personal-attack-reason"}).JSON(t, &hidden)
	if !hidden.Comment.Hidden || hidden.Seq == 0 {
		t.Fatalf("hide response %+v", hidden)
	}

	if got := w.comments(t, author.Client, qMaturity)[c.ID]; !got.Hidden || got.Body != "rude-words-here" || got.HiddenReason != "personal-attack-reason" {
		t.Fatalf("author's view of the hidden comment: %+v", got)
	}
	if got := w.comments(t, w.tn.Owner, qMaturity)[c.ID]; !got.Hidden || got.Body != "rude-words-here" || got.HiddenReason != "personal-attack-reason" {
		t.Fatalf("facilitator's view: %+v", got)
	}
	got, ok := w.comments(t, other.Client, qMaturity)[c.ID]
	if !ok || !got.Hidden || got.Body != "" || got.HiddenReason != "" {
		t.Fatalf("another participant's view: %+v (listed %v)", got, ok)
	}
	page := w.pageHTML(t, other.Client, "legal_basis")
	if strings.Contains(page, "rude-words-here") || strings.Contains(page, "personal-attack-reason") {
		t.Fatal("the hidden comment's body or reason is on another participant's page")
	}
	if !strings.Contains(page, "A facilitator hid this comment") {
		t.Fatal("the page does not say a comment was hidden")
	}
	if page := w.pageHTML(t, author.Client, "legal_basis"); !strings.Contains(page, "rude-words-here") || !strings.Contains(page, "personal-attack-reason") {
		t.Fatal("the author's page lacks their hidden comment and its reason")
	}
	// Hidden is not deleted.
	var body string
	if err := w.app.DB.Writer().Get(&body, `SELECT body FROM comments WHERE id = ?`, c.ID); err != nil || body != "rude-words-here" {
		t.Fatalf("stored body %q, %v", body, err)
	}
	// Participants cannot hide, not even their own.
	checkContractError(t, author.Client.Do("POST", w.base+"/comments/"+c.ID+"/hide", map[string]string{"reason": "x"}), 403)
}

func TestCommentThreadsEditDelete(t *testing.T) {
	w := newWorkshop(t, nil)
	a := w.join(t, "government", "participant", "Asha", "")
	b := w.join(t, "civil_society", "participant", "Ben", "")
	obs := w.join(t, "academia", "observer", "Olu", "")

	top, _ := w.comment(t, a.Client, qMaturity, map[string]any{"body": "top-level", "stance": "supports"})
	reply, _ := w.comment(t, b.Client, qMaturity, map[string]any{"body": "a reply", "stance": "question", "parent_id": top.ID})
	if reply.ParentID != top.ID {
		t.Fatalf("reply parent %q", reply.ParentID)
	}
	// Observers can comment and reply.
	w.comment(t, obs.Client, qMaturity, map[string]any{"body": "observer note", "parent_id": top.ID})
	before := w.app.Count(t, "comments")
	checkContractError(t, a.Client.Do("POST", w.base+"/questions/"+qMaturity+"/comments", map[string]any{"body": "too deep", "parent_id": reply.ID}), 400, "parent_id")
	checkContractError(t, a.Client.Do("POST", w.base+"/questions/"+qOther+"/comments", map[string]any{"body": "wrong question", "parent_id": top.ID}), 400, "parent_id")
	if w.app.Count(t, "comments") != before {
		t.Fatal("a refused reply was stored")
	}

	// Only the author edits or deletes.
	for _, c := range []*servertest.Client{b.Client, w.tn.Owner, obs.Client} {
		checkContractError(t, c.Do("PATCH", w.base+"/comments/"+top.ID, map[string]string{"body": "hijacked"}), 403)
		checkContractError(t, c.Do("DELETE", w.base+"/comments/"+top.ID, nil), 403)
	}
	var edited struct {
		Comment commentJSON `json:"comment"`
		Seq     int64       `json:"seq"`
	}
	a.Client.Must(200, "PATCH", w.base+"/comments/"+top.ID, map[string]string{"body": "top-level, reworded", "stance": "challenges"}).JSON(t, &edited)
	if !edited.Comment.Edited || edited.Comment.Body != "top-level, reworded" || edited.Seq == 0 {
		t.Fatalf("edit: %+v", edited)
	}
	a.Client.Must(200, "DELETE", w.base+"/comments/"+top.ID, nil)
	// Soft delete: the thread stays, the body goes, the replies remain.
	list := w.comments(t, b.Client, qMaturity)
	if got := list[top.ID]; !got.Deleted || got.Body != "" {
		t.Fatalf("deleted comment as listed: %+v", got)
	}
	if got := list[reply.ID]; got.Body != "a reply" || got.ParentID != top.ID {
		t.Fatalf("reply after its parent was deleted: %+v", got)
	}
	if w.app.Count(t, "comments") != before {
		t.Fatal("delete removed a row")
	}
	checkContractError(t, a.Client.Do("PATCH", w.base+"/comments/"+top.ID, map[string]string{"body": "undelete"}), 409)
	if page := w.pageHTML(t, b.Client, "legal_basis"); !strings.Contains(page, "deleted by its author") || strings.Contains(page, "top-level, reworded") {
		t.Fatal("the page does not show the soft-deleted comment as deleted")
	}
	// A facilitator's own comments are theirs to edit.
	fc, _ := w.comment(t, w.tn.Owner, qMaturity, map[string]any{"body": "facilitator remark"})
	w.tn.Owner.Must(200, "PATCH", w.base+"/comments/"+fc.ID, map[string]string{"body": "facilitator remark, edited"})
	checkContractError(t, a.Client.Do("PATCH", w.base+"/comments/"+fc.ID, map[string]string{"body": "x"}), 403)
	other := w.app.AddFacilitator(t, w.tn, "Second Facilitator")
	checkContractError(t, other.Do("PATCH", w.base+"/comments/"+fc.ID, map[string]string{"body": "x"}), 403)
}

func TestInvites(t *testing.T) {
	w := newWorkshop(t, nil)
	create := func(body map[string]any) (id, token string) {
		var out struct {
			Invite struct{ ID, Token, URL string } `json:"invite"`
		}
		w.tn.Owner.Must(201, "POST", w.base+"/invites", body).JSON(t, &out)
		if !strings.HasSuffix(out.Invite.URL, "/join/"+out.Invite.Token) {
			t.Fatalf("invite url %q", out.Invite.URL)
		}
		return out.Invite.ID, out.Invite.Token
	}
	joinAs := func(token string) *servertest.Response {
		return w.app.Client(t).Do("POST", "/api/v1/join/"+token, map[string]string{"display_name": "Someone", "organization": "Somewhere"})
	}

	t.Run("the invite decides group and role", func(t *testing.T) {
		_, tok := create(map[string]any{"stakeholder_group": "regulator", "role": "observer"})
		var out struct {
			Participant struct {
				StakeholderGroup string `json:"stakeholder_group"`
				Role             string `json:"role"`
				DisplayName      string `json:"display_name"`
				Organization     string `json:"organization"`
			} `json:"participant"`
			ReturnURL string `json:"return_url"`
			Seq       int64  `json:"seq"`
		}
		r := joinAs(tok)
		if r.Status != 201 {
			t.Fatalf("join: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &out)
		if out.Participant.StakeholderGroup != "regulator" || out.Participant.Role != "observer" || out.Participant.Organization != "Somewhere" || out.ReturnURL == "" || out.Seq == 0 {
			t.Fatalf("joined as %+v", out)
		}
	})
	t.Run("join asks only for a display name and organisation", func(t *testing.T) {
		_, tok := create(map[string]any{"stakeholder_group": "academia"})
		page := string(w.app.Client(t).Must(200, "GET", "/join/"+tok, nil).Body)
		form := page[strings.Index(page, "<form"):]
		form = form[:strings.Index(form, "</form>")]
		names := regexp.MustCompile(`name="([^"]+)"`).FindAllStringSubmatch(form, -1)
		var got []string
		for _, n := range names {
			got = append(got, n[1])
		}
		if strings.Join(got, ",") != "display_name,organization" {
			t.Fatalf("join form asks for %v", got)
		}
		if strings.Contains(form, `type="password"`) || strings.Contains(form, `name="email"`) {
			t.Fatal("the join form asks for an account")
		}
	})
	t.Run("max uses", func(t *testing.T) {
		_, tok := create(map[string]any{"stakeholder_group": "academia", "max_uses": 2})
		for i := 0; i < 2; i++ {
			if r := joinAs(tok); r.Status != 201 {
				t.Fatalf("use %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		before := w.app.Count(t, "participants")
		checkContractError(t, joinAs(tok), 409)
		if w.app.Count(t, "participants") != before {
			t.Fatal("a used-up invite admitted someone")
		}
		var info struct {
			Usable  bool   `json:"usable"`
			Problem string `json:"problem"`
		}
		w.app.Client(t).Must(200, "GET", "/api/v1/join/"+tok, nil).JSON(t, &info)
		if info.Usable || info.Problem == "" {
			t.Fatalf("join info %+v", info)
		}
	})
	t.Run("max uses under concurrent joins", func(t *testing.T) {
		_, tok := create(map[string]any{"stakeholder_group": "community", "max_uses": 3})
		var wg sync.WaitGroup
		statuses := make(chan int, 10)
		for range 10 {
			c := w.app.Client(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- c.Do("POST", "/api/v1/join/"+tok, map[string]string{"display_name": "Rush"}).Status
			}()
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		if count[201] != 3 || count[409] != 7 {
			t.Fatalf("statuses %v, want 3×201 and 7×409", count)
		}
	})
	t.Run("revocation", func(t *testing.T) {
		id, tok := create(map[string]any{"stakeholder_group": "academia"})
		w.tn.Owner.Must(200, "POST", w.base+"/invites/"+id+"/revoke", nil)
		w.tn.Owner.Must(200, "POST", w.base+"/invites/"+id+"/revoke", nil) // idempotent
		checkContractError(t, joinAs(tok), 409)
		if r := w.app.Client(t).Do("POST", "/join/"+tok, url.Values{"display_name": {"Form"}}.Encode(), "Content-Type", "application/x-www-form-urlencoded"); r.Status != 409 {
			t.Fatalf("form join of a revoked invite: %d", r.Status)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		id, tok := create(map[string]any{"stakeholder_group": "academia", "expires_in_hours": 1})
		if r := joinAs(tok); r.Status != 201 {
			t.Fatalf("fresh invite: %d", r.Status)
		}
		w.app.Exec(t, `UPDATE invites SET expires_at = ? WHERE id = ?`, time.Now().UTC().Add(-time.Minute), id)
		checkContractError(t, joinAs(tok), 409)
		page := string(w.app.Client(t).Must(200, "GET", "/join/"+tok, nil).Body)
		if !strings.Contains(page, "expired") || strings.Contains(page, `name="display_name"`) {
			t.Fatal("the join page of an expired invite still offers the form")
		}
	})
	t.Run("an archived workspace admits no one", func(t *testing.T) {
		w2 := newWorkshop(t, nil)
		tok := w2.tn.Invite(t, w2.ws, "academia", "participant")
		w2.tn.Owner.Must(200, "PATCH", w2.base, map[string]any{"archived": true})
		before := w2.app.Count(t, "participants")
		checkContractError(t, w2.app.Client(t).Do("POST", "/api/v1/join/"+tok, map[string]string{"display_name": "Late"}), 409)
		if r := w2.app.Client(t).Form("/join/"+tok, url.Values{"display_name": {"Late"}}); r.Status != 409 {
			t.Fatalf("form join of an archived workspace: %d", r.Status)
		}
		if w2.app.Count(t, "participants") != before {
			t.Fatal("someone joined an archived workspace")
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		checkContractError(t, joinAs("not-a-token"), 404)
		checkContractError(t, w.app.Client(t).Do("GET", "/api/v1/join/not-a-token", nil), 404)
	})
	t.Run("tokens are not stored", func(t *testing.T) {
		_, tok := create(map[string]any{"stakeholder_group": "academia"})
		var n int
		if err := w.app.DB.Writer().Get(&n, `SELECT count(*) FROM invites WHERE token_hash = ?`, tok); err != nil || n != 0 {
			t.Fatalf("invite token stored in clear (%d, %v)", n, err)
		}
	})
}

func TestReturnLink(t *testing.T) {
	w := newWorkshop(t, nil)
	p := w.join(t, "government", "participant", "Zoë Ñandú; O'Brien", "")
	w.answer(t, p.Client, qMaturity, map[string]any{"value": 2})
	token := strings.TrimPrefix(p.ReturnURL, w.app.URL+"/r/")
	if token == p.ReturnURL || token == "" {
		t.Fatalf("return url %q", p.ReturnURL)
	}

	// A fresh device (no cookies) comes back as the same participant.
	fresh := w.app.Client(t)
	r := fresh.Must(303, "GET", "/r/"+token, nil)
	if loc := r.Header.Get("Location"); loc != w.page {
		t.Fatalf("return link redirects to %q", loc)
	}
	// The welcome message keeps the name intact through the flash cookie.
	if page := w.pageHTML(t, fresh, ""); !strings.Contains(page, "Welcome back, "+html.EscapeString("Zoë Ñandú; O'Brien")) {
		t.Error("the welcome message mangles the name")
	}
	a, _ := w.answer(t, fresh, qMaturity, map[string]any{"value": 3})
	if a.ParticipantID != p.ID || a.Revision != 2 {
		t.Fatalf("the return link made a different participant: %+v", a)
	}
	api := w.app.Client(t)
	api.Must(200, "POST", "/api/v1/return/"+token, nil)
	api.Must(200, "GET", w.base, nil)

	// Rotating gives a new link and kills the old one.
	var rot struct {
		ReturnURL string `json:"return_url"`
	}
	p.Client.Must(200, "POST", w.base+"/return-link", nil).JSON(t, &rot)
	newToken := strings.TrimPrefix(rot.ReturnURL, w.app.URL+"/r/")
	if newToken == token || newToken == "" {
		t.Fatalf("rotation returned %q", rot.ReturnURL)
	}
	if r := w.app.Client(t).Do("GET", "/r/"+token, nil); r.Status != 404 {
		t.Fatalf("old return link after rotation: %d", r.Status)
	}
	checkContractError(t, w.app.Client(t).Do("POST", "/api/v1/return/"+token, nil), 404)
	w.app.Client(t).Must(303, "GET", "/r/"+newToken, nil)
	// Sessions already opened with the old link keep working; rotation is about the link.
	fresh.Must(200, "GET", w.base, nil)
}

func TestParticipantManagement(t *testing.T) {
	w := newWorkshop(t, nil)
	p := w.join(t, "government", "participant", "Asha", "")
	gone := w.join(t, "civil_society", "participant", "Ben", "")
	w.answer(t, p.Client, qMaturity, map[string]any{"value": 2})
	w.answer(t, gone.Client, qMaturity, map[string]any{"value": 1, "rationale": "ben-stays"})

	t.Run("moving a participant moves their current answers", func(t *testing.T) {
		var out struct {
			Participant struct {
				StakeholderGroup string `json:"stakeholder_group"`
			} `json:"participant"`
			Seq int64 `json:"seq"`
		}
		w.tn.Owner.Must(200, "PATCH", w.base+"/participants/"+p.ID, map[string]string{"stakeholder_group": "academia"}).JSON(t, &out)
		if out.Participant.StakeholderGroup != "academia" || out.Seq == 0 {
			t.Fatalf("patch response %+v", out)
		}
		if a := byParticipant(w.answers(t, w.tn.Owner), p.ID); a == nil || a.StakeholderGroup != "academia" {
			t.Fatalf("current answer group after the move: %+v", a)
		}
		// History keeps the group each revision was given in; new saves use the new group.
		if h := w.history(t, w.tn.Owner, qMaturity); byParticipant(h, p.ID).StakeholderGroup != "government" {
			t.Fatalf("the earlier revision's group changed: %+v", h)
		}
		a, _ := w.answer(t, p.Client, qMaturity, map[string]any{"value": 3})
		if a.StakeholderGroup != "academia" {
			t.Fatalf("new save in group %q", a.StakeholderGroup)
		}
		var me struct {
			You struct {
				StakeholderGroup string `json:"stakeholder_group"`
			} `json:"you"`
		}
		p.Client.Must(200, "GET", w.base, nil).JSON(t, &me)
		if me.You.StakeholderGroup != "academia" {
			t.Fatalf("the participant still sees group %q", me.You.StakeholderGroup)
		}
	})

	t.Run("a removed participant loses access and their answers stay", func(t *testing.T) {
		returnToken := strings.TrimPrefix(gone.ReturnURL, w.app.URL+"/r/")
		w.tn.Owner.Must(200, "DELETE", w.base+"/participants/"+gone.ID, nil)
		checkContractError(t, gone.Client.Do("GET", w.base, nil), 404)
		checkContractError(t, gone.Client.Do("GET", w.base+"/answers", nil), 404)
		checkContractError(t, gone.Client.Do("PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 4}), 404)
		checkContractError(t, gone.Client.Do("GET", "/api/v1/tenants/"+w.tn.Slug+"/workspaces", nil), 404)
		if r := gone.Client.Do("GET", w.page, nil); r.Status != 404 {
			t.Fatalf("removed participant's page: %d", r.Status)
		}
		if r := w.app.Client(t).Do("GET", "/r/"+returnToken, nil); r.Status != 404 {
			t.Fatalf("removed participant's return link: %d", r.Status)
		}
		if a := byParticipant(w.answers(t, w.tn.Owner), gone.ID); a == nil || a.Rationale != "ben-stays" {
			t.Fatalf("the removed participant's answer is gone: %+v", a)
		}
		if a := byParticipant(w.answers(t, p.Client), gone.ID); a == nil {
			t.Fatal("other participants no longer see the removed participant's answer")
		}
		var list struct {
			Participants []struct {
				ID        string  `json:"id"`
				RemovedAt *string `json:"removed_at"`
			} `json:"participants"`
		}
		w.tn.Owner.Must(200, "GET", w.base+"/participants", nil).JSON(t, &list)
		found := false
		for _, pt := range list.Participants {
			if pt.ID == gone.ID {
				found = pt.RemovedAt != nil
			}
		}
		if !found {
			t.Fatal("the facilitator's list does not show the participant as removed")
		}
		p.Client.Must(200, "GET", w.base+"/participants", nil).JSON(t, &list)
		for _, pt := range list.Participants {
			if pt.ID == gone.ID {
				t.Fatal("participants still list a removed participant")
			}
		}
	})
}

func TestWorkspaceBoundaries(t *testing.T) {
	w := newWorkshop(t, nil)
	p := w.join(t, "government", "participant", "Asha", "")
	obs := w.join(t, "academia", "observer", "Olu", "")
	other := w.tn.Workspace(t, map[string]any{"title": "Not yours"})
	otherBase := servertest.WSPath(w.tn.Slug, other)

	for name, c := range map[string]*servertest.Client{"participant": p.Client, "observer": obs.Client} {
		checkContractError(t, c.Do("GET", otherBase, nil), 404)
		checkContractError(t, c.Do("GET", otherBase+"/answers", nil), 404)
		checkContractError(t, c.Do("POST", otherBase+"/questions/"+qMaturity+"/comments", map[string]string{"body": "x"}), 404)
		if r := c.Do("GET", "/t/"+w.tn.Slug+"/w/"+other, nil); r.Status != 404 {
			t.Fatalf("%s: page of an uninvited workspace: %d", name, r.Status)
		}
		var list struct {
			Workspaces []struct{ ID string } `json:"workspaces"`
		}
		c.Must(200, "GET", "/api/v1/tenants/"+w.tn.Slug+"/workspaces", nil).JSON(t, &list)
		if len(list.Workspaces) != 1 || list.Workspaces[0].ID != w.ws {
			t.Fatalf("%s lists %+v", name, list.Workspaces)
		}
		if strings.Contains(w.pageHTML(t, c, ""), "Not yours") {
			t.Fatalf("%s's page names an uninvited workspace", name)
		}
		if strings.Contains(string(c.Must(200, "GET", "/t/"+w.tn.Slug, nil).Body), "Not yours") {
			t.Fatalf("%s's dashboard names an uninvited workspace", name)
		}
	}
	// Observers comment but never answer.
	w.comment(t, obs.Client, qMaturity, map[string]any{"body": "watching", "stance": "question"})
	checkContractError(t, obs.Client.Do("PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 1}), 403)
	if r := obs.Client.Form(w.page+"/answers/"+qMaturity, url.Values{"choice": {"1"}}); r.Status != 403 {
		t.Fatalf("observer form answer: %d", r.Status)
	}
	if strings.Contains(w.pageHTML(t, obs.Client, "legal_basis"), `class="answer-form"`) {
		t.Fatal("the observer's page offers the answer form")
	}
}

func TestRounds(t *testing.T) {
	w := newWorkshop(t, nil)
	p := w.join(t, "government", "participant", "Asha", "")
	r1, _ := w.answer(t, p.Client, qMaturity, map[string]any{"value": 1, "rationale": "round one view"})
	if r1.Round != 1 {
		t.Fatalf("first answer in round %d", r1.Round)
	}
	var st struct {
		Session struct {
			Round int `json:"round"`
		} `json:"session"`
		Seq int64 `json:"seq"`
	}
	w.tn.Owner.Must(200, "PATCH", w.base+"/session", map[string]any{"round": 2}).JSON(t, &st)
	if st.Session.Round != 2 || st.Seq == 0 {
		t.Fatalf("session after opening round 2: %+v", st)
	}
	r2, _ := w.answer(t, p.Client, qMaturity, map[string]any{"value": 3, "rationale": "round two view"})
	if r2.Round != 2 || r2.Revision != 2 || r2.ID != r1.ID {
		t.Fatalf("answer after opening round 2: %+v", r2)
	}
	h := w.history(t, w.tn.Owner, qMaturity)
	if len(h) != 2 || h[0].Round != 1 || h[0].Rationale != "round one view" || string(h[0].Value) != "1" || h[1].Round != 2 {
		t.Fatalf("history across rounds: %+v", h)
	}
	if own := w.history(t, p.Client, qMaturity); len(own) != 2 || own[0].Round != 1 {
		t.Fatalf("own history across rounds: %+v", own)
	}
	// An answer not touched in round 2 keeps its round-1 record.
	other, _ := w.answer(t, p.Client, qOther, map[string]any{"value": 2})
	if other.Round != 2 {
		t.Fatalf("round %d", other.Round)
	}
}

func TestSynthesisKeepsAnswers(t *testing.T) {
	w := newWorkshop(t, nil)
	gov := w.join(t, "government", "participant", "Asha", "")
	cso := w.join(t, "civil_society", "participant", "Ben", "")
	w.answer(t, gov.Client, qMaturity, map[string]any{"value": 4})
	w.answer(t, cso.Client, qMaturity, map[string]any{"value": 0})
	dump := func() string {
		var rows []string
		if err := w.app.DB.Writer().Select(&rows, `SELECT id || '|' || revision || '|' || coalesce(value, '') || '|' || stakeholder_group || '|' || updated_at FROM answers
			UNION ALL SELECT answer_id || '|' || revision || '|' || coalesce(value, '') || '|' || stakeholder_group || '|' || created_at FROM answer_revisions ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		return strings.Join(rows, "\n")
	}
	before, apiBefore := dump(), string(w.tn.Owner.Must(200, "GET", w.base+"/answers", nil).Body)
	var out struct {
		Synthesis struct {
			Status  string `json:"status"`
			Dissent string `json:"dissent"`
		} `json:"synthesis"`
		Seq int64 `json:"seq"`
	}
	w.tn.Owner.Must(200, "PUT", w.base+"/synthesis/"+qMaturity, map[string]string{"status": "no_agreement", "summary": "Views differ.", "dissent": "Civil society sees no enforcement."}).JSON(t, &out)
	if out.Synthesis.Status != "no_agreement" || out.Seq == 0 {
		t.Fatalf("synthesis %+v", out)
	}
	w.tn.Owner.Must(200, "PUT", w.base+"/synthesis/"+qMaturity, map[string]string{"status": "agreed_with_reservations"})
	if dump() != before || string(w.tn.Owner.Must(200, "GET", w.base+"/answers", nil).Body) != apiBefore {
		t.Fatal("saving a synthesis changed the answers")
	}
	var list struct {
		Syntheses []struct {
			QuestionID string `json:"question_id"`
			Status     string `json:"status"`
		} `json:"syntheses"`
	}
	gov.Client.Must(200, "GET", w.base+"/synthesis", nil).JSON(t, &list)
	if len(list.Syntheses) != 1 || list.Syntheses[0].Status != "agreed_with_reservations" {
		t.Fatalf("syntheses %+v", list.Syntheses)
	}
}

// TestSeqIsGapless collects the seq of every write response that records an event: together they
// must be exactly 1, 2, 3, ... in order, and match the event log.
func TestSeqIsGapless(t *testing.T) {
	w := newWorkshop(t, nil)
	var seqs []int64
	add := func(r *servertest.Response) {
		t.Helper()
		var out struct {
			Seq int64 `json:"seq"`
		}
		r.JSON(t, &out)
		seqs = append(seqs, out.Seq)
	}
	join := func(group, role string) (*servertest.Client, string) {
		c := w.app.Client(t)
		r := c.Must(201, "POST", "/api/v1/join/"+w.tn.Invite(t, w.ws, group, role), map[string]string{"display_name": group})
		add(r)
		var out struct {
			Participant struct{ ID string } `json:"participant"`
		}
		r.JSON(t, &out)
		return c, out.Participant.ID
	}
	gov, _ := join("government", "participant")
	cso, csoID := join("civil_society", "participant")
	fac := w.tn.Owner
	add(gov.Must(200, "PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 2}))
	add(cso.Must(200, "PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 1}))
	add(gov.Must(200, "PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 3}))
	r := gov.Must(201, "POST", w.base+"/questions/"+qMaturity+"/comments", map[string]string{"body": "c1"})
	add(r)
	var c1 struct {
		Comment struct{ ID string } `json:"comment"`
	}
	r.JSON(t, &c1)
	add(cso.Must(201, "POST", w.base+"/questions/"+qMaturity+"/comments", map[string]string{"body": "reply", "parent_id": c1.Comment.ID}))
	add(gov.Must(200, "PATCH", w.base+"/comments/"+c1.Comment.ID, map[string]string{"body": "c1 edited"}))
	add(fac.Must(200, "POST", w.base+"/comments/"+c1.Comment.ID+"/hide", map[string]string{"reason": "r"}))
	add(gov.Must(200, "DELETE", w.base+"/comments/"+c1.Comment.ID, nil))
	add(fac.Must(200, "PATCH", w.base+"/session", map[string]any{"blind": true, "spotlight": qMaturity}))
	add(fac.Must(200, "PUT", w.base+"/synthesis/"+qMaturity, map[string]string{"status": "agreed"}))
	add(fac.Must(200, "PATCH", w.base+"/participants/"+csoID, map[string]string{"stakeholder_group": "academia"}))
	add(fac.Must(200, "PATCH", w.base, map[string]any{"title": "Renamed"}))
	add(fac.Must(200, "DELETE", w.base+"/participants/"+csoID, nil))
	// Writes that refuse record nothing and leave no gap.
	checkContractError(t, cso.Do("PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 9}), 404)
	checkContractError(t, gov.Do("PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 9}), 400)
	add(gov.Must(200, "PUT", w.base+"/answers/"+qOther, map[string]any{"value": 1}))

	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("seqs %v: position %d is %d, want %d", seqs, i, s, i+1)
		}
	}
	var logged []int64
	if err := w.app.DB.Writer().Select(&logged, `SELECT seq FROM events WHERE workspace_id = ? ORDER BY seq`, w.ws); err != nil {
		t.Fatal(err)
	}
	if len(logged) != len(seqs) || logged[len(logged)-1] != seqs[len(seqs)-1] {
		t.Fatalf("event log %v, responses %v", logged, seqs)
	}
	var ws struct {
		Workspace struct {
			LastSeq int64 `json:"last_seq"`
		} `json:"workspace"`
	}
	fac.Must(200, "GET", w.base, nil).JSON(t, &ws)
	if ws.Workspace.LastSeq != int64(len(seqs)) {
		t.Fatalf("workspace last_seq %d, want %d", ws.Workspace.LastSeq, len(seqs))
	}
}

// The XSS corpus of issue 4.
var xssPayloads = []string{
	`<script>window.__xss=1</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`<svg onload=alert(1)>`,
	"\u202Egnp.exe",
	`'><a href="javascript:alert(1)">x</a>`,
	`</textarea><script>window.__xss=2</script>`,
	`{{.}} {{template "x"}}`,
	`https://evil.example/x"onmouseover="alert(1)`,
}

var (
	anyTag         = regexp.MustCompile(`(?is)<([a-z][a-z0-9]*)\b[^>]*>`)
	scriptTag      = regexp.MustCompile(`(?is)<script\b[^>]*>`)
	attribute      = regexp.MustCompile(`([^\s"'<>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?`)
	javascriptHref = regexp.MustCompile(`(?i)(href|src|action|formaction)\s*=\s*["']?\s*javascript:`)
)

// checkNoMarkup asserts that user-supplied payloads appear in the page only as text: no script
// tag but our own, no inline event handler, no img/svg element, no javascript: URL.
func checkNoMarkup(t *testing.T, where, page string) {
	t.Helper()
	for _, m := range scriptTag.FindAllString(page, -1) {
		if !strings.Contains(m, `src="/static/`) {
			t.Errorf("%s: a script tag not ours: %s", where, m)
		}
	}
	for _, m := range anyTag.FindAllStringSubmatch(page, -1) {
		tag := strings.ToLower(m[1])
		if tag == "img" || tag == "svg" || tag == "iframe" || tag == "object" || tag == "embed" {
			t.Errorf("%s: injected element %s", where, m[0])
		}
		for _, a := range attribute.FindAllStringSubmatch(m[0][len(m[1])+1:], -1) {
			if strings.HasPrefix(strings.ToLower(a[1]), "on") {
				t.Errorf("%s: inline event handler %s in %s", where, a[1], m[0])
			}
		}
	}
	if m := javascriptHref.FindString(page); m != "" {
		t.Errorf("%s: javascript: URL %s", where, m)
	}
	if strings.Contains(page, "window.__xss=1</script>") || strings.Contains(page, "window.__xss=2</script>") {
		t.Errorf("%s: an unescaped script body", where)
	}
}

func TestXSSIsRenderedAsText(t *testing.T) {
	w := newWorkshop(t, nil)
	p := w.join(t, "government", "participant", xssPayloads[1], xssPayloads[0])
	obs := w.join(t, "civil_society", "observer", xssPayloads[3], xssPayloads[4])
	w.tn.Owner.Must(200, "PATCH", w.base, map[string]any{"title": xssPayloads[0] + xssPayloads[1], "country": xssPayloads[3]})
	w.tn.Owner.Must(201, "POST", w.base+"/invites", map[string]any{"stakeholder_group": "academia", "label": xssPayloads[1]})
	for i, payload := range xssPayloads {
		w.comment(t, p.Client, qMaturity, map[string]any{"body": payload})
		w.comment(t, obs.Client, qMaturity, map[string]any{"body": "see " + payload})
		ev := []map[string]string{{"url": "https://example.org/evidence?q=%22%3E%3Cscript%3E", "title": payload}}
		q := []string{qMaturity, qOther, "legal_basis.impact_assessment", "legal_basis.state_access"}[i%4]
		w.answer(t, p.Client, q, map[string]any{"value": 2, "rationale": payload, "evidence": ev})
	}
	w.answer(t, p.Client, qText, map[string]any{"value": xssPayloads[0]})
	long := strings.Repeat("W", 4000)
	w.comment(t, p.Client, qMaturity, map[string]any{"body": long})
	w.tn.Owner.Must(200, "PUT", w.base+"/synthesis/"+qMaturity, map[string]string{"status": "agreed", "summary": xssPayloads[0], "dissent": xssPayloads[1]})
	// Evidence links that are not http(s) are refused before they can be rendered.
	checkContractError(t, p.Client.Do("PUT", w.base+"/answers/"+qMaturity, map[string]any{"value": 1, "evidence": []map[string]string{{"url": "javascript:alert(1)", "title": "x"}}}), 400, "evidence[0].url")

	pages := map[string]string{
		"participant workspace page": w.pageHTML(t, p.Client, "legal_basis"),
		"observer workspace page":    w.pageHTML(t, obs.Client, "legal_basis"),
		"facilitator workspace page": w.pageHTML(t, w.tn.Owner, "legal_basis"),
		"text answer page":           w.pageHTML(t, p.Client, "institutional_governance"),
		"manage page":                string(w.tn.Owner.Must(200, "GET", w.page+"/manage", nil).Body),
		"dashboard":                  string(w.tn.Owner.Must(200, "GET", "/t/"+w.tn.Slug, nil).Body),
		"participant dashboard":      string(p.Client.Must(200, "GET", "/t/"+w.tn.Slug, nil).Body),
	}
	for where, page := range pages {
		checkNoMarkup(t, where, page)
		if !strings.Contains(page, html.EscapeString(`<script>window.__xss=1</script>`)) && !strings.Contains(page, "&lt;script&gt;window.__xss=1&lt;/script&gt;") {
			t.Errorf("%s: the payload is not shown as text at all", where)
		}
	}
	if !strings.Contains(pages["participant workspace page"], long) {
		t.Error("a 4000-character comment is not rendered whole")
	}
	// The title is escaped in <title> too.
	title := pages["facilitator workspace page"]
	title = title[strings.Index(title, "<title>"):strings.Index(title, "</title>")]
	if strings.Contains(title, "<script") || strings.Contains(title, "<img") {
		t.Errorf("unescaped <title>: %s", title)
	}
	// A javascript: comment body is text, not a link; http links in comments open safely.
	for _, m := range regexp.MustCompile(`<a [^>]*href="([^"]*)"[^>]*>`).FindAllStringSubmatch(pages["participant workspace page"], -1) {
		if strings.HasPrefix(m[1], "http") && !strings.Contains(m[0], "noopener") {
			t.Errorf("external link without rel=noopener: %s", m[0])
		}
	}
	// Over-long input is refused, not truncated into the page.
	checkContractError(t, p.Client.Do("POST", w.base+"/questions/"+qMaturity+"/comments", map[string]any{"body": strings.Repeat("L", 10000)}), 400, "body")
	checkContractError(t, w.app.Client(t).Do("POST", "/api/v1/join/"+w.tn.Invite(t, w.ws, "academia", "participant"), map[string]string{"display_name": strings.Repeat("N", 10000)}), 400, "display_name")
	checkContractError(t, w.tn.Owner.Do("PATCH", w.base, map[string]any{"title": strings.Repeat("T", 10000)}), 400, "title")

	// Forms render submitted values back escaped (a failed comment re-shows the draft).
	r := p.Client.Form(w.page+"/questions/"+qMaturity+"/comments", url.Values{"body": {xssPayloads[6] + strings.Repeat("x", 4001)}})
	if r.Status != 400 {
		t.Fatalf("over-long form comment: %d", r.Status)
	}
	checkNoMarkup(t, "re-shown draft", string(r.Body))
}

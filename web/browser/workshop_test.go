package browser

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// These helpers set a workshop up the way people do: through the pages and their forms.

const password = "correct horse battery staple"

var emailSeq atomic.Int64

// signup creates an organisation through /signup and returns its tenant slug. The user is then
// logged in as its owner.
func (u *user) signup(org, name string) string {
	u.t.Helper()
	u.openOK("/signup")
	email := fmt.Sprintf("owner%d@example.org", emailSeq.Add(1))
	u.set("#organization", org)
	u.set("#name", name)
	u.set("#email", email)
	u.set("#password", password)
	resp := u.submit(`form[action="/signup"] button[type=submit]`)
	p := u.path()
	if resp.Status != 200 || !strings.HasPrefix(p, "/t/") {
		u.fatalf("signup ended on %s with status %d, want the dashboard /t/{slug}", p, resp.Status)
	}
	return strings.TrimPrefix(p, "/t/")
}

// createWorkspace fills the dashboard's "Start a new assessment" form and returns the new
// workspace id (the form redirects to its manage page).
func (u *user) createWorkspace(slug, title, country string) string {
	u.t.Helper()
	ws, status := u.tryCreateWorkspace(slug, title, country)
	if ws == "" {
		u.fatalf("creating workspace %q answered %d and stayed on %s", abbrev(title, 40), status, u.location())
	}
	return ws
}

// tryCreateWorkspace is createWorkspace that returns "" and the status when the form is refused.
func (u *user) tryCreateWorkspace(slug, title, country string) (string, int64) {
	u.t.Helper()
	u.openOK("/t/" + slug)
	u.click(`details:has(form[action$="/workspaces"]) > summary`)
	u.set("#ws-title", title)
	u.set("#ws-country", country)
	resp := u.submit(`form[action$="/workspaces"] button[type=submit]`)
	p := u.path()
	prefix := "/t/" + slug + "/w/"
	if !strings.HasPrefix(p, prefix) || !strings.HasSuffix(p, "/manage") {
		return "", resp.Status
	}
	return strings.TrimSuffix(strings.TrimPrefix(p, prefix), "/manage"), resp.Status
}

// invite creates an invite on the manage page and returns its URL from input#invite-url.
func (u *user) invite(slug, ws, group, role string) string {
	u.t.Helper()
	u.openOK("/t/" + slug + "/w/" + ws + "/manage")
	u.set("#i-group", group)
	u.set("#i-role", role)
	resp := u.submit(`form[action$="/invites"] button[type=submit]`)
	if resp.Status != 201 {
		u.fatalf("creating an invite answered %d, want 201", resp.Status)
	}
	link := get(u, "read #invite-url", chromedp.Value(chromedp.CSS("#invite-url")))
	if !strings.HasPrefix(link, u.app.URL+"/join/") {
		u.fatalf("invite URL %q does not start with %s/join/", link, u.app.URL)
	}
	return link
}

// join opens an invite link, fills the join form and ends on the "joined" page.
func (u *user) join(inviteURL, name, org string) {
	u.t.Helper()
	u.openOK(inviteURL)
	u.set("#display_name", name)
	u.set("#organization", org)
	resp := u.submit(`form[action^="/join/"] button[type=submit]`)
	if resp.Status != 201 {
		u.fatalf("joining answered %d, want 201 (the joined page)", resp.Status)
	}
}

// boot is the data the workspace page hands to its script.
type boot struct {
	Base string `json:"base"`
	API  string `json:"api"`
	Seq  int64  `json:"seq"`
	You  struct {
		ParticipantID string `json:"participant_id"`
		DisplayName   string `json:"display_name"`
		Group         string `json:"stakeholder_group"`
		Facilitator   bool   `json:"facilitator"`
	} `json:"you"`
}

// bootData reads #boot from the workspace page that is open.
func (u *user) bootData() boot {
	u.t.Helper()
	raw := eval[string](u, `document.getElementById("boot").dataset.boot`)
	var b boot
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		u.fatalf("decoding #boot %q: %v", abbrev(raw, 100), err)
	}
	return b
}

type answerJSON struct {
	ID            string          `json:"id"`
	QuestionID    string          `json:"question_id"`
	ParticipantID string          `json:"participant_id"`
	Group         string          `json:"stakeholder_group"`
	Value         json.RawMessage `json:"value"`
	Status        string          `json:"status"`
	Rationale     string          `json:"rationale"`
	Evidence      []struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"evidence"`
	Revision int  `json:"revision"`
	Redacted bool `json:"redacted"`
}

// answers returns the workspace's answers as this user may see them (the JSON API).
func (u *user) answers(api string) []answerJSON {
	u.t.Helper()
	var out struct {
		Answers []answerJSON `json:"answers"`
	}
	u.apiJSON("GET", api+"/answers", nil, 200, &out)
	return out.Answers
}

// myAnswer returns this participant's answer to qid, or nil.
func (u *user) myAnswer(b boot, qid string) *answerJSON {
	u.t.Helper()
	for _, a := range u.answers(b.API) {
		if a.QuestionID == qid && a.ParticipantID == b.You.ParticipantID {
			return &a
		}
	}
	return nil
}

// qsel is the CSS selector of a question's section on the workspace page.
func qsel(qid string) string { return `section.question[data-question="` + qid + `"]` }

type evidence struct{ URL, Title string }

// fillAnswer puts an answer into a question's form on the open workspace page without firing
// input or change events: the live client saves as you type or click, and a test that counts
// revisions needs exactly one save, the one the Save button sends. choice is the value of the
// radio to pick ("0".."4", an option id, "not_applicable" or "unknown").
func (u *user) fillAnswer(qid, choice, rationale string, ev ...evidence) {
	u.t.Helper()
	form := qsel(qid) + " form.answer-form"
	fields := map[string]string{"rationale": rationale}
	for i := 0; i < 3; i++ {
		fields[fmt.Sprintf("url_%d", i)], fields[fmt.Sprintf("title_%d", i)] = "", ""
	}
	for i, e := range ev {
		fields[fmt.Sprintf("url_%d", i)], fields[fmt.Sprintf("title_%d", i)] = e.URL, e.Title
	}
	u.do("wait for "+form, chromedp.WaitVisible(chromedp.CSS(form)))
	ok := eval[bool](u, `((form, choice, fields) => {
  const f = document.querySelector(form), r = f && f.querySelector('input[name=choice][value="' + choice + '"]');
  if (!r) return false;
  r.checked = true;
  for (const [k, v] of Object.entries(fields)) { if (f.elements[k]) f.elements[k].value = v; }
  return true;
})(`+js(form)+`, `+js(choice)+`, `+js(fields)+`)`)
	if !ok {
		u.fatalf("%s has no answer form with the choice %q", qid, choice)
	}
}

// answer fills a question's answer form, clicks Save and waits until the API holds exactly that
// answer as a new revision, whether the form navigated or the live client sent it.
func (u *user) answer(qid, choice, rationale string, ev ...evidence) *answerJSON {
	u.t.Helper()
	b := u.bootData()
	before := 0
	if a := u.myAnswer(b, qid); a != nil {
		before = a.Revision
	}
	u.fillAnswer(qid, choice, rationale, ev...)
	u.click(qsel(qid) + " form.answer-form button[type=submit]")
	var got *answerJSON
	u.eventually(fmt.Sprintf("the answer %s to %s to be saved", choice, qid), func() bool {
		got = u.myAnswer(b, qid)
		return got != nil && got.Revision > before && got.Rationale == rationale && got.matches(choice) && len(got.Evidence) == len(ev)
	})
	u.waitReady()
	return got
}

// matches reports whether the answer holds choice (a value or a status).
func (a *answerJSON) matches(choice string) bool {
	switch choice {
	case "not_applicable", "unknown":
		return a.Status == choice
	}
	return a.Status == "answered" && strings.Trim(string(a.Value), `"`) == choice
}

// comment posts a comment on the open workspace page and waits until the API has it.
func (u *user) comment(qid, body string) {
	u.t.Helper()
	b := u.bootData()
	n := len(u.comments(b.API, qid))
	form := qsel(qid) + " form.comment-form"
	u.set(form+" textarea[name=body]", body)
	u.click(form + " button[type=submit]")
	u.eventually("the comment on "+qid+" to be saved", func() bool { return len(u.comments(b.API, qid)) > n })
	u.waitReady()
}

type commentJSON struct {
	ID   string `json:"id"`
	Body string `json:"body"`
}

func (u *user) comments(api, qid string) []commentJSON {
	u.t.Helper()
	var out struct {
		Comments []commentJSON `json:"comments"`
	}
	u.apiJSON("GET", api+"/questions/"+url.PathEscape(qid)+"/comments", nil, 200, &out)
	return out.Comments
}

// eventually polls cond (which may call the API) until it holds, for at most stepTimeout.
func (u *user) eventually(what string, cond func() bool) {
	u.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			u.fatalf("waited %s for %s", stepTimeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// workshop is a small workshop set up through the browser: a facilitator with a workspace and
// two participants from different stakeholder groups who answered and commented.
type workshop struct {
	app    *app
	fac    *user
	slug   string
	ws     string
	base   string // /t/{slug}/w/{ws}
	api    string // /api/v1/tenants/{slug}/workspaces/{ws}
	invite map[string]string
	gov    *user
	civil  *user
}

// Questions of the first dimension used by the tests.
const (
	q1 = "legal_basis.dp_law"
	q2 = "legal_basis.purpose_limits"
)

func newWorkshop(t *testing.T, a *app) *workshop {
	t.Helper()
	w := &workshop{app: a, fac: a.newUser(t, "facilitator"), invite: map[string]string{}}
	w.slug = w.fac.signup("Ministry of Digital Economy", "Fatma Facilitator")
	w.ws = w.fac.createWorkspace(w.slug, "Kenya health data exchange, 2027", "Kenya")
	w.base = "/t/" + w.slug + "/w/" + w.ws
	w.api = "/api/v1/tenants/" + w.slug + "/workspaces/" + w.ws
	for _, g := range []string{"government", "civil_society"} {
		w.invite[g] = w.fac.invite(w.slug, w.ws, g, "participant")
	}
	w.gov = a.newUser(t, "government participant")
	w.gov.join(w.invite["government"], "Grace Government", "Ministry of Health")
	w.gov.openOK(w.base)
	w.gov.answer(q1, "3", "The 2019 act covers health data.", evidence{"https://example.org/dp-act-2019", "Data Protection Act 2019"})
	w.gov.answer(q2, "2", "Purpose limits exist on paper.")
	w.gov.comment(q1, "The regulator has issued guidance notes since 2021.")
	w.civil = a.newUser(t, "civil society participant")
	w.civil.join(w.invite["civil_society"], "Chidi Civil", "Health Rights Watch")
	w.civil.openOK(w.base)
	w.civil.answer(q1, "1", "Enforcement is weak; few complaints succeed.")
	w.civil.answer(q2, "unknown", "")
	w.civil.comment(q1, "Guidance is not enforcement.")
	return w
}

package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The live tests drive the workspace page's live client (web/static/live.js) through the DOM the
// server renders: #conn[data-state] says whether the socket is live, answers of others are
// li elements of .answer-list under section.question[data-question], comments are li.comment
// under .comment-list, the spotlighted question's section has the class "spotlight", and
// #announcer (aria-live) carries announcements.

const liveWait = 10 * time.Second // how long an update may take to reach another browser

// needLiveClient fails when web/static/live.js is still the placeholder, which makes every live
// expectation fail with a less helpful message.
func needLiveClient(t *testing.T) {
	t.Helper()
	needChromium(t)
	b, err := os.ReadFile(filepath.Join("..", "static", "live.js"))
	if err != nil {
		t.Fatalf("reading the live client: %v", err)
	}
	if len(b) < 2048 {
		t.Fatalf("web/static/live.js is a %d-byte placeholder: the workspace page has no live client yet", len(b))
	}
}

// waitLive waits until the page's live client says it is connected.
func (u *user) waitLive() {
	u.t.Helper()
	u.waitFor("the live connection", `(c => c && c.dataset.state === "live")(document.getElementById("conn"))`, liveWait)
}

// mark tags the open document, so that sameDocument can tell that it was not reloaded.
func (u *user) mark() {
	u.t.Helper()
	eval[bool](u, `(window.__liveMark = "kept", true)`)
}

// sameDocument fails if the page was reloaded or navigated since mark.
func (u *user) sameDocument(what string) {
	u.t.Helper()
	if v, err := tryEval[string](u, `window.__liveMark || ""`); err != nil || v != "kept" {
		u.fatalf("the page was reloaded or left while %s (it must update in place)", what)
	}
}

// seesAnswer waits until the open page shows an answer to qid by a person named who, whose
// text contains every one of want.
func (u *user) seesAnswer(qid, who string, want ...string) {
	u.t.Helper()
	if want == nil {
		want = []string{}
	}
	u.waitFor(fmt.Sprintf("%s's answer to %s with %q", who, qid, want), `[...document.querySelectorAll(`+js(qsel(qid)+" .answer-list li")+`)]
	  .some(li => li.getClientRects().length && li.textContent.includes(`+js(who)+`) && `+js(want)+`.every(w => li.textContent.includes(w)))`, liveWait)
}

// seesComment waits until the open page shows a comment on qid with exactly this body.
func (u *user) seesComment(qid, body string) {
	u.t.Helper()
	u.waitFor("the comment "+strconv.Quote(abbrev(body, 40)), `[...document.querySelectorAll(`+js(qsel(qid)+" .comment .body")+`)]
	  .some(b => b.getClientRects().length && b.textContent === `+js(body)+`)`, liveWait)
}

// answerText returns the text of the answers to qid that the open page shows for who.
func (u *user) answerText(qid, who string) string {
	u.t.Helper()
	return eval[string](u, `[...document.querySelectorAll(`+js(qsel(qid)+" .answer-list li")+`)]
	  .filter(li => li.textContent.includes(`+js(who)+`)).map(li => li.textContent).join(" | ")`)
}

type session struct {
	Spotlight string   `json:"spotlight"`
	Locked    []string `json:"locked"`
	Blind     bool     `json:"blind"`
	Round     int      `json:"round"`
}

func (u *user) session(api string) session {
	u.t.Helper()
	var out struct {
		Session session `json:"session"`
	}
	u.apiJSON("GET", api, nil, 200, &out)
	return out.Session
}

// control clicks a facilitator button on the open workspace page and waits until the API shows
// the session change (the button may submit its form or be handled by the live client).
func (u *user) control(api, sel, what string, done func(session) bool) {
	u.t.Helper()
	u.click(sel)
	u.eventually(what, func() bool { return done(u.session(api)) })
	u.waitReady()
}

// TestLiveJourney is a whole workshop in four browsers: the facilitator signs up, creates a
// workspace and invites three groups; three participants join and answer and comment, and each
// sees the others appear without reloading; the facilitator spotlights questions, turns blind
// mode on and off and opens a new round, and every page follows; the results page shows the
// divergence and updates live.
func TestLiveJourney(t *testing.T) {
	needLiveClient(t)
	a := startApp(t)
	fac := a.newUser(t, "facilitator")
	slug := fac.signup("National Data Office", "Femi Facilitator")
	ws := fac.createWorkspace(slug, "Open finance workshop", "Ghana")
	base := "/t/" + slug + "/w/" + ws
	api := "/api/v1/tenants/" + slug + "/workspaces/" + ws
	dim1 := base + "?d=legal_basis"

	type person struct {
		u                *user
		name, group, org string
	}
	people := []person{
		{name: "Gloria Government", group: "government", org: "Ministry of Finance"},
		{name: "Cyril Civil", group: "civil_society", org: "Consumers Union"},
		{name: "Priya Private", group: "private_sector", org: "Fintech Association"},
	}
	for i := range people {
		p := &people[i]
		inv := fac.invite(slug, ws, p.group, "participant")
		p.u = a.newUser(t, p.name)
		p.u.join(inv, p.name, p.org)
		p.u.openOK(dim1)
		p.u.waitLive()
		p.u.mark()
	}
	everyone := []*user{fac}
	for _, p := range people {
		everyone = append(everyone, p.u)
	}

	t.Run("presence shows who is here", func(t *testing.T) {
		defer asAll(t, everyone...)()
		fac.openOK(dim1)
		fac.waitLive()
		for _, p := range people {
			fac.waitFor(p.name+" in the presence list", `document.getElementById("presence").textContent.includes(`+js(p.name)+`)`, liveWait)
		}
	})

	t.Run("answers and comments appear live", func(t *testing.T) {
		defer asAll(t, everyone...)()
		levels := []string{"4", "1", "2"}
		for i, p := range people {
			rationale := fmt.Sprintf("Rationale of %s: level %s.", p.name, levels[i])
			p.u.answer(q1, levels[i], rationale)
			for j, o := range people {
				if j != i {
					o.u.seesAnswer(q1, p.name, rationale)
				}
			}
		}
		for i, p := range people {
			body := fmt.Sprintf("Comment from %s on the law.", p.name)
			p.u.comment(q1, body)
			for j, o := range people {
				if j != i {
					o.u.seesComment(q1, body)
				}
			}
		}
		for _, p := range people {
			p.u.sameDocument("answers and comments arrived")
		}
	})

	t.Run("spotlight", func(t *testing.T) {
		defer asAll(t, everyone...)()
		fac.openOK(dim1)
		fac.waitLive()
		fac.control(api, qsel(q2)+` .fac-q button[data-action=spotlight]`, "the spotlight on "+q2,
			func(s session) bool { return s.Spotlight == q2 })
		for _, p := range people {
			p.u.waitFor("the spotlight on "+q2, `(s => s && s.classList.contains("spotlight") && s.querySelector(".badge.spot") && !s.querySelector(".badge.spot").hidden)(document.querySelector(`+js(qsel(q2))+`))`, liveWait)
			if eval[bool](p.u, `document.querySelector(`+js(qsel(q1))+`).classList.contains("spotlight")`) {
				t.Errorf("%s: %s is still marked as spotlighted", p.name, q1)
			}
			p.u.sameDocument("the spotlight moved within the dimension")
		}
		// A question of another dimension: every participant's page follows to it.
		other := "institutional_governance.operator"
		fac.openOK(base + "?d=institutional_governance")
		fac.control(api, qsel(other)+` .fac-q button[data-action=spotlight]`, "the spotlight on "+other,
			func(s session) bool { return s.Spotlight == other })
		for _, p := range people {
			p.u.waitFor("the page to follow the spotlight to "+other, `(s => s && s.classList.contains("spotlight") && s.getClientRects().length)(document.querySelector(`+js(qsel(other))+`))`, liveWait)
		}
	})

	t.Run("blind mode", func(t *testing.T) {
		defer asAll(t, everyone...)()
		for _, p := range people {
			p.u.openOK(dim1)
			p.u.waitLive()
			p.u.mark()
		}
		fac.openOK(dim1)
		fac.waitLive()
		fac.control(api, `.controls button[value=blind_on]`, "blind mode on", func(s session) bool { return s.Blind })
		gloria, cyril := people[0], people[1]
		// Values already on screen are hidden once blind mode is on.
		cyril.u.waitFor("Gloria's earlier rationale to be hidden", `![...document.querySelectorAll(`+js(qsel(q1)+" .answer-list li")+`)]
		  .some(li => li.textContent.includes("Rationale of Gloria Government"))`, liveWait)
		// A new answer while blind: others see that Gloria answered, not what.
		secret := "A secret view, level 4."
		gloria.u.answer(q2, "4", secret)
		cyril.u.seesAnswer(q2, gloria.name)
		if txt := cyril.u.answerText(q2, gloria.name); strings.Contains(txt, secret) || regexp.MustCompile(`\b4 ·`).MatchString(txt) {
			t.Errorf("blind mode: Cyril sees Gloria's value or rationale: %q", abbrev(txt, 200))
		}
		// The facilitator sees everything.
		fac.seesAnswer(q2, gloria.name, secret)
		// Revealing shows the answers to everyone, in place.
		fac.control(api, `.controls button[value=blind_off]`, "blind mode off", func(s session) bool { return !s.Blind })
		cyril.u.seesAnswer(q2, gloria.name, secret)
		cyril.u.seesAnswer(q1, gloria.name, "Rationale of Gloria Government")
		for _, p := range people {
			p.u.sameDocument("blind mode went on and off")
		}
	})

	t.Run("new round", func(t *testing.T) {
		defer asAll(t, everyone...)()
		fac.control(api, `.controls button[value=next_round]`, "round 2", func(s session) bool { return s.Round == 2 })
		for _, p := range people {
			p.u.waitFor("the page to say round 2", `/\bRound 2\b/.test(document.querySelector(".ws-head").textContent)`, liveWait)
			p.u.sameDocument("a new round opened")
		}
		// An answer in the new round is saved in round 2.
		priya := people[2]
		got := priya.u.answer(q1, "3", "Second round: Priya moved to 3.")
		if got.Revision != 2 {
			t.Errorf("Priya's answer in round 2 is revision %d, want 2", got.Revision)
		}
	})

	t.Run("results show divergence and update live", func(t *testing.T) {
		defer asAll(t, everyone...)()
		fac.openOK(base + "/results")
		fac.waitLive()
		fac.mark()
		// Round 2 so far: Gloria 4 and Cyril 1 (carried over) and Priya 3: divergence 3.
		before := fac.divergence(q1)
		t.Logf("divergence of %s on the results page: %s", q1, before)
		cyril := people[1]
		cyril.u.openOK(dim1)
		cyril.u.answer(q1, "4", "Cyril now agrees: 4.")
		fac.waitFor("the results to update", divergenceJS(q1)+` !== `+js(before), liveWait+2*time.Second)
		after := fac.divergence(q1)
		t.Logf("after Cyril's new answer: %s", after)
		fac.sameDocument("the results updated")
		if before == after {
			t.Errorf("divergence stayed %s after an answer changed the group medians", after)
		}
	})
}

// divergenceJS is an expression for the divergence cell of a question's row in the results
// table (the next-to-last cell).
func divergenceJS(qid string) string {
	return `(() => { const r = document.getElementById(` + js("t-"+qid) + `); if (!r) return "(no row)";
	  const c = r.querySelectorAll("td"); return c.length >= 2 ? c[c.length - 2].textContent.trim() : "(no cell)"; })()`
}

// divergence reads the divergence of a question on the open results page.
func (u *user) divergence(qid string) string {
	u.t.Helper()
	return eval[string](u, divergenceJS(qid))
}

// TestLiveOffline takes one participant offline, lets them save two answers, and brings the
// connection back: the answers are sent, every other browser shows them, and the revisions show
// that nothing was lost or saved twice.
func TestLiveOffline(t *testing.T) {
	needLiveClient(t)
	a := startApp(t)
	w := newWorkshop(t, a)
	gov, civil := w.gov, w.civil
	gov.trackSockets()
	for _, u := range []*user{gov, civil, w.fac} {
		u.openOK(w.base + "?d=legal_basis")
		u.waitLive()
		u.mark()
	}
	b := gov.bootData()
	rev := map[string]int{}
	for _, q := range []string{q1, q2} {
		rev[q] = gov.myAnswer(b, q).Revision
	}

	// Chromium's offline emulation refuses new connections but keeps an open WebSocket; the client
	// drops its socket itself when the browser goes offline, so its state is honest and it resumes
	// from its last seq when the network returns.
	gov.offline(true)
	gov.waitFor("the client to drop its socket", `(s => s.length > 0 && s.every(w => w.readyState >= 2))(window.__sockets || [])`, liveWait)
	gov.waitFor("the page to show that it is offline", `(c => c && c.dataset.state === "offline")(document.getElementById("conn"))`, liveWait)
	for _, s := range []struct{ q, level, why string }{{q1, "4", "Offline answer one."}, {q2, "3", "Offline answer two."}} {
		form := qsel(s.q) + " form.answer-form"
		gov.click(form + ` input[name=choice][value="` + s.level + `"]`)
		gov.set(form+" textarea[name=rationale]", s.why)
		gov.click(form + " button[type=submit]")
	}
	gov.sameDocument("answers were saved offline")
	gov.waitFor("the page to say two answers wait", `/\b2 answers\b/.test(document.getElementById("pending").textContent)`, liveWait)
	for _, q := range []string{q1, q2} { // the API (not throttled) has nothing new yet
		if got := gov.myAnswer(b, q).Revision; got != rev[q] {
			t.Fatalf("%s reached the server while the browser was offline (revision %d)", q, got)
		}
	}

	gov.offline(false)
	for _, s := range []struct{ q, why string }{{q1, "Offline answer one."}, {q2, "Offline answer two."}} {
		gov.eventually(s.q+" to be sent after the connection returned", func() bool {
			a := gov.myAnswer(b, s.q)
			return a.Rationale == s.why
		})
		civil.seesAnswer(s.q, "Grace Government", s.why)
		w.fac.seesAnswer(s.q, "Grace Government", s.why)
	}
	gov.waitLive()
	gov.sameDocument("the queue was sent")
	// Nothing duplicated: exactly one new revision per answer, also after a moment for retries.
	time.Sleep(1500 * time.Millisecond)
	for _, q := range []string{q1, q2} {
		var h struct {
			Revisions []answerJSON `json:"revisions"`
		}
		gov.apiJSON("GET", w.api+"/answers/"+q+"/history", nil, 200, &h)
		if len(h.Revisions) != rev[q]+1 {
			t.Errorf("%s has %d revisions after the offline save, want %d (one new)", q, len(h.Revisions), rev[q]+1)
		}
		if a := gov.myAnswer(b, q); a.Revision != rev[q]+1 {
			t.Errorf("%s is at revision %d, want %d", q, a.Revision, rev[q]+1)
		}
	}
	if txt := eval[string](gov, `document.getElementById("pending").textContent.trim()`); regexp.MustCompile(`[1-9]`).MatchString(txt) {
		t.Errorf("after the queue was sent, #pending still says %q", txt)
	}
}

// trackSockets makes every page this user opens from now on remember its WebSockets, so that a
// test can see whether the client closed them.
func (u *user) trackSockets() {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `(() => {
  const W = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends W { constructor(...a) { super(...a); window.__sockets.push(this); } };
})()`}); err != nil {
		u.fatalf("installing the socket tracker: %v", err)
	}
}

// offline switches the user's network off or back on (navigator.onLine follows).
func (u *user) offline(off bool) {
	u.t.Helper()
	if off {
		u.throttle(networkOffline)
	} else {
		u.throttle(networkOnline)
	}
}

// liveRegionsJS is the text of the page's live regions (polite or assertive aria-live, status,
// log and alert roles), without the connection badge and the pending counter.
const liveRegionsJS = `[...document.querySelectorAll("[aria-live=polite], [aria-live=assertive], [role=status], [role=log], [role=alert]")]
  .filter(e => e.id !== "conn" && e.id !== "pending").map(e => (e.id || e.className) + ": " + e.textContent.trim()).join(" | ")`

// TestLiveDraftAndAnnouncement: a comment being typed survives live updates arriving on the same
// page (answers, comments, a spotlight moved to another page), focus stays in it, and the updates
// are announced through an aria-live region.
func TestLiveDraftAndAnnouncement(t *testing.T) {
	needLiveClient(t)
	a := startApp(t)
	w := newWorkshop(t, a)
	gov, civil := w.gov, w.civil
	for _, u := range []*user{gov, civil} {
		u.openOK(w.base + "?d=legal_basis")
		u.waitLive()
	}
	civil.mark()
	box := qsel(q1) + " form.comment-form textarea[name=body]"
	draft := "I am still typing this thought about enforcement"
	civil.do("type a draft", chromedp.Click(chromedp.CSS(box)), chromedp.SendKeys(chromedp.CSS(box), draft))
	announced := eval[string](civil, liveRegionsJS)

	gov.comment(q1, "A new comment arrives while Chidi types.")
	gov.answer(q1, "4", "A changed answer arrives too.")
	civil.seesComment(q1, "A new comment arrives while Chidi types.")
	civil.seesAnswer(q1, "Grace Government", "A changed answer arrives too.")
	t.Run("announcement", func(t *testing.T) {
		defer as(civil, t)()
		civil.waitFor("an aria-live announcement of the update", liveRegionsJS+` !== `+js(announced), liveWait)
		t.Logf("live regions before the updates: %q", announced)
		t.Logf("live regions after the updates:  %q", eval[string](civil, liveRegionsJS))
		if !eval[bool](civil, `document.activeElement === document.querySelector(`+js(box)+`)`) {
			t.Errorf("the announcement moved focus away from the comment box")
		}
	})
	// The facilitator moves the spotlight to another dimension's page: someone typing is not
	// taken there, they get a notice with a link instead.
	other := "institutional_governance.operator"
	w.fac.apiJSON("PATCH", w.api+"/session", map[string]any{"spotlight": other}, 200, nil)
	civil.waitFor("a notice with a link to the spotlighted question", `[...document.querySelectorAll("[role=status] a, [aria-live] a")]
	  .some(a => a.getClientRects().length && a.getAttribute("href").includes("d=institutional_governance"))`, liveWait)
	civil.sameDocument("updates arrived and the spotlight moved")

	t.Run("draft", func(t *testing.T) {
		defer as(civil, t)()
		if got := eval[string](civil, `document.querySelector(`+js(box)+`).value`); got != draft {
			t.Errorf("the comment draft is %q after live updates, want %q", got, draft)
		}
		if !eval[bool](civil, `document.activeElement === document.querySelector(`+js(box)+`)`) {
			t.Errorf("focus left the comment box while updates arrived (now on %s)",
				eval[string](civil, `document.activeElement ? document.activeElement.outerHTML.slice(0, 100) : "nothing"`))
		}
		civil.do("type on", chromedp.SendKeys(chromedp.CSS(box), " and finish it."))
		if got := eval[string](civil, `document.querySelector(`+js(box)+`).value`); got != draft+" and finish it." {
			t.Errorf("typing on after the updates gives %q", got)
		}
	})
}

package browser

import (
	"fmt"
	"strings"
	"testing"
)

// xssCorpus is entered through the real forms as a comment, a rationale, an evidence title, a
// display name and a workspace title, then viewed in other people's browsers.
var xssCorpus = []struct{ name, text string }{
	{"script", `<script>window.__xss=1</script>`},
	{"img-onerror", `"><img src=x onerror="window.__xss=1">`},
	{"javascript-url", `javascript:window.__xss=1`},
	{"svg-onload", `<svg onload="window.__xss=1">`},
	{"textarea-breakout", `</textarea><script>window.__xss=1</script>`},
	{"template", `{{.}}`},
	{"rtl-override", "\u202Eevil"},
	{"long-line", strings.Repeat("0123456789", 1000)},
}

// Field limits of the product (in characters). A payload longer than a field's limit is entered
// at the limit; the long line is also entered whole once per field, which must be refused
// with the draft kept.
const (
	maxTitle   = 200
	maxName    = 80
	maxComment = 4000
	maxText    = 4000
	maxEvTitle = 200
)

func fit(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// check is one expectation about the open page: an element matching sel whose textContent
// equals (or contains) want, and which is rendered.
type check struct {
	Sel      string `json:"sel"`
	Want     string `json:"want"`
	Contains bool   `json:"contains"`
	Attr     string `json:"attr,omitempty"` // compare this attribute instead of textContent
}

type pageState struct {
	XSS      string   `json:"xss"`      // typeof window.__xss
	Injected []string `json:"injected"` // elements that only an injection would create
	Missing  []string `json:"missing"`  // checks that no element satisfied
}

const inspectJS = `((checks) => {
  const injected = [];
  for (const el of document.querySelectorAll("[onerror], [onload], img[src='x'], script:not([src])")) {
    injected.push(el.outerHTML.slice(0, 120));
  }
  const missing = [];
  for (const c of checks) {
    if (c.sel === "title") {
      if (!document.title.includes(c.want)) missing.push("document.title " + JSON.stringify(document.title.slice(0, 80)));
      continue;
    }
    let ok = false;
    for (const el of document.querySelectorAll(c.sel)) {
      const v = c.attr ? (el.getAttribute(c.attr) || "") : el.textContent;
      if ((c.contains ? v.includes(c.want) : v === c.want) && el.getClientRects().length > 0) { ok = true; break; }
    }
    if (!ok) missing.push(c.sel + (c.attr ? "[" + c.attr + "]" : "") + (c.contains ? " containing " : " equal to ") + JSON.stringify(c.want.slice(0, 60)) + (c.want.length > 60 ? "… (" + c.want.length + " chars)" : ""));
  }
  return {xss: typeof window.__xss, injected, missing};
})`

// inspect opens path as u and asserts: the CSP header is there, no payload ran (window.__xss is
// undefined, no dialog opened), no injected markup exists, and every check holds.
func inspect(t *testing.T, u *user, path string, checks ...check) {
	t.Helper()
	resp := u.open(path)
	if resp.Status < 200 || resp.Status > 299 {
		t.Errorf("%s: GET %s answered %d, want 2xx", u.name, path, resp.Status)
		return
	}
	if csp := header(resp, "Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("%s: GET %s: Content-Security-Policy is %q, want one with script-src 'self'", u.name, path, csp)
	}
	inspectOpen(t, u, path, checks...)
}

// inspectOpen is inspect on the page that is already open.
func inspectOpen(t *testing.T, u *user, what string, checks ...check) {
	t.Helper()
	if checks == nil {
		checks = []check{}
	}
	st := eval[pageState](u, inspectJS+"("+js(checks)+")")
	if st.XSS != "undefined" {
		t.Errorf("%s on %s: window.__xss is %s: a payload ran", u.name, what, st.XSS)
	}
	for _, el := range st.Injected {
		t.Errorf("%s on %s: markup from a payload is in the page: %s", u.name, what, el)
	}
	for _, m := range st.Missing {
		t.Errorf("%s on %s: the literal text is not shown: no %s", u.name, what, m)
	}
	u.noDialogs()
}

// TestXSS enters each payload of the corpus through the real forms and views it in another
// participant's browser (the workspace page as it updates live, then reloaded), the
// facilitator's (workspace, manage, dashboard) and on the results page.
func TestXSS(t *testing.T) {
	a := startApp(t)
	fac := a.newUser(t, "facilitator")
	slug := fac.signup("Tenant for XSS checks", "Faith Facilitator")
	author := a.newUser(t, "author")
	viewer := a.newUser(t, "viewer")
	for i, p := range xssCorpus {
		t.Run(p.name, func(t *testing.T) {
			defer as(fac, t)()
			defer as(author, t)()
			defer as(viewer, t)()
			long := len(p.text) > maxTitle

			// The workspace title, through the dashboard's form.
			title := fit(p.text, maxTitle)
			if long {
				ws, status := fac.tryCreateWorkspace(slug, p.text, "")
				if ws != "" || status != 400 {
					t.Errorf("a %d-character title: workspace %q, status %d; want the form refused with 400", len(p.text), ws, status)
				}
				inspectOpen(t, fac, "the refused workspace form",
					check{Sel: "#ws-title", Want: p.text, Attr: "value"},
					check{Sel: "form[action$='/workspaces'] .field-error", Want: "200", Contains: true})
			}
			ws := fac.createWorkspace(slug, title, "Testland")
			base := "/t/" + slug + "/w/" + ws
			inv := fac.invite(slug, ws, "civil_society", "participant")

			// The display name, through the join form.
			name := fit(p.text, maxName)
			if long {
				author.openOK(inv)
				author.set("#display_name", p.text)
				resp := author.submit(`form[action^="/join/"] button[type=submit]`)
				if resp.Status != 400 {
					t.Errorf("a %d-character display name answered %d, want 400", len(p.text), resp.Status)
				}
				inspectOpen(t, author, "the refused join form", check{Sel: "#display_name", Want: p.text, Attr: "value"},
					check{Sel: ".field-error", Want: "80", Contains: true})
			}
			author.join(inv, name, "Org "+p.name)
			inspectOpen(t, author, "the joined page", check{Sel: "h1", Want: name, Contains: true})
			// The viewer has the workspace open while the author writes, so the answer and the
			// comment also reach them live, rendered by the live client.
			viewer.join(inv, "Viewer", "")
			viewer.openOK(base)
			viewer.waitLive()
			viewer.mark()
			author.openOK(base)
			if got := author.bootData().You.DisplayName; got != name {
				t.Errorf("#boot carries display name %q, want %q", abbrev(got, 60), abbrev(name, 60))
			}

			// The rationale and an evidence title, through the answer form.
			rationale, evTitle := fit(p.text, maxText), fit(p.text, maxEvTitle)
			evURL := fmt.Sprintf("https://example.org/evidence/%d?case=%s", i, p.name)
			if long {
				author.refusedAnswer(q1, p.text, evidence{evURL, evTitle}, "rationale")
				author.refusedAnswer(q1, "why", evidence{evURL, p.text}, "title_0")
			}
			if p.name == "javascript-url" {
				author.refusedAnswer(q1, "why", evidence{p.text, "a javascript: link"}, "url_0")
			}
			author.answer(q1, "2", rationale, evidence{evURL, evTitle})

			// The comment, through the comment form.
			body := fit(p.text, maxComment)
			if long {
				author.refusedComment(q1, p.text)
			}
			author.comment(q1, body)

			// What other people see.
			seen := []check{
				{Sel: "title", Want: title},
				{Sel: "h1", Want: title},
				{Sel: qsel(q1) + " .answer-list .who", Want: name, Contains: true},
				{Sel: qsel(q1) + " .answer-list .rationale", Want: rationale},
				{Sel: qsel(q1) + " .answer-list a.evidence-link", Want: evTitle},
				{Sel: qsel(q1) + " .answer-list a.evidence-link", Want: evURL, Attr: "href"},
				{Sel: qsel(q1) + " .comment .body", Want: body},
				{Sel: qsel(q1) + " .comment .by", Want: name, Contains: true},
			}
			viewer.seesComment(q1, body)
			viewer.seesAnswer(q1, name, rationale)
			inspectOpen(t, viewer, "the workspace page updated live", seen...)
			viewer.sameDocument("the payloads arrived")
			inspect(t, viewer, base, seen...)
			if long { // unbroken long text must wrap, not widen the page
				checkNarrow(t, viewer, base)
			}
			inspect(t, fac, base, seen...)
			inspect(t, fac, base+"/manage", check{Sel: "title", Want: title}, check{Sel: "h1", Want: title, Contains: true},
				check{Sel: "#s-title", Want: title, Attr: "value"}, check{Sel: "td", Want: name})
			inspect(t, fac, "/t/"+slug, check{Sel: ".ws-list a", Want: title})
			inspect(t, fac, base+"/results", check{Sel: "title", Want: title})
			inspect(t, viewer, base+"/results", check{Sel: "title", Want: title})
			if long {
				for _, path := range []string{base, base + "/manage", "/t/" + slug, base + "/results"} {
					checkNarrow(t, fac, path)
				}
			}
		})
	}
}

// refusedJS is true once the question's section shows that a save was refused: the server's
// field errors (the form posted without script) or the live client's "Not saved"/"Not posted".
func refusedJS(qid string) string {
	return `document.readyState === "complete" && [...document.querySelectorAll(` + js(qsel(qid)+" .field-error, "+qsel(qid)+" .form-error, "+
		qsel(qid)+" .save-state, "+qsel(qid)+" .comment-state") + `)].some(e => e.getClientRects().length && /not (saved|posted)|must|at most|not valid|required/i.test(e.textContent))`
}

// refusedAnswer sends an answer whose field is over its limit (or not allowed) and expects it to
// be refused: an error shown at the question, the draft kept in its field, and no new revision.
func (u *user) refusedAnswer(qid, rationale string, ev evidence, field string) {
	u.t.Helper()
	b := u.bootData()
	before := 0
	if a := u.myAnswer(b, qid); a != nil {
		before = a.Revision
	}
	form := qsel(qid) + " form.answer-form"
	u.fillAnswer(qid, "2", rationale, ev)
	u.clearErrors(qid)
	u.click(form + " button[type=submit]")
	want := map[string]string{"rationale": rationale, "url_0": ev.URL, "title_0": ev.Title}[field]
	u.waitFor("the refusal of an invalid answer", refusedJS(qid), stepTimeout)
	inspectOpen(u.t, u, "the refused answer form")
	if got := eval[string](u, `document.querySelector(`+js(form+" [name="+field+"]")+`).value`); got != want {
		u.t.Errorf("the refused answer form lost the %s draft (%d characters kept of %d)", field, len([]rune(got)), len([]rune(want)))
	}
	if a := u.myAnswer(b, qid); a != nil && a.Revision != before {
		u.t.Errorf("a refused answer was saved anyway as revision %d", a.Revision)
	}
}

// refusedComment sends an over-long comment and expects it refused with the draft kept.
func (u *user) refusedComment(qid, body string) {
	u.t.Helper()
	b := u.bootData()
	n := len(u.comments(b.API, qid))
	form := qsel(qid) + " form.comment-form"
	u.set(form+" textarea[name=body]", body)
	u.clearErrors(qid)
	u.click(form + " button[type=submit]")
	u.waitFor("the refusal of an over-long comment", refusedJS(qid), stepTimeout)
	if got := eval[string](u, `document.querySelector(`+js(form+" textarea[name=body]")+`).value`); got != body {
		u.t.Errorf("the refused comment form lost the draft (%d characters kept of %d)", len([]rune(got)), len([]rune(body)))
	}
	inspectOpen(u.t, u, "the refused comment form")
	if m := len(u.comments(b.API, qid)); m != n {
		u.t.Errorf("an over-long comment was saved anyway (%d comments, want %d)", m, n)
	}
}

// clearErrors removes the error messages a question shows now (and empties the live client's
// save and post states), so that a wait for an error sees the answer to the next submission.
func (u *user) clearErrors(qid string) {
	u.t.Helper()
	s := qsel(qid)
	eval[bool](u, `(document.querySelectorAll(`+js(s+" .field-error, "+s+" .form-error")+`).forEach(e => e.remove()),
	  document.querySelectorAll(`+js(s+" .save-state, "+s+" .comment-state")+`).forEach(e => { e.textContent = ""; }), true)`)
}

package browser

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestKeyboardOnly answers a maturity question with the keyboard alone: Tab to the first level
// of the question, arrow keys to choose, Tab to the Save button, Enter. The API must then hold
// the chosen level for this participant.
func TestKeyboardOnly(t *testing.T) {
	a := startApp(t)
	fac := a.newUser(t, "facilitator")
	slug := fac.signup("Keyboard Org", "Kim Facilitator")
	ws := fac.createWorkspace(slug, "Keyboard workshop", "")
	inv := fac.invite(slug, ws, "academia", "participant")
	p := a.newUser(t, "keyboard participant")
	p.join(inv, "Kai Keyboard", "University")
	p.openOK("/t/" + slug + "/w/" + ws)
	b := p.bootData()

	form := qsel(q1) + " form.answer-form"
	firstLevel := `document.activeElement === document.querySelector(` + js(form+` input[type=radio][name=choice]`) + `)`
	saveButton := `document.activeElement === document.querySelector(` + js(form+` button[type=submit]`) + `)`

	// Start from the top of the page, as someone who just arrived.
	p.do("focus the document", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0)`))
	tabs := p.tabUntil(firstLevel, 200)
	t.Logf("reached the first level of %s after %d Tab presses", q1, tabs)

	// Arrow keys move through the radio group and choose as they go: two steps down from level 0.
	p.do("ArrowDown", chromedp.KeyEvent(kb.ArrowDown))
	p.do("ArrowDown", chromedp.KeyEvent(kb.ArrowDown))
	chosen := eval[string](p, `(() => { const r = document.querySelector(`+js(form+` input[name=choice]:checked`)+`); return r ? r.value : ""; })()`)
	if chosen != "2" {
		t.Fatalf("after Tab and two ArrowDown presses level %q is checked, want \"2\"", chosen)
	}
	if !eval[bool](p, `document.activeElement.matches(`+js(form+` input[name=choice][value="2"]`)+`)`) {
		t.Fatalf("focus is not on level 2 after the arrow keys")
	}
	tabs = p.tabUntil(saveButton, 40)
	t.Logf("reached the Save button after %d more Tab presses", tabs)
	p.do("Enter", chromedp.KeyEvent(kb.Enter))

	// The answer is saved: the API has level 2 for this participant, and the page says so once
	// nothing is left to send (the live client may also have saved the steps on the way).
	var got *answerJSON
	p.eventually("the keyboard answer to be saved", func() bool {
		got = p.myAnswer(b, q1)
		return got != nil && got.matches("2")
	})
	p.waitReady()
	saved := `(s => s && /Saved/.test(s.textContent))(document.querySelector(` + js(form+" .save-state") + `)) && !(document.getElementById("pending") || {}).textContent`
	p.waitFor("the page to say the answer is saved", saved, stepTimeout)
	if got = p.myAnswer(b, q1); !got.matches("2") {
		t.Errorf("saved answer: value %s, status %q; want 2, answered", got.Value, got.Status)
	}
	// After a reload the form shows the choice.
	p.openOK("/t/" + slug + "/w/" + ws)
	if v := eval[string](p, `(() => { const r = document.querySelector(`+js(form+` input[name=choice]:checked`)+`); return r ? r.value : ""; })()`); v != "2" {
		t.Errorf("after a reload the form shows level %q, want 2", v)
	}
	p.waitFor("the reloaded page to say the answer is saved", saved, stepTimeout)
}

// tabUntil presses Tab until cond (a JavaScript expression) holds, at most max times, and
// returns the number of presses.
func (u *user) tabUntil(cond string, max int) int {
	u.t.Helper()
	for i := 1; i <= max; i++ {
		u.do("Tab", chromedp.KeyEvent(kb.Tab))
		if eval[bool](u, cond) {
			return i
		}
	}
	u.fatalf("%d Tab presses did not reach %s (focus is on %s)", max, cond,
		eval[string](u, `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "nothing"`))
	return 0
}

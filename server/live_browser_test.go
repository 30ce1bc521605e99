package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"workshop/server/servertest"
)

// chromium returns Chromium's path, skipping the test when it is missing (failing it instead
// when WORKSHOP_REQUIRE_SERVICES=1, as on CI).
func chromium(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "Chromium is not installed (apt-get install -y chromium)"
	if os.Getenv("WORKSHOP_REQUIRE_SERVICES") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// tab opens the workspace page in a fresh browser with the client's session cookie.
func tab(t *testing.T, app *servertest.App, c *servertest.Client, page string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1200, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser and binds its life to ctx, so it must carry no deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	u, _ := url.Parse(app.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		run(t, ctx, "set cookie", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: app.URL + "/"})
			return err
		}))
	}
	run(t, ctx, "open "+page, chromedp.Navigate(app.URL+page))
	return ctx
}

func run(t *testing.T, ctx context.Context, what string, a chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, a); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitJS polls a JavaScript condition until it is true, for at most 20 s.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 25*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		var state string
		s, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Evaluate[string](`document.querySelector("#conn").dataset.state + " / " + document.querySelector("#pending").textContent`))
		state = s
		t.Fatalf("waiting for %s: %v (conn/pending: %s)", what, err, state)
	}
}

func jsq(s string) string { b, _ := json.Marshal(s); return string(b) }

// offline cuts (or restores) the tab's network, as a train tunnel would.
func offline(t *testing.T, ctx context.Context, off bool) {
	run(t, ctx, "network offline="+strconv.FormatBool(off), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// TestLiveBrowserClient drives web/static/live.js in Chromium: it goes live, shows others' answers
// and comments in place (as text), autosaves without leaving the page, queues a save made offline
// and sends it exactly once when back, and follows the facilitator's spotlight and lock.
func TestLiveBrowserClient(t *testing.T) {
	chromium(t)
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	gov := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	cso := app.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Ben", "Data Rights Forum")
	ctx := tab(t, app, gov.Client, "/t/"+tn.Slug+"/w/"+ws)
	sec := func(q string) string { return `document.querySelector('section.question[data-question="` + q + `"]')` }
	waitJS(t, ctx, "the connection to go live", `document.querySelector("#conn").dataset.state === "live" && document.querySelector("#conn").textContent === "Live"`)
	run(t, ctx, "mark the page", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.__samePage = true`)(ctx, tg)
		return err
	}))

	// Another participant's answer and comment arrive in place.
	cso.Client.Must(http.StatusOK, "PUT", base+"/answers/"+q1, map[string]any{"value": 1, "rationale": "Weak enforcement"})
	waitJS(t, ctx, "Ben's answer in the list", `[...`+sec(q1)+`.querySelectorAll(".answer-list li[data-answer]")].some(li =>
		/^1 · /.test(li.querySelector(".value").textContent) && li.textContent.includes("Weak enforcement") && li.textContent.includes("Ben"))
		&& `+sec(q1)+`.querySelector(".answer-count").textContent === "1"`)
	probe := `<img src=x onerror="window.__xss=1"> see the act`
	cso.Client.Must(http.StatusCreated, "POST", base+"/questions/"+q1+"/comments", map[string]any{"body": probe})
	waitJS(t, ctx, "Ben's comment as text", `[...document.querySelectorAll('.comment-list[data-question="`+q1+`"] .comment .body')].some(p =>
		p.textContent === `+jsq(probe)+` && !p.querySelector("img")) && !window.__xss`)

	// Choosing a level saves at once, over fetch.
	q2 := "legal_basis.purpose_limits"
	run(t, ctx, "choose level 2", chromedp.Click(chromedp.CSS(`section.question[data-question="`+q2+`"] input[name=choice][value="2"]`)))
	waitJS(t, ctx, "the save state", sec(q2)+`.querySelector(".save-state").textContent.startsWith("Saved, revision 1")`)
	mine := func(q string) (rev int) {
		var out struct {
			Answers []struct {
				QuestionID    string `json:"question_id"`
				ParticipantID string `json:"participant_id"`
				Revision      int    `json:"revision"`
			} `json:"answers"`
		}
		gov.Client.Must(http.StatusOK, "GET", base+"/answers", nil).JSON(t, &out)
		for _, a := range out.Answers {
			if a.QuestionID == q && a.ParticipantID == gov.ID {
				return a.Revision
			}
		}
		return 0
	}
	if r := mine(q2); r != 1 {
		t.Fatalf("revision of the autosaved answer = %d, want 1", r)
	}

	// Offline, the save waits in the queue and is sent once when the network is back.
	q3 := "legal_basis.impact_assessment"
	offline(t, ctx, true)
	run(t, ctx, "choose level 3 offline", chromedp.Click(chromedp.CSS(`section.question[data-question="`+q3+`"] input[name=choice][value="3"]`)))
	waitJS(t, ctx, "the pending count", `document.querySelector("#pending").textContent === "1 answer waiting to be sent"`)
	if r := mine(q3); r != 0 {
		t.Fatalf("saved while offline: revision %d", r)
	}
	offline(t, ctx, false)
	waitJS(t, ctx, "the queue to drain", `document.querySelector("#pending").textContent === "" && `+sec(q3)+`.querySelector(".save-state").textContent.startsWith("Saved")`)
	if r := mine(q3); r != 1 {
		t.Fatalf("revision after coming back online = %d, want exactly 1", r)
	}

	// The facilitator spotlights and locks a question; the page follows without reloading.
	tn.Owner.Must(http.StatusOK, "PATCH", base+"/session", map[string]any{"spotlight": q1, "locked": []string{q1}})
	waitJS(t, ctx, "spotlight and lock", sec(q1)+`.classList.contains("spotlight") && !`+sec(q1)+`.querySelector(".badge.spot").hidden
		&& !`+sec(q1)+`.querySelector(".badge.lock").hidden && `+sec(q1)+`.querySelector("form.answer-form button[type=submit]").disabled`)
	tn.Owner.Must(http.StatusOK, "PATCH", base+"/session", map[string]any{"timer_seconds": 300})
	waitJS(t, ctx, "the countdown", `/^Time left: [45]:\d\d$/.test(document.querySelector("#timer").textContent) && !document.querySelector("#timer").hidden`)
	waitJS(t, ctx, "the same page all along", `window.__samePage === true && document.querySelector("#conn").dataset.state === "live"`)

	// The facilitator's controls work without reloading their page, and the participant follows.
	fac := tab(t, app, tn.Owner, "/t/"+tn.Slug+"/w/"+ws)
	waitJS(t, fac, "the facilitator's connection", `document.querySelector("#conn").dataset.state === "live"`)
	run(t, fac, "mark the page", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.__samePage = true`)(ctx, tg)
		return err
	}))
	run(t, fac, "spotlight q2", chromedp.Click(chromedp.CSS(`section.question[data-question="`+q2+`"] form.fac-q button[value=spotlight]`)))
	waitJS(t, ctx, "the participant to follow the spotlight", sec(q2)+`.classList.contains("spotlight") && !`+sec(q1)+`.classList.contains("spotlight")`)
	run(t, fac, "unlock q1", chromedp.Click(chromedp.CSS(`section.question[data-question="`+q1+`"] form.fac-q button[value=unlock]`)))
	waitJS(t, ctx, "q1 to unlock", `!`+sec(q1)+`.querySelector("form.answer-form button[type=submit]").disabled`)
	run(t, fac, "blind on", chromedp.Click(chromedp.CSS(`.inline-controls button[value=blind_on]`)))
	waitJS(t, ctx, "Ben's answer hidden while blind", sec(q1)+`.querySelector(".answer-list li[data-answer] .value").textContent === "hidden while blind"`)
	waitJS(t, fac, "the facilitator's page not to reload", `window.__samePage === true && document.querySelector(".inline-controls button[value=blind_off]") !== null`)

	if dir := os.Getenv("WORKSHOP_SHOTS"); dir != "" {
		_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`))
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err == nil {
			_ = os.WriteFile(filepath.Join(dir, "live-participant.png"), png, 0o644)
		}
	}
}

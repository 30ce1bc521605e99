package browser

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// mainPage is one page of the product as one kind of visitor sees it.
type mainPage struct {
	name string
	who  *user
	path string
}

// mainPages sets up a workshop through the browser and lists every main page with the visitor
// who sees it. The results and report pages are included even while they are being built.
func mainPages(t *testing.T) (*workshop, []mainPage) {
	t.Helper()
	a := startApp(t)
	w := newWorkshop(t, a)
	anon := a.newUser(t, "anonymous visitor")
	var cs struct {
		CaseStudies []struct {
			ID string `json:"id"`
		} `json:"case_studies"`
	}
	anon.apiJSON("GET", "/api/v1/case-studies", nil, 200, &cs)
	if len(cs.CaseStudies) == 0 {
		t.Fatal("GET /api/v1/case-studies listed no case study")
	}
	token := w.invite["government"][strings.LastIndex(w.invite["government"], "/")+1:]
	return w, []mainPage{
		{"home", anon, "/"},
		{"taxonomy", anon, "/taxonomy"},
		{"case-studies", anon, "/case-studies"},
		{"case-study", anon, "/case-studies/" + url.PathEscape(cs.CaseStudies[0].ID)},
		{"instrument", anon, "/instrument"},
		{"signup", anon, "/signup"},
		{"login", anon, "/login"},
		{"join", anon, "/join/" + token},
		{"dashboard", w.fac, "/t/" + w.slug},
		{"workspace-participant", w.gov, w.base},
		{"workspace-facilitator", w.fac, w.base},
		{"manage", w.fac, w.base + "/manage"},
		{"results", w.fac, w.base + "/results"},
		{"results-participant", w.civil, w.base + "/results"},
		{"report", w.fac, w.base + "/report"},
	}
}

// TestPages checks every main page for accessibility (axe-core), weight and external requests,
// a 360 px wide screen, and saves screenshots. One server and one workshop serve all subtests.
func TestPages(t *testing.T) {
	w, pages := mainPages(t)
	t.Run("axe", func(t *testing.T) {
		src := loadAxe(t)
		// The harness must see violations: a page with an unlabelled image and grey-on-white
		// text gives image-alt and color-contrast.
		t.Run("harness-sees-violations", func(t *testing.T) {
			u := pages[0].who
			defer as(u, t)()
			u.openOK("/")
			u.do("break the page", chromedp.Evaluate[chromedp.Void](`(() => { const m = document.querySelector("main");
			  const i = document.createElement("img"); i.src = "data:,"; m.append(i);
			  const p = document.createElement("p"); p.style.color = "#ccc"; p.textContent = "faint"; m.append(p); })()`))
			got := map[string]bool{}
			for _, v := range runAxe(u, src) {
				got[v.ID] = true
			}
			if !got["image-alt"] || !got["color-contrast"] {
				t.Fatalf("axe-core did not report the planted violations (got %v): the accessibility checks would pass anything", got)
			}
		})
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) {
				defer as(p.who, t)()
				p.who.openOK(p.path)
				checkAxe(t, p.who, src, p.path)
			})
		}
		// States the plain GETs above do not show.
		t.Run("manage-new-invite", func(t *testing.T) {
			defer as(w.fac, t)()
			w.fac.invite(w.slug, w.ws, "academia", "observer")
			checkAxe(t, w.fac, src, "the manage page with a new invite link")
		})
		t.Run("workspace-refused-answer", func(t *testing.T) {
			defer as(w.gov, t)()
			w.gov.openOK(w.base)
			w.gov.refusedAnswer(q1, strings.Repeat("x", 4001), evidence{"https://example.org/a", "A"}, "rationale")
			checkAxe(t, w.gov, src, "the workspace page with a refused answer")
		})
		t.Run("workspace-session-states", func(t *testing.T) {
			defer as(w.fac, t)()
			defer as(w.gov, t)()
			w.fac.openOK(w.base)
			w.fac.control(w.api, qsel(q2)+` .fac-q button[data-action=spotlight]`, "the spotlight", func(s session) bool { return s.Spotlight == q2 })
			w.fac.control(w.api, qsel(q1)+` .fac-q button[data-action=lock]`, "the lock", func(s session) bool { return len(s.Locked) == 1 })
			w.fac.control(w.api, `.controls button[value=blind_on]`, "blind mode", func(s session) bool { return s.Blind })
			w.fac.openOK(w.base)
			checkAxe(t, w.fac, src, "the facilitator's workspace page (spotlight, lock, blind)")
			w.gov.openOK(w.base)
			checkAxe(t, w.gov, src, "the participant's workspace page (spotlight, lock, blind)")
			w.fac.openOK(w.base)
			w.fac.control(w.api, `.controls button[value=blind_off]`, "blind mode off", func(s session) bool { return !s.Blind })
			w.fac.control(w.api, qsel(q1)+` .fac-q button[data-action=unlock]`, "the unlock", func(s session) bool { return len(s.Locked) == 0 })
		})
		// The joined page only exists as the answer to the join form.
		t.Run("joined", func(t *testing.T) {
			u := w.app.newUser(t, "joining participant")
			u.join(w.invite["civil_society"], "Jo Joiner", "")
			checkAxe(t, u, src, "the joined page")
		})
	})
	t.Run("weight", func(t *testing.T) {
		var report []string
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) {
				defer as(p.who, t)()
				wt := p.who.weigh(p.path)
				report = append(report, fmt.Sprintf("%-22s %7.1f KB  %s", p.name, float64(wt.total)/1024, wt.breakdown()))
				if wt.status < 200 || wt.status > 299 {
					t.Errorf("GET %s answered %d", p.path, wt.status)
				}
				if wt.total >= pageBudget {
					t.Errorf("%s weighs %d bytes (%s), over the budget of %d bytes", p.path, wt.total, wt.breakdown(), pageBudget)
				}
				for _, e := range wt.external {
					t.Errorf("%s made a request to another host: %s", p.path, e)
				}
			})
		}
		t.Logf("page weights (uncompressed bodies, cache off):\n  %s", strings.Join(report, "\n  "))
	})
	t.Run("narrow", func(t *testing.T) {
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) {
				defer as(p.who, t)()
				checkNarrow(t, p.who, p.path)
			})
		}
	})
	t.Run("screenshots", func(t *testing.T) {
		want := map[string]bool{"home": true, "taxonomy": true, "case-study": true, "workspace-participant": true,
			"workspace-facilitator": true, "manage": true, "results": true, "dashboard": true, "report": true}
		var saved []string
		for i, p := range pages {
			if !want[p.name] {
				continue
			}
			restore := as(p.who, t)
			p.who.open(p.path)
			saved = append(saved, p.who.save(fmt.Sprintf("%02d-%s", i, p.name)))
			restore()
		}
		// And the participant's workspace page on a phone.
		u := w.gov
		restore := as(u, t)
		u.do("emulate a 360x740 phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
		u.open(w.base)
		saved = append(saved, u.save("99-workspace-participant-360px"))
		u.do("reset the viewport", chromedp.ResetViewport())
		restore()
		t.Logf("screenshots in %s:\n  %s", shots(t), strings.Join(saved, "\n  "))
	})
}

// ---------------------------------------------------------------------------------------------
// axe-core

type axeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

const axeRun = `(async () => {
  const r = await axe.run(document, {resultTypes: ["violations"]});
  return r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.slice(0, 8).map(n => ({target: n.target.map(String), html: n.html.slice(0, 240),
      summary: (n.failureSummary || "").slice(0, 400)}))}));
})()`

// runAxe injects axe-core into the open page (once per document) and returns its violations.
func runAxe(u *user, src string) []axeViolation {
	u.t.Helper()
	if !eval[bool](u, `typeof window.axe === "object" && typeof window.axe.run === "function"`) {
		u.do("inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	return eval[[]axeViolation](u, axeRun)
}

// checkAxe fails on serious and critical violations and logs the others.
func checkAxe(t *testing.T, u *user, src, what string) {
	t.Helper()
	var bad, minor []string
	for _, v := range runAxe(u, src) {
		s := formatViolation(v)
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, s)
		} else {
			minor = append(minor, s)
		}
	}
	if len(minor) > 0 {
		t.Logf("axe on %s: %d moderate or minor findings:\n%s", what, len(minor), strings.Join(minor, "\n"))
	}
	if len(bad) > 0 {
		t.Errorf("axe on %s: %d serious or critical violations:\n%s", what, len(bad), strings.Join(bad, "\n"))
	}
}

func formatViolation(v axeViolation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  [%s] %s: %s (%s)\n", v.Impact, v.ID, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "      at %s\n        %s\n", strings.Join(n.Target, " "), abbrev(n.HTML, 200))
		if n.Summary != "" {
			fmt.Fprintf(&b, "        %s\n", abbrev(n.Summary, 300))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// ---------------------------------------------------------------------------------------------
// Page weight and external requests

// pageBudget is the product's budget for one page: HTML, CSS, JS, fonts and images, uncompressed.
const pageBudget = 150 * 1024

type request struct {
	url     string
	typ     string
	bytes   int64
	done    bool
	failure string
}

type weight struct {
	status   int64
	total    int64
	byType   map[string]int64
	count    int
	external []string
}

func (w weight) breakdown() string {
	var keys []string
	for k := range w.byType {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.1f KB", k, float64(w.byType[k])/1024))
	}
	return fmt.Sprintf("%d requests: %s", w.count, strings.Join(parts, ", "))
}

// weigh loads path with the cache off and sums the decoded bodies of every request the page makes
// until the network is quiet. It also lists requests to any host other than the app's.
func (u *user) weigh(path string) weight {
	u.t.Helper()
	lctx, lcancel := context.WithCancel(u.ctx)
	defer lcancel()
	var mu sync.Mutex
	reqs := map[network.RequestID]*request{}
	var order []network.RequestID
	var sockets []string
	last := time.Now()
	if err := chromedp.Listen(lctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if r, ok := reqs[ev.RequestID]; ok { // a redirect: the same id goes on
				r.url = ev.Request.URL
			} else {
				reqs[ev.RequestID] = &request{url: ev.Request.URL, typ: string(ev.Type)}
				order = append(order, ev.RequestID)
			}
			last = time.Now()
		case *network.EventResponseReceived:
			if r, ok := reqs[ev.RequestID]; ok {
				r.typ = string(ev.Type)
			}
		case *network.EventDataReceived:
			if r, ok := reqs[ev.RequestID]; ok {
				r.bytes += ev.DataLength
			}
		case *network.EventLoadingFinished:
			if r, ok := reqs[ev.RequestID]; ok {
				r.done = true
			}
			last = time.Now()
		case *network.EventLoadingFailed:
			if r, ok := reqs[ev.RequestID]; ok {
				r.done, r.failure = true, ev.ErrorText
			}
			last = time.Now()
		case *network.EventWebSocketCreated:
			sockets = append(sockets, ev.URL)
		}
	}); err != nil {
		u.fatalf("listening to network events: %v", err)
	}
	u.cacheOff(true)
	defer u.cacheOff(false)
	resp := u.open(path)
	// Wait until every request has finished and nothing new started for 500 ms (at most 10 s).
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		pending := 0
		for _, r := range reqs {
			if !r.done {
				pending++
			}
		}
		quiet := time.Since(last) > 500*time.Millisecond
		mu.Unlock()
		if (pending == 0 && quiet) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	lcancel()
	mu.Lock()
	defer mu.Unlock()
	w := weight{byType: map[string]int64{}}
	if resp != nil {
		w.status = resp.Status
	}
	for _, id := range order {
		r := reqs[id]
		if ext := u.externalURL(r.url); ext != "" {
			w.external = append(w.external, ext)
		}
		if strings.HasPrefix(r.url, "data:") {
			continue
		}
		w.count++
		w.total += r.bytes
		w.byType[strings.ToLower(r.typ)] += r.bytes
	}
	for _, s := range sockets {
		if ext := u.externalURL(s); ext != "" {
			w.external = append(w.external, "WebSocket "+ext)
		}
	}
	return w
}

// externalURL returns the URL if it is a network URL to a host other than the app's, else "".
func (u *user) externalURL(raw string) string {
	p, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	switch p.Scheme {
	case "http", "https", "ws", "wss":
		if p.Host != u.app.Host {
			return raw
		}
	case "data", "blob", "about":
	default:
		return raw
	}
	return ""
}

// ---------------------------------------------------------------------------------------------
// Small screens

type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	Offenders   []string `json:"offenders"`
}

const measureOverflow = `(() => {
  const sw = Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0);
  const out = [];
  if (sw > 361) {
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible" && a.getBoundingClientRect().right <= 361) { clipped = true; break; }
      }
      if (!clipped && r.width > 0 && r.right > 361) {
        let s = el.tagName.toLowerCase();
        if (el.id) s += "#" + el.id;
        if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
        out.push(s + " (right edge " + Math.round(r.right) + " px)");
        if (out.length >= 8) break;
      }
    }
  }
  return {scrollWidth: sw, offenders: out};
})()`

// checkNarrow loads path in a 360×740 mobile viewport and fails if the page scrolls sideways.
func checkNarrow(t *testing.T, u *user, path string) {
	t.Helper()
	u.do("emulate a 360x740 phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	defer u.do("reset the viewport", chromedp.ResetViewport())
	u.openOK(path)
	o := eval[overflow](u, measureOverflow)
	if o.ScrollWidth > 361 {
		shot := u.save("narrow-" + safeName(t.Name()))
		t.Errorf("%s scrolls sideways at 360 px: scrollWidth %d; widest elements:\n  %s\n  screenshot: %s",
			path, o.ScrollWidth, strings.Join(o.Offenders, "\n  "), shot)
	}
}

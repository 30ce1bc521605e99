package browser

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Slow 3G as the product's budget defines it.
const (
	slowLatency    = 400       // ms from request to response headers
	slowThroughput = 50 * 1024 // bytes per second, down and up (400 kbit/s)
	usableBudget   = 5 * time.Second
)

// Network conditions for going offline and coming back (no throttling).
var (
	networkOffline = network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}
	networkOnline  = network.Conditions{DownloadThroughput: -1, UploadThroughput: -1}
)

// TestSlow3G loads the workspace page on a throttled network with a cold cache and requires the
// first usable state (DOMContentLoaded and the first answer form visible) within 5 s.
func TestSlow3G(t *testing.T) {
	a := startApp(t)
	w := newWorkshop(t, a)
	p := w.civil
	p.throttle(network.Conditions{Latency: slowLatency, DownloadThroughput: slowThroughput, UploadThroughput: slowThroughput})
	p.cacheOff(true)
	p.do("leave the page", chromedp.Navigate("about:blank"))

	start := time.Now()
	func() {
		ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
		defer cancel()
		if _, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: a.URL + w.base}); err != nil {
			t.Fatalf("navigate: %v", err)
		}
	}()
	// DOMContentLoaded has ended (it waits for the deferred scripts) and the first answer form is
	// rendered. Polling adds a few milliseconds, so the measure errs on the slow side.
	p.waitFor("DOMContentLoaded and the first answer form", `location.pathname === `+js(w.base)+
		` && performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd > 0`+
		` && (f => f && f.getClientRects().length > 0)(document.querySelector(".answer-form"))`, 3*usableBudget)
	usable := time.Since(start)

	type timing struct {
		DCL  float64 `json:"dcl"`
		Size int64   `json:"size"`
	}
	tm := eval[timing](p, `(() => { const n = performance.getEntriesByType("navigation")[0];
	  return {dcl: n.domContentLoadedEventEnd, size: n.decodedBodySize}; })()`)
	t.Logf("slow 3G: first usable state after %s (the page's own DOMContentLoaded end: %.0f ms; HTML %d bytes)",
		usable.Round(time.Millisecond), tm.DCL, tm.Size)
	// The throttling must really be on, or this test measured nothing.
	rtt := eval[float64](p, `(async () => { const t0 = performance.now(); await fetch("/healthz", {cache: "no-store"}); return performance.now() - t0; })()`)
	t.Logf("a request for /healthz took %.0f ms on the throttled network", rtt)
	if rtt < slowLatency*0.9 {
		t.Fatalf("a request took %.0f ms: the %d ms latency was not applied, so this test measured nothing", rtt, slowLatency)
	}
	if usable > usableBudget {
		t.Errorf("the workspace page became usable after %s on slow 3G, over the budget of %s", usable.Round(time.Millisecond), usableBudget)
	}
}

// throttle applies network conditions to every request of the user's tab.
func (u *user) throttle(c network.Conditions) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, stepTimeout)
	defer cancel()
	err := chromedp.FromContext(u.ctx).Target.Call(ctx, "Network.emulateNetworkConditions", map[string]any{
		"offline": c.Offline, "latency": c.Latency, "downloadThroughput": c.DownloadThroughput, "uploadThroughput": c.UploadThroughput}, nil)
	if err != nil {
		u.fatalf("emulating network conditions: %v", err)
	}
}

package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Bounds for every wait. A step is one browser action (a navigation, a click, an evaluation).
const (
	stepTimeout    = 20 * time.Second
	startTimeout   = 60 * time.Second
	healthzTimeout = 30 * time.Second
	stopTimeout    = 15 * time.Second
)

var (
	chromePath string // Chromium, or "" when it is not installed
	binPath    string // the workshop binary built by TestMain

	browserOnce   sync.Once
	browserCtx    context.Context // the one browser every test shares (one allocator)
	browserErr    error
	cancelBrowser context.CancelFunc = func() {}
	cancelAlloc   context.CancelFunc = func() {}

	shotsOnce sync.Once
	shotsDir  string
	shotsErr  error

	axeOnce sync.Once
	axeSrc  string
	axePath string
)

// required reports whether a missing service (Chromium, axe-core) must fail the tests instead of
// skipping them, as on CI.
func required() bool { return os.Getenv("WORKSHOP_REQUIRE_SERVICES") == "1" }

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	chromePath = findChromium()
	if chromePath != "" {
		dir, err := os.MkdirTemp("", "workshop-browser-bin-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "browser tests:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		binPath = filepath.Join(dir, "workshop")
		if err := buildBinary(binPath); err != nil {
			fmt.Fprintln(os.Stderr, "browser tests: building the workshop binary:", err)
			return 1
		}
	}
	code := m.Run()
	cancelBrowser()
	cancelAlloc()
	return code
}

// findChromium returns /usr/bin/chromium, or chromium from PATH, or "".
func findChromium() string {
	if st, err := os.Stat("/usr/bin/chromium"); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// buildBinary builds workshop/cmd/workshop with the go command from PATH, or else the one of the
// toolchain that built this test.
func buildBinary(out string) error {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		gocmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gocmd, "build", "-o", out, "workshop/cmd/workshop")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s build: %v\n%s", gocmd, err, buf.String())
	}
	return nil
}

// needChromium skips the test when Chromium is missing, or fails it when services are required.
func needChromium(t *testing.T) {
	t.Helper()
	if chromePath != "" {
		return
	}
	msg := "Chromium is not installed (looked for /usr/bin/chromium and chromium on PATH); install it with apt-get install chromium"
	if required() {
		t.Fatal(msg + " (WORKSHOP_REQUIRE_SERVICES=1, so this is a failure)")
	}
	t.Skip(msg)
}

// browser returns the context of the shared browser, starting it on first use.
func browser(t *testing.T) context.Context {
	t.Helper()
	needChromium(t)
	browserOnce.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromePath),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("lang", "en-GB"),
			chromedp.WindowSize(1280, 900),
		)
		var actx context.Context
		actx, cancelAlloc = chromedp.NewExecAllocator(context.Background(), opts...)
		browserCtx, cancelBrowser = chromedp.NewContext(actx)
		// The first Do starts the browser and binds its life to browserCtx, so it gets no
		// deadline of its own; the wait for it is bounded here instead.
		browserErr = bounded(startTimeout, cancelBrowser, func() error { return chromedp.Do(browserCtx) })
	})
	if browserErr != nil {
		t.Fatalf("starting Chromium (%s): %v", chromePath, browserErr)
	}
	return browserCtx
}

// bounded runs f and waits at most d for it; on timeout it calls cancel (which makes f return)
// and reports the timeout.
func bounded(d time.Duration, cancel context.CancelFunc, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		cancel()
		<-done
		return fmt.Errorf("gave up after %s", d)
	}
}

// shots returns the folder for screenshots, created once per run and kept after it.
func shots(t *testing.T) string {
	t.Helper()
	shotsOnce.Do(func() { shotsDir, shotsErr = os.MkdirTemp("", "workshop-browser-shots-") })
	if shotsErr != nil {
		t.Fatal(shotsErr)
	}
	return shotsDir
}

// loadAxe returns the axe-core source, skipping (or failing, when required) when it is missing.
func loadAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		axePath = os.Getenv("WORKSHOP_AXE")
		if axePath == "" {
			home, _ := os.UserHomeDir()
			axePath = filepath.Join(home, ".cache", "workshop-axe", "node_modules", "axe-core", "axe.min.js")
		}
		if b, err := os.ReadFile(axePath); err == nil {
			axeSrc = string(b)
		}
	})
	if axeSrc == "" {
		msg := "axe-core not found at " + axePath + " (set WORKSHOP_AXE, or run: npm install --prefix ~/.cache/workshop-axe axe-core@4.14.1)"
		if required() {
			t.Fatal(msg + " (WORKSHOP_REQUIRE_SERVICES=1, so this is a failure)")
		}
		t.Skip(msg)
	}
	return axeSrc
}

// ---------------------------------------------------------------------------------------------
// The application under test: the real binary, on loopback, with its own SQLite file.

type app struct {
	t    *testing.T
	URL  string // http://127.0.0.1:P
	Host string // 127.0.0.1:P
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n lines of the output.
func (b *syncBuffer) tail(n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// startApp starts the workshop binary on a free loopback port with a fresh database, waits for
// /healthz and stops it (SIGTERM, then SIGKILL) when the test ends.
func startApp(t *testing.T) *app {
	t.Helper()
	needChromium(t)
	dir := t.TempDir()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		a, err := tryStart(t, dir, attempt)
		if err == nil {
			return a
		}
		lastErr = err
	}
	t.Fatalf("starting the workshop binary: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

func tryStart(t *testing.T, dir string, attempt int) (*app, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	host := "127.0.0.1:" + strconv.Itoa(port)
	a := &app{t: t, URL: "http://" + host, Host: host, out: &syncBuffer{}, done: make(chan struct{})}
	db := filepath.Join(dir, "x.db")
	if attempt > 0 {
		db = filepath.Join(dir, "x"+strconv.Itoa(attempt)+".db")
	}
	a.cmd = exec.Command(binPath, "-addr", host, "-base-url", a.URL, "-database-url", "sqlite:"+db)
	a.cmd.Env = cleanEnv()
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	dieWithTest(a.cmd)
	// The parent-death signal follows the thread that started the process, so that thread stays
	// locked to this goroutine until the process has exited.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := a.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = a.cmd.Wait()
		close(a.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(healthzTimeout)
	for {
		select {
		case <-a.done:
			return nil, fmt.Errorf("the binary exited before /healthz answered:\n%s", a.out.tail(30))
		default:
		}
		if resp, err := client.Get(a.URL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			a.stop()
			return nil, fmt.Errorf("/healthz did not answer 200 within %s:\n%s", healthzTimeout, a.out.tail(30))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(a.out.String(), "workshop: listening on http://"+host) {
		t.Logf("note: the binary did not print %q", "workshop: listening on http://"+host)
	}
	t.Cleanup(func() {
		a.stop()
		if t.Failed() {
			t.Logf("last lines of the workshop binary's output:\n%s", a.out.tail(40))
		}
	})
	return a, nil
}

// cleanEnv is the environment without the settings that would change which database, broker
// or origins the binary uses.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "PORT", "ADDR", "DATABASE_URL", "REDIS_URL", "BASE_URL", "ALLOWED_ORIGINS", "DEMO", "LOG_LEVEL":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (a *app) stop() {
	select {
	case <-a.done:
		return
	default:
	}
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.done:
	case <-time.After(stopTimeout):
		_ = a.cmd.Process.Kill()
		<-a.done
	}
}

// ---------------------------------------------------------------------------------------------
// Users: one browser context (own cookies, own cache) and one tab each.

type user struct {
	t      *testing.T
	app    *app
	name   string
	ctx    context.Context
	cancel context.CancelFunc

	mu         sync.Mutex
	dialogs    []string // JavaScript dialogs that opened (each one fails the test)
	exceptions []string // uncaught exceptions in the pages (each one fails the test)
	errs       []string // console errors, logged for diagnosis
}

// newUser opens a new browser context (a separate person: own cookie jar) with one tab. Every
// JavaScript dialog that opens in it is dismissed and fails the test.
func (a *app) newUser(t *testing.T, name string) *user {
	t.Helper()
	bctx := browser(t)
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	if err := bounded(startTimeout, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		cancel()
		t.Fatalf("%s: opening a browser context: %v", name, err)
	}
	u := &user{t: t, app: a, name: name, ctx: ctx, cancel: cancel}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			u.mu.Lock()
			u.dialogs = append(u.dialogs, fmt.Sprintf("%s dialog %q on %s", ev.Type, ev.Message, ev.URL))
			u.mu.Unlock()
			go func() {
				dctx, cancel := context.WithTimeout(ctx, stepTimeout)
				defer cancel()
				_, _ = chromedp.Call(dctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	}()
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			line := fmt.Sprintf("%s (%s:%d)", m.String(), m.URL, m.Line+1)
			u.mu.Lock()
			switch {
			case m.IsException():
				u.exceptions = append(u.exceptions, line)
			case m.Type == chromedp.ConsoleError && !expected4xx.MatchString(m.Text) && len(u.errs) < 50:
				u.errs = append(u.errs, line)
			}
			u.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		u.mu.Lock()
		defer u.mu.Unlock()
		for _, d := range u.dialogs {
			t.Errorf("%s: a JavaScript dialog opened: %s", name, d)
		}
		for _, e := range u.exceptions {
			t.Errorf("%s: uncaught exception in the page: %s", name, e)
		}
		if len(u.errs) > 0 {
			t.Logf("%s: console errors and exceptions:\n  %s", name, strings.Join(u.errs, "\n  "))
		}
	})
	return u
}

// expected4xx matches the browser's log line for a refused request; the tests make those on
// purpose (over-long fields, pages that answer 404), so they are not worth logging.
var expected4xx = regexp.MustCompile(`status of 4\d\d`)

// noDialogs fails the test now if a dialog has opened in this user's browser.
func (u *user) noDialogs() {
	u.t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.dialogs) > 0 {
		u.t.Fatalf("%s: a JavaScript dialog opened: %s", u.name, strings.Join(u.dialogs, "; "))
	}
}

// do runs steps with a bounded wait and fails the test (with a screenshot) on error.
func (u *user) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		u.fatalf("%s: %v", what, err)
	}
}

// cacheOff turns the browser cache of the user's tab off (a first visit) or back on.
func (u *user) cacheOff(off bool) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: off}); err != nil {
		u.fatalf("setting the cache off=%v: %v", off, err)
	}
}

// get runs one action that returns a value, with a bounded wait.
func get[T any](u *user, what string, a chromedp.Action[T]) T {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		u.fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates a JavaScript expression (awaiting it if it is a promise).
func eval[T any](u *user, expr string) T {
	u.t.Helper()
	return get(u, "evaluate "+abbrev(expr, 80), chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// tryEval is eval without failing: for polling while a page may be navigating.
func tryEval[T any](u *user, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(u.ctx, 5*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

func (u *user) fatalf(format string, args ...any) {
	u.t.Helper()
	msg := fmt.Sprintf(format, args...)
	loc, _ := u.tryLocation()
	shot := u.trySave("failure-" + safeName(u.t.Name()+"-"+u.name))
	u.t.Fatalf("%s: %s\n  page: %s\n  screenshot: %s", u.name, msg, loc, shot)
}

func (u *user) tryLocation() (string, error) {
	ctx, cancel := context.WithTimeout(u.ctx, 3*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Location())
}

// abs makes a path on the app absolute; absolute URLs stay.
func (u *user) abs(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return u.app.URL + path
}

// open navigates to path, waits for the load event and returns the document's response.
func (u *user) open(path string) *network.Response {
	u.t.Helper()
	return get(u, "open "+path, chromedp.NavigateResponse(u.abs(path)))
}

// openOK opens path and fails unless the document answered 2xx.
func (u *user) openOK(path string) *network.Response {
	u.t.Helper()
	resp := u.open(path)
	if resp == nil || resp.Status < 200 || resp.Status > 299 {
		st := int64(0)
		if resp != nil {
			st = resp.Status
		}
		u.fatalf("GET %s answered %d, want 2xx", path, st)
	}
	return resp
}

// submit clicks a submit button of a form that navigates, and returns the final document's
// response (after redirects).
func (u *user) submit(sel string) *network.Response {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		u.fatalf("submit %s: %v", sel, err)
	}
	return resp
}

// set sets the value of an input, textarea or select.
// (chromedp.SetValue cannot set an empty value: the empty argument is dropped on the wire.)
func (u *user) set(sel, value string) {
	u.t.Helper()
	u.do("wait for "+sel, chromedp.WaitReady(chromedp.CSS(sel)))
	ok := eval[bool](u, `(() => {
  const el = document.querySelector(`+js(sel)+`), v = `+js(value)+`;
  if (!el) return false;
  el.value = v;
  el.dispatchEvent(new Event("input", {bubbles: true}));
  el.dispatchEvent(new Event("change", {bubbles: true}));
  return el.value === v;
})()`)
	if !ok {
		u.fatalf("could not set the value of %s to %q", sel, abbrev(value, 60))
	}
}

func (u *user) click(sel string) {
	u.t.Helper()
	u.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (u *user) location() string {
	u.t.Helper()
	return get(u, "location", chromedp.Location())
}

// path returns the current location's path.
func (u *user) path() string {
	u.t.Helper()
	p, err := url.Parse(u.location())
	if err != nil {
		u.fatalf("location: %v", err)
	}
	return p.Path
}

// waitReady waits until the current document has loaded (tolerating a navigation in progress).
func (u *user) waitReady() {
	u.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if ok, err := tryEval[bool](u, `document.readyState === "complete"`); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	u.fatalf("the page did not finish loading within %s", stepTimeout)
}

// waitFor polls a JavaScript condition until it is true, or fails after d.
func (u *user) waitFor(what, cond string, d time.Duration) {
	u.t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, err := tryEval[bool](u, "!!("+cond+")")
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			u.fatalf("waited %s for %s (%s); last error: %v", d, what, cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// save writes a full-page screenshot into the screenshot folder and returns its path.
func (u *user) save(name string) string {
	u.t.Helper()
	buf := get(u, "screenshot", u.screenshot())
	p := filepath.Join(shots(u.t), safeName(name)+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		u.t.Fatal(err)
	}
	return p
}

func (u *user) trySave(name string) string {
	ctx, cancel := context.WithTimeout(u.ctx, 5*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, u.screenshot())
	if err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	shotsOnce.Do(func() { shotsDir, shotsErr = os.MkdirTemp("", "workshop-browser-shots-") })
	if shotsErr != nil {
		return "(no screenshot folder)"
	}
	p := filepath.Join(shotsDir, safeName(name)+".png")
	if os.WriteFile(p, buf, 0o644) != nil {
		return "(screenshot not written)"
	}
	return p
}

// screenshot captures the full page, or only the viewport when the page is so large that a
// full capture could bring the browser down (a page made very wide by unbroken text, say).
func (u *user) screenshot() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		size, err := chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.scrollHeight]`)(ctx, t)
		if err == nil && len(size) == 2 && size[0] <= 4000 && size[0]*size[1] <= 40_000_000 {
			return chromedp.FullScreenshot(100)(ctx, t)
		}
		return chromedp.CaptureScreenshot()(ctx, t)
	}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string {
	s = unsafeChars.ReplaceAllString(s, "_")
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

func abbrev(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// header returns a response header, matching its name without regard to case.
func header(resp *network.Response, name string) string {
	if resp == nil {
		return ""
	}
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// js encodes a Go value as a JavaScript literal (JSON escapes <, > and & too).
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ---------------------------------------------------------------------------------------------
// The JSON API with the user's own cookies (read from the browser), for checking what was saved.

func (u *user) cookies() []*http.Cookie {
	u.t.Helper()
	res, err := func() (network.GetCookiesResult, error) {
		ctx, cancel := context.WithTimeout(u.ctx, stepTimeout)
		defer cancel()
		return chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u.app.URL + "/"}})
	}()
	if err != nil {
		u.fatalf("reading cookies: %v", err)
	}
	var out []*http.Cookie
	for _, c := range res.Cookies {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

// api calls the JSON API as this user and returns the status and body.
func (u *user) api(method, path string, body any) (int, []byte) {
	u.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			u.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.app.URL+path, r)
	if err != nil {
		u.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	var pairs []string
	for _, c := range u.cookies() {
		pairs = append(pairs, c.Name+"="+c.Value) // as the browser sends them (AddCookie drops quotes)
	}
	if len(pairs) > 0 {
		req.Header.Set("Cookie", strings.Join(pairs, "; "))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		u.t.Fatalf("%s: %s %s: %v", u.name, method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// apiJSON calls the API, requires want as the status and decodes the body into v (if not nil).
func (u *user) apiJSON(method, path string, body any, want int, v any) {
	u.t.Helper()
	st, b := u.api(method, path, body)
	if st != want {
		u.t.Fatalf("%s: %s %s answered %d, want %d: %s", u.name, method, path, st, want, abbrev(string(b), 300))
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			u.t.Fatalf("%s: %s %s: decoding %s: %v", u.name, method, path, abbrev(string(b), 200), err)
		}
	}
}

// as makes u report to t (a subtest) until the returned func restores its previous test.
func as(u *user, t *testing.T) func() {
	old := u.t
	u.t = t
	return func() { u.t = old }
}

// asAll is as for several users at once.
func asAll(t *testing.T, users ...*user) func() {
	var restore []func()
	for _, u := range users {
		restore = append(restore, as(u, t))
	}
	return func() {
		for i := len(restore) - 1; i >= 0; i-- {
			restore[i]()
		}
	}
}

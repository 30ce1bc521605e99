package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// The tests in this file build the real binary and run it as a subprocess on loopback.

var (
	e2eBuildOnce sync.Once
	e2eBin       string
	e2eBuildErr  error
	e2eBuildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if e2eBuildDir != "" {
		os.RemoveAll(e2eBuildDir)
	}
	os.Exit(code)
}

// e2eBinary builds the command once per test run.
func e2eBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	e2eBuildOnce.Do(func() {
		e2eBuildDir, e2eBuildErr = os.MkdirTemp("", "workshop-e2e-")
		if e2eBuildErr != nil {
			return
		}
		e2eBin = filepath.Join(e2eBuildDir, "workshop")
		out, err := exec.Command("go", "build", "-o", e2eBin, ".").CombinedOutput()
		if err != nil {
			e2eBuildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if e2eBuildErr != nil {
		t.Fatal(e2eBuildErr)
	}
	return e2eBin
}

// e2eEnv is the environment without any of the binary's settings, plus extra.
func e2eEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PORT", "ADDR", "DATABASE_URL", "REDIS_URL", "BASE_URL", "ALLOWED_ORIGINS", "LOG_LEVEL", "DEMO":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// proc is a running binary.
type proc struct {
	cmd    *exec.Cmd
	base   string
	done   chan struct{}
	mu     sync.Mutex
	lines  []string // the last lines of stdout and stderr, for failure messages
	stderr bytes.Buffer
}

func (p *proc) keep(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines = append(p.lines, line)
	if len(p.lines) > 50 {
		p.lines = p.lines[len(p.lines)-50:]
	}
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n") + "\n" + p.stderr.String()
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// startBinary runs the binary on a free loopback port with the SQLite file and waits until it
// says it is listening.
func startBinary(t *testing.T, dbPath string) *proc {
	t.Helper()
	bin := e2eBinary(t)
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		addr := "127.0.0.1:" + strconv.Itoa(port)
		p := &proc{base: "http://" + addr, done: make(chan struct{})}
		p.cmd = exec.Command(bin, "-addr", addr, "-database-url", "sqlite:"+dbPath, "-base-url", p.base, "-log-level", "warn")
		p.cmd.Env = e2eEnv()
		p.cmd.Dir = t.TempDir()
		p.cmd.Stderr = &p.stderr
		stdout, err := p.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stdout)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			once := sync.Once{}
			for sc.Scan() {
				line := sc.Text()
				p.keep(line)
				if strings.HasPrefix(line, "workshop: listening on http://"+addr) {
					once.Do(func() { close(ready) })
				}
			}
			_, _ = io.Copy(io.Discard, stdout)
		}()
		go func() {
			_ = p.cmd.Wait()
			close(p.done)
		}()
		t.Cleanup(func() { p.kill() })
		select {
		case <-ready:
			return p
		case <-p.done:
			if attempt < 3 && strings.Contains(p.output(), "address already in use") {
				continue
			}
			t.Fatalf("the binary exited before listening:\n%s", p.output())
		case <-time.After(30 * time.Second):
			t.Fatalf("the binary did not start listening within 30s:\n%s", p.output())
		}
	}
}

// kill sends SIGKILL and waits for the process to go.
func (p *proc) kill() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// client is one person's browser: a cookie jar, no redirects followed.
type client struct {
	t    *testing.T
	p    *proc
	http *http.Client
}

func newClient(t *testing.T, p *proc) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, p: p, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status int
	body   []byte
	header http.Header
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// try sends a request and returns the transport error instead of failing.
func (c *client) try(method, path string, body any) (*response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.p.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, body: b, header: resp.Header}, nil
}

func (c *client) must(want int, method, path string, body any) *response {
	c.t.Helper()
	r, err := c.try(method, path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s", method, path, err, c.p.output())
	}
	if r.status != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

func wsPath(slug, ws string) string { return "/api/v1/tenants/" + slug + "/workspaces/" + ws }

// TestBinaryJourney boots the real binary and walks signup → login → create workspace → logout
// over HTTP, checking health, readiness and the session cookie, then stops it with SIGTERM.
func TestBinaryJourney(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "journey.db")
	p := startBinary(t, dbPath)
	c := newClient(t, p)
	var status struct{ Status string }
	c.must(200, "GET", "/healthz", nil).decode(t, &status)
	if status.Status != "ok" {
		t.Fatalf("healthz %+v", status)
	}
	c.must(200, "GET", "/readyz", nil)

	r := c.must(201, "POST", "/api/v1/signup", map[string]string{"organization": "E2E Ministry", "name": "Eve", "email": "eve@example.org", "password": "correct horse battery"})
	var signup struct {
		Tenant struct{ Slug string } `json:"tenant"`
	}
	r.decode(t, &signup)
	checkCookie(t, r)
	c.must(200, "GET", "/api/v1/me", nil)
	c.must(204, "POST", "/api/v1/logout", nil)
	c.must(401, "GET", "/api/v1/me", nil)

	r = c.must(200, "POST", "/api/v1/login", map[string]string{"email": "eve@example.org", "password": "correct horse battery"})
	checkCookie(t, r)
	var ws struct {
		Workspace struct{ ID string } `json:"workspace"`
	}
	c.must(201, "POST", "/api/v1/tenants/"+signup.Tenant.Slug+"/workspaces", map[string]any{"title": "Kenya health data exchange, 2027", "country": "Kenya"}).decode(t, &ws)
	c.must(200, "GET", wsPath(signup.Tenant.Slug, ws.Workspace.ID), nil)
	page := c.must(200, "GET", "/t/"+signup.Tenant.Slug+"/w/"+ws.Workspace.ID, nil)
	if !strings.Contains(page.header.Get("Content-Security-Policy"), "script-src 'self'") || !strings.Contains(string(page.body), "Kenya health data exchange") {
		t.Fatalf("workspace page: %v", page.header)
	}
	c.must(200, "GET", "/static/app.css", nil)
	c.must(200, "GET", "/api/v1/instrument", nil)
	c.must(204, "POST", "/api/v1/logout", nil)
	c.must(401, "GET", "/api/v1/me", nil)
	c.must(401, "GET", "/api/v1/tenants/"+signup.Tenant.Slug+"/workspaces", nil)

	// SIGTERM shuts down gracefully: exit status 0, promptly.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit within 15s of SIGTERM:\n%s", p.output())
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit status %d after SIGTERM:\n%s", code, p.output())
	}
	// The data is there for the next start.
	p2 := startBinary(t, dbPath)
	c2 := newClient(t, p2)
	c2.must(200, "POST", "/api/v1/login", map[string]string{"email": "eve@example.org", "password": "correct horse battery"})
	var list struct {
		Workspaces []struct{ ID string } `json:"workspaces"`
	}
	c2.must(200, "GET", "/api/v1/tenants/"+signup.Tenant.Slug+"/workspaces", nil).decode(t, &list)
	if len(list.Workspaces) != 1 || list.Workspaces[0].ID != ws.Workspace.ID {
		t.Fatalf("after restart: %+v", list)
	}
}

func checkCookie(t *testing.T, r *response) {
	t.Helper()
	for _, line := range r.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Name != "session" {
			continue
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Secure {
			t.Fatalf("session cookie %q", line)
		}
		return
	}
	t.Fatalf("no session cookie in %v", r.header.Values("Set-Cookie"))
}

// ack is a save the server acknowledged with 2xx.
type ack struct {
	answer   string
	revision int
}

// TestKillDuringWrites floods the binary with answer saves from several participants, SIGKILLs it
// at a random moment, restarts it on the same file and checks that every acknowledged revision is
// there and the database is intact. Three rounds.
func TestKillDuringWrites(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "kill.db")
	p := startBinary(t, dbPath)
	fac := newClient(t, p)
	r := fac.must(201, "POST", "/api/v1/signup", map[string]string{"organization": "Kill Org", "name": "Fac", "email": "fac@example.org", "password": "correct horse battery"})
	var signup struct {
		Tenant struct{ Slug string } `json:"tenant"`
	}
	r.decode(t, &signup)
	slug := signup.Tenant.Slug
	var ws struct {
		Workspace struct{ ID string } `json:"workspace"`
	}
	fac.must(201, "POST", "/api/v1/tenants/"+slug+"/workspaces", map[string]any{"title": "Crash test"}).decode(t, &ws)
	base := wsPath(slug, ws.Workspace.ID)
	var participants []*client
	for i, g := range []string{"government", "civil_society", "academia", "private_sector"} {
		var inv struct {
			Invite struct{ Token string } `json:"invite"`
		}
		fac.must(201, "POST", base+"/invites", map[string]string{"stakeholder_group": g}).decode(t, &inv)
		c := newClient(t, p)
		c.must(201, "POST", "/api/v1/join/"+inv.Invite.Token, map[string]string{"display_name": fmt.Sprintf("P%d", i)})
		participants = append(participants, c)
	}
	questions := []string{"legal_basis.dp_law", "legal_basis.purpose_limits", "legal_basis.impact_assessment", "trust_security.audits"}

	var acked []ack
	for round := 1; round <= 3; round++ {
		var mu sync.Mutex
		var wg sync.WaitGroup
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		roundAcks := 0
		for i, c := range participants {
			c.p = p
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ctx.Err() == nil; n++ {
					q := questions[(i+n)%len(questions)]
					r, err := c.try("PUT", base+"/answers/"+q, map[string]any{"value": n % 5, "rationale": fmt.Sprintf("round %d save %d", round, n)})
					if err != nil {
						return // the server is gone
					}
					if r.status != 200 {
						t.Errorf("save: %d %s", r.status, r.body)
						return
					}
					var out struct {
						Answer struct {
							ID       string `json:"id"`
							Revision int    `json:"revision"`
						} `json:"answer"`
					}
					if err := json.Unmarshal(r.body, &out); err != nil {
						t.Errorf("decode: %v", err)
						return
					}
					mu.Lock()
					acked = append(acked, ack{out.Answer.ID, out.Answer.Revision})
					roundAcks++
					mu.Unlock()
				}
			}()
		}
		time.Sleep(200*time.Millisecond + rand.N(1300*time.Millisecond))
		p.kill()
		wg.Wait()
		cancel()
		if roundAcks == 0 {
			t.Fatalf("round %d: nothing was acknowledged before the kill:\n%s", round, p.output())
		}

		p = startBinary(t, dbPath)
		fac.p = p
		fac.must(200, "GET", "/readyz", nil)
		// Every acknowledged revision is in the history the facilitator sees...
		have := map[ack]bool{}
		for _, q := range questions {
			var h struct {
				Revisions []struct {
					ID       string `json:"id"`
					Revision int    `json:"revision"`
				} `json:"revisions"`
			}
			fac.must(200, "GET", base+"/answers/"+q+"/history", nil).decode(t, &h)
			for _, rv := range h.Revisions {
				have[ack{rv.ID, rv.Revision}] = true
			}
		}
		missing := 0
		for _, a := range acked {
			if !have[a] {
				missing++
			}
		}
		if missing > 0 {
			t.Fatalf("round %d: %d of %d acknowledged revisions are missing after the kill", round, missing, len(acked))
		}
		// ...and the file itself is intact and consistent.
		checkDatabase(t, dbPath, ws.Workspace.ID, acked)
		t.Logf("round %d: %d acknowledged saves survived (%d in total)", round, roundAcks, len(acked))
	}
}

// checkDatabase opens the SQLite file read-only next to the running binary and checks integrity,
// that every acknowledged revision is stored, that each answer points at its latest revision, and
// that the event log has no gaps.
func checkDatabase(t *testing.T, path, workspace string, acked []ack) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q, %v", integrity, err)
	}
	var fk int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Fatalf("%d foreign key violations (%v)", fk, err)
	}
	for _, a := range acked {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM answer_revisions WHERE answer_id = ? AND revision = ?`, a.answer, a.revision).Scan(&n); err != nil || n != 1 {
			t.Fatalf("revision %d of answer %s: %d rows (%v)", a.revision, a.answer, n, err)
		}
	}
	var stale int
	if err := db.QueryRow(`SELECT count(*) FROM answers a WHERE a.revision <> (SELECT max(revision) FROM answer_revisions r WHERE r.tenant_id = a.tenant_id AND r.answer_id = a.id)`).Scan(&stale); err != nil || stale != 0 {
		t.Fatalf("%d answers do not show their latest revision (%v)", stale, err)
	}
	var events, maxSeq, lastSeq int64
	if err := db.QueryRow(`SELECT count(*), coalesce(max(seq), 0) FROM events WHERE workspace_id = ?`, workspace).Scan(&events, &maxSeq); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT last_seq FROM workspaces WHERE id = ?`, workspace).Scan(&lastSeq); err != nil {
		t.Fatal(err)
	}
	if events != maxSeq || maxSeq != lastSeq {
		t.Fatalf("event log: %d events, max seq %d, last_seq %d", events, maxSeq, lastSeq)
	}
	var revisions int64
	if err := db.QueryRow(`SELECT count(*) FROM answer_revisions WHERE workspace_id = ?`, workspace).Scan(&revisions); err != nil {
		t.Fatal(err)
	}
	var saves int64
	if err := db.QueryRow(`SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'answer.saved'`, workspace).Scan(&saves); err != nil {
		t.Fatal(err)
	}
	if saves != revisions {
		t.Fatalf("%d answer.saved events for %d revisions: a change without its event, or the reverse", saves, revisions)
	}
}

// TestBinaryRefusesBadConfig runs the binary with each bad setting: it exits non-zero at once with
// a message that names the variable.
func TestBinaryRefusesBadConfig(t *testing.T) {
	bin := e2eBinary(t)
	cases := []struct {
		env  string
		args []string
		name string
	}{
		{"PORT=eighty", nil, "PORT"},
		{"PORT=70000", nil, "PORT"},
		{"", []string{"-port", "-1"}, "PORT"},
		{"DATABASE_URL=mysql://localhost/db", nil, "DATABASE_URL"},
		{"DATABASE_URL=sqlite:", nil, "DATABASE_URL"},
		{"BASE_URL=ftp://example.org", nil, "BASE_URL"},
		{"BASE_URL=assess.example.org", nil, "BASE_URL"},
		{"BASE_URL=https://assess.example.org/app", nil, "BASE_URL"},
		{"LOG_LEVEL=loud", nil, "LOG_LEVEL"},
		{"REDIS_URL=http://localhost:6379", nil, "REDIS_URL"},
		{"ALLOWED_ORIGINS=https://*.example.org", nil, "ALLOWED_ORIGINS"},
	}
	for _, tc := range cases {
		t.Run(tc.env+strings.Join(tc.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, append([]string{"-addr", "127.0.0.1:" + strconv.Itoa(freePort(t))}, tc.args...)...)
			cmd.Env = e2eEnv("DATABASE_URL=sqlite:" + filepath.Join(dir, "unused.db"))
			if tc.env != "" {
				cmd.Env = append(cmd.Env, tc.env)
			}
			cmd.Dir = dir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Stdout = io.Discard
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("exit %v, want a non-zero status; stderr: %s", err, stderr.String())
			}
			if ctx.Err() != nil {
				t.Fatal("the binary kept running with a bad setting")
			}
			if !strings.Contains(stderr.String(), tc.name) {
				t.Fatalf("the message does not name %s: %q", tc.name, stderr.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "unused.db")); tc.name != "DATABASE_URL" && err == nil {
				t.Fatal("a database was created before the configuration was checked")
			}
		})
	}
}

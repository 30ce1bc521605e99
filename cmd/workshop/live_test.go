package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"workshop/realtime/redisbroker/redistest"
)

func TestOriginPatterns(t *testing.T) {
	got := originPatterns("https://assess.example.org", []string{"https://assess.example.org", "http://localhost:8080", "http://[::1]:8080"})
	want := []string{"https://assess.example.org", "http://localhost:8080", `http://\[::1\]:8080`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("patterns = %q, want %q", got, want)
	}
}

// TestBinaryWithRedis runs the service as main does, with REDIS_URL: /readyz follows Redis, the
// WebSocket accepts only the configured origins, and stopping the process closes sockets with 1012.
func TestBinaryWithRedis(t *testing.T) {
	r := redistest.Start(t)
	dir := t.TempDir()
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": "sqlite:" + filepath.Join(dir, "w.db"), "REDIS_URL": r.URL(),
		"BASE_URL": "http://assess.example.org", "ALLOWED_ORIGINS": "https://other.example.org", "LOG_LEVEL": "error"}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ran := make(chan error, 1)
	go func() {
		ran <- run(ctx, nil, func(k string) string { return env[k] }, pw)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "workshop: listening on http://") {
				addr <- strings.Fields(strings.TrimPrefix(l, "workshop: listening on http://"))[0]
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-ran:
		t.Fatalf("run ended before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the service did not start")
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	do := func(method, path string, body any) *http.Response {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	readyz := func() int {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := readyz(); st != http.StatusOK {
		t.Fatalf("/readyz = %d with Redis up", st)
	}
	r.Kill()
	if st := readyz(); st != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d with Redis down, want 503", st)
	}
	r.Restart()
	deadline := time.Now().Add(15 * time.Second)
	for readyz() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not recover")
		}
		time.Sleep(50 * time.Millisecond)
	}

	var signup struct {
		Tenant struct{ Slug string } `json:"tenant"`
	}
	resp := do("POST", "/api/v1/signup", map[string]string{"organization": "Ministry", "name": "Owner", "email": "o@example.org", "password": "correct horse battery"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("signup: %d", resp.StatusCode)
	}
	_ = json.NewDecoder(resp.Body).Decode(&signup)
	var ws struct {
		Workspace struct{ ID string } `json:"workspace"`
	}
	resp = do("POST", "/api/v1/tenants/"+signup.Tenant.Slug+"/workspaces", map[string]string{"title": "T", "country": "C"})
	_ = json.NewDecoder(resp.Body).Decode(&ws)
	liveURL := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/tenants/" + signup.Tenant.Slug + "/workspaces/" + ws.Workspace.ID + "/live"
	dial := func(origin string) (*websocket.Conn, *http.Response, error) {
		dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return websocket.Dial(dctx, liveURL, &websocket.DialOptions{HTTPClient: hc, HTTPHeader: http.Header{"Origin": {origin}}})
	}
	if _, resp, err := dial("https://evil.example"); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v %v", err, resp)
	}
	var conns []*websocket.Conn
	for _, o := range []string{"http://assess.example.org", "https://other.example.org"} {
		c, _, err := dial(o)
		if err != nil {
			t.Fatalf("origin %s refused: %v", o, err)
		}
		defer c.CloseNow()
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, _, err := c.Read(rctx); err != nil { // hello
			t.Fatal(err)
		}
		cancel()
		conns = append(conns, c)
	}
	stop() // SIGTERM
	for _, c := range conns {
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var err error
		for err == nil { // presence messages may come first
			_, _, err = c.Read(rctx)
		}
		cancel()
		if st := websocket.CloseStatus(err); st != websocket.StatusServiceRestart {
			t.Fatalf("socket ended with %v, want 1012", err)
		}
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("run did not return after shutdown")
	}
}

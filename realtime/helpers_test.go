package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"workshop/tenants"
)

// memLog is a hand-written event log: the domain interface the hub reads from.
type memLog struct {
	mu     sync.Mutex
	events map[roomKey][]tenants.Event
}

func newMemLog() *memLog { return &memLog{events: map[roomKey][]tenants.Event{}} }

func (l *memLog) EventsAfter(_ context.Context, t, w string, after int64, limit int) ([]tenants.Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []tenants.Event
	for _, e := range l.events[roomKey{t, w}] {
		if e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (l *memLog) LatestSeq(_ context.Context, t, w string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	evs := l.events[roomKey{t, w}]
	if len(evs) == 0 {
		return 0, nil
	}
	return evs[len(evs)-1].Seq, nil
}

// append commits an event with the next seq, as the service does in its transaction.
func (l *memLog) append(t, w, typ string, d tenants.EventData) tenants.Event {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := roomKey{t, w}
	e := tenants.Event{TenantID: t, WorkspaceID: w, Seq: int64(len(l.events[k]) + 1), Type: typ, At: tenants.Now(), Data: b}
	l.events[k] = append(l.events[k], e)
	return e
}

const (
	tnt = "tenant1"
	wsp = "workspace1"
)

// viewers the test server knows, by the ?as= name.
var viewers = map[string]tenants.Viewer{
	"fac":  {TenantID: tnt, WorkspaceID: wsp, UserID: "u1", Role: tenants.RoleFacilitator, Name: "Fran Facilitator"},
	"p1":   {TenantID: tnt, WorkspaceID: wsp, ParticipantID: "p1", Role: tenants.RoleParticipant, Name: "Asha", Group: "government"},
	"p2":   {TenantID: tnt, WorkspaceID: wsp, ParticipantID: "p2", Role: tenants.RoleParticipant, Name: "Ben", Group: "civil_society"},
	"p3":   {TenantID: tnt, WorkspaceID: wsp, ParticipantID: "p3", Role: tenants.RoleParticipant, Name: "Chen", Group: "academia"},
	"obs":  {TenantID: tnt, WorkspaceID: wsp, ParticipantID: "o1", Role: tenants.RoleObserver, Name: "Olu", Group: "other"},
	"w2p1": {TenantID: tnt, WorkspaceID: "workspace2", ParticipantID: "p1", Role: tenants.RoleParticipant, Name: "Asha", Group: "government"},
}

// env is one hub behind an HTTP server that plays the part of server/ws.go: the viewer comes from
// ?as=, the session from ?session= (default "s-"+as), the attribution from ?attr=.
type env struct {
	t   *testing.T
	log *memLog
	hub *Hub
	srv *httptest.Server
}

type envOption func(*Config, *httptest.Server)

func newEnv(t *testing.T, log *memLog, broker Broker, opts ...envOption) *env {
	t.Helper()
	if log == nil {
		log = newMemLog()
	}
	cfg := Config{Events: log, Broker: broker, CheckInterval: 50 * time.Millisecond}
	srv := httptest.NewUnstartedServer(nil)
	for _, o := range opts {
		o(&cfg, srv)
	}
	hub, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, log: log, hub: hub, srv: srv}
	srv.Config.Handler = http.HandlerFunc(e.serve)
	srv.Start()
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
	})
	return e
}

func (e *env) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, ok := viewers[q.Get("as")]
	if !ok {
		http.Error(w, "who?", http.StatusUnauthorized)
		return
	}
	raw, has := q["since"]
	var since int64
	if has {
		since, _ = strconv.ParseInt(raw[0], 10, 64)
	}
	session := q.Get("session")
	if session == "" {
		session = "s-" + q.Get("as")
	}
	hello := map[string]any{"you": map[string]string{"display_name": v.Name, "role": v.Role}, "session": map[string]any{"round": 1}}
	if a := q.Get("attr"); a != "" {
		hello["attribution"] = a
	}
	e.hub.Serve(w, r, v, session, since, has, hello)
}

// publish commits an event and hands it to the hub, as the service does after commit.
func (e *env) publish(typ string, d tenants.EventData) tenants.Event {
	ev := e.log.append(tnt, wsp, typ, d)
	e.hub.Publish(ev)
	return ev
}

func answerEvent(pid, name, group string, value int, blind bool, attribution string) tenants.EventData {
	return tenants.EventData{Answer: &tenants.Answer{ID: "a-" + pid, QuestionID: "legal_basis.dp_law", ParticipantID: pid,
		DisplayName: name, StakeholderGroup: group, Value: json.RawMessage(strconv.Itoa(value)), Status: tenants.StatusAnswered,
		Rationale: "because " + name, Evidence: []tenants.Evidence{}}, Blind: blind, Attribution: attribution}
}

// client is one test WebSocket.
type client struct {
	t  *testing.T
	ws *websocket.Conn
}

// dial opens a socket as the viewer; query is added to the URL (e.g. "since=3").
func (e *env) dial(as, query string) *client {
	e.t.Helper()
	c, resp, err := e.tryDial(as, query, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		e.t.Fatalf("dial %s?%s: %v (status %d)", as, query, err, status)
	}
	return c
}

func (e *env) tryDial(as, query string, opts *websocket.DialOptions) (*client, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/live?as=" + as
	if query != "" {
		u += "&" + query
	}
	ws, resp, err := websocket.Dial(ctx, u, opts)
	if err != nil {
		return nil, resp, err
	}
	ws.SetReadLimit(1 << 20)
	c := &client{t: e.t, ws: ws}
	e.t.Cleanup(func() { _ = ws.CloseNow() })
	return c, resp, nil
}

// read returns the next message, or the error that ended the socket, within 20 s.
func (c *client) read() (Envelope, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		return Envelope{}, err
	}
	var m Envelope
	if err := json.Unmarshal(b, &m); err != nil {
		return Envelope{}, fmt.Errorf("bad envelope %s: %w", b, err)
	}
	return m, nil
}

func (c *client) next() Envelope {
	c.t.Helper()
	m, err := c.read()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

// hello reads the first message and checks it is hello.
func (c *client) hello() helloData {
	c.t.Helper()
	m := c.next()
	if m.Type != TypeHello || m.Seq != 0 {
		c.t.Fatalf("first message = %s seq %d, want hello seq 0", m.Type, m.Seq)
	}
	var h helloData
	if err := json.Unmarshal(m.Data, &h); err != nil {
		c.t.Fatal(err)
	}
	return h
}

type helloData struct {
	Seq      int64           `json:"seq"`
	You      json.RawMessage `json:"you"`
	Session  json.RawMessage `json:"session"`
	Presence []presenceEntry `json:"presence"`
}

// events reads until an event with seq ≥ upTo arrived and returns the persistent events, failing
// on any seq that is not greater than the one before (a duplicate or a reordering).
func (c *client) events(upTo int64) []Envelope {
	c.t.Helper()
	var out []Envelope
	var last int64
	for last < upTo {
		m := c.next()
		if m.Seq == 0 {
			continue // presence, error
		}
		if m.Seq <= last {
			c.t.Fatalf("seq %d after %d: duplicate or out of order", m.Seq, last)
		}
		last = m.Seq
		out = append(out, m)
	}
	return out
}

// until reads until a message satisfies ok, skipping others.
func (c *client) until(what string, ok func(Envelope) bool) Envelope {
	c.t.Helper()
	for {
		m, err := c.read()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok(m) {
			return m
		}
	}
}

// closeStatus reads until the socket ends and returns its close status (-1 if none).
func (c *client) closeStatus() websocket.StatusCode {
	c.t.Helper()
	for {
		_, err := c.read()
		if err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatal(err)
	}
}

func seqs(ms []Envelope) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func wantRange(t *testing.T, got []int64, from, to int64) {
	t.Helper()
	if int64(len(got)) != to-from+1 {
		t.Fatalf("got %d events %v, want seqs %d..%d", len(got), short(got), from, to)
	}
	for i, s := range got {
		if s != from+int64(i) {
			t.Fatalf("event %d has seq %d, want %d (got %v)", i, s, from+int64(i), short(got))
		}
	}
}

func short(s []int64) []int64 {
	if len(s) > 20 {
		return append(append([]int64{}, s[:10]...), s[len(s)-10:]...)
	}
	return s
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// smallBuffers makes the server's accepted sockets keep little in the kernel, so a client that
// does not read fills them quickly.
func smallBuffers(_ *Config, s *httptest.Server) {
	s.Listener = &smallBufListener{Listener: s.Listener}
}

type smallBufListener struct{ net.Listener }

func (l *smallBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, nil
}

// smallReceiveBuffer dials with a small kernel receive buffer, so a client that does not read
// stops the server's writes soon.
func smallReceiveBuffer() *websocket.DialOptions {
	d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	return &websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
}

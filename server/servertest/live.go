package servertest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"workshop/realtime"
	"workshop/realtime/redisbroker"
	"workshop/server"
	"workshop/tenants"
)

// Realtime builds the real live layer (realtime.Hub) for an App: pass its Build as Options.Live.
// With a Redis URL the hub fans out through redisbroker, so two Apps sharing one database file and
// one Redis behave like two instances; with a Bus they do the same in-process. Hub is set once the
// App is built. The hub and broker are closed when the test ends.
type Realtime struct {
	t        testing.TB
	RedisURL string          // "" for the in-process broker
	Bus      *realtime.Bus   // shared by Apps that should see each other without Redis; nil: private
	Config   realtime.Config // Events, Broker and Log are filled in by Build
	Hub      *realtime.Hub
	Redis    *redisbroker.Broker
}

// RealtimeLive returns a live layer for one App: in-process when redisURL is "", else on that Redis.
//
//	rt := servertest.RealtimeLive(t, "")
//	app := servertest.New(t, servertest.Options{Live: rt.Build})
func RealtimeLive(t testing.TB, redisURL string) *Realtime {
	return &Realtime{t: t, RedisURL: redisURL}
}

// Build makes the hub for svc; it has the signature of Options.Live.
func (rt *Realtime) Build(svc *tenants.Service) (server.Live, tenants.Publisher) {
	t := rt.t
	t.Helper()
	cfg := rt.Config
	cfg.Events, cfg.Log = svc, svc.Log
	if rt.RedisURL != "" {
		rb, err := redisbroker.New(redisbroker.Options{URL: rt.RedisURL, Log: svc.Log})
		if err != nil {
			t.Fatal(err)
		}
		rt.Redis, cfg.Broker = rb, rb
	} else {
		cfg.Broker = realtime.NewLocalBroker(rt.Bus)
	}
	hub, err := realtime.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rt.Hub = hub
	t.Cleanup(func() {
		hub.Close()
		if rt.Redis != nil {
			_ = rt.Redis.Close()
		}
	})
	return hub, hub
}

// LiveConn is a test client of a workspace's WebSocket.
type LiveConn struct {
	t  testing.TB
	WS *websocket.Conn
}

// Message is one server message as the wire carries it.
type Message = realtime.Envelope

// DialLive opens the WebSocket of the workspace with the client's cookies; query is the raw query
// ("since=3" or ""), header holds extra request headers such as Origin. It returns the handshake
// response, whose status tells a refusal (401, 403, 404) from an upgrade (101).
func (c *Client) DialLive(slug, ws, query string, header http.Header) (*LiveConn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(c.app.URL, "http") + WSPath(slug, ws) + "/live"
	if query != "" {
		u += "?" + query
	}
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: c.HTTP, HTTPHeader: header})
	if err != nil {
		return nil, resp, err
	}
	conn.SetReadLimit(1 << 20)
	c.t.Cleanup(func() { _ = conn.CloseNow() })
	return &LiveConn{t: c.t, WS: conn}, resp, nil
}

// MustDialLive is DialLive that fails the test unless the socket opened, and reads its hello.
func (c *Client) MustDialLive(slug, ws, query string) (*LiveConn, Message) {
	c.t.Helper()
	lc, resp, err := c.DialLive(slug, ws, query, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		c.t.Fatalf("dial live %s?%s: %v (status %d)", ws, query, err, status)
	}
	h := lc.Next()
	if h.Type != realtime.TypeHello {
		c.t.Fatalf("first message is %s, want hello", h.Type)
	}
	return lc, h
}

// Read returns the next message, or the error that ended the socket, within 30 s.
func (l *LiveConn) Read() (Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, b, err := l.WS.Read(ctx)
	if err != nil {
		return Message{}, err
	}
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return Message{}, err
	}
	return m, nil
}

// Next returns the next message, failing the test when the socket ends.
func (l *LiveConn) Next() Message {
	l.t.Helper()
	m, err := l.Read()
	if err != nil {
		l.t.Fatalf("live: %v", err)
	}
	return m
}

// Until reads until a message satisfies ok and returns it.
func (l *LiveConn) Until(what string, ok func(Message) bool) Message {
	l.t.Helper()
	for {
		m, err := l.Read()
		if err != nil {
			l.t.Fatalf("live: waiting for %s: %v", what, err)
		}
		if ok(m) {
			return m
		}
	}
}

// Events reads until the event with seq upTo and returns the persistent events after the last
// one read, failing on a duplicate or a reordering.
func (l *LiveConn) Events(upTo int64) []Message {
	l.t.Helper()
	var out []Message
	var last int64
	for last < upTo {
		m := l.Next()
		if m.Seq == 0 {
			continue
		}
		if m.Seq <= last {
			l.t.Fatalf("live: seq %d after %d: duplicate or out of order", m.Seq, last)
		}
		last = m.Seq
		out = append(out, m)
	}
	return out
}

// CloseStatus reads until the socket ends and returns its close status (-1 when none).
func (l *LiveConn) CloseStatus() websocket.StatusCode {
	for {
		if _, err := l.Read(); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

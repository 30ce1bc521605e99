package redisbroker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"workshop/realtime"
	"workshop/realtime/redisbroker"
	"workshop/realtime/redisbroker/redistest"
	"workshop/tenants"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestChannelNamesAreDistinctPerTenantAndWorkspace(t *testing.T) {
	b, err := redisbroker.New(redisbroker.Options{URL: "redis://127.0.0.1:1/0"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pairs := [][2]string{{"t1", "w1"}, {"t1", "w2"}, {"t2", "w1"}, {"t1:w", "1"}, {"t1", "w:1"}, {"t1%3A", "w"}, {"t1:", "w"}, {"", ""}, {"", "w"}, {"w", ""}}
	seen := map[string][2]string{}
	for _, p := range pairs {
		c := b.Channel(p[0], p[1])
		if prev, dup := seen[c]; dup {
			t.Fatalf("%v and %v share channel %q", prev, p, c)
		}
		seen[c] = p
	}
	if c := b.Channel("t1", "w1"); c != "ws:t1:w1" {
		t.Fatalf("channel = %q, want ws:t1:w1", c)
	}
}

// log is a hand-written shared event log (the database both instances use).
type log struct {
	mu     sync.Mutex
	events []tenants.Event
}

func (l *log) EventsAfter(_ context.Context, _, _ string, after int64, limit int) ([]tenants.Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []tenants.Event
	for _, e := range l.events {
		if e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (l *log) LatestSeq(context.Context, string, string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.events)), nil
}

func (l *log) commit() tenants.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := tenants.Event{TenantID: "t", WorkspaceID: "w", Seq: int64(len(l.events) + 1), Type: tenants.EventSessionUpdated,
		At: tenants.Now(), Data: json.RawMessage(`{"session":{"round":1}}`)}
	l.events = append(l.events, e)
	return e
}

type instance struct {
	hub *realtime.Hub
	rb  *redisbroker.Broker
	srv *httptest.Server
}

func newInstance(t *testing.T, url string, l *log, cfg realtime.Config) *instance {
	t.Helper()
	rb, err := redisbroker.New(redisbroker.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Events, cfg.Broker = l, rb
	hub, err := realtime.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := tenants.Viewer{TenantID: "t", WorkspaceID: "w", ParticipantID: "p", Role: tenants.RoleParticipant, Name: "P"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, v, "s", 0, true, map[string]any{"you": map[string]string{}, "session": map[string]any{}})
	}))
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		_ = rb.Close()
	})
	return &instance{hub: hub, rb: rb, srv: srv}
}

// publish commits on this instance: the event goes to its hub, which tells the others.
func (in *instance) publish(l *log) int64 {
	e := l.commit()
	in.hub.Publish(e)
	return e.Seq
}

// collect dials the instance (since=0) and reads event seqs until it has the one upTo holds
// (set it before the last commit), failing on a gap or a duplicate.
func collect(t *testing.T, in *instance, upTo *atomic.Int64) <-chan error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(in.srv.URL, "http"), nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if _, _, err := ws.Read(ctx); err != nil { // hello: the room is subscribed from here on
		cancel()
		t.Fatal(err)
	}
	out := make(chan error, 1)
	go func() {
		defer cancel()
		defer ws.CloseNow()
		var last int64
		for last == 0 || last != upTo.Load() {
			_, b, err := ws.Read(ctx)
			if err != nil {
				out <- err
				return
			}
			var m realtime.Envelope
			_ = json.Unmarshal(b, &m)
			if m.Seq == 0 {
				continue
			}
			if m.Seq != last+1 {
				out <- &seqError{got: m.Seq, after: last}
				return
			}
			last = m.Seq
		}
		out <- nil
	}()
	return out
}

type seqError struct{ got, after int64 }

func (e *seqError) Error() string {
	return fmt.Sprintf("seq %d after %d: a gap or a duplicate", e.got, e.after)
}

func TestEventsFanOutAcrossInstances(t *testing.T) {
	r := redistest.Start(t)
	l := &log{}
	// The safety net is off: what B gets, it gets through Redis.
	cfg := realtime.Config{CheckInterval: time.Hour}
	a, b := newInstance(t, r.URL(), l, cfg), newInstance(t, r.URL(), l, cfg)
	var upTo atomic.Int64
	upTo.Store(100)
	done := collect(t, b, &upTo)
	for i := 0; i < 100; i++ {
		a.publish(l)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestRedisKilledDuringWritesLosesNothing kills redis-server while instance A commits and starts it
// again: instance B's client ends with every seq, in order, once. The safety-net ticker is off, so
// the repair comes from resubscribe catch-up and gap detection.
func TestRedisKilledDuringWritesLosesNothing(t *testing.T) {
	r := redistest.Start(t)
	l := &log{}
	cfg := realtime.Config{CheckInterval: time.Hour}
	a, b := newInstance(t, r.URL(), l, cfg), newInstance(t, r.URL(), l, cfg)
	var upTo atomic.Int64
	done := collect(t, b, &upTo)
	commit := func(n int, pause time.Duration) {
		for i := 0; i < n; i++ {
			a.publish(l) // never blocks, whether Redis answers or not
			time.Sleep(pause)
		}
	}
	commit(40, 2*time.Millisecond)
	r.Kill()
	// Commit while Redis is down, at least until A has seen a publish fail.
	deadline := time.Now().Add(20 * time.Second)
	for n := 0; n < 40 || a.hub.Stats().PubErrors == 0; n++ {
		if time.Now().After(deadline) {
			t.Fatal("no publish failed while Redis was down")
		}
		commit(1, 5*time.Millisecond)
	}
	r.Restart()
	commit(40, 20*time.Millisecond) // go-redis reconnects and resubscribes meanwhile
	upTo.Store(int64(len(l.events)) + 1)
	a.publish(l)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestReadyFollowsRedis(t *testing.T) {
	r := redistest.Start(t)
	in := newInstance(t, r.URL(), &log{}, realtime.Config{})
	ctx := context.Background()
	if err := in.rb.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	r.Kill()
	if err := in.rb.Ready(ctx); err == nil {
		t.Fatal("Ready is nil while Redis is down")
	}
	r.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for in.rb.Ready(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("Ready did not recover")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

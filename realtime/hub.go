// Package realtime delivers a workspace's events to its live clients over WebSockets.
//
// A Hub keeps one room per (tenant, workspace) with this instance's sockets of it. Events committed
// here are offered to the room at once and announced to other instances through a Broker; events
// announced by others, and any gap, are read from the event log (EventLog), which is the source of
// truth. Each room delivers in seq order, exactly once, to every socket that may see the event
// (tenants.EventFor), encoding it once per audience. Each socket has one writer goroutine with a
// bounded queue; a socket that falls behind is closed with 1013 and resumes on reconnect.
//
// The wire protocol is in docs/REALTIME.md.
package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"workshop/tenants"
)

// EventLog is the replay source: the workspace event log. *tenants.Service implements it.
type EventLog interface {
	// EventsAfter returns up to limit events with seq > after, in order.
	EventsAfter(ctx context.Context, tenantID, workspaceID string, after int64, limit int) ([]tenants.Event, error)
	// LatestSeq returns the newest seq of the workspace (0 when none).
	LatestSeq(ctx context.Context, tenantID, workspaceID string) (int64, error)
}

// Config configures a Hub. Zero values take the defaults in brackets.
type Config struct {
	Events EventLog     // required
	Broker Broker       // fan-out to other instances [a LocalBroker of its own]
	Log    *slog.Logger // [discard]

	// OriginPatterns are the Origin hosts accepted besides the request's own host, as
	// websocket.AcceptOptions.OriginPatterns: "host[:port]" or "scheme://host[:port]".
	OriginPatterns []string
	Instance       string // this instance's id on the broker [random]

	QueueSize          int           // messages queued per socket before it counts as slow [256]
	WriteTimeout       time.Duration // per message [5s]
	PingInterval       time.Duration // [20s]
	PingTimeout        time.Duration // [10s]
	ReadLimit          int64         // largest client message in bytes [4096]
	ReplayLimit        int64         // the furthest behind the head a client may resume [1000]
	MessageRate        rate.Limit    // client messages per second [10]
	MessageBurst       int           // [20]
	CheckInterval      time.Duration // safety net: compare each room with the log's head [2s]
	PresenceInterval   time.Duration // re-announce this instance's presence to others [10s]
	MaxConnsPerSession int           // sockets one session may hold open [16]
}

func (c *Config) defaults() {
	if c.QueueSize <= 0 {
		c.QueueSize = 256
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 20 * time.Second
	}
	if c.PingTimeout <= 0 {
		c.PingTimeout = 10 * time.Second
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = 4096
	}
	if c.ReplayLimit <= 0 {
		c.ReplayLimit = 1000
	}
	if c.MessageRate <= 0 {
		c.MessageRate = 10
	}
	if c.MessageBurst <= 0 {
		c.MessageBurst = 20
	}
	if c.CheckInterval <= 0 {
		c.CheckInterval = 2 * time.Second
	}
	if c.PresenceInterval <= 0 {
		c.PresenceInterval = 10 * time.Second
	}
	if c.MaxConnsPerSession <= 0 {
		c.MaxConnsPerSession = 16
	}
	if c.Instance == "" {
		c.Instance = tenants.NewID()
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

var (
	_ tenants.Publisher = (*Hub)(nil)
	_ Receiver          = (*Hub)(nil)
)

// Hub is the real-time layer of one instance. It implements tenants.Publisher and server.Live.
// Build it with New and stop it with Close.
type Hub struct {
	cfg    Config
	log    *slog.Logger
	broker Broker
	ctx    context.Context // cancelled by Close; background work runs under it
	cancel context.CancelFunc
	out    *outbox
	stats  counters

	mu      sync.Mutex // guards rooms, conns and closing
	rooms   map[roomKey]*room
	conns   map[*conn]struct{} // every open socket: the registry
	closing bool

	handlers sync.WaitGroup // Serve calls in progress
	bg       sync.WaitGroup // room workers, the publisher and the ticker
	closed   sync.Once
}

// New builds a hub and starts its background work: the broker's delivery, the publisher and the
// safety-net ticker.
func New(cfg Config) (*Hub, error) {
	cfg.defaults()
	if cfg.Broker == nil {
		cfg.Broker = NewLocalBroker(nil)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{cfg: cfg, log: cfg.Log, broker: cfg.Broker, ctx: ctx, cancel: cancel,
		rooms: map[roomKey]*room{}, conns: map[*conn]struct{}{}}
	h.out = newOutbox(h)
	if err := h.broker.Start(h); err != nil {
		cancel()
		return nil, err
	}
	h.bg.Add(2)
	go h.out.run()
	go h.tick()
	return h, nil
}

// Instance returns the hub's id on the broker.
func (h *Hub) Instance() string { return h.cfg.Instance }

func (h *Hub) latest(ctx context.Context, k roomKey) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return h.cfg.Events.LatestSeq(ctx, k.tenant, k.workspace)
}

// Publish delivers a committed event: at once to this instance's sockets of the workspace, and
// through the broker (as a seq notice) to the others. It never blocks.
func (h *Hub) Publish(e tenants.Event) {
	k := roomKey{e.TenantID, e.WorkspaceID}
	h.mu.Lock()
	r := h.rooms[k]
	h.mu.Unlock()
	if r != nil {
		r.offer(e)
	}
	h.out.event(k, e.Seq)
}

// Serve upgrades the request to the workspace's WebSocket for v, who the server has authorised,
// and streams until the connection ends: hello, then the replay after since (or resync), then live
// events and presence. It refuses with 503 while the hub shuts down, 429 when the session holds
// too many sockets, and 403 (before the upgrade) for an Origin that is neither the request's host
// nor one of Config.OriginPatterns. hello must hold "you" and "session"; "attribution" (the
// workspace's attribution mode) decides how presence is shown.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, v tenants.Viewer, sessionHash string, since int64, hasSince bool, hello map[string]any) {
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		httpError(w, http.StatusServiceUnavailable, "internal", "The server is restarting; try again in a moment.")
		return
	}
	n := 0
	for c := range h.conns {
		if sessionHash != "" && c.session == sessionHash {
			n++
		}
	}
	if n >= h.cfg.MaxConnsPerSession {
		h.mu.Unlock()
		httpError(w, http.StatusTooManyRequests, "rate_limited", "Too many live connections are open; close some tabs.")
		return
	}
	h.handlers.Add(1)
	h.mu.Unlock()
	defer h.handlers.Done()

	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.cfg.OriginPatterns})
	if err != nil {
		h.log.Info("live: upgrade refused", "err", err)
		return // Accept wrote the response (403 for a foreign Origin)
	}
	ws.SetReadLimit(h.cfg.ReadLimit)
	c := &conn{hub: h, ws: ws, viewer: v, session: sessionHash, key: roomKey{v.TenantID, v.WorkspaceID},
		queue: make(chan outMsg, h.cfg.QueueSize), closeCh: make(chan struct{}), done: make(chan struct{}),
		pres: presenceEntry{ID: tenants.NewID(), Who: whoOf(v)}}
	attribution, _ := hello["attribution"].(string)
	presence, ok := h.join(c, attribution)
	if !ok {
		_ = ws.Close(websocket.StatusServiceRestart, "service restart")
		return
	}
	h.log.Debug("live: connected", "workspace", v.WorkspaceID, "viewer", v.Key())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.writeLoop(since, hasSince, hello, presence) }()
	go func() { defer wg.Done(); c.pingLoop() }()
	c.readLoop()
	h.leave(c)
	close(c.done)
	wg.Wait()
	_ = ws.CloseNow()
	h.log.Debug("live: disconnected", "workspace", v.WorkspaceID, "viewer", v.Key())
}

// join registers c and adds it to its room, creating the room if needed, and tells the others. It
// returns the room's presence as c may see it; false means the hub is shutting down.
func (h *Hub) join(c *conn, attribution string) ([]presenceEntry, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return nil, false
	}
	r := h.rooms[c.key]
	if r == nil {
		r = newRoom(h, c.key)
		h.rooms[c.key] = r
		h.bg.Add(1)
		go r.run()
	}
	h.conns[c] = struct{}{}
	c.room = r
	r.mu.Lock()
	if attribution != "" {
		r.attribution = attribution
	}
	r.conns[c] = struct{}{}
	list := r.presenceList(c.viewer)
	pres := c.pres
	r.broadcastPresence(PresenceJoined, pres, c)
	r.mu.Unlock()
	h.out.message(c.key, busMessage{Kind: busPresence, Event: PresenceJoined, Presence: &pres})
	return list, true
}

// leave removes c from the registry and its room, stopping the room when it empties.
func (h *Hub) leave(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
	r := c.room
	r.mu.Lock()
	delete(r.conns, c)
	empty := len(r.conns) == 0
	pres := c.pres
	r.broadcastPresence(PresenceLeft, pres, c)
	r.mu.Unlock()
	h.out.message(c.key, busMessage{Kind: busPresence, Event: PresenceLeft, Presence: &pres})
	if empty && h.rooms[c.key] == r {
		delete(h.rooms, c.key)
		close(r.stop)
	}
}

// focus records that c looks at a question and tells the room and the other instances.
func (h *Hub) focus(c *conn, questionID string) {
	r := c.room
	r.mu.Lock()
	c.pres.QuestionID = questionID
	pres := c.pres
	r.broadcastPresence(PresenceFocus, pres, c)
	r.mu.Unlock()
	h.out.message(c.key, busMessage{Kind: busPresence, Event: PresenceFocus, Presence: &pres})
}

// CloseSession closes, with 4001, every socket opened with the session, on every instance.
func (h *Hub) CloseSession(sessionHash string) {
	if sessionHash == "" {
		return
	}
	h.closeSessionLocal(sessionHash)
	h.out.message(roomKey{}, busMessage{Kind: busCloseSession, Session: sessionHash})
}

func (h *Hub) closeSessionLocal(sessionHash string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		if c.session == sessionHash {
			c.close(StatusAccessEnded, "session ended")
		}
	}
}

// CloseParticipant closes, with 4001, every socket of the participant on this instance. Other
// instances close theirs when the participant.removed event reaches them.
func (h *Hub) CloseParticipant(tenantID, participantID string) {
	if participantID == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		if c.viewer.TenantID == tenantID && c.viewer.ParticipantID == participantID {
			c.close(StatusAccessEnded, "removed from the workspace")
		}
	}
}

// Shutdown refuses new sockets and closes every open one with 1012 (service restart), so clients
// reconnect, to another instance or this one restarted, and resume. It does not wait; see Wait.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	h.closing = true
	for c := range h.conns {
		c.close(websocket.StatusServiceRestart, "service restart")
	}
	h.mu.Unlock()
}

// Wait waits until every Serve call has returned or ctx is done. It reports whether they all did.
func (h *Hub) Wait(ctx context.Context) bool {
	done := make(chan struct{})
	go func() {
		h.handlers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// Close shuts down (as Shutdown), waits up to 15 s for the sockets, and stops the background work.
// The broker is the caller's to close, after Close.
func (h *Hub) Close() {
	h.closed.Do(func() {
		h.Shutdown()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		h.Wait(ctx)
		cancel()
		h.out.flush()
		h.cancel()
		h.bg.Wait()
		if lb, ok := h.broker.(*LocalBroker); ok {
			_ = lb.Close()
		}
	})
}

// Receive handles a message from the broker. It never blocks.
func (h *Hub) Receive(payload []byte) {
	var m busMessage
	if json.Unmarshal(payload, &m) != nil || m.Instance == h.cfg.Instance {
		return
	}
	if m.Kind == busCloseSession {
		h.closeSessionLocal(m.Session)
		return
	}
	k := roomKey{m.TenantID, m.WorkspaceID}
	h.mu.Lock()
	r := h.rooms[k]
	h.mu.Unlock()
	if r == nil {
		return
	}
	now := time.Now()
	switch m.Kind {
	case busEvent:
		r.announce(m.Seq)
	case busPresence:
		if m.Presence != nil {
			r.applyRemotePresence(m.Instance, m.Event, *m.Presence, now)
		}
	case busPresenceState:
		r.applyRemoteState(m.Instance, m.State, now)
	case busPresenceSync:
		h.announcePresence(r)
	}
}

// Resubscribed makes the room (every room for ("", "")) catch up from the log, since the broker
// may have lost messages, and re-announces this instance's presence.
func (h *Hub) Resubscribed(tenantID, workspaceID string) {
	h.mu.Lock()
	var rooms []*room
	for k, r := range h.rooms {
		if (tenantID == "" && workspaceID == "") || k == (roomKey{tenantID, workspaceID}) {
			rooms = append(rooms, r)
		}
	}
	h.mu.Unlock()
	for _, r := range rooms {
		r.check()
		h.announcePresence(r)
	}
}

func (h *Hub) announcePresence(r *room) {
	r.mu.Lock()
	list := r.localPresence()
	r.mu.Unlock()
	h.out.message(r.key, busMessage{Kind: busPresenceState, State: list})
}

// tick is the safety net: every CheckInterval each room compares what it delivered with the log's
// head (a lost last message is repaired this way), and every PresenceInterval this instance
// re-announces its presence and forgets instances that went silent.
func (h *Hub) tick() {
	defer h.bg.Done()
	check := time.NewTicker(h.cfg.CheckInterval)
	defer check.Stop()
	pres := time.NewTicker(h.cfg.PresenceInterval)
	defer pres.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-check.C:
			for _, r := range h.activeRooms() {
				r.check()
			}
		case now := <-pres.C:
			for _, r := range h.activeRooms() {
				h.announcePresence(r)
				r.expireRemote(now.Add(-3 * h.cfg.PresenceInterval))
			}
		}
	}
}

func (h *Hub) activeRooms() []*room {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*room, 0, len(h.rooms))
	for _, r := range h.rooms {
		out = append(out, r)
	}
	return out
}

// Stats is a snapshot of the hub's counters, for metrics and tests.
type Stats struct {
	Conns     int   // open sockets
	Rooms     int   // rooms with sockets
	Delivered int64 // events delivered to rooms
	FromLog   int64 // events read from the log (gaps, notices from other instances)
	Replayed  int64 // events replayed to resuming sockets
	Resyncs   int64 // resync messages sent
	Slow      int64 // sockets closed for falling behind
	TooBig    int64 // client messages over the read limit
	PubErrors int64 // broker publish failures
}

type counters struct {
	delivered, fromLog, replayed, resyncs, slow, tooBig, pubErrors atomic.Int64
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	s := Stats{Conns: len(h.conns), Rooms: len(h.rooms)}
	h.mu.Unlock()
	s.Delivered, s.FromLog, s.Replayed = h.stats.delivered.Load(), h.stats.fromLog.Load(), h.stats.replayed.Load()
	s.Resyncs, s.Slow, s.TooBig, s.PubErrors = h.stats.resyncs.Load(), h.stats.slow.Load(), h.stats.tooBig.Load(), h.stats.pubErrors.Load()
	return s
}

// httpError writes the API's error shape before any upgrade.
func httpError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": errorData{Code: code, Message: message}})
	_, _ = w.Write(b)
}

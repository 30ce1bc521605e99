package realtime

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"workshop/tenants"
)

// roomKey names a room: one workspace of one tenant.
type roomKey struct{ tenant, workspace string }

// maxPending bounds the events a room holds for its worker; past it the worker reads the log.
const maxPending = 1024

// replayPage is how many events one read of the log returns.
const replayPage = 500

// room is the set of this instance's sockets of one workspace. Its worker goroutine delivers the
// workspace's events to them in seq order, exactly once each: events arrive as hints (committed
// here, announced by another instance, or found by the safety-net check), and any gap between the
// last delivered seq and a hint is filled from the event log.
type room struct {
	hub   *Hub
	key   roomKey
	ready chan struct{} // closed once last is known and the broker subscribed
	stop  chan struct{} // closed by the hub when the last socket left
	wake  chan struct{} // capacity 1: the inbox changed

	last int64 // seq of the newest event delivered; owned by the worker goroutine

	mu          sync.Mutex // guards the fields below
	conns       map[*conn]struct{}
	attribution string
	remote      map[string]*remotePresence // instance id → its sockets in this room
	pending     []tenants.Event            // committed events offered for delivery
	hint        int64                      // highest seq announced without its event
	catchUp     bool                       // compare last with the log's head
}

func newRoom(h *Hub, k roomKey) *room {
	return &room{hub: h, key: k, ready: make(chan struct{}), stop: make(chan struct{}), wake: make(chan struct{}, 1),
		conns: map[*conn]struct{}{}, remote: map[string]*remotePresence{}}
}

func (r *room) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// offer hands a committed event to the worker. It never blocks.
func (r *room) offer(e tenants.Event) {
	r.mu.Lock()
	if len(r.pending) < maxPending {
		r.pending = append(r.pending, e)
	} else {
		r.catchUp = true
	}
	r.mu.Unlock()
	r.signal()
}

// announce tells the worker that the log holds seq. It never blocks.
func (r *room) announce(seq int64) {
	r.mu.Lock()
	r.hint = max(r.hint, seq)
	r.mu.Unlock()
	r.signal()
}

// check asks the worker to compare what it delivered with the log's head. It never blocks.
func (r *room) check() {
	r.mu.Lock()
	r.catchUp = true
	r.mu.Unlock()
	r.signal()
}

// run is the room's worker: it subscribes the broker, learns the log's head, then delivers until
// the room is stopped or the hub closes.
func (r *room) run() {
	h := r.hub
	defer h.bg.Done()
	ctx := h.ctx
	if err := h.broker.Subscribe(ctx, r.key.tenant, r.key.workspace); err != nil {
		h.log.Warn("live: broker subscribe", "tenant", r.key.tenant, "workspace", r.key.workspace, "err", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := h.broker.Unsubscribe(uctx, r.key.tenant, r.key.workspace); err != nil {
			h.log.Debug("live: broker unsubscribe", "err", err)
		}
	}()
	// Ask the other instances who is here.
	h.out.message(r.key, busMessage{Kind: busPresenceSync})
	for {
		head, err := h.latest(ctx, r.key)
		if err == nil {
			r.last = head
			break
		}
		h.log.Warn("live: read log head", "workspace", r.key.workspace, "err", err)
		select {
		case <-time.After(500 * time.Millisecond):
		case <-r.stop:
			return
		case <-ctx.Done():
			return
		}
	}
	close(r.ready)
	for {
		select {
		case <-r.stop:
			return
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		r.mu.Lock()
		events, hint, catchUp := r.pending, r.hint, r.catchUp
		r.pending, r.catchUp = nil, false
		r.mu.Unlock()
		slices.SortFunc(events, func(a, b tenants.Event) int { return cmp.Compare(a.Seq, b.Seq) })
		for _, e := range events {
			if e.Seq <= r.last {
				continue
			}
			if e.Seq > r.last+1 && !r.fill(ctx, e.Seq-1) {
				break // the log could not be read; the safety net will retry
			}
			if e.Seq == r.last+1 {
				r.deliver(e)
			}
		}
		if hint > r.last {
			r.fill(ctx, hint)
		}
		if catchUp {
			head, err := h.latest(ctx, r.key)
			if err != nil {
				h.log.Warn("live: read log head", "workspace", r.key.workspace, "err", err)
				continue
			}
			if head > r.last {
				r.fill(ctx, head)
			}
		}
	}
}

// fill delivers every event after last up to target from the log. It reports whether it got there.
func (r *room) fill(ctx context.Context, target int64) bool {
	h := r.hub
	for r.last < target {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		evs, err := h.cfg.Events.EventsAfter(qctx, r.key.tenant, r.key.workspace, r.last, int(min(replayPage, target-r.last)))
		cancel()
		if err != nil {
			h.log.Warn("live: read events", "workspace", r.key.workspace, "after", r.last, "err", err)
			return false
		}
		if len(evs) == 0 {
			return false
		}
		h.stats.fromLog.Add(int64(len(evs)))
		for _, e := range evs {
			if e.Seq == r.last+1 {
				r.deliver(e)
			}
		}
	}
	return true
}

// deliver sends e to every socket of the room that may see it, encoding it once per audience, and
// applies what the event means for the sockets themselves (a removed participant is cut off).
func (r *room) deliver(e tenants.Event) {
	r.last = e.Seq
	var d tenants.EventData
	_ = json.Unmarshal(e.Data, &d)
	r.mu.Lock()
	if e.Type == tenants.EventWorkspaceUpdated && d.Workspace != nil && d.Workspace.Attribution != "" {
		r.attribution = d.Workspace.Attribution
	}
	conns := make([]*conn, 0, len(r.conns))
	for c := range r.conns {
		conns = append(conns, c)
	}
	r.mu.Unlock()
	cache := map[string][]byte{}
	for _, c := range conns {
		key := audienceKey(&d, c.viewer)
		b, done := cache[key]
		if !done {
			if out, _, ok := tenants.EventFor(e, c.viewer); ok {
				b = encode(out.Type, out.Seq, out.At, out.Data)
			}
			cache[key] = b
		}
		if b != nil {
			c.send(outMsg{seq: e.Seq, b: b})
		}
	}
	r.hub.stats.delivered.Add(1)
	if e.Type == tenants.EventParticipantRemoved && d.Participant != nil && d.Participant.ID != "" {
		for _, c := range conns {
			if c.viewer.ParticipantID == d.Participant.ID {
				c.close(StatusAccessEnded, "removed from the workspace")
			}
		}
	}
}

// audienceKey names the group of viewers that tenants.EventFor gives the same bytes for the event
// with data d: facilitators, the author of the subject (per person), and everyone else. It must be
// at least as fine as the audience EventFor returns; a test checks the two agree.
func audienceKey(d *tenants.EventData, v tenants.Viewer) string {
	if v.Facilitates() {
		return tenants.AudienceFacilitator
	}
	if p := v.ParticipantID; p != "" {
		switch {
		case d.Answer != nil && d.Answer.ParticipantID == p,
			d.Comment != nil && d.Comment.Author.ParticipantID == p,
			d.Participant != nil && d.Participant.ID == p:
			return tenants.AudienceAuthor + ":p:" + p
		}
		return tenants.AudienceOthers
	}
	if d.Comment != nil && v.UserID != "" && d.Comment.Author.UserID == v.UserID && d.Comment.Author.ParticipantID == "" {
		return tenants.AudienceAuthor + ":u:" + v.UserID
	}
	return tenants.AudienceOthers
}

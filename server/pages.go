package server

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
	"workshop/web"
)

// pageData is what every page template receives.
type pageData struct {
	Title       string
	BodyClass   string
	User        *tenants.User
	Memberships []*tenants.Membership
	Participant bool
	Flash       string
	Form        map[string]string
	Errors      map[string]string
	Names       map[string]string
	Data        any
}

// page renders a template with the common fields filled in from the request.
func (s *Server) page(c *gin.Context, status int, name string, d pageData) {
	if p := principal(c); p != nil {
		d.User, d.Memberships, d.Participant = p.User, p.Memberships, len(p.Participants) > 0
	}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.Names = s.names
	if flash, err := c.Cookie("flash"); err == nil && flash != "" {
		// The message is query-escaped so that any text (names with accents, semicolons) survives
		// the cookie; a value that does not decode is shown as it came.
		if text, err := url.QueryUnescape(flash); err == nil {
			flash = text
		}
		d.Flash = flash
		http.SetCookie(c.Writer, &http.Cookie{Name: "flash", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure})
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Status(status)
	if err := s.tpl.Render(c.Writer, name, d); err != nil {
		s.log.Error("render", "page", name, "err", err)
		if !c.Writer.Written() {
			c.String(http.StatusInternalServerError, "Something went wrong on our side.")
		}
	}
}

// redirect sends the browser to path after a form post, with an optional one-time message.
func (s *Server) redirect(c *gin.Context, path, flash string) {
	if flash != "" {
		http.SetCookie(c.Writer, &http.Cookie{Name: "flash", Value: url.QueryEscape(flash), Path: "/", MaxAge: 60,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure})
	}
	c.Redirect(http.StatusSeeOther, path)
}

// safeNext keeps post-login redirects on this site: a path of our own, without a scheme or host,
// without backslashes and without control characters (browsers drop tabs and newlines, so
// "/\t/evil.example" would become "//evil.example").
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return ""
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

// static serves the embedded assets with long caching (URLs carry a content version).
func (s *Server) static(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	if _, err := fs.Stat(web.Static(), name); err != nil || name == "" {
		s.fail(c, tenants.NotFound("File"))
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.FileFromFS(name, http.FS(web.Static()))
}

type homeData struct {
	CaseCount     int
	QuestionCount int
}

func (s *Server) pageHome(c *gin.Context) {
	cat := s.svc.Catalogue
	n := 0
	if in := cat.Instrument(cat.Current); in != nil {
		n = len(in.Questions())
	}
	s.page(c, http.StatusOK, "home", pageData{Title: "Welcome", Data: homeData{CaseCount: len(cat.CaseStudies), QuestionCount: n}})
}

func (s *Server) pageSignup(c *gin.Context) {
	s.page(c, http.StatusOK, "signup", pageData{Title: "Sign up"})
}

func (s *Server) formSignup(c *gin.Context) {
	in := tenants.Signup{Organization: c.PostForm("organization"), Name: c.PostForm("name"), Email: c.PostForm("email"), Password: c.PostForm("password")}
	_, t, token, err := s.svc.Signup(c.Request.Context(), in)
	if err != nil {
		if code := tenants.ErrorCode(err); code == tenants.EInvalid || code == tenants.EConflict {
			s.page(c, statusOf[code], "signup", pageData{Title: "Sign up", Errors: tenants.ErrorFields(err),
				Form: map[string]string{"organization": in.Organization, "name": in.Name, "email": in.Email}})
			return
		}
		s.fail(c, err)
		return
	}
	s.endOldSession(c)
	s.setSession(c, token)
	s.redirect(c, "/t/"+t.Slug, "Welcome! Your organisation is ready.")
}

func (s *Server) pageLogin(c *gin.Context) {
	s.page(c, http.StatusOK, "login", pageData{Title: "Log in", Form: map[string]string{"next": safeNext(c.Query("next"))}})
}

func (s *Server) formLogin(c *gin.Context) {
	in := loginRequest{Email: c.PostForm("email"), Password: c.PostForm("password")}
	_, ms, err := s.login(c, in)
	if err != nil {
		code := tenants.ErrorCode(err)
		if code == tenants.EUnauthenticated || code == tenants.ERateLimited {
			s.page(c, statusOf[code], "login", pageData{Title: "Log in", Data: tenants.ErrorMessage(err),
				Form: map[string]string{"email": in.Email, "next": safeNext(c.PostForm("next"))}})
			return
		}
		s.fail(c, err)
		return
	}
	next := safeNext(c.PostForm("next"))
	if next == "" && len(ms) > 0 {
		next = "/t/" + ms[0].Tenant.Slug
	}
	if next == "" {
		next = "/"
	}
	s.redirect(c, next, "")
}

func (s *Server) formLogout(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, "/", "You are logged out.")
}

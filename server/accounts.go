package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// healthz answers 200 while the process serves.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database (and Redis, if configured) answer.
func (s *Server) readyz(c *gin.Context) {
	if s.ready != nil {
		if err := s.ready(c.Request.Context()); err != nil {
			s.log.Warn("not ready", "err", err)
			c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

type userJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func userOut(u *tenants.User) *userJSON {
	if u == nil {
		return nil
	}
	return &userJSON{ID: u.ID, Name: u.Name, Email: u.Email}
}

type tenantJSON struct {
	ID   string `json:"id,omitempty"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type membershipJSON struct {
	Tenant tenantJSON `json:"tenant"`
	Role   string     `json:"role"`
}

func membershipsOut(ms []*tenants.Membership) []membershipJSON {
	out := []membershipJSON{}
	for _, m := range ms {
		out = append(out, membershipJSON{Tenant: tenantJSON{Slug: m.Tenant.Slug, Name: m.Tenant.Name}, Role: m.Role})
	}
	return out
}

type signupResponse struct {
	User   *userJSON  `json:"user"`
	Tenant tenantJSON `json:"tenant"`
}

func (s *Server) postSignup(c *gin.Context) {
	var in tenants.Signup
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	u, t, token, err := s.svc.Signup(c.Request.Context(), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.endOldSession(c)
	s.setSession(c, token)
	c.JSON(http.StatusCreated, signupResponse{User: userOut(u), Tenant: tenantJSON{ID: t.ID, Slug: t.Slug, Name: t.Name}})
}

// endOldSession ends the request's current session, if any, before a new one replaces it.
func (s *Server) endOldSession(c *gin.Context) {
	if p := principal(c); p != nil {
		if err := s.svc.Logout(c.Request.Context(), p.Token); err != nil {
			s.log.Warn("end old session", "err", err)
		}
		s.closeSockets(p.Token)
	}
}

func (s *Server) closeSockets(token string) {
	if s.live != nil && token != "" {
		s.live.CloseSession(tenants.HashToken(token))
	}
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	User        *userJSON        `json:"user"`
	Memberships []membershipJSON `json:"memberships"`
}

// login checks the rate limits, then the credentials. Too many attempts from one address, or too
// many failures for one account, answer 429 until the window passes.
func (s *Server) login(c *gin.Context, in loginRequest) (*tenants.User, []*tenants.Membership, error) {
	ip := c.ClientIP()
	account := strings.ToLower(strings.TrimSpace(in.Email))
	if s.loginByIP.blocked(ip) || s.loginByAccount.blocked(account) {
		return nil, nil, tenants.Errorf(tenants.ERateLimited, "Too many login attempts. Please wait a few minutes and try again.")
	}
	s.loginByIP.hit(ip)
	old := ""
	if p := principal(c); p != nil {
		old = p.Token
	}
	u, ms, token, err := s.svc.Login(c.Request.Context(), in.Email, in.Password, old)
	if err != nil {
		if tenants.ErrorCode(err) == tenants.EUnauthenticated {
			s.loginByAccount.hit(account)
		}
		return nil, nil, err
	}
	s.loginByAccount.reset(account)
	s.closeSockets(old)
	s.setSession(c, token)
	return u, ms, nil
}

func (s *Server) postLogin(c *gin.Context) {
	var in loginRequest
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	u, ms, err := s.login(c, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{User: userOut(u), Memberships: membershipsOut(ms)})
}

func (s *Server) logout(c *gin.Context) error {
	if p := principal(c); p != nil {
		if err := s.svc.Logout(c.Request.Context(), p.Token); err != nil {
			return err
		}
		s.closeSockets(p.Token)
	}
	s.clearSession(c)
	return nil
}

func (s *Server) postLogout(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type identityJSON struct {
	Participant participantJSON `json:"participant"`
	Tenant      tenantJSON      `json:"tenant"`
	Workspace   idJSON          `json:"workspace"`
}

type idJSON struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
}

type meResponse struct {
	User         *userJSON        `json:"user"`
	Memberships  []membershipJSON `json:"memberships"`
	Participants []identityJSON   `json:"participants"`
}

func (s *Server) getMe(c *gin.Context) {
	p := principal(c)
	out := meResponse{User: userOut(p.User), Memberships: membershipsOut(p.Memberships), Participants: []identityJSON{}}
	for _, pt := range p.Participants {
		if pt.RemovedAt != nil {
			continue
		}
		t, err := s.svc.TenantByID(c.Request.Context(), pt.TenantID)
		if err != nil {
			s.fail(c, err)
			return
		}
		out.Participants = append(out.Participants, identityJSON{Participant: participantOut(pt),
			Tenant: tenantJSON{Slug: t.Slug, Name: t.Name}, Workspace: idJSON{ID: pt.WorkspaceID}})
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) getMembers(c *gin.Context) {
	ms, err := s.svc.Members(c.Request.Context(), tenantOf(c), memberOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	type member struct {
		User *userJSON `json:"user"`
		Role string    `json:"role"`
	}
	out := []member{}
	for _, m := range ms {
		out = append(out, member{User: userOut(m.User), Role: m.Role})
	}
	c.JSON(http.StatusOK, map[string]any{"members": out})
}

func (s *Server) postMember(c *gin.Context) {
	var in tenants.NewMember
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.svc.AddMember(c.Request.Context(), tenantOf(c), memberOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, map[string]any{"member": map[string]any{"user": userOut(m.User), "role": m.Role}})
}

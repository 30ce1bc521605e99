package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

type dashboardData struct {
	Tenant     *tenants.Tenant
	Member     *tenants.Membership
	Workspaces []*tenants.Workspace
	Members    []*tenants.Membership
	Cases      []*tenants.CaseStudy
	Taxonomy   *tenants.Taxonomy
}

func (s *Server) dashboard(c *gin.Context, status int, d pageData) {
	t, m := tenantOf(c), memberOf(c)
	ws, err := s.svc.FindWorkspaces(c.Request.Context(), principal(c), t, m)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := dashboardData{Tenant: t, Member: m, Workspaces: ws, Taxonomy: &s.svc.Catalogue.Taxonomy}
	if m != nil {
		if data.Members, err = s.svc.Members(c.Request.Context(), t, m); err != nil {
			s.fail(c, err)
			return
		}
		all, err := s.svc.CaseStudies(c.Request.Context(), t.ID, tenants.CaseStudyFilter{})
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, cs := range all {
			if cs.Private {
				data.Cases = append(data.Cases, cs)
			}
		}
	}
	d.Title, d.Data = t.Name, data
	s.page(c, status, "dashboard", d)
}

func (s *Server) pageDashboard(c *gin.Context) { s.dashboard(c, http.StatusOK, pageData{}) }

// formValues returns the posted values of a multi-valued field.
func formValues(c *gin.Context, name string) []string {
	_ = c.Request.ParseForm()
	return c.Request.PostForm[name]
}

func (s *Server) formCreateWorkspace(c *gin.Context) {
	title, country, attribution := c.PostForm("title"), c.PostForm("country"), c.PostForm("attribution")
	mot, uc := formValues(c, "motivations"), formValues(c, "use_cases")
	in := tenants.WorkspaceInput{Title: &title, Country: &country, Attribution: &attribution, Motivations: &mot, UseCases: &uc}
	if v := strings.TrimSpace(c.PostForm("min_group_size")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		in.MinGroupSize = &n
	}
	w, err := s.svc.CreateWorkspace(c.Request.Context(), tenantOf(c), memberOf(c), in)
	if err != nil {
		if tenants.ErrorCode(err) == tenants.EInvalid {
			s.dashboard(c, http.StatusBadRequest, pageData{Errors: tenants.ErrorFields(err), Form: map[string]string{"title": title, "country": country}})
			return
		}
		s.fail(c, err)
		return
	}
	s.redirect(c, "/t/"+tenantOf(c).Slug+"/w/"+w.ID+"/manage", "Workspace created. Invite people by stakeholder group below.")
}

func (s *Server) formAddMember(c *gin.Context) {
	in := tenants.NewMember{Name: c.PostForm("name"), Email: c.PostForm("email"), Password: c.PostForm("password"), Role: c.PostForm("role")}
	_, err := s.svc.AddMember(c.Request.Context(), tenantOf(c), memberOf(c), in)
	if err != nil {
		if code := tenants.ErrorCode(err); code == tenants.EInvalid || code == tenants.EConflict {
			errs := tenants.ErrorFields(err)
			if errs == nil {
				errs = map[string]string{"member": tenants.ErrorMessage(err)}
			}
			s.dashboard(c, statusOf[code], pageData{Errors: errs, Form: map[string]string{"member_name": in.Name, "member_email": in.Email}})
			return
		}
		s.fail(c, err)
		return
	}
	s.redirect(c, "/t/"+tenantOf(c).Slug, in.Email+" can now log in as a facilitator.")
}

// formCaseStudy adds a tenant-private case study from the dashboard form. Lists are one entry per
// line; outcomes are "date: text" lines; sources are "title | url" lines; maturity levels are
// optional per dimension.
func (s *Server) formCaseStudy(c *gin.Context) {
	year, _ := strconv.Atoi(strings.TrimSpace(c.PostForm("year")))
	cs := &tenants.CaseStudy{Name: c.PostForm("name"), Country: c.PostForm("country"), Region: c.PostForm("region"), Year: year,
		Architecture: c.PostForm("architecture"), Summary: c.PostForm("summary"), Consent: c.PostForm("consent"),
		Governance: c.PostForm("governance"), LegalBasis: c.PostForm("legal_basis"),
		Motivations: formValues(c, "motivations"), UseCases: formValues(c, "use_cases"),
		Sectors: lines(c.PostForm("sectors")), Criticisms: lines(c.PostForm("criticisms")), Maturity: map[string]tenants.Judgement{}}
	for _, l := range lines(c.PostForm("outcomes")) {
		date, text, ok := strings.Cut(l, ":")
		if !ok {
			date, text = "", l
		}
		cs.Outcomes = append(cs.Outcomes, tenants.Outcome{Date: strings.TrimSpace(date), Text: strings.TrimSpace(text)})
	}
	for _, l := range lines(c.PostForm("sources")) {
		title, u, ok := strings.Cut(l, "|")
		if !ok {
			title, u = l, l
		}
		cs.Sources = append(cs.Sources, tenants.Source{Title: strings.TrimSpace(title), URL: strings.TrimSpace(u)})
	}
	for _, d := range s.svc.Catalogue.Taxonomy.Dimensions {
		if v := c.PostForm("maturity_" + d.ID); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				n = -1
			}
			cs.Maturity[d.ID] = tenants.Judgement{Level: n, Reason: strings.TrimSpace(c.PostForm("reason_" + d.ID))}
		}
	}
	if _, err := s.svc.CreateCaseStudy(c.Request.Context(), tenantOf(c), memberOf(c), cs); err != nil {
		if tenants.ErrorCode(err) == tenants.EInvalid {
			s.dashboard(c, http.StatusBadRequest, pageData{Errors: prefixed("case_", tenants.ErrorFields(err))})
			return
		}
		s.fail(c, err)
		return
	}
	s.redirect(c, "/t/"+tenantOf(c).Slug+"#cases", "Case study added. Only your organisation can see it.")
}

func lines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func prefixed(p string, m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[p+k] = v
	}
	return out
}

type joinPageData struct {
	Token string
	Info  *tenants.InviteInfo
}

func (s *Server) pageJoin(c *gin.Context) {
	info, err := s.svc.LookupInvite(c.Request.Context(), c.Param("token"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.page(c, http.StatusOK, "join", pageData{Title: "Join " + info.Workspace.Title, Data: joinPageData{Token: c.Param("token"), Info: info}})
}

type joinedPageData struct {
	Joined    *tenants.Joined
	ReturnURL string
	URL       string
}

func (s *Server) formJoin(c *gin.Context) {
	in := tenants.Join{DisplayName: c.PostForm("display_name"), Organization: c.PostForm("organization")}
	j, err := s.join(c, in)
	if err != nil {
		code := tenants.ErrorCode(err)
		if code == tenants.EInvalid || code == tenants.EConflict {
			info, lerr := s.svc.LookupInvite(c.Request.Context(), c.Param("token"))
			if lerr != nil {
				s.fail(c, lerr)
				return
			}
			s.page(c, statusOf[code], "join", pageData{Title: "Join " + info.Workspace.Title, Errors: tenants.ErrorFields(err),
				Form: map[string]string{"display_name": in.DisplayName, "organization": in.Organization},
				Data: joinPageData{Token: c.Param("token"), Info: info}})
			return
		}
		s.fail(c, err)
		return
	}
	out := s.joinedOut(j)
	s.page(c, http.StatusCreated, "joined", pageData{Title: "Welcome", Participant: true, Data: joinedPageData{Joined: j, ReturnURL: out.ReturnURL, URL: out.URL}})
}

func (s *Server) pageReturn(c *gin.Context) {
	old := s.sessionToken(c)
	j, err := s.svc.Return(c.Request.Context(), c.Param("token"), old)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.replaceSession(c, old, j.SessionToken)
	c.Header("Referrer-Policy", "no-referrer")
	s.redirect(c, "/t/"+j.Tenant.Slug+"/w/"+j.Workspace.ID, "Welcome back, "+j.Participant.DisplayName+".")
}

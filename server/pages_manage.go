package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

type manageData struct {
	Tenant       *tenants.Tenant
	Workspace    *tenants.Workspace
	Invites      []*tenants.Invite
	Participants []*tenants.Participant
	NewInvite    *tenants.Invite
	Taxonomy     *tenants.Taxonomy
	Base         string
}

func (s *Server) manage(c *gin.Context, status int, d pageData, newInvite *tenants.Invite) {
	v, w := viewerOf(c), workspaceOf(c)
	if !v.Facilitates() {
		s.fail(c, tenants.Errorf(tenants.EForbidden, "Only facilitators can manage the workspace."))
		return
	}
	invs, err := s.svc.FindInvites(c.Request.Context(), v)
	if err != nil {
		s.fail(c, err)
		return
	}
	ps, err := s.svc.FindParticipants(c.Request.Context(), v, w)
	if err != nil {
		s.fail(c, err)
		return
	}
	d.Title = "Manage " + w.Title
	d.Data = manageData{Tenant: tenantOf(c), Workspace: w, Invites: invs, Participants: ps, NewInvite: newInvite,
		Taxonomy: &s.svc.Catalogue.Taxonomy, Base: s.wsBase(c)}
	s.page(c, status, "manage", d)
}

func (s *Server) pageManage(c *gin.Context) { s.manage(c, http.StatusOK, pageData{}, nil) }

// formInvite creates an invite from the manage page and shows its link once.
func (s *Server) formInvite(c *gin.Context) {
	in := tenants.InviteInput{StakeholderGroup: c.PostForm("stakeholder_group"), Role: c.PostForm("role"), Label: c.PostForm("label")}
	if v := strings.TrimSpace(c.PostForm("expires_in_hours")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		in.ExpiresInHours = &n
	}
	if v := strings.TrimSpace(c.PostForm("max_uses")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		in.MaxUses = n
	}
	inv, err := s.svc.CreateInvite(c.Request.Context(), viewerOf(c), in)
	if err != nil {
		if tenants.ErrorCode(err) == tenants.EInvalid {
			s.manage(c, http.StatusBadRequest, pageData{Errors: tenants.ErrorFields(err)}, nil)
			return
		}
		s.fail(c, err)
		return
	}
	s.manage(c, http.StatusCreated, pageData{Flash: "Invite created. Copy the link now: it is shown only once."}, inv)
}

// formManage applies one action of the manage page: save settings, revoke an invite, move or
// remove a participant.
func (s *Server) formManage(c *gin.Context) {
	ctx, v, w := c.Request.Context(), viewerOf(c), workspaceOf(c)
	var err error
	msg := "Saved."
	switch c.PostForm("action") {
	case "settings":
		title, country, attribution, archived := c.PostForm("title"), c.PostForm("country"), c.PostForm("attribution"), c.PostForm("archived") == "on"
		mot, uc := formValues(c, "motivations"), formValues(c, "use_cases")
		n, convErr := strconv.Atoi(strings.TrimSpace(c.PostForm("min_group_size")))
		if convErr != nil {
			n = -1
		}
		_, _, err = s.svc.UpdateWorkspace(ctx, v, tenants.WorkspaceInput{Title: &title, Country: &country, Attribution: &attribution,
			Motivations: &mot, UseCases: &uc, MinGroupSize: &n, Archived: &archived})
	case "revoke":
		_, err = s.svc.RevokeInvite(ctx, v, c.PostForm("invite"))
		msg = "Invite revoked."
	case "regroup":
		g := c.PostForm("stakeholder_group")
		_, _, err = s.svc.UpdateParticipant(ctx, v, w, c.PostForm("participant"), tenants.ParticipantPatch{StakeholderGroup: &g})
		msg = "Participant moved."
	case "remove":
		var p *tenants.Participant
		p, _, err = s.svc.RemoveParticipant(ctx, v, w, c.PostForm("participant"))
		if err == nil && s.live != nil {
			s.live.CloseParticipant(p.TenantID, p.ID)
		}
		msg = "Participant removed. Their answers stay, attributed to their group."
	default:
		err = tenants.Errorf(tenants.EInvalid, "Unknown action.")
	}
	if err != nil {
		if tenants.ErrorCode(err) == tenants.EInvalid {
			s.manage(c, http.StatusBadRequest, pageData{Errors: tenants.ErrorFields(err)}, nil)
			return
		}
		s.fail(c, err)
		return
	}
	s.redirect(c, s.wsBase(c)+"/manage", msg)
}

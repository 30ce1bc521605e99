package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

type workspacesResponse struct {
	Workspaces []*tenants.Workspace `json:"workspaces"`
}

type workspaceResponse struct {
	Workspace *tenants.Workspace    `json:"workspace"`
	Session   *tenants.SessionState `json:"session,omitempty"`
	You       *youJSON              `json:"you,omitempty"`
	Seq       int64                 `json:"seq,omitempty"`
}

// youJSON describes the viewer to the client.
type youJSON struct {
	Role             string `json:"role"`
	ParticipantID    string `json:"participant_id,omitempty"`
	DisplayName      string `json:"display_name"`
	StakeholderGroup string `json:"stakeholder_group,omitempty"`
	Facilitator      bool   `json:"facilitator"`
}

func youOut(v tenants.Viewer) *youJSON {
	return &youJSON{Role: v.Role, ParticipantID: v.ParticipantID, DisplayName: v.Name, StakeholderGroup: v.Group, Facilitator: v.Facilitates()}
}

func (s *Server) getWorkspaces(c *gin.Context) {
	ws, err := s.svc.FindWorkspaces(c.Request.Context(), principal(c), tenantOf(c), memberOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if ws == nil {
		ws = []*tenants.Workspace{}
	}
	c.JSON(http.StatusOK, workspacesResponse{Workspaces: ws})
}

func (s *Server) postWorkspace(c *gin.Context) {
	var in tenants.WorkspaceInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	w, err := s.svc.CreateWorkspace(c.Request.Context(), tenantOf(c), memberOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, workspaceResponse{Workspace: w})
}

func (s *Server) getWorkspace(c *gin.Context) {
	v := viewerOf(c)
	st, err := s.svc.SessionState(c.Request.Context(), v)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, workspaceResponse{Workspace: workspaceOf(c), Session: st, You: youOut(v)})
}

func (s *Server) patchWorkspace(c *gin.Context) {
	var in tenants.WorkspaceInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	w, seq, err := s.svc.UpdateWorkspace(c.Request.Context(), viewerOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, workspaceResponse{Workspace: w, Seq: seq})
}

type sessionResponse struct {
	Session *tenants.SessionState `json:"session"`
	Seq     int64                 `json:"seq"`
}

func (s *Server) patchSession(c *gin.Context) {
	var in tenants.SessionPatch
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	st, seq, err := s.svc.PatchSession(c.Request.Context(), viewerOf(c), workspaceOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sessionResponse{Session: st, Seq: seq})
}

type inviteResponse struct {
	Invite *tenants.Invite `json:"invite"`
}

func (s *Server) getInvites(c *gin.Context) {
	invs, err := s.svc.FindInvites(c.Request.Context(), viewerOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, map[string][]*tenants.Invite{"invites": invs})
}

func (s *Server) postInvite(c *gin.Context) {
	var in tenants.InviteInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.svc.CreateInvite(c.Request.Context(), viewerOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, inviteResponse{Invite: inv})
}

func (s *Server) postRevokeInvite(c *gin.Context) {
	inv, err := s.svc.RevokeInvite(c.Request.Context(), viewerOf(c), c.Param("invite"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, inviteResponse{Invite: inv})
}

// participantJSON is the contract's participant shape.
type participantJSON struct {
	ID               string     `json:"id,omitempty"`
	DisplayName      string     `json:"display_name,omitempty"`
	Organization     string     `json:"organization,omitempty"`
	StakeholderGroup string     `json:"stakeholder_group"`
	Role             string     `json:"role"`
	JoinedAt         time.Time  `json:"joined_at"`
	RemovedAt        *time.Time `json:"removed_at,omitempty"`
}

func participantOut(p *tenants.Participant) participantJSON {
	return participantJSON{ID: p.ID, DisplayName: p.DisplayName, Organization: p.Organization,
		StakeholderGroup: p.StakeholderGroup, Role: p.Role, JoinedAt: p.JoinedAt, RemovedAt: p.RemovedAt}
}

func (s *Server) getParticipants(c *gin.Context) {
	ps, err := s.svc.FindParticipants(c.Request.Context(), viewerOf(c), workspaceOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := []participantJSON{}
	for _, p := range ps {
		out = append(out, participantOut(p))
	}
	c.JSON(http.StatusOK, map[string][]participantJSON{"participants": out})
}

type participantResponse struct {
	Participant participantJSON `json:"participant"`
	Seq         int64           `json:"seq"`
}

func (s *Server) patchParticipant(c *gin.Context) {
	var in tenants.ParticipantPatch
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	p, seq, err := s.svc.UpdateParticipant(c.Request.Context(), viewerOf(c), workspaceOf(c), c.Param("participant"), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, participantResponse{Participant: participantOut(p), Seq: seq})
}

func (s *Server) deleteParticipant(c *gin.Context) {
	p, seq, err := s.svc.RemoveParticipant(c.Request.Context(), viewerOf(c), workspaceOf(c), c.Param("participant"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if s.live != nil {
		s.live.CloseParticipant(p.TenantID, p.ID)
	}
	c.JSON(http.StatusOK, participantResponse{Participant: participantOut(p), Seq: seq})
}

type returnLinkResponse struct {
	ReturnURL string `json:"return_url"`
}

func (s *Server) postRotateReturn(c *gin.Context) {
	token, err := s.svc.RotateReturnLink(c.Request.Context(), viewerOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, returnLinkResponse{ReturnURL: s.svc.ReturnURL(token)})
}

type joinInfoResponse struct {
	Workspace        idJSON     `json:"workspace"`
	Tenant           tenantJSON `json:"tenant"`
	StakeholderGroup string     `json:"stakeholder_group"`
	Role             string     `json:"role"`
	Usable           bool       `json:"usable"`
	Problem          string     `json:"problem,omitempty"`
}

func (s *Server) getJoinInfo(c *gin.Context) {
	info, err := s.svc.LookupInvite(c.Request.Context(), c.Param("token"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, joinInfoResponse{Workspace: idJSON{ID: info.Workspace.ID, Title: info.Workspace.Title},
		Tenant: tenantJSON{Slug: info.Tenant.Slug, Name: info.Tenant.Name}, StakeholderGroup: info.Invite.StakeholderGroup,
		Role: info.Invite.Role, Usable: info.Problem == "", Problem: info.Problem})
}

type joinResponse struct {
	Participant participantJSON `json:"participant"`
	Tenant      tenantJSON      `json:"tenant"`
	Workspace   idJSON          `json:"workspace"`
	ReturnURL   string          `json:"return_url"`
	URL         string          `json:"url"`
	Seq         int64           `json:"seq,omitempty"`
}

func (s *Server) joinedOut(j *tenants.Joined) joinResponse {
	return joinResponse{Participant: participantOut(j.Participant), Tenant: tenantJSON{Slug: j.Tenant.Slug, Name: j.Tenant.Name},
		Workspace: idJSON{ID: j.Workspace.ID, Title: j.Workspace.Title}, ReturnURL: s.svc.ReturnURL(j.ReturnToken),
		URL: "/t/" + j.Tenant.Slug + "/w/" + j.Workspace.ID, Seq: j.Seq}
}

func (s *Server) join(c *gin.Context, in tenants.Join) (*tenants.Joined, error) {
	old := s.sessionToken(c)
	j, err := s.svc.JoinWorkspace(c.Request.Context(), c.Param("token"), in, old)
	if err != nil {
		return nil, err
	}
	s.replaceSession(c, old, j.SessionToken)
	return j, nil
}

// replaceSession sets the cookie of a session that replaced the old one (join, return link) and
// closes the sockets opened with the old one.
func (s *Server) replaceSession(c *gin.Context, old, token string) {
	if token == "" {
		return
	}
	s.setSession(c, token)
	if old != "" && old != token {
		s.closeSockets(old)
	}
}

func (s *Server) postJoin(c *gin.Context) {
	var in tenants.Join
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	j, err := s.join(c, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.joinedOut(j))
}

func (s *Server) postReturn(c *gin.Context) {
	old := s.sessionToken(c)
	j, err := s.svc.Return(c.Request.Context(), c.Param("token"), old)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.replaceSession(c, old, j.SessionToken)
	out := s.joinedOut(j)
	out.ReturnURL = ""
	c.JSON(http.StatusOK, out)
}

package tenants

// Viewer is who is looking at or acting in a workspace, resolved by the server from the session:
// a member of the tenant (who facilitates) or a participant of that workspace.
type Viewer struct {
	TenantID      string
	WorkspaceID   string
	UserID        string // set for members
	ParticipantID string // set for participants and observers
	Role          string // RoleFacilitator, RoleParticipant or RoleObserver
	Name          string
	Group         string // the participant's stakeholder group
}

// Facilitates reports whether the viewer may run the workspace: members of the tenant do.
func (v Viewer) Facilitates() bool { return v.Role == RoleFacilitator }

// CanAnswer reports whether the viewer may answer questions: participants do; observers and
// facilitators do not (facilitators synthesise instead).
func (v Viewer) CanAnswer() bool { return v.Role == RoleParticipant && v.ParticipantID != "" }

// CanComment reports whether the viewer may comment: everyone in the workspace does.
func (v Viewer) CanComment() bool { return v.Role != "" }

// Key identifies the viewer for per-viewer records such as last-visit markers.
func (v Viewer) Key() string {
	if v.ParticipantID != "" {
		return "p:" + v.ParticipantID
	}
	return "u:" + v.UserID
}

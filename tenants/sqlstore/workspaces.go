package sqlstore

import (
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"workshop/tenants"
)

type workspaceRow struct {
	TenantID          string    `db:"tenant_id"`
	ID                string    `db:"id"`
	Title             string    `db:"title"`
	Country           string    `db:"country"`
	Motivations       string    `db:"motivations"`
	UseCases          string    `db:"use_cases"`
	Attribution       string    `db:"attribution"`
	MinGroupSize      int       `db:"min_group_size"`
	InstrumentVersion string    `db:"instrument_version"`
	Archived          bool      `db:"archived"`
	CreatedBy         string    `db:"created_by"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`
	LastSeq           int64     `db:"last_seq"`
}

func (r workspaceRow) workspace() *tenants.Workspace {
	w := &tenants.Workspace{ID: r.ID, TenantID: r.TenantID, Title: r.Title, Country: r.Country,
		Attribution: r.Attribution, MinGroupSize: r.MinGroupSize, InstrumentVersion: r.InstrumentVersion,
		Archived: r.Archived, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, LastSeq: r.LastSeq}
	w.Motivations = decodeStrings(r.Motivations)
	w.UseCases = decodeStrings(r.UseCases)
	return w
}

func encode(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func decodeStrings(s string) []string {
	out := []string{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

func (t *tx) CreateWorkspace(w *tenants.Workspace) error {
	_, err := t.exec(`INSERT INTO workspaces (tenant_id, id, title, country, motivations, use_cases, attribution,
		min_group_size, instrument_version, archived, created_by, created_at, updated_at, last_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
		w.TenantID, w.ID, w.Title, w.Country, encode(w.Motivations), encode(w.UseCases), w.Attribution,
		w.MinGroupSize, w.InstrumentVersion, w.Archived, w.CreatedBy, w.CreatedAt, w.UpdatedAt)
	return err
}

func (t *tx) FindWorkspace(tenantID, id string) (*tenants.Workspace, error) {
	var r workspaceRow
	if err := t.get(&r, "Workspace", `SELECT * FROM workspaces WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
		return nil, err
	}
	return r.workspace(), nil
}

func (t *tx) FindWorkspaces(tenantID string, ids []string) ([]*tenants.Workspace, error) {
	var rows []workspaceRow
	var err error
	switch {
	case ids == nil:
		err = t.selectRows(&rows, `SELECT * FROM workspaces WHERE tenant_id = ? ORDER BY archived, created_at DESC`, tenantID)
	case len(ids) == 0:
		return []*tenants.Workspace{}, nil
	default:
		q, args, qerr := sqlx.In(`SELECT * FROM workspaces WHERE tenant_id = ? AND id IN (?) ORDER BY archived, created_at DESC`, tenantID, ids)
		if qerr != nil {
			return nil, tenants.Internal(qerr)
		}
		err = t.selectRows(&rows, q, args...)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*tenants.Workspace, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.workspace())
	}
	return out, nil
}

func (t *tx) UpdateWorkspace(w *tenants.Workspace) error {
	res, err := t.exec(`UPDATE workspaces SET title = ?, country = ?, motivations = ?, use_cases = ?, attribution = ?,
		min_group_size = ?, archived = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		w.Title, w.Country, encode(w.Motivations), encode(w.UseCases), w.Attribution, w.MinGroupSize, w.Archived,
		w.UpdatedAt, w.TenantID, w.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "Workspace")
}

func (t *tx) FindSessionState(tenantID, workspaceID string) (*tenants.SessionState, error) {
	var r struct {
		Spotlight   string     `db:"spotlight"`
		Locked      string     `db:"locked"`
		Blind       bool       `db:"blind"`
		Round       int        `db:"round"`
		TimerEndsAt *time.Time `db:"timer_ends_at"`
	}
	err := t.get(&r, "Workspace", `SELECT spotlight, locked, blind, round, timer_ends_at FROM workspace_sessions
		WHERE tenant_id = ? AND workspace_id = ?`, tenantID, workspaceID)
	if err != nil {
		return nil, err
	}
	return &tenants.SessionState{Spotlight: r.Spotlight, Locked: decodeStrings(r.Locked), Blind: r.Blind, Round: r.Round, TimerEndsAt: r.TimerEndsAt}, nil
}

func (t *tx) SaveSessionState(tenantID, workspaceID string, s *tenants.SessionState) error {
	_, err := t.exec(`INSERT INTO workspace_sessions (tenant_id, workspace_id, spotlight, locked, blind, round, timer_ends_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, workspace_id) DO UPDATE SET spotlight = excluded.spotlight, locked = excluded.locked,
		blind = excluded.blind, round = excluded.round, timer_ends_at = excluded.timer_ends_at`,
		tenantID, workspaceID, s.Spotlight, encode(s.Locked), s.Blind, s.Round, s.TimerEndsAt)
	return err
}

type inviteRow struct {
	TenantID         string     `db:"tenant_id"`
	ID               string     `db:"id"`
	WorkspaceID      string     `db:"workspace_id"`
	StakeholderGroup string     `db:"stakeholder_group"`
	Role             string     `db:"role"`
	Label            string     `db:"label"`
	TokenHash        string     `db:"token_hash"`
	ExpiresAt        *time.Time `db:"expires_at"`
	MaxUses          int        `db:"max_uses"`
	Uses             int        `db:"uses"`
	RevokedAt        *time.Time `db:"revoked_at"`
	CreatedAt        time.Time  `db:"created_at"`
}

func (r inviteRow) invite() *tenants.Invite {
	return &tenants.Invite{ID: r.ID, TenantID: r.TenantID, WorkspaceID: r.WorkspaceID, StakeholderGroup: r.StakeholderGroup,
		Role: r.Role, Label: r.Label, TokenHash: r.TokenHash, ExpiresAt: r.ExpiresAt, MaxUses: r.MaxUses, Uses: r.Uses,
		RevokedAt: r.RevokedAt, CreatedAt: r.CreatedAt}
}

func (t *tx) CreateInvite(i *tenants.Invite) error {
	_, err := t.exec(`INSERT INTO invites (tenant_id, id, workspace_id, stakeholder_group, role, label, token_hash,
		expires_at, max_uses, uses, revoked_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		i.TenantID, i.ID, i.WorkspaceID, i.StakeholderGroup, i.Role, i.Label, i.TokenHash, i.ExpiresAt, i.MaxUses, i.Uses,
		i.RevokedAt, i.CreatedAt)
	return err
}

func (t *tx) FindInviteByToken(tokenHash string) (*tenants.Invite, error) {
	var r inviteRow
	if err := t.get(&r, "Invite", `SELECT * FROM invites WHERE token_hash = ?`, tokenHash); err != nil {
		return nil, err
	}
	return r.invite(), nil
}

func (t *tx) FindInvite(tenantID, workspaceID, id string) (*tenants.Invite, error) {
	var r inviteRow
	err := t.get(&r, "Invite", `SELECT * FROM invites WHERE tenant_id = ? AND workspace_id = ? AND id = ?`, tenantID, workspaceID, id)
	if err != nil {
		return nil, err
	}
	return r.invite(), nil
}

func (t *tx) FindInvites(tenantID, workspaceID string) ([]*tenants.Invite, error) {
	var rows []inviteRow
	if err := t.selectRows(&rows, `SELECT * FROM invites WHERE tenant_id = ? AND workspace_id = ? ORDER BY created_at`, tenantID, workspaceID); err != nil {
		return nil, err
	}
	out := make([]*tenants.Invite, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.invite())
	}
	return out, nil
}

func (t *tx) UpdateInvite(i *tenants.Invite) error {
	res, err := t.exec(`UPDATE invites SET uses = ?, revoked_at = ? WHERE tenant_id = ? AND workspace_id = ? AND id = ?`,
		i.Uses, i.RevokedAt, i.TenantID, i.WorkspaceID, i.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "Invite")
}

type participantRow struct {
	TenantID         string     `db:"tenant_id"`
	ID               string     `db:"id"`
	WorkspaceID      string     `db:"workspace_id"`
	DisplayName      string     `db:"display_name"`
	Organization     string     `db:"organization"`
	StakeholderGroup string     `db:"stakeholder_group"`
	Role             string     `db:"role"`
	InviteID         string     `db:"invite_id"`
	ReturnHash       string     `db:"return_hash"`
	JoinedAt         time.Time  `db:"joined_at"`
	RemovedAt        *time.Time `db:"removed_at"`
}

func (r participantRow) participant() *tenants.Participant {
	return &tenants.Participant{ID: r.ID, TenantID: r.TenantID, WorkspaceID: r.WorkspaceID, DisplayName: r.DisplayName,
		Organization: r.Organization, StakeholderGroup: r.StakeholderGroup, Role: r.Role, InviteID: r.InviteID,
		ReturnHash: r.ReturnHash, JoinedAt: r.JoinedAt, RemovedAt: r.RemovedAt}
}

func participants(rows []participantRow) []*tenants.Participant {
	out := make([]*tenants.Participant, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.participant())
	}
	return out
}

func (t *tx) CreateParticipant(p *tenants.Participant) error {
	_, err := t.exec(`INSERT INTO participants (tenant_id, id, workspace_id, display_name, organization, stakeholder_group,
		role, invite_id, return_hash, joined_at, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.TenantID, p.ID, p.WorkspaceID, p.DisplayName, p.Organization, p.StakeholderGroup, p.Role, p.InviteID,
		p.ReturnHash, p.JoinedAt, p.RemovedAt)
	return err
}

func (t *tx) FindParticipant(tenantID, workspaceID, id string) (*tenants.Participant, error) {
	var r participantRow
	err := t.get(&r, "Participant", `SELECT * FROM participants WHERE tenant_id = ? AND workspace_id = ? AND id = ?`, tenantID, workspaceID, id)
	if err != nil {
		return nil, err
	}
	return r.participant(), nil
}

// FindParticipantsByIDs loads a session's identities. The session row already ties each identity to
// its tenant, so this lookup is by the session's own list and crosses no tenant boundary.
func (t *tx) FindParticipantsByIDs(ids []string) ([]*tenants.Participant, error) {
	if len(ids) == 0 {
		return []*tenants.Participant{}, nil
	}
	q, args, err := sqlx.In(`SELECT * FROM participants WHERE id IN (?) ORDER BY joined_at`, ids)
	if err != nil {
		return nil, tenants.Internal(err)
	}
	var rows []participantRow
	if err := t.selectRows(&rows, q, args...); err != nil {
		return nil, err
	}
	return participants(rows), nil
}

func (t *tx) FindParticipantByReturn(returnHash string) (*tenants.Participant, error) {
	var r participantRow
	if err := t.get(&r, "Link", `SELECT * FROM participants WHERE return_hash = ?`, returnHash); err != nil {
		return nil, err
	}
	return r.participant(), nil
}

func (t *tx) FindParticipants(tenantID, workspaceID string) ([]*tenants.Participant, error) {
	var rows []participantRow
	if err := t.selectRows(&rows, `SELECT * FROM participants WHERE tenant_id = ? AND workspace_id = ? ORDER BY joined_at`, tenantID, workspaceID); err != nil {
		return nil, err
	}
	return participants(rows), nil
}

func (t *tx) UpdateParticipant(p *tenants.Participant) error {
	res, err := t.exec(`UPDATE participants SET display_name = ?, organization = ?, stakeholder_group = ?, return_hash = ?,
		removed_at = ? WHERE tenant_id = ? AND workspace_id = ? AND id = ?`,
		p.DisplayName, p.Organization, p.StakeholderGroup, p.ReturnHash, p.RemovedAt, p.TenantID, p.WorkspaceID, p.ID)
	if err != nil {
		return err
	}
	if err := mustAffect(res, "Participant"); err != nil {
		return err
	}
	if p.RemovedAt != nil {
		_, err = t.exec(`DELETE FROM session_participants WHERE tenant_id = ? AND participant_id = ?`, p.TenantID, p.ID)
	}
	return err
}

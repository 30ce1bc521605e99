package sqlstore

import (
	"time"

	"workshop/tenants"
)

type commentRow struct {
	TenantID          string     `db:"tenant_id"`
	ID                string     `db:"id"`
	WorkspaceID       string     `db:"workspace_id"`
	QuestionID        string     `db:"question_id"`
	ParentID          string     `db:"parent_id"`
	Body              string     `db:"body"`
	Stance            string     `db:"stance"`
	AuthorParticipant string     `db:"author_participant"`
	AuthorUser        string     `db:"author_user"`
	AuthorName        string     `db:"author_name"`
	AuthorGroup       string     `db:"author_group"`
	AuthorFacilitator bool       `db:"author_facilitator"`
	CreatedAt         time.Time  `db:"created_at"`
	UpdatedAt         time.Time  `db:"updated_at"`
	Edited            bool       `db:"edited"`
	Deleted           bool       `db:"deleted"`
	Hidden            bool       `db:"hidden"`
	HiddenReason      string     `db:"hidden_reason"`
	HiddenAt          *time.Time `db:"hidden_at"`
}

func (r commentRow) comment() *tenants.Comment {
	return &tenants.Comment{ID: r.ID, TenantID: r.TenantID, WorkspaceID: r.WorkspaceID, QuestionID: r.QuestionID,
		ParentID: r.ParentID, Body: r.Body, Stance: r.Stance,
		Author: tenants.Author{ParticipantID: r.AuthorParticipant, UserID: r.AuthorUser, DisplayName: r.AuthorName,
			StakeholderGroup: r.AuthorGroup, Facilitator: r.AuthorFacilitator},
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Edited: r.Edited, Deleted: r.Deleted, Hidden: r.Hidden,
		HiddenReason: r.HiddenReason, HiddenAt: r.HiddenAt}
}

func (t *tx) CreateComment(c *tenants.Comment) error {
	_, err := t.exec(`INSERT INTO comments (tenant_id, id, workspace_id, question_id, parent_id, body, stance,
		author_participant, author_user, author_name, author_group, author_facilitator, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.TenantID, c.ID, c.WorkspaceID, c.QuestionID, c.ParentID, c.Body, c.Stance, c.Author.ParticipantID,
		c.Author.UserID, c.Author.DisplayName, c.Author.StakeholderGroup, c.Author.Facilitator, c.CreatedAt, c.UpdatedAt)
	return err
}

func (t *tx) FindComment(tenantID, workspaceID, id string) (*tenants.Comment, error) {
	var r commentRow
	err := t.get(&r, "Comment", `SELECT * FROM comments WHERE tenant_id = ? AND workspace_id = ? AND id = ?`, tenantID, workspaceID, id)
	if err != nil {
		return nil, err
	}
	return r.comment(), nil
}

func (t *tx) FindComments(tenantID, workspaceID, questionID string) ([]*tenants.Comment, error) {
	q := `SELECT * FROM comments WHERE tenant_id = ? AND workspace_id = ?`
	args := []any{tenantID, workspaceID}
	if questionID != "" {
		q += ` AND question_id = ?`
		args = append(args, questionID)
	}
	var rows []commentRow
	if err := t.selectRows(&rows, q+` ORDER BY created_at, id`, args...); err != nil {
		return nil, err
	}
	out := make([]*tenants.Comment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.comment())
	}
	return out, nil
}

func (t *tx) UpdateComment(c *tenants.Comment) error {
	res, err := t.exec(`UPDATE comments SET body = ?, stance = ?, updated_at = ?, edited = ?, deleted = ?, hidden = ?,
		hidden_reason = ?, hidden_at = ? WHERE tenant_id = ? AND workspace_id = ? AND id = ?`,
		c.Body, c.Stance, c.UpdatedAt, c.Edited, c.Deleted, c.Hidden, c.HiddenReason, c.HiddenAt, c.TenantID, c.WorkspaceID, c.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "Comment")
}

func (t *tx) FindLastSeen(tenantID, workspaceID, viewerKey string) (map[string]time.Time, error) {
	var rows []struct {
		QuestionID string    `db:"question_id"`
		SeenAt     time.Time `db:"seen_at"`
	}
	err := t.selectRows(&rows, `SELECT question_id, seen_at FROM last_seen WHERE tenant_id = ? AND workspace_id = ? AND viewer_key = ?`,
		tenantID, workspaceID, viewerKey)
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.QuestionID] = r.SeenAt
	}
	return out, nil
}

func (t *tx) SaveLastSeen(tenantID, workspaceID, viewerKey, questionID string, at time.Time) error {
	_, err := t.exec(`INSERT INTO last_seen (tenant_id, workspace_id, viewer_key, question_id, seen_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, workspace_id, viewer_key, question_id) DO UPDATE SET seen_at = excluded.seen_at`,
		tenantID, workspaceID, viewerKey, questionID, at)
	return err
}

func (t *tx) SaveSynthesis(s *tenants.Synthesis) error {
	_, err := t.exec(`INSERT INTO syntheses (tenant_id, workspace_id, question_id, status, summary, dissent, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, workspace_id, question_id) DO UPDATE SET status = excluded.status, summary = excluded.summary,
		dissent = excluded.dissent, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		s.TenantID, s.WorkspaceID, s.QuestionID, s.Status, s.Summary, s.Dissent, s.UpdatedBy, s.UpdatedAt)
	return err
}

func (t *tx) FindSyntheses(tenantID, workspaceID string) ([]*tenants.Synthesis, error) {
	var rows []struct {
		TenantID    string    `db:"tenant_id"`
		WorkspaceID string    `db:"workspace_id"`
		QuestionID  string    `db:"question_id"`
		Status      string    `db:"status"`
		Summary     string    `db:"summary"`
		Dissent     string    `db:"dissent"`
		UpdatedBy   string    `db:"updated_by"`
		UpdatedAt   time.Time `db:"updated_at"`
	}
	if err := t.selectRows(&rows, `SELECT * FROM syntheses WHERE tenant_id = ? AND workspace_id = ? ORDER BY question_id`, tenantID, workspaceID); err != nil {
		return nil, err
	}
	out := make([]*tenants.Synthesis, 0, len(rows))
	for _, r := range rows {
		out = append(out, &tenants.Synthesis{TenantID: r.TenantID, WorkspaceID: r.WorkspaceID, QuestionID: r.QuestionID,
			Status: r.Status, Summary: r.Summary, Dissent: r.Dissent, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt})
	}
	return out, nil
}

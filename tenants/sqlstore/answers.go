package sqlstore

import (
	"encoding/json"
	"time"

	"workshop/tenants"
)

type answerRow struct {
	TenantID         string    `db:"tenant_id"`
	ID               string    `db:"id"`
	WorkspaceID      string    `db:"workspace_id"`
	QuestionID       string    `db:"question_id"`
	ParticipantID    string    `db:"participant_id"`
	StakeholderGroup string    `db:"stakeholder_group"`
	Value            *string   `db:"value"`
	Status           string    `db:"status"`
	Rationale        string    `db:"rationale"`
	Evidence         string    `db:"evidence"`
	Revision         int       `db:"revision"`
	Round            int       `db:"round"`
	UpdatedAt        time.Time `db:"updated_at"`
	DisplayName      string    `db:"display_name"`
	Organization     string    `db:"organization"`
	ClientKey        string    `db:"client_key"`
}

func (r answerRow) answer() *tenants.Answer {
	a := &tenants.Answer{ID: r.ID, TenantID: r.TenantID, WorkspaceID: r.WorkspaceID, QuestionID: r.QuestionID,
		ParticipantID: r.ParticipantID, StakeholderGroup: r.StakeholderGroup, Status: r.Status, Rationale: r.Rationale,
		Revision: r.Revision, Round: r.Round, UpdatedAt: r.UpdatedAt, DisplayName: r.DisplayName, Organization: r.Organization,
		ClientKey: r.ClientKey, Evidence: []tenants.Evidence{}}
	if r.Value != nil {
		a.Value = json.RawMessage(*r.Value)
	}
	_ = json.Unmarshal([]byte(r.Evidence), &a.Evidence)
	return a
}

func answers(rows []answerRow) []*tenants.Answer {
	out := make([]*tenants.Answer, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.answer())
	}
	return out
}

const answerColumns = `a.tenant_id, a.id, a.workspace_id, a.question_id, a.participant_id, a.stakeholder_group, a.value,
	a.status, a.rationale, a.evidence, a.revision, a.round, a.updated_at, p.display_name, p.organization, '' AS client_key`

func (t *tx) FindAnswer(tenantID, workspaceID, participantID, questionID string) (*tenants.Answer, error) {
	var r answerRow
	err := t.get(&r, "Answer", `SELECT `+answerColumns+` FROM answers a
		JOIN participants p ON p.tenant_id = a.tenant_id AND p.id = a.participant_id
		WHERE a.tenant_id = ? AND a.workspace_id = ? AND a.participant_id = ? AND a.question_id = ?`,
		tenantID, workspaceID, participantID, questionID)
	if err != nil {
		return nil, err
	}
	return r.answer(), nil
}

const revisionColumns = `r.tenant_id, r.answer_id AS id, r.workspace_id, r.question_id, r.participant_id, r.stakeholder_group,
	r.value, r.status, r.rationale, r.evidence, r.revision, r.round, r.created_at AS updated_at, p.display_name,
	p.organization, r.client_key`

func (t *tx) FindAnswerByClientKey(tenantID, workspaceID, participantID, key string) (*tenants.Answer, error) {
	var r answerRow
	err := t.get(&r, "Answer", `SELECT `+revisionColumns+` FROM answer_revisions r
		JOIN participants p ON p.tenant_id = r.tenant_id AND p.id = r.participant_id
		WHERE r.tenant_id = ? AND r.workspace_id = ? AND r.participant_id = ? AND r.client_key = ?`,
		tenantID, workspaceID, participantID, key)
	if err != nil {
		return nil, err
	}
	return r.answer(), nil
}

func nullableJSON(v json.RawMessage) any {
	if len(v) == 0 {
		return nil
	}
	return string(v)
}

func (t *tx) SaveAnswer(a *tenants.Answer) error {
	ev := encode(a.Evidence)
	_, err := t.exec(`INSERT INTO answers (tenant_id, id, workspace_id, question_id, participant_id, stakeholder_group,
		value, status, rationale, evidence, revision, round, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, id) DO UPDATE SET stakeholder_group = excluded.stakeholder_group, value = excluded.value,
		status = excluded.status, rationale = excluded.rationale, evidence = excluded.evidence, revision = excluded.revision,
		round = excluded.round, updated_at = excluded.updated_at`,
		a.TenantID, a.ID, a.WorkspaceID, a.QuestionID, a.ParticipantID, a.StakeholderGroup, nullableJSON(a.Value),
		a.Status, a.Rationale, ev, a.Revision, a.Round, a.UpdatedAt)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO answer_revisions (tenant_id, answer_id, revision, workspace_id, question_id, participant_id,
		stakeholder_group, value, status, rationale, evidence, round, created_at, client_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.TenantID, a.ID, a.Revision, a.WorkspaceID, a.QuestionID, a.ParticipantID, a.StakeholderGroup,
		nullableJSON(a.Value), a.Status, a.Rationale, ev, a.Round, a.UpdatedAt, a.ClientKey)
	return err
}

func (t *tx) FindAnswers(tenantID, workspaceID string, f tenants.AnswerFilter) ([]*tenants.Answer, error) {
	q := `SELECT ` + answerColumns + ` FROM answers a
		JOIN participants p ON p.tenant_id = a.tenant_id AND p.id = a.participant_id
		WHERE a.tenant_id = ? AND a.workspace_id = ?`
	args := []any{tenantID, workspaceID}
	if f.QuestionID != "" {
		q += ` AND a.question_id = ?`
		args = append(args, f.QuestionID)
	}
	if f.ParticipantID != "" {
		q += ` AND a.participant_id = ?`
		args = append(args, f.ParticipantID)
	}
	var rows []answerRow
	if err := t.selectRows(&rows, q+` ORDER BY a.question_id, a.updated_at`, args...); err != nil {
		return nil, err
	}
	return answers(rows), nil
}

func (t *tx) FindRevisions(tenantID, workspaceID string, f tenants.AnswerFilter) ([]*tenants.Answer, error) {
	q := `SELECT ` + revisionColumns + ` FROM answer_revisions r
		JOIN participants p ON p.tenant_id = r.tenant_id AND p.id = r.participant_id
		WHERE r.tenant_id = ? AND r.workspace_id = ?`
	args := []any{tenantID, workspaceID}
	if f.QuestionID != "" {
		q += ` AND r.question_id = ?`
		args = append(args, f.QuestionID)
	}
	if f.ParticipantID != "" {
		q += ` AND r.participant_id = ?`
		args = append(args, f.ParticipantID)
	}
	var rows []answerRow
	if err := t.selectRows(&rows, q+` ORDER BY r.created_at, r.answer_id, r.revision`, args...); err != nil {
		return nil, err
	}
	return answers(rows), nil
}

func (t *tx) RegroupAnswers(tenantID, workspaceID, participantID, group string) error {
	_, err := t.exec(`UPDATE answers SET stakeholder_group = ? WHERE tenant_id = ? AND workspace_id = ? AND participant_id = ?`,
		group, tenantID, workspaceID, participantID)
	return err
}

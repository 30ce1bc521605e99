package sqlstore

import (
	"encoding/json"
	"time"

	"workshop/tenants"
)

// AppendEvent takes the workspace's next seq from its counter row (the single writer serialises
// this) and writes the event in the same transaction as the change it describes.
func (t *tx) AppendEvent(e *tenants.Event) error {
	var seq int64
	err := t.get(&seq, "Workspace", `UPDATE workspaces SET last_seq = last_seq + 1 WHERE tenant_id = ? AND id = ? RETURNING last_seq`,
		e.TenantID, e.WorkspaceID)
	if err != nil {
		return err
	}
	e.Seq = seq
	_, err = t.exec(`INSERT INTO events (tenant_id, workspace_id, seq, type, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.TenantID, e.WorkspaceID, e.Seq, e.Type, string(e.Data), e.At)
	return err
}

func (t *tx) FindEvents(tenantID, workspaceID string, afterSeq int64, limit int) ([]tenants.Event, error) {
	var rows []struct {
		Seq       int64     `db:"seq"`
		Type      string    `db:"type"`
		Data      string    `db:"data"`
		CreatedAt time.Time `db:"created_at"`
	}
	err := t.selectRows(&rows, `SELECT seq, type, data, created_at FROM events WHERE tenant_id = ? AND workspace_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, tenantID, workspaceID, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	out := make([]tenants.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, tenants.Event{TenantID: tenantID, WorkspaceID: workspaceID, Seq: r.Seq, Type: r.Type,
			At: r.CreatedAt, Data: json.RawMessage(r.Data)})
	}
	return out, nil
}

func (t *tx) LatestSeq(tenantID, workspaceID string) (int64, error) {
	var seq int64
	err := t.get(&seq, "Workspace", `SELECT last_seq FROM workspaces WHERE tenant_id = ? AND id = ?`, tenantID, workspaceID)
	return seq, err
}

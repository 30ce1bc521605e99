package sqlstore

import (
	"time"

	"workshop/tenants"
)

func (t *tx) CreateUser(u *tenants.User) error {
	_, err := t.exec(`INSERT INTO users (id, name, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.Name, u.Email, u.PasswordHash, u.CreatedAt)
	return err
}

func (t *tx) HasUsers() (bool, error) {
	var n int
	if err := t.get(&n, "User", `SELECT EXISTS (SELECT 1 FROM users)`); err != nil {
		return false, err
	}
	return n != 0, nil
}

type userRow struct {
	ID           string    `db:"id"`
	Name         string    `db:"name"`
	Email        string    `db:"email"`
	PasswordHash string    `db:"password_hash"`
	CreatedAt    time.Time `db:"created_at"`
}

func (r userRow) user() *tenants.User {
	return &tenants.User{ID: r.ID, Name: r.Name, Email: r.Email, PasswordHash: r.PasswordHash, CreatedAt: r.CreatedAt}
}

func (t *tx) FindUserByEmail(email string) (*tenants.User, error) {
	var r userRow
	if err := t.get(&r, "User", `SELECT * FROM users WHERE email = ?`, email); err != nil {
		return nil, err
	}
	return r.user(), nil
}

func (t *tx) FindUserByID(id string) (*tenants.User, error) {
	var r userRow
	if err := t.get(&r, "User", `SELECT * FROM users WHERE id = ?`, id); err != nil {
		return nil, err
	}
	return r.user(), nil
}

func (t *tx) UpdateUserPassword(id, hash string) error {
	res, err := t.exec(`UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return err
	}
	return mustAffect(res, "User")
}

func (t *tx) CreateTenant(tn *tenants.Tenant) error {
	_, err := t.exec(`INSERT INTO tenants (id, slug, name, created_at) VALUES (?, ?, ?, ?)`, tn.ID, tn.Slug, tn.Name, tn.CreatedAt)
	return err
}

type tenantRow struct {
	ID        string    `db:"id"`
	Slug      string    `db:"slug"`
	Name      string    `db:"name"`
	CreatedAt time.Time `db:"created_at"`
}

func (r tenantRow) tenant() *tenants.Tenant {
	return &tenants.Tenant{ID: r.ID, Slug: r.Slug, Name: r.Name, CreatedAt: r.CreatedAt}
}

func (t *tx) FindTenantBySlug(slug string) (*tenants.Tenant, error) {
	var r tenantRow
	if err := t.get(&r, "Organisation", `SELECT * FROM tenants WHERE slug = ?`, slug); err != nil {
		return nil, err
	}
	return r.tenant(), nil
}

func (t *tx) FindTenantByID(id string) (*tenants.Tenant, error) {
	var r tenantRow
	if err := t.get(&r, "Organisation", `SELECT * FROM tenants WHERE id = ?`, id); err != nil {
		return nil, err
	}
	return r.tenant(), nil
}

func (t *tx) CreateMembership(m *tenants.Membership) error {
	_, err := t.exec(`INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`,
		m.TenantID, m.UserID, m.Role, m.CreatedAt)
	return err
}

type membershipRow struct {
	TenantID  string    `db:"tenant_id"`
	UserID    string    `db:"user_id"`
	Role      string    `db:"role"`
	CreatedAt time.Time `db:"created_at"`
}

func (t *tx) FindMembership(tenantID, userID string) (*tenants.Membership, error) {
	var r membershipRow
	if err := t.get(&r, "Membership", `SELECT * FROM memberships WHERE tenant_id = ? AND user_id = ?`, tenantID, userID); err != nil {
		return nil, err
	}
	return &tenants.Membership{TenantID: r.TenantID, UserID: r.UserID, Role: r.Role, CreatedAt: r.CreatedAt}, nil
}

func (t *tx) FindMemberships(userID string) ([]*tenants.Membership, error) {
	var rows []struct {
		membershipRow
		Slug string `db:"slug"`
		Name string `db:"name"`
	}
	err := t.selectRows(&rows, `SELECT m.tenant_id, m.user_id, m.role, m.created_at, t.slug, t.name
		FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = ? ORDER BY t.name`, userID)
	if err != nil {
		return nil, err
	}
	out := make([]*tenants.Membership, 0, len(rows))
	for _, r := range rows {
		out = append(out, &tenants.Membership{TenantID: r.TenantID, UserID: r.UserID, Role: r.Role, CreatedAt: r.CreatedAt,
			Tenant: &tenants.Tenant{ID: r.TenantID, Slug: r.Slug, Name: r.Name}})
	}
	return out, nil
}

func (t *tx) FindMembers(tenantID string) ([]*tenants.Membership, error) {
	var rows []struct {
		membershipRow
		Name  string `db:"name"`
		Email string `db:"email"`
	}
	err := t.selectRows(&rows, `SELECT m.tenant_id, m.user_id, m.role, m.created_at, u.name, u.email
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? ORDER BY u.name`, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]*tenants.Membership, 0, len(rows))
	for _, r := range rows {
		out = append(out, &tenants.Membership{TenantID: r.TenantID, UserID: r.UserID, Role: r.Role, CreatedAt: r.CreatedAt,
			User: &tenants.User{ID: r.UserID, Name: r.Name, Email: r.Email}})
	}
	return out, nil
}

func (t *tx) CreateSession(s *tenants.Session) error {
	var user any
	if s.UserID != "" {
		user = s.UserID
	}
	_, err := t.exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		s.TokenHash, user, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	return err
}

func (t *tx) FindSession(tokenHash string) (*tenants.Session, error) {
	var r struct {
		TokenHash  string    `db:"token_hash"`
		UserID     *string   `db:"user_id"`
		CreatedAt  time.Time `db:"created_at"`
		LastSeenAt time.Time `db:"last_seen_at"`
		ExpiresAt  time.Time `db:"expires_at"`
	}
	if err := t.get(&r, "Session", `SELECT * FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return nil, err
	}
	s := &tenants.Session{TokenHash: r.TokenHash, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt}
	if r.UserID != nil {
		s.UserID = *r.UserID
	}
	if err := t.selectRows(&s.ParticipantIDs, `SELECT participant_id FROM session_participants WHERE token_hash = ? ORDER BY participant_id`, tokenHash); err != nil {
		return nil, err
	}
	return s, nil
}

func (t *tx) TouchSession(tokenHash string, at time.Time) error {
	_, err := t.exec(`UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, at, tokenHash)
	return err
}

func (t *tx) DeleteSession(tokenHash string) error {
	_, err := t.exec(`DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

func (t *tx) AddSessionParticipant(tokenHash, tenantID, participantID string) error {
	_, err := t.exec(`INSERT INTO session_participants (token_hash, tenant_id, participant_id) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, tokenHash, tenantID, participantID)
	return err
}

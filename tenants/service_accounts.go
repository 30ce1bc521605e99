package tenants

import (
	"context"
	"errors"
	"time"
)

// Principal is who a request's session belongs to: an account, participant identities, or both.
type Principal struct {
	Token        string
	Session      *Session
	User         *User
	Memberships  []*Membership
	Participants []*Participant
}

// Membership returns the principal's membership of the tenant, or nil.
func (p *Principal) Membership(tenantID string) *Membership {
	if p == nil {
		return nil
	}
	for _, m := range p.Memberships {
		if m.TenantID == tenantID {
			return m
		}
	}
	return nil
}

// Participant returns the principal's (not removed) participant identity in the workspace, or nil.
func (p *Principal) Participant(tenantID, workspaceID string) *Participant {
	if p == nil {
		return nil
	}
	for _, pt := range p.Participants {
		if pt.TenantID == tenantID && pt.WorkspaceID == workspaceID && pt.RemovedAt == nil {
			return pt
		}
	}
	return nil
}

// Signup creates a user, a tenant whose slug derives from the organisation name, and the owner
// membership, and starts a session. It returns EInvalid for bad fields and EConflict when the
// email is taken.
func (s *Service) Signup(ctx context.Context, in Signup) (*User, *Tenant, string, error) {
	if err := in.Validate(); err != nil {
		return nil, nil, "", err
	}
	hash, err := s.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, nil, "", Internal(err)
	}
	u := &User{ID: NewID(), Name: in.Name, Email: in.Email, PasswordHash: hash}
	t := &Tenant{ID: NewID(), Name: in.Organization}
	token := NewToken()
	err = s.Store.Write(ctx, func(tx Tx) error {
		now := tx.Now()
		if _, err := tx.FindUserByEmail(u.Email); err == nil {
			return &Error{Code: EConflict, Message: "An account with this email already exists.", Fields: map[string]string{"email": "is already registered"}}
		} else if ErrorCode(err) != ENotFound {
			return err
		}
		u.CreatedAt, t.CreatedAt = now, now
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		base := Slugify(in.Organization)
		for i := 0; ; i++ {
			t.Slug = base
			if i > 0 {
				t.Slug = base + "-" + NewID()[:6]
			}
			err := tx.CreateTenant(t)
			if err == nil {
				break
			}
			if ErrorCode(err) != EConflict || i > 5 {
				return err
			}
		}
		if err := tx.CreateMembership(&Membership{TenantID: t.ID, UserID: u.ID, Role: RoleOwner, CreatedAt: now}); err != nil {
			return err
		}
		return tx.CreateSession(newSession(token, u.ID, now))
	})
	if err != nil {
		return nil, nil, "", err
	}
	return u, t, token, nil
}

func newSession(token, userID string, now time.Time) *Session {
	return &Session{TokenHash: HashToken(token), UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime)}
}

// ErrBadCredentials is the one answer to a wrong password and to an unknown email alike.
var ErrBadCredentials = &Error{Code: EUnauthenticated, Message: "Email or password is not correct."}

// Login checks the credentials and starts a new session, ending oldToken's session if one was
// given (a new session id on every login). An unknown email and a wrong password both return
// ErrBadCredentials after the same amount of hashing work.
func (s *Service) Login(ctx context.Context, email, password, oldToken string) (*User, []*Membership, string, error) {
	email, emailErr := NormalizeEmail(email)
	var u *User
	if emailErr == nil {
		err := s.Store.Read(ctx, func(tx Tx) error {
			var err error
			u, err = tx.FindUserByEmail(email)
			return err
		})
		if err != nil && ErrorCode(err) != ENotFound {
			return nil, nil, "", err
		}
	}
	hash := "" // the hasher does a full verification against a dummy hash
	if u != nil {
		hash = u.PasswordHash
	}
	ok, rehash, err := s.Hasher.Verify(ctx, hash, password)
	if err != nil && u != nil {
		return nil, nil, "", Internal(err)
	}
	if u == nil || !ok {
		return nil, nil, "", ErrBadCredentials
	}
	var newHash string
	if rehash {
		if h, err := s.Hasher.Hash(ctx, password); err == nil {
			newHash = h
		}
	}
	token := NewToken()
	var ms []*Membership
	err = s.Store.Write(ctx, func(tx Tx) error {
		if oldToken != "" {
			if err := tx.DeleteSession(HashToken(oldToken)); err != nil {
				return err
			}
		}
		if newHash != "" {
			if err := tx.UpdateUserPassword(u.ID, newHash); err != nil {
				return err
			}
		}
		if err := tx.CreateSession(newSession(token, u.ID, tx.Now())); err != nil {
			return err
		}
		var err error
		ms, err = tx.FindMemberships(u.ID)
		return err
	})
	if err != nil {
		return nil, nil, "", err
	}
	return u, ms, token, nil
}

// Logout ends the session of the token. Ending an unknown session is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.Write(ctx, func(tx Tx) error { return tx.DeleteSession(HashToken(token)) })
}

// touchEvery bounds how often a session's last-seen time is written.
const touchEvery = time.Minute

// Authenticate resolves a session token to its principal. It returns EUnauthenticated when the
// token is unknown, expired or idle too long.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 200 {
		return nil, Errorf(EUnauthenticated, "Please log in.")
	}
	p := &Principal{Token: token}
	hash := HashToken(token)
	var stale bool
	err := s.Store.Read(ctx, func(tx Tx) error {
		sess, err := tx.FindSession(hash)
		if err != nil {
			return err
		}
		now := Now()
		if !sess.Usable(now) {
			return NotFound("session")
		}
		stale = now.Sub(sess.LastSeenAt) > touchEvery
		p.Session = sess
		if sess.UserID != "" {
			if p.User, err = tx.FindUserByID(sess.UserID); err != nil {
				return err
			}
			if p.Memberships, err = tx.FindMemberships(sess.UserID); err != nil {
				return err
			}
		}
		if len(sess.ParticipantIDs) > 0 {
			if p.Participants, err = tx.FindParticipantsByIDs(sess.ParticipantIDs); err != nil {
				return err
			}
		}
		return nil
	})
	if ErrorCode(err) == ENotFound {
		return nil, Errorf(EUnauthenticated, "Your session has ended. Please log in again.")
	}
	if err != nil {
		return nil, err
	}
	if stale {
		if err := s.Store.Write(ctx, func(tx Tx) error { return tx.TouchSession(hash, tx.Now()) }); err != nil && s.Log != nil {
			s.Log.Warn("touch session", "err", err)
		}
	}
	return p, nil
}

// ResolveTenant returns the tenant of the slug when the principal is a member of it or a
// participant in one of its workspaces, with the membership (nil for participants). Anything else,
// including an unknown slug, is ENotFound.
func (s *Service) ResolveTenant(ctx context.Context, p *Principal, slug string) (*Tenant, *Membership, error) {
	var t *Tenant
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		t, err = tx.FindTenantBySlug(slug)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if m := p.Membership(t.ID); m != nil {
		return t, m, nil
	}
	if p != nil {
		for _, pt := range p.Participants {
			if pt.TenantID == t.ID && pt.RemovedAt == nil {
				return t, nil, nil
			}
		}
	}
	return nil, nil, NotFound("Organisation")
}

// ResolveWorkspace returns the workspace and the viewer the principal is in it: facilitator for
// members of the tenant, otherwise its participant identity there. Anything else is ENotFound.
func (s *Service) ResolveWorkspace(ctx context.Context, p *Principal, slug, workspaceID string) (*Tenant, *Workspace, Viewer, error) {
	t, m, err := s.ResolveTenant(ctx, p, slug)
	if err != nil {
		return nil, nil, Viewer{}, err
	}
	var w *Workspace
	err = s.Store.Read(ctx, func(tx Tx) error {
		var err error
		w, err = tx.FindWorkspace(t.ID, workspaceID)
		return err
	})
	if err != nil {
		return nil, nil, Viewer{}, err
	}
	v := Viewer{TenantID: t.ID, WorkspaceID: w.ID}
	if m != nil {
		v.UserID, v.Role, v.Name = p.User.ID, RoleFacilitator, p.User.Name
		return t, w, v, nil
	}
	pt := p.Participant(t.ID, w.ID)
	if pt == nil {
		return nil, nil, Viewer{}, NotFound("Workspace")
	}
	v.ParticipantID, v.Role, v.Name, v.Group = pt.ID, pt.Role, pt.DisplayName, pt.StakeholderGroup
	return t, w, v, nil
}

// AddMember lets an owner add a facilitator (or another owner) with an initial password. If the
// email already has an account, that account is added and the password is ignored. It returns
// EForbidden for non-owners and EConflict for existing members.
func (s *Service) AddMember(ctx context.Context, t *Tenant, m *Membership, in NewMember) (*Membership, error) {
	if m == nil || m.Role != RoleOwner {
		return nil, Errorf(EForbidden, "Only owners can add members.")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, Internal(err)
	}
	var out *Membership
	err = s.Store.Write(ctx, func(tx Tx) error {
		u, err := tx.FindUserByEmail(in.Email)
		if ErrorCode(err) == ENotFound {
			u = &User{ID: NewID(), Name: in.Name, Email: in.Email, PasswordHash: hash, CreatedAt: tx.Now()}
			err = tx.CreateUser(u)
		}
		if err != nil {
			return err
		}
		out = &Membership{TenantID: t.ID, UserID: u.ID, Role: in.Role, User: u, Tenant: t, CreatedAt: tx.Now()}
		if err := tx.CreateMembership(out); err != nil {
			var e *Error
			if errors.As(err, &e) && e.Code == EConflict {
				return Errorf(EConflict, "This person is already a member.")
			}
			return err
		}
		return nil
	})
	return out, err
}

// Members lists the tenant's members for a member of it.
func (s *Service) Members(ctx context.Context, t *Tenant, m *Membership) ([]*Membership, error) {
	if m == nil {
		return nil, Errorf(EForbidden, "Only members can see the member list.")
	}
	var out []*Membership
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindMembers(t.ID)
		return err
	})
	return out, err
}

// TenantByID returns a tenant by id, for describing a principal's own identities.
func (s *Service) TenantByID(ctx context.Context, id string) (*Tenant, error) {
	var t *Tenant
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		t, err = tx.FindTenantByID(id)
		return err
	})
	return t, err
}

// HasAccounts reports whether any account exists (demo mode only seeds an empty database).
func (s *Service) HasAccounts(ctx context.Context) (bool, error) {
	var ok bool
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		ok, err = tx.HasUsers()
		return err
	})
	return ok, err
}

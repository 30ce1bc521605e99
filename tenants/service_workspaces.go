package tenants

import (
	"context"
	"strings"
)

// CreateWorkspace creates a workspace pinned to the current instrument version. Only members of
// the tenant may create one (EForbidden otherwise).
func (s *Service) CreateWorkspace(ctx context.Context, t *Tenant, m *Membership, in WorkspaceInput) (*Workspace, error) {
	if m == nil {
		return nil, Errorf(EForbidden, "Only facilitators can create workspaces.")
	}
	w := &Workspace{ID: NewID(), TenantID: t.ID, InstrumentVersion: s.Catalogue.Current, CreatedBy: m.UserID}
	if err := in.Apply(w, &s.Catalogue.Taxonomy, true); err != nil {
		return nil, err
	}
	err := s.Store.Write(ctx, func(tx Tx) error {
		w.CreatedAt, w.UpdatedAt = tx.Now(), tx.Now()
		if err := tx.CreateWorkspace(w); err != nil {
			return err
		}
		return tx.SaveSessionState(t.ID, w.ID, &SessionState{Locked: []string{}, Round: 1})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// FindWorkspaces lists the workspaces of the tenant the principal may see: all of them for
// members, the ones they take part in for participants.
func (s *Service) FindWorkspaces(ctx context.Context, p *Principal, t *Tenant, m *Membership) ([]*Workspace, error) {
	var ids []string
	if m == nil {
		ids = []string{}
		for _, pt := range p.Participants {
			if pt.TenantID == t.ID && pt.RemovedAt == nil {
				ids = append(ids, pt.WorkspaceID)
			}
		}
	}
	var out []*Workspace
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindWorkspaces(t.ID, ids)
		return err
	})
	return out, err
}

// SessionState returns the workspace's live session state.
func (s *Service) SessionState(ctx context.Context, v Viewer) (*SessionState, error) {
	var st *SessionState
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		st, err = tx.FindSessionState(v.TenantID, v.WorkspaceID)
		return err
	})
	return st, err
}

// UpdateWorkspace edits (or archives) a workspace. Facilitators only.
func (s *Service) UpdateWorkspace(ctx context.Context, v Viewer, in WorkspaceInput) (*Workspace, int64, error) {
	if !v.Facilitates() {
		return nil, 0, Errorf(EForbidden, "Only facilitators can edit the workspace.")
	}
	var w *Workspace
	var seq int64
	err := s.write(ctx, func(tx Tx, rec *recorder) error {
		var err error
		if w, err = tx.FindWorkspace(v.TenantID, v.WorkspaceID); err != nil {
			return err
		}
		if err := in.Apply(w, &s.Catalogue.Taxonomy, false); err != nil {
			return err
		}
		w.UpdatedAt = tx.Now()
		if err := tx.UpdateWorkspace(w); err != nil {
			return err
		}
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, EventWorkspaceUpdated, EventData{Workspace: w})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	w.LastSeq = seq
	return w, seq, nil
}

// PatchSession changes the live session state (spotlight, locks, blind mode, round, timer).
// Facilitators only.
func (s *Service) PatchSession(ctx context.Context, v Viewer, w *Workspace, p SessionPatch) (*SessionState, int64, error) {
	if !v.Facilitates() {
		return nil, 0, Errorf(EForbidden, "Only facilitators can run the session.")
	}
	in, err := s.instrument(w)
	if err != nil {
		return nil, 0, err
	}
	var st *SessionState
	var seq int64
	err = s.write(ctx, func(tx Tx, rec *recorder) error {
		var err error
		if st, err = tx.FindSessionState(v.TenantID, v.WorkspaceID); err != nil {
			return err
		}
		if err := p.Apply(st, in, tx.Now()); err != nil {
			return err
		}
		if err := tx.SaveSessionState(v.TenantID, v.WorkspaceID, st); err != nil {
			return err
		}
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, EventSessionUpdated, EventData{Session: st})
		return err
	})
	return st, seq, err
}

// CreateInvite makes an invite link for a stakeholder group and role. The token is in the
// returned invite only this once. Facilitators only.
func (s *Service) CreateInvite(ctx context.Context, v Viewer, in InviteInput) (*Invite, error) {
	if !v.Facilitates() {
		return nil, Errorf(EForbidden, "Only facilitators can invite people.")
	}
	inv, err := in.Build(&s.Catalogue.Taxonomy, Now())
	if err != nil {
		return nil, err
	}
	inv.ID, inv.TenantID, inv.WorkspaceID = NewID(), v.TenantID, v.WorkspaceID
	inv.Token = NewToken()
	inv.TokenHash = HashToken(inv.Token)
	inv.URL = s.BaseURL + "/join/" + inv.Token
	if err := s.Store.Write(ctx, func(tx Tx) error { return tx.CreateInvite(inv) }); err != nil {
		return nil, err
	}
	return inv, nil
}

// FindInvites lists the workspace's invites (without tokens). Facilitators only.
func (s *Service) FindInvites(ctx context.Context, v Viewer) ([]*Invite, error) {
	if !v.Facilitates() {
		return nil, Errorf(EForbidden, "Only facilitators can see invites.")
	}
	var out []*Invite
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindInvites(v.TenantID, v.WorkspaceID)
		return err
	})
	return out, err
}

// RevokeInvite stops an invite from admitting anyone else. Facilitators only.
func (s *Service) RevokeInvite(ctx context.Context, v Viewer, id string) (*Invite, error) {
	if !v.Facilitates() {
		return nil, Errorf(EForbidden, "Only facilitators can revoke invites.")
	}
	var inv *Invite
	err := s.Store.Write(ctx, func(tx Tx) error {
		var err error
		if inv, err = tx.FindInvite(v.TenantID, v.WorkspaceID, id); err != nil {
			return err
		}
		if inv.RevokedAt == nil {
			now := tx.Now()
			inv.RevokedAt = &now
		}
		return tx.UpdateInvite(inv)
	})
	return inv, err
}

// InviteInfo is what the join page shows about an invite before anyone joins.
type InviteInfo struct {
	Invite    *Invite
	Tenant    *Tenant
	Workspace *Workspace
	Problem   string
}

// LookupInvite returns the invite of a token with its tenant and workspace, and why it cannot be
// used, if it cannot. An unknown token is ENotFound.
func (s *Service) LookupInvite(ctx context.Context, token string) (*InviteInfo, error) {
	info := &InviteInfo{}
	if token == "" || len(token) > 200 {
		return nil, NotFound("Invite")
	}
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		if info.Invite, err = tx.FindInviteByToken(HashToken(token)); err != nil {
			return err
		}
		if info.Tenant, err = tx.FindTenantByID(info.Invite.TenantID); err != nil {
			return err
		}
		info.Workspace, err = tx.FindWorkspace(info.Invite.TenantID, info.Invite.WorkspaceID)
		return err
	})
	if err != nil {
		return nil, err
	}
	info.Problem = info.Invite.Problem(Now())
	if info.Problem == "" && info.Workspace.Archived {
		info.Problem = "This workspace has been archived."
	}
	return info, nil
}

// Joined is the result of joining a workspace.
type Joined struct {
	Participant  *Participant
	Tenant       *Tenant
	Workspace    *Workspace
	SessionToken string // the session's new token; the one the caller came with has ended
	ReturnToken  string
	Seq          int64
}

// JoinWorkspace admits a person through an invite: it creates the participant in the invite's
// group and role, counts the use, and moves the caller's session, with the new identity added, to a
// new session token (or starts a session when sessionToken is empty or no longer valid). A
// used-up, expired or revoked invite, or one of an archived workspace, is EConflict; an unknown
// one ENotFound.
func (s *Service) JoinWorkspace(ctx context.Context, token string, in Join, sessionToken string) (*Joined, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	info, err := s.LookupInvite(ctx, token)
	if err != nil {
		return nil, err
	}
	out := &Joined{Tenant: info.Tenant, Workspace: info.Workspace, ReturnToken: NewToken()}
	err = s.write(ctx, func(tx Tx, rec *recorder) error {
		inv, err := tx.FindInviteByToken(HashToken(token))
		if err != nil {
			return err
		}
		now := tx.Now()
		if problem := inv.Problem(now); problem != "" {
			return Errorf(EConflict, "%s", problem)
		}
		ws, err := tx.FindWorkspace(inv.TenantID, inv.WorkspaceID)
		if err != nil {
			return err
		}
		if ws.Archived {
			return Errorf(EConflict, "This workspace has been archived.")
		}
		inv.Uses++
		if err := tx.UpdateInvite(inv); err != nil {
			return err
		}
		p := &Participant{ID: NewID(), TenantID: inv.TenantID, WorkspaceID: inv.WorkspaceID,
			DisplayName: in.DisplayName, Organization: in.Organization, StakeholderGroup: inv.StakeholderGroup,
			Role: inv.Role, InviteID: inv.ID, ReturnHash: HashToken(out.ReturnToken), JoinedAt: now}
		if err := tx.CreateParticipant(p); err != nil {
			return err
		}
		out.Participant = p
		if err := s.attach(tx, p, sessionToken, &out.SessionToken); err != nil {
			return err
		}
		out.Seq, err = rec.emit(p.TenantID, p.WorkspaceID, EventParticipantJoined, EventData{Participant: p, Attribution: info.Workspace.Attribution})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// attach adds the participant identity to the caller's session and stores the session's new token
// in *newToken. A usable session of sessionToken is replaced by a new one that keeps its account
// and identities (a new session id whenever a session gains an identity, so a planted cookie never
// leads into someone's workspace); otherwise a new session is started.
func (s *Service) attach(tx Tx, p *Participant, sessionToken string, newToken *string) error {
	*newToken = NewToken()
	sess := newSession(*newToken, "", tx.Now())
	var keep []*Participant
	if sessionToken != "" {
		old, err := tx.FindSession(HashToken(sessionToken))
		switch {
		case err == nil && old.Usable(tx.Now()):
			sess.UserID, sess.CreatedAt, sess.ExpiresAt = old.UserID, old.CreatedAt, old.ExpiresAt
			if keep, err = tx.FindParticipantsByIDs(old.ParticipantIDs); err != nil {
				return err
			}
			if err := tx.DeleteSession(old.TokenHash); err != nil {
				return err
			}
		case err != nil && ErrorCode(err) != ENotFound:
			return err
		}
	}
	if err := tx.CreateSession(sess); err != nil {
		return err
	}
	for _, k := range append(keep, p) {
		if err := tx.AddSessionParticipant(sess.TokenHash, k.TenantID, k.ID); err != nil {
			return err
		}
	}
	return nil
}

// ReturnURL is the personal link that logs a participant back in.
func (s *Service) ReturnURL(token string) string { return s.BaseURL + "/r/" + token }

// Return logs a participant back in with their personal return token, on this or another device.
// It returns the participant with its tenant and workspace, and the session's new token (the
// caller's session, if any, moves to it). An unknown token, or one of a removed participant, is
// ENotFound.
func (s *Service) Return(ctx context.Context, returnToken, sessionToken string) (*Joined, error) {
	if returnToken == "" || len(returnToken) > 200 {
		return nil, NotFound("Link")
	}
	out := &Joined{}
	err := s.Store.Write(ctx, func(tx Tx) error {
		p, err := tx.FindParticipantByReturn(HashToken(returnToken))
		if err != nil {
			return err
		}
		if p.RemovedAt != nil {
			return NotFound("Link")
		}
		out.Participant = p
		if out.Tenant, err = tx.FindTenantByID(p.TenantID); err != nil {
			return err
		}
		if out.Workspace, err = tx.FindWorkspace(p.TenantID, p.WorkspaceID); err != nil {
			return err
		}
		return s.attach(tx, p, sessionToken, &out.SessionToken)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RotateReturnLink replaces the viewer's return link; the old one stops working.
func (s *Service) RotateReturnLink(ctx context.Context, v Viewer) (string, error) {
	if v.ParticipantID == "" {
		return "", Errorf(EForbidden, "Only participants have return links.")
	}
	token := NewToken()
	err := s.Store.Write(ctx, func(tx Tx) error {
		p, err := tx.FindParticipant(v.TenantID, v.WorkspaceID, v.ParticipantID)
		if err != nil {
			return err
		}
		p.ReturnHash = HashToken(token)
		return tx.UpdateParticipant(p)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindParticipants lists the workspace's participants as v may see them: facilitators see names
// and removed participants; others see current participants, without names under group
// attribution.
func (s *Service) FindParticipants(ctx context.Context, v Viewer, w *Workspace) ([]*Participant, error) {
	var all []*Participant
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		all, err = tx.FindParticipants(v.TenantID, v.WorkspaceID)
		return err
	})
	if err != nil || v.Facilitates() {
		return all, err
	}
	out := []*Participant{}
	for _, p := range all {
		if p.RemovedAt != nil {
			continue
		}
		c := *p
		if w.Attribution == AttributionGroup && c.ID != v.ParticipantID {
			c.ID, c.DisplayName, c.Organization = "", "", ""
		}
		out = append(out, &c)
	}
	return out, nil
}

// UpdateParticipant lets a facilitator move a participant to another stakeholder group. The
// participant's current answers move with them; earlier revisions keep the group they were given in.
func (s *Service) UpdateParticipant(ctx context.Context, v Viewer, w *Workspace, id string, patch ParticipantPatch) (*Participant, int64, error) {
	if !v.Facilitates() {
		return nil, 0, Errorf(EForbidden, "Only facilitators can change participants.")
	}
	if patch.StakeholderGroup == nil || !s.Catalogue.Taxonomy.Has("stakeholder_group", *patch.StakeholderGroup) {
		return nil, 0, &Error{Code: EInvalid, Message: "Some fields are not valid.", Fields: map[string]string{"stakeholder_group": "unknown stakeholder group"}}
	}
	var p *Participant
	var seq int64
	err := s.write(ctx, func(tx Tx, rec *recorder) error {
		var err error
		if p, err = tx.FindParticipant(v.TenantID, v.WorkspaceID, id); err != nil {
			return err
		}
		p.StakeholderGroup = *patch.StakeholderGroup
		if err := tx.UpdateParticipant(p); err != nil {
			return err
		}
		if err := tx.RegroupAnswers(v.TenantID, v.WorkspaceID, p.ID, p.StakeholderGroup); err != nil {
			return err
		}
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, EventParticipantUpdated, EventData{Participant: p, Attribution: w.Attribution})
		return err
	})
	return p, seq, err
}

// RemoveParticipant removes a participant from the workspace: they can no longer reach it, and
// their answers stay, attributed to their group. Facilitators only.
func (s *Service) RemoveParticipant(ctx context.Context, v Viewer, w *Workspace, id string) (*Participant, int64, error) {
	if !v.Facilitates() {
		return nil, 0, Errorf(EForbidden, "Only facilitators can remove participants.")
	}
	var p *Participant
	var seq int64
	err := s.write(ctx, func(tx Tx, rec *recorder) error {
		var err error
		if p, err = tx.FindParticipant(v.TenantID, v.WorkspaceID, id); err != nil {
			return err
		}
		if p.RemovedAt == nil {
			now := tx.Now()
			p.RemovedAt = &now
		}
		if err := tx.UpdateParticipant(p); err != nil {
			return err
		}
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, EventParticipantRemoved, EventData{Participant: p, Attribution: w.Attribution})
		return err
	})
	return p, seq, err
}

// normalizeKey bounds a client's idempotency key.
func normalizeKey(k string) string {
	k = strings.TrimSpace(k)
	if len(k) > 100 {
		k = k[:100]
	}
	return k
}

package tenants

import (
	"context"
	"time"
)

// Store runs units of work against storage. Every tenant-scoped method of Tx takes the tenant id
// explicitly and filters on it, so an object of another tenant is simply not found.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in one write transaction that takes the write lock up front. It commits when
	// fn returns nil and rolls back otherwise. Tx.Now is fixed for the transaction.
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}

// Tx is one transaction. Find methods return ENotFound for missing rows.
type Tx interface {
	Now() time.Time

	CreateUser(u *User) error // EConflict when the email is taken
	HasUsers() (bool, error)  // whether any account exists at all
	FindUserByEmail(email string) (*User, error)
	FindUserByID(id string) (*User, error)
	UpdateUserPassword(id, hash string) error

	CreateTenant(t *Tenant) error // EConflict when the slug is taken
	FindTenantBySlug(slug string) (*Tenant, error)
	FindTenantByID(id string) (*Tenant, error)
	CreateMembership(m *Membership) error // EConflict when it exists
	FindMembership(tenantID, userID string) (*Membership, error)
	FindMemberships(userID string) ([]*Membership, error) // with Tenant set
	FindMembers(tenantID string) ([]*Membership, error)   // with User set

	CreateSession(s *Session) error
	FindSession(tokenHash string) (*Session, error) // with ParticipantIDs
	TouchSession(tokenHash string, at time.Time) error
	DeleteSession(tokenHash string) error
	AddSessionParticipant(tokenHash, tenantID, participantID string) error

	CreateWorkspace(w *Workspace) error
	FindWorkspace(tenantID, id string) (*Workspace, error)
	FindWorkspaces(tenantID string, ids []string) ([]*Workspace, error) // ids nil: all
	UpdateWorkspace(w *Workspace) error
	FindSessionState(tenantID, workspaceID string) (*SessionState, error)
	SaveSessionState(tenantID, workspaceID string, s *SessionState) error

	CreateInvite(i *Invite) error
	FindInviteByToken(tokenHash string) (*Invite, error) // the token is the key; returns its tenant
	FindInvite(tenantID, workspaceID, id string) (*Invite, error)
	FindInvites(tenantID, workspaceID string) ([]*Invite, error)
	UpdateInvite(i *Invite) error

	CreateParticipant(p *Participant) error
	FindParticipant(tenantID, workspaceID, id string) (*Participant, error)
	FindParticipantsByIDs(ids []string) ([]*Participant, error) // across tenants: a session's identities
	FindParticipantByReturn(returnHash string) (*Participant, error)
	FindParticipants(tenantID, workspaceID string) ([]*Participant, error)
	UpdateParticipant(p *Participant) error

	// FindAnswer returns the current answer of a participant to a question.
	FindAnswer(tenantID, workspaceID, participantID, questionID string) (*Answer, error)
	// FindAnswerByClientKey returns the revision saved with a client's idempotency key.
	FindAnswerByClientKey(tenantID, workspaceID, participantID, key string) (*Answer, error)
	// SaveAnswer writes a.Revision as a new revision and makes it the current answer.
	SaveAnswer(a *Answer) error
	FindAnswers(tenantID, workspaceID string, f AnswerFilter) ([]*Answer, error)
	// FindRevisions returns every revision of the workspace's answers, oldest first.
	FindRevisions(tenantID, workspaceID string, f AnswerFilter) ([]*Answer, error)
	// RegroupAnswers moves a participant's current answers to a new stakeholder group.
	RegroupAnswers(tenantID, workspaceID, participantID, group string) error

	CreateComment(c *Comment) error
	FindComment(tenantID, workspaceID, id string) (*Comment, error)
	FindComments(tenantID, workspaceID, questionID string) ([]*Comment, error) // "" question: all
	UpdateComment(c *Comment) error
	FindLastSeen(tenantID, workspaceID, viewerKey string) (map[string]time.Time, error)
	SaveLastSeen(tenantID, workspaceID, viewerKey, questionID string, at time.Time) error

	SaveSynthesis(s *Synthesis) error
	FindSyntheses(tenantID, workspaceID string) ([]*Synthesis, error)

	// AppendEvent gives the event the workspace's next seq and writes it.
	AppendEvent(e *Event) error
	FindEvents(tenantID, workspaceID string, afterSeq int64, limit int) ([]Event, error)
	LatestSeq(tenantID, workspaceID string) (int64, error)

	CreateCaseStudy(c *CaseStudy) error
	FindPrivateCaseStudies(tenantID string) ([]*CaseStudy, error)
}

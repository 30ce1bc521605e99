package tenants

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attribution modes of a workspace.
const (
	AttributionNamed = "named" // names are shown to everyone
	AttributionGroup = "group" // participants see only stakeholder groups; facilitators see names
)

// Workspace is one assessment exercise of a tenant. It pins the instrument version it started with.
type Workspace struct {
	ID                string    `json:"id"`
	TenantID          string    `json:"-"`
	Title             string    `json:"title"`
	Country           string    `json:"country"`
	Motivations       []string  `json:"motivations"`
	UseCases          []string  `json:"use_cases"`
	Attribution       string    `json:"attribution"`
	MinGroupSize      int       `json:"min_group_size"`
	InstrumentVersion string    `json:"instrument_version"`
	Archived          bool      `json:"archived"`
	CreatedBy         string    `json:"-"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	LastSeq           int64     `json:"last_seq"`
}

// MaxMinGroupSize bounds the suppression threshold.
const MaxMinGroupSize = 50

// WorkspaceInput is the writable part of a workspace, for create and edit. Nil fields are left
// unchanged by an edit.
type WorkspaceInput struct {
	Title        *string   `json:"title"`
	Country      *string   `json:"country"`
	Motivations  *[]string `json:"motivations"`
	UseCases     *[]string `json:"use_cases"`
	Attribution  *string   `json:"attribution"`
	MinGroupSize *int      `json:"min_group_size"`
	Archived     *bool     `json:"archived"`
}

// Apply validates the input against the taxonomy and writes it onto w. On create every missing
// field takes its default (title is required).
func (in *WorkspaceInput) Apply(w *Workspace, tax *Taxonomy, create bool) error {
	f := FieldErrors{}
	if in.Title != nil {
		w.Title = strings.TrimSpace(*in.Title)
		checkText(f, "title", w.Title, 1, 200)
	} else if create {
		f.Add("title", "is required")
	}
	if in.Country != nil {
		w.Country = strings.TrimSpace(*in.Country)
		checkText(f, "country", w.Country, 0, 100)
	}
	if in.Motivations != nil {
		w.Motivations = checkTerms(f, tax, "motivations", "motivation", *in.Motivations)
	}
	if in.UseCases != nil {
		w.UseCases = checkTerms(f, tax, "use_cases", "use_case", *in.UseCases)
	}
	if in.Attribution != nil {
		w.Attribution = *in.Attribution
	}
	if w.Attribution == "" {
		w.Attribution = AttributionNamed
	}
	if w.Attribution != AttributionNamed && w.Attribution != AttributionGroup {
		f.Add("attribution", "must be named or group")
	}
	if in.MinGroupSize != nil {
		w.MinGroupSize = *in.MinGroupSize
	}
	if create && in.MinGroupSize == nil {
		w.MinGroupSize = 1
	}
	if w.MinGroupSize < 1 || w.MinGroupSize > MaxMinGroupSize {
		f.Add("min_group_size", "must be between 1 and 50")
	}
	if in.Archived != nil {
		w.Archived = *in.Archived
	}
	if w.Motivations == nil {
		w.Motivations = []string{}
	}
	if w.UseCases == nil {
		w.UseCases = []string{}
	}
	return f.Err()
}

func checkTerms(f FieldErrors, tax *Taxonomy, field, kind string, ids []string) []string {
	seen := map[string]bool{}
	out := []string{}
	if len(ids) > 20 {
		f.Add(field, "too many entries")
		return out
	}
	for _, id := range ids {
		if !tax.Has(kind, id) {
			f.Add(field, "unknown "+kind+" \""+truncate(id, 40)+"\"")
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// SessionState is the live-meeting state of a workspace, changed only by facilitators.
type SessionState struct {
	Spotlight   string     `json:"spotlight"`
	Locked      []string   `json:"locked"`
	Blind       bool       `json:"blind"`
	Round       int        `json:"round"`
	TimerEndsAt *time.Time `json:"timer_ends_at"`
}

// IsLocked reports whether answers to the question are locked.
func (s *SessionState) IsLocked(questionID string) bool { return slices.Contains(s.Locked, questionID) }

// SessionPatch changes session state; nil fields stay as they are. Round may only grow by opening
// the next round.
type SessionPatch struct {
	Spotlight    *string   `json:"spotlight"`
	Locked       *[]string `json:"locked"`
	Blind        *bool     `json:"blind"`
	Round        *int      `json:"round"`
	TimerSeconds *int      `json:"timer_seconds"`
}

// Apply validates the patch against the instrument and writes it onto s at now.
func (p *SessionPatch) Apply(s *SessionState, in *Instrument, now time.Time) error {
	f := FieldErrors{}
	if p.Spotlight != nil {
		if *p.Spotlight != "" && in.Question(*p.Spotlight) == nil {
			f.Add("spotlight", "unknown question")
		} else {
			s.Spotlight = *p.Spotlight
		}
	}
	if p.Locked != nil {
		locked := []string{}
		for _, id := range *p.Locked {
			if in.Question(id) == nil {
				f.Add("locked", "unknown question \""+truncate(id, 40)+"\"")
			} else if !slices.Contains(locked, id) {
				locked = append(locked, id)
			}
		}
		s.Locked = locked
	}
	if p.Blind != nil {
		s.Blind = *p.Blind
	}
	if p.Round != nil {
		switch {
		case *p.Round == s.Round:
		case *p.Round == s.Round+1:
			s.Round = *p.Round
		default:
			f.Add("round", "can only open the next round ("+strconv.Itoa(s.Round+1)+")")
		}
	}
	if p.TimerSeconds != nil {
		switch n := *p.TimerSeconds; {
		case n == 0:
			s.TimerEndsAt = nil
		case n < 0 || n > 4*3600:
			f.Add("timer_seconds", "must be between 0 and 14400")
		default:
			t := now.Add(time.Duration(n) * time.Second).UTC()
			s.TimerEndsAt = &t
		}
	}
	if s.Locked == nil {
		s.Locked = []string{}
	}
	return f.Err()
}

// Participant roles within a workspace.
const (
	RoleParticipant = "participant"
	RoleObserver    = "observer"
)

// Participant is a person taking part in one workspace, joined through an invite.
type Participant struct {
	ID               string     `json:"id"`
	TenantID         string     `json:"-"`
	WorkspaceID      string     `json:"workspace_id"`
	DisplayName      string     `json:"display_name"`
	Organization     string     `json:"organization"`
	StakeholderGroup string     `json:"stakeholder_group"`
	Role             string     `json:"role"`
	InviteID         string     `json:"-"`
	ReturnHash       string     `json:"-"`
	JoinedAt         time.Time  `json:"joined_at"`
	RemovedAt        *time.Time `json:"removed_at,omitempty"`
}

// Join is the request of a person accepting an invite.
type Join struct {
	DisplayName  string `json:"display_name"`
	Organization string `json:"organization"`
}

// Validate trims and checks the fields.
func (j *Join) Validate() error {
	f := FieldErrors{}
	j.DisplayName = strings.TrimSpace(j.DisplayName)
	j.Organization = strings.TrimSpace(j.Organization)
	checkText(f, "display_name", j.DisplayName, 1, 80)
	checkText(f, "organization", j.Organization, 0, 120)
	return f.Err()
}

// ParticipantPatch is a facilitator's change to a participant.
type ParticipantPatch struct {
	StakeholderGroup *string `json:"stakeholder_group"`
}

// Invite lets people join a workspace in a stakeholder group and role. Only the hash of its token
// is stored; the token is returned once, at creation.
type Invite struct {
	ID               string     `json:"id"`
	TenantID         string     `json:"-"`
	WorkspaceID      string     `json:"workspace_id"`
	StakeholderGroup string     `json:"stakeholder_group"`
	Role             string     `json:"role"`
	Label            string     `json:"label"`
	TokenHash        string     `json:"-"`
	Token            string     `json:"token,omitempty"`
	URL              string     `json:"url,omitempty"`
	ExpiresAt        *time.Time `json:"expires_at"`
	MaxUses          int        `json:"max_uses"`
	Uses             int        `json:"uses"`
	RevokedAt        *time.Time `json:"revoked_at"`
	CreatedAt        time.Time  `json:"created_at"`
}

// Usable reports why the invite cannot be used at now, or "".
func (i *Invite) Problem(now time.Time) string {
	switch {
	case i.RevokedAt != nil:
		return "This invite has been revoked."
	case i.ExpiresAt != nil && !now.Before(*i.ExpiresAt):
		return "This invite has expired."
	case i.MaxUses > 0 && i.Uses >= i.MaxUses:
		return "This invite has been used as many times as allowed."
	}
	return ""
}

// InviteInput is a facilitator's request for an invite.
type InviteInput struct {
	StakeholderGroup string `json:"stakeholder_group"`
	Role             string `json:"role"`
	Label            string `json:"label"`
	ExpiresInHours   *int   `json:"expires_in_hours"`
	MaxUses          int    `json:"max_uses"`
}

// DefaultInviteHours is an invite's lifetime when none is given: 30 days.
const DefaultInviteHours = 30 * 24

// Build validates the input and returns the invite it describes at now.
func (in *InviteInput) Build(tax *Taxonomy, now time.Time) (*Invite, error) {
	f := FieldErrors{}
	if !tax.Has("stakeholder_group", in.StakeholderGroup) {
		f.Add("stakeholder_group", "unknown stakeholder group")
	}
	if in.Role == "" {
		in.Role = RoleParticipant
	}
	if in.Role != RoleParticipant && in.Role != RoleObserver {
		f.Add("role", "must be participant or observer")
	}
	in.Label = strings.TrimSpace(in.Label)
	checkText(f, "label", in.Label, 0, 120)
	hours := DefaultInviteHours
	if in.ExpiresInHours != nil {
		hours = *in.ExpiresInHours
	}
	if hours < 0 || hours > 365*24 {
		f.Add("expires_in_hours", "must be between 0 (never) and 8760")
	}
	if in.MaxUses < 0 || in.MaxUses > 10000 {
		f.Add("max_uses", "must be between 0 (unlimited) and 10000")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	inv := &Invite{StakeholderGroup: in.StakeholderGroup, Role: in.Role, Label: in.Label, MaxUses: in.MaxUses, CreatedAt: now}
	if hours > 0 {
		t := now.Add(time.Duration(hours) * time.Hour)
		inv.ExpiresAt = &t
	}
	return inv, nil
}

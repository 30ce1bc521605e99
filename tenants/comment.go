package tenants

import (
	"slices"
	"strings"
	"time"
)

// Comment stances.
var Stances = []string{"supports", "challenges", "evidence", "question"}

// Author is who wrote a comment, as a viewer may see it.
type Author struct {
	ParticipantID    string `json:"participant_id,omitempty"`
	UserID           string `json:"user_id,omitempty"`
	DisplayName      string `json:"display_name,omitempty"`
	StakeholderGroup string `json:"stakeholder_group,omitempty"`
	Facilitator      bool   `json:"facilitator,omitempty"`
}

// Comment is a remark on a question, threaded one level deep. Deleting is soft; hiding keeps the
// body for facilitators and the author, and tells others only that it was hidden.
type Comment struct {
	ID           string     `json:"id"`
	TenantID     string     `json:"-"`
	WorkspaceID  string     `json:"-"`
	QuestionID   string     `json:"question_id"`
	ParentID     string     `json:"parent_id"`
	Body         string     `json:"body"`
	Stance       string     `json:"stance"`
	Author       Author     `json:"author"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Edited       bool       `json:"edited"`
	Deleted      bool       `json:"deleted"`
	Hidden       bool       `json:"hidden"`
	HiddenReason string     `json:"hidden_reason,omitempty"`
	HiddenAt     *time.Time `json:"hidden_at,omitempty"`
	New          bool       `json:"new,omitempty"`
}

// IsAuthor reports whether v wrote c.
func (c *Comment) IsAuthor(v Viewer) bool {
	if v.ParticipantID != "" {
		return c.Author.ParticipantID == v.ParticipantID
	}
	return v.UserID != "" && c.Author.UserID == v.UserID && c.Author.ParticipantID == ""
}

// VisibleTo returns the comment as v may see it. A deleted comment loses its body for everyone. A
// hidden comment keeps its body and reason for facilitators and its author; others see only that
// it was hidden. Under group attribution non-facilitators do not see other participants' names.
func (c Comment) VisibleTo(v Viewer, w *Workspace) Comment {
	if c.Deleted {
		c.Body = ""
		c.Stance = ""
	}
	author := c.IsAuthor(v)
	if c.Hidden && !v.Facilitates() && !author {
		c.Body = ""
		c.HiddenReason = ""
	}
	if w.Attribution == AttributionGroup && !v.Facilitates() && !author && !c.Author.Facilitator {
		c.Author.ParticipantID = ""
		c.Author.DisplayName = ""
	}
	if !v.Facilitates() {
		c.Author.UserID = ""
	}
	return c
}

// CommentInput is a new comment or an edit.
type CommentInput struct {
	Body     string  `json:"body"`
	Stance   string  `json:"stance"`
	ParentID *string `json:"parent_id"`
}

// MaxCommentBody bounds a comment's length in characters.
const MaxCommentBody = 4000

// Validate trims and checks the body and stance.
func (in *CommentInput) Validate() error {
	f := FieldErrors{}
	in.Body = strings.TrimSpace(in.Body)
	checkText(f, "body", in.Body, 1, MaxCommentBody)
	if in.Stance != "" && !slices.Contains(Stances, in.Stance) {
		f.Add("stance", "must be supports, challenges, evidence or question")
	}
	return f.Err()
}

// HideInput is a facilitator's reason for hiding a comment.
type HideInput struct {
	Reason string `json:"reason"`
}

// Validate checks the reason.
func (in *HideInput) Validate() error {
	f := FieldErrors{}
	in.Reason = strings.TrimSpace(in.Reason)
	checkText(f, "reason", in.Reason, 1, 500)
	return f.Err()
}

// Synthesis statuses.
const (
	SynthesisAgreed       = "agreed"
	SynthesisReservations = "agreed_with_reservations"
	SynthesisNoAgreement  = "no_agreement"
)

// Synthesis is the workshop's summary for a question. It never changes the answers beneath it.
type Synthesis struct {
	TenantID    string    `json:"-"`
	WorkspaceID string    `json:"-"`
	QuestionID  string    `json:"question_id"`
	Status      string    `json:"status"`
	Summary     string    `json:"summary"`
	Dissent     string    `json:"dissent"`
	UpdatedBy   string    `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// SynthesisInput is a facilitator's synthesis of a question.
type SynthesisInput struct {
	Status  string `json:"status"`
	Summary string `json:"summary"`
	Dissent string `json:"dissent"`
}

// Validate checks the status and texts.
func (in *SynthesisInput) Validate() error {
	f := FieldErrors{}
	switch in.Status {
	case SynthesisAgreed, SynthesisReservations, SynthesisNoAgreement:
	default:
		f.Add("status", "must be agreed, agreed_with_reservations or no_agreement")
	}
	in.Summary = strings.TrimSpace(in.Summary)
	in.Dissent = strings.TrimSpace(in.Dissent)
	checkText(f, "summary", in.Summary, 0, 4000)
	checkText(f, "dissent", in.Dissent, 0, 4000)
	return f.Err()
}

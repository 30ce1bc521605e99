package tenants

import (
	"encoding/json"
	"time"
)

// Persistent event types, written in the same transaction as the change they describe.
const (
	EventAnswerSaved        = "answer.saved"
	EventCommentCreated     = "comment.created"
	EventCommentUpdated     = "comment.updated"
	EventCommentHidden      = "comment.hidden"
	EventSessionUpdated     = "session.updated"
	EventSynthesisSaved     = "synthesis.saved"
	EventParticipantJoined  = "participant.joined"
	EventParticipantUpdated = "participant.updated"
	EventParticipantRemoved = "participant.removed"
	EventWorkspaceUpdated   = "workspace.updated"
)

// Event is one row of a workspace's event log. Seq is 1, 2, 3, ... per workspace without gaps.
// Data is the full (facilitator's) view; EventFor derives what each viewer may see.
type Event struct {
	TenantID    string          `json:"-"`
	WorkspaceID string          `json:"-"`
	Seq         int64           `json:"seq"`
	Type        string          `json:"type"`
	At          time.Time       `json:"at"`
	Data        json.RawMessage `json:"data"`
}

// EventData is the payload of persistent events. Only the fields of the event's type are set.
// Blind and Attribution record the workspace's state when the event happened, so replays filter
// exactly like live delivery did.
type EventData struct {
	Answer      *Answer       `json:"answer,omitempty"`
	Comment     *Comment      `json:"comment,omitempty"`
	Session     *SessionState `json:"session,omitempty"`
	Synthesis   *Synthesis    `json:"synthesis,omitempty"`
	Participant *Participant  `json:"participant,omitempty"`
	Workspace   *Workspace    `json:"workspace,omitempty"`
	Blind       bool          `json:"blind,omitempty"`
	Attribution string        `json:"attribution,omitempty"`
	// Suppressed marks an answer of a group that had fewer answering participants than the
	// workspace's min_group_size for that question: only facilitators and the author receive it.
	Suppressed bool `json:"suppressed,omitempty"`
}

// Audience keys: viewers with the same key receive the same bytes for an event.
const (
	AudienceFacilitator = "facilitator"
	AudienceAuthor      = "author"
	AudienceOthers      = "others"
)

// EventFor returns the event as v may see it and the audience key it belongs to. ok is false
// when v must not receive the event at all.
func EventFor(e Event, v Viewer) (out Event, audience string, ok bool) {
	if v.Facilitates() {
		return e, AudienceFacilitator, true
	}
	var d EventData
	if json.Unmarshal(e.Data, &d) != nil {
		return e, AudienceOthers, false
	}
	w := &Workspace{Attribution: d.Attribution}
	audience = AudienceOthers
	switch {
	case d.Answer != nil:
		if v.ParticipantID != "" && d.Answer.ParticipantID == v.ParticipantID {
			audience = AudienceAuthor
		} else if d.Suppressed {
			return e, AudienceOthers, false
		}
		a := d.Answer.VisibleTo(v, w, d.Blind)
		d.Answer = &a
	case d.Comment != nil:
		if d.Comment.IsAuthor(v) {
			audience = AudienceAuthor
		}
		c := d.Comment.VisibleTo(v, w)
		d.Comment = &c
	case d.Participant != nil:
		p := *d.Participant
		if v.ParticipantID == p.ID {
			audience = AudienceAuthor
		} else if d.Attribution == AttributionGroup {
			p.DisplayName = ""
			p.Organization = ""
			p.ID = ""
		}
		d.Participant = &p
	case d.Synthesis != nil:
		s := *d.Synthesis
		s.UpdatedBy = ""
		d.Synthesis = &s
	case d.Workspace != nil:
	}
	d.Blind, d.Attribution, d.Suppressed = false, "", false
	b, err := json.Marshal(d)
	if err != nil {
		return e, audience, false
	}
	e.Data = b
	return e, audience, true
}

// Publisher receives committed events for delivery to live clients. Publish must not block.
type Publisher interface {
	Publish(e Event)
}

// NopPublisher drops events; it is used where nothing listens.
type NopPublisher struct{}

// Publish does nothing.
func (NopPublisher) Publish(Event) {}

package tenants

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// WithheldBlind is Results.Withheld while blind mode hides answers from a participant.
const WithheldBlind = "blind"

// Results returns the workspace's results as of round (0 means the current round), computed
// from one read transaction of its revisions, participants, syntheses and session.
//
// Facilitators always get everything. Other viewers get the full results only while blind mode
// is off; while it is on they get only the groups and coverage counts (Withheld = "blind"), so
// no statistic leaks a value before the reveal. Results.Answers, the answers behind the
// statistics, are as v may see them: without names under group attribution for non-facilitators.
// Groups under the workspace's min_group_size are suppressed for every viewer.
//
// Errors: EInvalid when round is negative or after the current round.
func (s *Service) Results(ctx context.Context, v Viewer, w *Workspace, round int) (*Results, error) {
	inst, err := s.instrument(w)
	if err != nil {
		return nil, err
	}
	var st *SessionState
	var seq int64
	var res *Results
	in := ResultsInput{Workspace: w, Instrument: inst, Taxonomy: &s.Catalogue.Taxonomy, CaseStudies: s.Catalogue.CaseStudies}
	err = s.Store.Read(ctx, func(tx Tx) error {
		var err error
		if st, err = tx.FindSessionState(v.TenantID, w.ID); err != nil {
			return err
		}
		if seq, err = tx.LatestSeq(v.TenantID, w.ID); err != nil {
			return err
		}
		if round < 0 || round > st.Round {
			return nil
		}
		if res = s.results.get(v.TenantID, w.ID, round, seq); res != nil {
			return nil
		}
		if in.Participants, err = tx.FindParticipants(v.TenantID, w.ID); err != nil {
			return err
		}
		if in.Revisions, err = tx.FindRevisions(v.TenantID, w.ID, AnswerFilter{}); err != nil {
			return err
		}
		in.Syntheses, err = tx.FindSyntheses(v.TenantID, w.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if round < 0 || round > st.Round {
		return nil, &Error{Code: EInvalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"round": "must be between 1 and the current round (" + strconv.Itoa(st.Round) + ")"}}
	}
	if res == nil {
		in.Round, in.CurrentRound = round, st.Round
		res = ComputeResults(in)
		res.Seq = seq
		s.results.put(v.TenantID, w.ID, round, seq, res)
	}
	// The cached value is shared: every viewer gets its own copy of the parts changed below.
	copied := *res
	copied.Answers = append([]Answer(nil), res.Answers...)
	res = &copied
	if !v.Facilitates() && st.Blind {
		res.Withhold(WithheldBlind)
		return res, nil
	}
	for i := range res.Answers {
		res.Answers[i] = res.Answers[i].VisibleTo(v, w, st.Blind)
	}
	return res, nil
}

// Export is everything a facilitator may take out of a workspace, with a data card that says
// how it was made. Identities follow ExportIdentity.
type Export struct {
	DataCard     DataCard            `json:"data_card"`
	Workspace    *Workspace          `json:"workspace"`
	Session      *SessionState       `json:"session"`
	Instrument   *Instrument         `json:"instrument"`
	Participants []ExportParticipant `json:"participants"`
	Answers      []ExportAnswer      `json:"answers"`   // current answers
	Revisions    []ExportAnswer      `json:"revisions"` // every revision, oldest first
	Comments     []ExportComment     `json:"comments"`
	Syntheses    []*Synthesis        `json:"syntheses"`
	Results      *Results            `json:"results"`
}

// DataCard describes an export.
type DataCard struct {
	InstrumentVersion string    `json:"instrument_version"`
	Attribution       string    `json:"attribution"`
	MinGroupSize      int       `json:"min_group_size"`
	SuppressionRule   string    `json:"suppression_rule"`
	IdentityRule      string    `json:"identity_rule"`
	RowDefinition     string    `json:"row_definition"`
	Round             int       `json:"round"`
	GeneratedAt       time.Time `json:"generated_at"`
}

// Texts of the data card; docs/RESULTS.md explains them at length.
const (
	SuppressionRule = "A stakeholder group is suppressed on a question when fewer than min_group_size of its participants " +
		"answered that question (any status), on a dimension when fewer than min_group_size answered any maturity question " +
		"of it, and in the identity columns of exported rows when fewer than min_group_size of its participants answered " +
		"anything. Suppressed groups appear as {\"suppressed\":true} without numbers."
	IdentityRule = "Participants are keyed by a pseudonym stable within this workspace. Under named attribution display_name " +
		"and organization are given, except \"suppressed\" for groups below min_group_size; under group attribution they " +
		"are empty. Facilitators' names are always given."
	RowDefinition = "One row per answer revision (every save of an answer), oldest first, with the round it was saved in; " +
		"stakeholder_group is the participant's current group, group_at_revision the group recorded when it was saved."
)

// ExportParticipant is a participant as exports show them.
type ExportParticipant struct {
	Pseudonym        string     `json:"participant"`
	DisplayName      string     `json:"display_name"`
	Organization     string     `json:"organization"`
	StakeholderGroup string     `json:"stakeholder_group"`
	Role             string     `json:"role"`
	JoinedAt         time.Time  `json:"joined_at"`
	RemovedAt        *time.Time `json:"removed_at,omitempty"`
}

// ExportAnswer is an answer revision as exports show it.
type ExportAnswer struct {
	QuestionID       string          `json:"question_id"`
	Dimension        string          `json:"dimension"`
	Pseudonym        string          `json:"participant"`
	DisplayName      string          `json:"display_name"`
	Organization     string          `json:"organization"`
	StakeholderGroup string          `json:"stakeholder_group"`
	GroupAtRevision  string          `json:"group_at_revision"`
	Status           string          `json:"status"`
	Value            json.RawMessage `json:"value"`
	Rationale        string          `json:"rationale"`
	Evidence         []Evidence      `json:"evidence"`
	Revision         int             `json:"revision"`
	Round            int             `json:"round"`
	Time             time.Time       `json:"time"`
}

// ExportComment is a comment as exports show it: hidden comments keep their body and reason,
// deleted ones lose their body.
type ExportComment struct {
	ID               string     `json:"id"`
	QuestionID       string     `json:"question_id"`
	ParentID         string     `json:"parent_id"`
	Body             string     `json:"body"`
	Stance           string     `json:"stance"`
	Pseudonym        string     `json:"participant,omitempty"`
	DisplayName      string     `json:"display_name"`
	StakeholderGroup string     `json:"stakeholder_group,omitempty"`
	Facilitator      bool       `json:"facilitator"`
	CreatedAt        time.Time  `json:"created_at"`
	Edited           bool       `json:"edited"`
	Deleted          bool       `json:"deleted"`
	Hidden           bool       `json:"hidden"`
	HiddenReason     string     `json:"hidden_reason,omitempty"`
	HiddenAt         *time.Time `json:"hidden_at,omitempty"`
}

// Suppressed is the identity cell of a participant whose group is below min_group_size.
const Suppressed = "suppressed"

// ExportIdentity returns the display name and organization an export shows for a participant of
// a group: "suppressed" for both when the group is suppressed, empty under group attribution,
// the real ones under named attribution.
func ExportIdentity(w *Workspace, suppressed bool, name, org string) (string, string) {
	switch {
	case suppressed:
		return Suppressed, Suppressed
	case w.Attribution == AttributionGroup:
		return "", ""
	}
	return name, org
}

// Pseudonym is a participant's key in exports: stable within the workspace, not linkable to the
// participant id or across workspaces.
func Pseudonym(workspaceID, participantID string) string {
	h := sha256.Sum256([]byte("workshop-export\x00" + workspaceID + "\x00" + participantID))
	return "P-" + hex.EncodeToString(h[:5])
}

// Export gathers the workspace's data for a facilitator, in one read transaction, as of now.
// Errors: EForbidden for anyone who does not facilitate.
func (s *Service) Export(ctx context.Context, v Viewer, w *Workspace) (*Export, error) {
	if !v.Facilitates() {
		return nil, Errorf(EForbidden, "Only facilitators can export a workspace.")
	}
	inst, err := s.instrument(w)
	if err != nil {
		return nil, err
	}
	x := &Export{Workspace: w, Instrument: inst}
	in := ResultsInput{Workspace: w, Instrument: inst, Taxonomy: &s.Catalogue.Taxonomy, CaseStudies: s.Catalogue.CaseStudies}
	var current []*Answer
	var comments []*Comment
	var now time.Time
	err = s.Store.Read(ctx, func(tx Tx) error {
		var err error
		now = tx.Now()
		if x.Session, err = tx.FindSessionState(v.TenantID, w.ID); err != nil {
			return err
		}
		if in.Participants, err = tx.FindParticipants(v.TenantID, w.ID); err != nil {
			return err
		}
		if in.Revisions, err = tx.FindRevisions(v.TenantID, w.ID, AnswerFilter{}); err != nil {
			return err
		}
		if current, err = tx.FindAnswers(v.TenantID, w.ID, AnswerFilter{}); err != nil {
			return err
		}
		if comments, err = tx.FindComments(v.TenantID, w.ID, ""); err != nil {
			return err
		}
		in.Syntheses, err = tx.FindSyntheses(v.TenantID, w.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	in.Round, in.CurrentRound = x.Session.Round, x.Session.Round
	x.Results = ComputeResults(in)
	x.Syntheses = in.Syntheses
	if x.Syntheses == nil {
		x.Syntheses = []*Synthesis{}
	}
	x.DataCard = DataCard{InstrumentVersion: w.InstrumentVersion, Attribution: w.Attribution, MinGroupSize: x.Results.MinGroupSize,
		SuppressionRule: SuppressionRule, IdentityRule: IdentityRule, RowDefinition: RowDefinition, Round: x.Session.Round,
		GeneratedAt: now.UTC()}
	small := map[string]bool{}
	for _, g := range x.Results.Groups {
		small[g.ID] = g.Suppressed
	}
	groupOf := map[string]string{}
	x.Participants = make([]ExportParticipant, 0, len(in.Participants))
	for _, p := range in.Participants {
		groupOf[p.ID] = p.StakeholderGroup
		name, org := ExportIdentity(w, small[p.StakeholderGroup], p.DisplayName, p.Organization)
		x.Participants = append(x.Participants, ExportParticipant{Pseudonym: Pseudonym(w.ID, p.ID), DisplayName: name, Organization: org,
			StakeholderGroup: p.StakeholderGroup, Role: p.Role, JoinedAt: p.JoinedAt, RemovedAt: p.RemovedAt})
	}
	row := func(a *Answer) ExportAnswer {
		g := a.StakeholderGroup
		if cg, ok := groupOf[a.ParticipantID]; ok {
			g = cg
		}
		name, org := ExportIdentity(w, small[g], a.DisplayName, a.Organization)
		e := ExportAnswer{QuestionID: a.QuestionID, Pseudonym: Pseudonym(w.ID, a.ParticipantID), DisplayName: name, Organization: org,
			StakeholderGroup: g, GroupAtRevision: a.StakeholderGroup, Value: a.Value, Status: a.Status, Rationale: a.Rationale,
			Evidence: a.Evidence, Revision: a.Revision, Round: a.Round, Time: a.UpdatedAt.UTC()}
		if q := inst.Question(a.QuestionID); q != nil {
			e.Dimension = q.Dimension
		}
		if e.Evidence == nil {
			e.Evidence = []Evidence{}
		}
		return e
	}
	x.Answers = make([]ExportAnswer, 0, len(current))
	for _, a := range current {
		x.Answers = append(x.Answers, row(a))
	}
	x.Revisions = make([]ExportAnswer, 0, len(in.Revisions))
	for _, a := range in.Revisions {
		x.Revisions = append(x.Revisions, row(a))
	}
	x.Comments = make([]ExportComment, 0, len(comments))
	for _, c := range comments {
		vc := c.VisibleTo(v, w) // a facilitator's view: hidden bodies kept, deleted ones emptied
		ec := ExportComment{ID: vc.ID, QuestionID: vc.QuestionID, ParentID: vc.ParentID, Body: vc.Body, Stance: vc.Stance,
			StakeholderGroup: vc.Author.StakeholderGroup, Facilitator: vc.Author.Facilitator, CreatedAt: vc.CreatedAt.UTC(),
			Edited: vc.Edited, Deleted: vc.Deleted, Hidden: vc.Hidden, HiddenReason: vc.HiddenReason, HiddenAt: vc.HiddenAt}
		if vc.Author.Facilitator {
			ec.DisplayName = vc.Author.DisplayName
		} else if vc.Author.ParticipantID != "" {
			g := vc.Author.StakeholderGroup
			if cg, ok := groupOf[vc.Author.ParticipantID]; ok {
				g = cg
			}
			ec.Pseudonym, ec.StakeholderGroup = Pseudonym(w.ID, vc.Author.ParticipantID), g
			ec.DisplayName, _ = ExportIdentity(w, small[g], vc.Author.DisplayName, "")
		}
		x.Comments = append(x.Comments, ec)
	}
	return x, nil
}

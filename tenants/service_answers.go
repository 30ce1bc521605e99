package tenants

import "context"

// SaveAnswer stores a new revision of the viewer's answer to a question, in the current round,
// and returns it with the seq of its event. clientKey, when given, makes the save idempotent: a
// retry with the same key returns the revision already saved and writes nothing.
//
// Errors: EForbidden for observers and facilitators, ENotFound for an unknown question, EInvalid
// when the value does not fit the question, EConflict when the question is locked or the
// workspace archived.
func (s *Service) SaveAnswer(ctx context.Context, v Viewer, w *Workspace, questionID string, in AnswerInput, clientKey string) (*Answer, int64, error) {
	if !v.CanAnswer() {
		return nil, 0, Errorf(EForbidden, "Only participants can answer; observers and facilitators cannot.")
	}
	inst, err := s.instrument(w)
	if err != nil {
		return nil, 0, err
	}
	q := inst.Question(questionID)
	if q == nil {
		return nil, 0, NotFound("Question")
	}
	if err := in.Validate(q); err != nil {
		return nil, 0, err
	}
	clientKey = normalizeKey(clientKey)
	var out *Answer
	var seq int64
	err = s.write(ctx, func(tx Tx, rec *recorder) error {
		if clientKey != "" {
			prev, err := tx.FindAnswerByClientKey(v.TenantID, v.WorkspaceID, v.ParticipantID, clientKey)
			if err == nil {
				out = prev
				return nil
			}
			if ErrorCode(err) != ENotFound {
				return err
			}
		}
		cur, err := tx.FindWorkspace(v.TenantID, v.WorkspaceID)
		if err != nil {
			return err
		}
		if cur.Archived {
			return Errorf(EConflict, "This workspace is archived; answers can no longer change.")
		}
		st, err := tx.FindSessionState(v.TenantID, v.WorkspaceID)
		if err != nil {
			return err
		}
		if st.IsLocked(questionID) {
			return Errorf(EConflict, "This question is locked by the facilitator.")
		}
		p, err := tx.FindParticipant(v.TenantID, v.WorkspaceID, v.ParticipantID)
		if err != nil {
			return err
		}
		a, err := tx.FindAnswer(v.TenantID, v.WorkspaceID, v.ParticipantID, questionID)
		switch {
		case ErrorCode(err) == ENotFound:
			a = &Answer{ID: NewID(), TenantID: v.TenantID, WorkspaceID: v.WorkspaceID, QuestionID: questionID, ParticipantID: v.ParticipantID}
		case err != nil:
			return err
		}
		a.StakeholderGroup = p.StakeholderGroup
		a.DisplayName, a.Organization = p.DisplayName, p.Organization
		a.Value, a.Status, a.Rationale, a.Evidence = in.Value, in.Status, in.Rationale, in.Evidence
		a.Revision++
		a.Round = st.Round
		a.UpdatedAt = tx.Now()
		a.ClientKey = clientKey
		if err := tx.SaveAnswer(a); err != nil {
			return err
		}
		out = a
		small := false
		if cur.MinGroupSize > 1 {
			// Live delivery applies the same per-question suppression as FindAnswers: while the
			// group has fewer answering participants than min_group_size, other participants are
			// not sent this answer.
			peers, err := tx.FindAnswers(v.TenantID, v.WorkspaceID, AnswerFilter{QuestionID: questionID})
			if err != nil {
				return err
			}
			n := 0
			for _, p := range peers {
				if p.StakeholderGroup == a.StakeholderGroup {
					n++
				}
			}
			small = n < cur.MinGroupSize
		}
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, EventAnswerSaved, EventData{Answer: a, Blind: st.Blind, Attribution: cur.Attribution, Suppressed: small})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, seq, nil
}

// FindAnswers returns the workspace's current answers as v may see them: under blind mode a
// participant gets other people's answers without values; under group attribution without names;
// and a question's answers from a group with fewer answering participants (for that question) than
// the workspace's min_group_size are left out for participants (their own excepted).
func (s *Service) FindAnswers(ctx context.Context, v Viewer, w *Workspace, f AnswerFilter) ([]Answer, *SessionState, error) {
	var all []*Answer
	var st *SessionState
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		if st, err = tx.FindSessionState(v.TenantID, v.WorkspaceID); err != nil {
			return err
		}
		all, err = tx.FindAnswers(v.TenantID, v.WorkspaceID, f)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	// A group is small per question: one regulator's answer to a question is that person's answer,
	// however many regulators answered other questions. Counting per question also makes the
	// answer the same whether or not the caller filters by question.
	type key struct{ question, group string }
	answered := map[key]int{}
	if !v.Facilitates() && w.MinGroupSize > 1 {
		for _, a := range all {
			answered[key{a.QuestionID, a.StakeholderGroup}]++ // one current answer per participant and question
		}
	}
	out := make([]Answer, 0, len(all))
	for _, a := range all {
		own := a.ParticipantID == v.ParticipantID && v.ParticipantID != ""
		if n, counted := answered[key{a.QuestionID, a.StakeholderGroup}]; counted && n < w.MinGroupSize && !own {
			continue
		}
		out = append(out, a.VisibleTo(v, w, st.Blind))
	}
	return out, st, nil
}

// AnswerHistory returns the revisions of a question's answers, oldest first: every participant's
// for facilitators, the viewer's own for participants. Blind mode does not hide one's own history.
func (s *Service) AnswerHistory(ctx context.Context, v Viewer, questionID string) ([]*Answer, error) {
	f := AnswerFilter{QuestionID: questionID}
	if !v.Facilitates() {
		if v.ParticipantID == "" {
			return []*Answer{}, nil
		}
		f.ParticipantID = v.ParticipantID
	}
	var out []*Answer
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindRevisions(v.TenantID, v.WorkspaceID, f)
		return err
	})
	return out, err
}

// SaveSynthesis records the facilitators' synthesis of a question. It never changes answers.
func (s *Service) SaveSynthesis(ctx context.Context, v Viewer, w *Workspace, questionID string, in SynthesisInput) (*Synthesis, int64, error) {
	if !v.Facilitates() {
		return nil, 0, Errorf(EForbidden, "Only facilitators can write a synthesis.")
	}
	inst, err := s.instrument(w)
	if err != nil {
		return nil, 0, err
	}
	if inst.Question(questionID) == nil {
		return nil, 0, NotFound("Question")
	}
	if err := in.Validate(); err != nil {
		return nil, 0, err
	}
	syn := &Synthesis{TenantID: v.TenantID, WorkspaceID: v.WorkspaceID, QuestionID: questionID,
		Status: in.Status, Summary: in.Summary, Dissent: in.Dissent, UpdatedBy: v.Name}
	var seq int64
	err = s.write(ctx, func(tx Tx, rec *recorder) error {
		syn.UpdatedAt = tx.Now()
		if err := tx.SaveSynthesis(syn); err != nil {
			return err
		}
		var err error
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, EventSynthesisSaved, EventData{Synthesis: syn})
		return err
	})
	return syn, seq, err
}

// FindSyntheses returns the workspace's syntheses.
func (s *Service) FindSyntheses(ctx context.Context, v Viewer) ([]*Synthesis, error) {
	var out []*Synthesis
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindSyntheses(v.TenantID, v.WorkspaceID)
		return err
	})
	return out, err
}

// EventsAfter returns up to limit events of the workspace with seq > after, in order. It is the
// replay source of live delivery.
func (s *Service) EventsAfter(ctx context.Context, tenantID, workspaceID string, after int64, limit int) ([]Event, error) {
	var out []Event
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindEvents(tenantID, workspaceID, after, limit)
		return err
	})
	return out, err
}

// LatestSeq returns the seq of the workspace's newest event (0 when none).
func (s *Service) LatestSeq(ctx context.Context, tenantID, workspaceID string) (int64, error) {
	var n int64
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		n, err = tx.LatestSeq(tenantID, workspaceID)
		return err
	})
	return n, err
}

package tenants

import (
	"context"
	"time"
)

// FindComments returns a question's comments as v may see them, oldest first, each marked New
// when it arrived after v's last visit to the question. "" lists the whole workspace's comments.
func (s *Service) FindComments(ctx context.Context, v Viewer, w *Workspace, questionID string) ([]Comment, error) {
	if questionID != "" {
		inst, err := s.instrument(w)
		if err != nil {
			return nil, err
		}
		if inst.Question(questionID) == nil {
			return nil, NotFound("Question")
		}
	}
	var all []*Comment
	var seen map[string]time.Time
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		if all, err = tx.FindComments(v.TenantID, v.WorkspaceID, questionID); err != nil {
			return err
		}
		seen, err = tx.FindLastSeen(v.TenantID, v.WorkspaceID, v.Key())
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]Comment, 0, len(all))
	for _, c := range all {
		vc := c.VisibleTo(v, w)
		vc.New = !vc.IsAuthor(v) && vc.CreatedAt.After(seen[c.QuestionID])
		out = append(out, vc)
	}
	return out, nil
}

// MarkSeen records that v has now seen the question's comments.
func (s *Service) MarkSeen(ctx context.Context, v Viewer, w *Workspace, questionID string) error {
	inst, err := s.instrument(w)
	if err != nil {
		return err
	}
	if inst.Question(questionID) == nil {
		return NotFound("Question")
	}
	return s.Store.Write(ctx, func(tx Tx) error {
		return tx.SaveLastSeen(v.TenantID, v.WorkspaceID, v.Key(), questionID, tx.Now())
	})
}

// LastSeen returns when v last looked at each question's comments.
func (s *Service) LastSeen(ctx context.Context, v Viewer) (map[string]time.Time, error) {
	var seen map[string]time.Time
	err := s.Store.Read(ctx, func(tx Tx) error {
		var err error
		seen, err = tx.FindLastSeen(v.TenantID, v.WorkspaceID, v.Key())
		return err
	})
	return seen, err
}

// CreateComment adds a comment, or a reply when ParentID names a top-level comment of the same
// question (replies to replies are EInvalid).
func (s *Service) CreateComment(ctx context.Context, v Viewer, w *Workspace, questionID string, in CommentInput) (*Comment, int64, error) {
	if !v.CanComment() {
		return nil, 0, Errorf(EForbidden, "You cannot comment here.")
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
	c := &Comment{ID: NewID(), TenantID: v.TenantID, WorkspaceID: v.WorkspaceID, QuestionID: questionID,
		Body: in.Body, Stance: in.Stance,
		Author: Author{ParticipantID: v.ParticipantID, UserID: v.UserID, DisplayName: v.Name, StakeholderGroup: v.Group, Facilitator: v.Facilitates()}}
	var seq int64
	err = s.write(ctx, func(tx Tx, rec *recorder) error {
		if in.ParentID != nil && *in.ParentID != "" {
			parent, err := tx.FindComment(v.TenantID, v.WorkspaceID, *in.ParentID)
			if ErrorCode(err) == ENotFound {
				return &Error{Code: EInvalid, Message: "Some fields are not valid.", Fields: map[string]string{"parent_id": "no such comment"}}
			}
			if err != nil {
				return err
			}
			if parent.ParentID != "" || parent.QuestionID != questionID {
				return &Error{Code: EInvalid, Message: "Some fields are not valid.", Fields: map[string]string{"parent_id": "replies go one level deep, under a comment of the same question"}}
			}
			c.ParentID = parent.ID
		}
		c.CreatedAt, c.UpdatedAt = tx.Now(), tx.Now()
		if err := tx.CreateComment(c); err != nil {
			return err
		}
		var err error
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, EventCommentCreated, EventData{Comment: c, Attribution: w.Attribution})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return c, seq, nil
}

// UpdateComment edits the body or stance of the viewer's own comment. Others' comments are
// EForbidden; deleted ones EConflict.
func (s *Service) UpdateComment(ctx context.Context, v Viewer, w *Workspace, id string, in CommentInput) (*Comment, int64, error) {
	if err := in.Validate(); err != nil {
		return nil, 0, err
	}
	return s.changeComment(ctx, v, w, id, EventCommentUpdated, func(c *Comment) error {
		if !c.IsAuthor(v) {
			return Errorf(EForbidden, "You can only edit your own comments.")
		}
		if c.Deleted {
			return Errorf(EConflict, "This comment was deleted.")
		}
		c.Body, c.Stance, c.Edited = in.Body, in.Stance, true
		return nil
	})
}

// DeleteComment soft-deletes the viewer's own comment: it stays in the thread as deleted.
func (s *Service) DeleteComment(ctx context.Context, v Viewer, w *Workspace, id string) (*Comment, int64, error) {
	return s.changeComment(ctx, v, w, id, EventCommentUpdated, func(c *Comment) error {
		if !c.IsAuthor(v) {
			return Errorf(EForbidden, "You can only delete your own comments.")
		}
		c.Deleted = true
		return nil
	})
}

// HideComment hides a comment with a reason. Facilitators only. The author still sees it and why.
func (s *Service) HideComment(ctx context.Context, v Viewer, w *Workspace, id string, in HideInput) (*Comment, int64, error) {
	if !v.Facilitates() {
		return nil, 0, Errorf(EForbidden, "Only facilitators can hide comments.")
	}
	if err := in.Validate(); err != nil {
		return nil, 0, err
	}
	return s.changeComment(ctx, v, w, id, EventCommentHidden, func(c *Comment) error {
		c.Hidden, c.HiddenReason = true, in.Reason
		return nil
	})
}

func (s *Service) changeComment(ctx context.Context, v Viewer, w *Workspace, id, typ string, change func(*Comment) error) (*Comment, int64, error) {
	var c *Comment
	var seq int64
	err := s.write(ctx, func(tx Tx, rec *recorder) error {
		var err error
		if c, err = tx.FindComment(v.TenantID, v.WorkspaceID, id); err != nil {
			return err
		}
		if err := change(c); err != nil {
			return err
		}
		now := tx.Now()
		c.UpdatedAt = now
		if typ == EventCommentHidden {
			c.HiddenAt = &now
		}
		if err := tx.UpdateComment(c); err != nil {
			return err
		}
		seq, err = rec.emit(v.TenantID, v.WorkspaceID, typ, EventData{Comment: c, Attribution: w.Attribution})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return c, seq, nil
}

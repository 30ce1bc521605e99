package tenants

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

// PasswordHasher hashes and verifies passwords. Verify of an empty hash does the same work as a real
// one and reports no match, so unknown accounts cannot be told apart by timing. Verify reports whether the password matches and
// whether the hash should be replaced because its parameters are outdated.
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, hash, password string) (ok, rehash bool, err error)
}

// Service is the application: every operation validates its input, authorizes the viewer, does its
// work in one transaction, and publishes the events of that transaction only after it commits.
type Service struct {
	Store     Store
	Catalogue *Catalogue
	Hasher    PasswordHasher
	Publisher Publisher
	Log       *slog.Logger
	BaseURL   string

	results resultsCache
}

// write runs fn in a write transaction and, after a successful commit, publishes the events fn
// appended through the returned recorder.
func (s *Service) write(ctx context.Context, fn func(tx Tx, rec *recorder) error) error {
	rec := &recorder{}
	err := s.Store.Write(ctx, func(tx Tx) error {
		rec.tx = tx
		rec.events = rec.events[:0]
		return fn(tx, rec)
	})
	if err != nil {
		return err
	}
	for _, e := range rec.events {
		s.publisher().Publish(e)
	}
	return nil
}

func (s *Service) publisher() Publisher {
	if s.Publisher == nil {
		return NopPublisher{}
	}
	return s.Publisher
}

// recorder appends events inside a transaction and remembers them for publishing after commit.
type recorder struct {
	tx     Tx
	events []Event
}

// emit writes an event of the workspace with the next seq and returns that seq.
func (r *recorder) emit(tenantID, workspaceID, typ string, data EventData) (int64, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return 0, Internal(err)
	}
	e := Event{TenantID: tenantID, WorkspaceID: workspaceID, Type: typ, At: r.tx.Now(), Data: b}
	if err := r.tx.AppendEvent(&e); err != nil {
		return 0, err
	}
	r.events = append(r.events, e)
	return e.Seq, nil
}

// Now returns the current time in UTC, truncated to microseconds so it round-trips through storage.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Instrument returns the instrument version pinned by w.
func (s *Service) instrument(w *Workspace) (*Instrument, error) {
	in := s.Catalogue.Instrument(w.InstrumentVersion)
	if in == nil {
		return nil, Errorf(EInternal, "instrument version %q is not loaded", w.InstrumentVersion)
	}
	return in, nil
}

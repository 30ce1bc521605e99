package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"workshop/seeds"
	"workshop/tenants"
	"workshop/tenants/password"
)

func TestMain(m *testing.M) {
	// Every test closes what it opens: no pool goroutine may outlive the tests.
	goleak.VerifyTestMain(m)
}

// openDB opens a store on a fresh file under t.TempDir() and closes it when the test ends.
func openDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// TestWritesDoNotLock runs 8 goroutines × 200 read-then-write transactions through Write (read a
// counter, write it + 1) while readers read: no "database is locked", no other error, no lost
// update. The default DSN fails most of these; this guards the DSN and pool setup.
func TestWritesDoNotLock(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	if _, err := db.w.Exec(`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+100)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := db.Read(ctx, func(tt tenants.Tx) error {
					var n int
					return tt.(*tx).tx.Get(&n, `SELECT n FROM counter WHERE id = 1`)
				})
				if err != nil {
					errs <- fmt.Errorf("read: %w", err)
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := db.Write(ctx, func(tt tenants.Tx) error {
					x := tt.(*tx).tx
					var n int
					if err := x.Get(&n, `SELECT n FROM counter WHERE id = 1`); err != nil {
						return err
					}
					time.Sleep(50 * time.Microsecond) // widen the window between read and write
					_, err := x.Exec(`UPDATE counter SET n = ? WHERE id = 1`, n+1)
					return err
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	locked, other := 0, 0
	for err := range errs {
		if strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "busy") {
			locked++
		} else {
			other++
		}
		if locked+other <= 3 {
			t.Log(err)
		}
	}
	if locked+other > 0 {
		t.Fatalf("%d 'database is locked' and %d other errors", locked, other)
	}
	var n int
	if err := db.w.Get(&n, `SELECT n FROM counter WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if n != writers*each {
		t.Fatalf("counter = %d, want %d (lost updates)", n, writers*each)
	}
}

// TestReadPoolRefusesWrites checks that the reader pool is read-only at the SQLite level, so a
// write that slipped into Read fails instead of contending with the writer.
func TestReadPoolRefusesWrites(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	u := &tenants.User{ID: tenants.NewID(), Name: "N", Email: "n@example.org", PasswordHash: "x", CreatedAt: tenants.Now()}
	err := db.Read(ctx, func(tx tenants.Tx) error { return tx.CreateUser(u) })
	if err == nil {
		t.Fatal("a write inside Read succeeded")
	}
	if tenants.ErrorCode(err) != tenants.EInternal || !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("error %v", err)
	}
	if _, err := db.r.Exec(`CREATE TABLE sneaky (x)`); err == nil {
		t.Fatal("DDL on the read pool succeeded")
	}
	err = db.Read(ctx, func(tx tenants.Tx) error {
		_, err := tx.FindUserByEmail("n@example.org")
		return err
	})
	if tenants.ErrorCode(err) != tenants.ENotFound {
		t.Fatalf("the refused write left a user behind: %v", err)
	}
	// The same write through Write works.
	if err := db.Write(ctx, func(tx tenants.Tx) error { return tx.CreateUser(u) }); err != nil {
		t.Fatal(err)
	}
}

// TestPragmas checks that every pooled connection gets the DSN's settings.
func TestPragmas(t *testing.T) {
	db, _ := openDB(t)
	check := func(name string, pool interface {
		Get(dest any, query string, args ...any) error
	}, pragma string, want string) {
		t.Helper()
		var got string
		if err := pool.Get(&got, "PRAGMA "+pragma); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: PRAGMA %s = %q, want %q", name, pragma, got, want)
		}
	}
	check("writer", db.w, "journal_mode", "wal")
	check("writer", db.w, "foreign_keys", "1")
	check("writer", db.w, "busy_timeout", "5000")
	check("writer", db.w, "synchronous", "2") // FULL
	// Hold several reader connections at once so the check covers more than one.
	ctx := context.Background()
	var conns []interface{ Close() error }
	for i := range 3 {
		c, err := db.r.Connx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		for pragma, want := range map[string]string{"foreign_keys": "1", "busy_timeout": "5000", "query_only": "0"} {
			var got string
			if err := c.GetContext(ctx, &got, "PRAGMA "+pragma); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("reader %d: PRAGMA %s = %q, want %q", i, pragma, got, want)
			}
		}
	}
	for _, c := range conns {
		c.Close()
	}
	// Foreign keys are enforced: a participant of a missing workspace is refused.
	err := db.Write(ctx, func(tx tenants.Tx) error {
		return tx.CreateParticipant(&tenants.Participant{ID: "p", TenantID: "t", WorkspaceID: "nope", DisplayName: "x",
			StakeholderGroup: "other", Role: tenants.RoleParticipant, InviteID: "i", ReturnHash: "r", JoinedAt: tenants.Now()})
	})
	if err == nil {
		t.Fatal("foreign keys are not enforced")
	}
}

// fixture is a service over a real store with one tenant, one workspace and its owner.
type fixture struct {
	db     *DB
	svc    *tenants.Service
	tenant *tenants.Tenant
	member *tenants.Membership
	ws     *tenants.Workspace
}

// loadCatalogue returns a private copy of the embedded seeds that the test may change.
func loadCatalogue(t *testing.T) *tenants.Catalogue {
	t.Helper()
	c, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newFixture(t *testing.T, org string) *fixture {
	t.Helper()
	db, _ := openDB(t)
	return newFixtureOn(t, db, org)
}

func newFixtureOn(t *testing.T, db *DB, org string) *fixture {
	t.Helper()
	ctx := context.Background()
	cat := loadCatalogue(t)
	if err := db.SyncCatalogue(ctx, cat); err != nil {
		t.Fatal(err)
	}
	svc := &tenants.Service{Store: db, Catalogue: cat, Hasher: password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2)}
	email := strings.ToLower(strings.ReplaceAll(org, " ", "")) + "@example.org"
	u, tn, _, err := svc.Signup(ctx, tenants.Signup{Organization: org, Name: "Owner", Email: email, Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	m := &tenants.Membership{TenantID: tn.ID, UserID: u.ID, Role: tenants.RoleOwner}
	title := org + " workshop"
	ws, err := svc.CreateWorkspace(ctx, tn, m, tenants.WorkspaceInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, svc: svc, tenant: tn, member: m, ws: ws}
}

func (f *fixture) facilitator() tenants.Viewer {
	return tenants.Viewer{TenantID: f.tenant.ID, WorkspaceID: f.ws.ID, UserID: f.member.UserID, Role: tenants.RoleFacilitator, Name: "Owner"}
}

// join admits a participant of the group and returns them as a viewer.
func (f *fixture) join(t *testing.T, group, name string) tenants.Viewer {
	t.Helper()
	ctx := context.Background()
	inv, err := f.svc.CreateInvite(ctx, f.facilitator(), tenants.InviteInput{StakeholderGroup: group})
	if err != nil {
		t.Fatal(err)
	}
	j, err := f.svc.JoinWorkspace(ctx, inv.Token, tenants.Join{DisplayName: name}, "")
	if err != nil {
		t.Fatal(err)
	}
	p := j.Participant
	return tenants.Viewer{TenantID: p.TenantID, WorkspaceID: p.WorkspaceID, ParticipantID: p.ID, Role: p.Role, Name: p.DisplayName, Group: p.StakeholderGroup}
}

// TestTenantIsolation asks the store for tenant A's objects with tenant B's id: nothing is found,
// nothing is listed and nothing is changed.
func TestTenantIsolation(t *testing.T) {
	db, _ := openDB(t)
	a := newFixtureOn(t, db, "Alpha")
	b := newFixtureOn(t, db, "Beta")
	ctx := context.Background()
	p := a.join(t, "government", "Asha")
	if _, _, err := a.svc.SaveAnswer(ctx, p, a.ws, "legal_basis.dp_law", tenants.AnswerInput{Value: json.RawMessage("2")}, ""); err != nil {
		t.Fatal(err)
	}
	c, _, err := a.svc.CreateComment(ctx, p, a.ws, "legal_basis.dp_law", tenants.CommentInput{Body: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := a.svc.CreateInvite(ctx, a.facilitator(), tenants.InviteInput{StakeholderGroup: "academia"})
	if err != nil {
		t.Fatal(err)
	}
	B, wsA := b.tenant.ID, a.ws.ID
	notFound := map[string]func(tenants.Tx) error{
		"FindWorkspace":    func(tx tenants.Tx) error { _, err := tx.FindWorkspace(B, wsA); return err },
		"FindSessionState": func(tx tenants.Tx) error { _, err := tx.FindSessionState(B, wsA); return err },
		"FindParticipant":  func(tx tenants.Tx) error { _, err := tx.FindParticipant(B, wsA, p.ParticipantID); return err },
		"FindComment":      func(tx tenants.Tx) error { _, err := tx.FindComment(B, wsA, c.ID); return err },
		"FindInvite":       func(tx tenants.Tx) error { _, err := tx.FindInvite(B, wsA, inv.ID); return err },
		"FindAnswer": func(tx tenants.Tx) error {
			_, err := tx.FindAnswer(B, wsA, p.ParticipantID, "legal_basis.dp_law")
			return err
		},
		"LatestSeq": func(tx tenants.Tx) error { _, err := tx.LatestSeq(B, wsA); return err },
		"FindMembership": func(tx tenants.Tx) error {
			_, err := tx.FindMembership(B, a.member.UserID)
			return err
		},
		// A's workspace in B's own tenant, with B's workspace id under A: both directions.
		"FindWorkspace reversed": func(tx tenants.Tx) error { _, err := tx.FindWorkspace(a.tenant.ID, b.ws.ID); return err },
	}
	for name, fn := range notFound {
		err := db.Read(ctx, fn)
		if tenants.ErrorCode(err) != tenants.ENotFound {
			t.Errorf("%s with another tenant's id: %v, want not_found", name, err)
		}
	}
	empty := map[string]func(tenants.Tx) (int, error){
		"FindWorkspaces": func(tx tenants.Tx) (int, error) { ws, err := tx.FindWorkspaces(B, []string{wsA}); return len(ws), err },
		"FindInvites":    func(tx tenants.Tx) (int, error) { x, err := tx.FindInvites(B, wsA); return len(x), err },
		"FindParticipants": func(tx tenants.Tx) (int, error) {
			x, err := tx.FindParticipants(B, wsA)
			return len(x), err
		},
		"FindAnswers": func(tx tenants.Tx) (int, error) {
			x, err := tx.FindAnswers(B, wsA, tenants.AnswerFilter{})
			return len(x), err
		},
		"FindRevisions": func(tx tenants.Tx) (int, error) {
			x, err := tx.FindRevisions(B, wsA, tenants.AnswerFilter{})
			return len(x), err
		},
		"FindComments": func(tx tenants.Tx) (int, error) { x, err := tx.FindComments(B, wsA, ""); return len(x), err },
		"FindEvents":   func(tx tenants.Tx) (int, error) { x, err := tx.FindEvents(B, wsA, 0, 100); return len(x), err },
		"FindSyntheses": func(tx tenants.Tx) (int, error) {
			x, err := tx.FindSyntheses(B, wsA)
			return len(x), err
		},
		"FindMembers": func(tx tenants.Tx) (int, error) {
			x, err := tx.FindMembers(B)
			for _, m := range x {
				if m.UserID == a.member.UserID {
					return 1, err
				}
			}
			return 0, err
		},
	}
	for name, fn := range empty {
		var n int
		err := db.Read(ctx, func(tx tenants.Tx) error {
			var err error
			n, err = fn(tx)
			return err
		})
		if err != nil || n != 0 {
			t.Errorf("%s with another tenant's id: %d rows, %v", name, n, err)
		}
	}
	// Updates carrying another tenant's id touch nothing.
	updates := map[string]func(tenants.Tx) error{
		"UpdateWorkspace": func(tx tenants.Tx) error {
			w, _ := tx.FindWorkspace(a.tenant.ID, wsA)
			w.TenantID, w.Title = B, "hijacked"
			return tx.UpdateWorkspace(w)
		},
		"UpdateComment": func(tx tenants.Tx) error {
			cm, _ := tx.FindComment(a.tenant.ID, wsA, c.ID)
			cm.TenantID, cm.Body = B, "hijacked"
			return tx.UpdateComment(cm)
		},
		"UpdateInvite": func(tx tenants.Tx) error {
			i, _ := tx.FindInvite(a.tenant.ID, wsA, inv.ID)
			i.TenantID, i.Uses = B, 999
			return tx.UpdateInvite(i)
		},
		"UpdateParticipant": func(tx tenants.Tx) error {
			pt, _ := tx.FindParticipant(a.tenant.ID, wsA, p.ParticipantID)
			pt.TenantID, pt.DisplayName = B, "hijacked"
			return tx.UpdateParticipant(pt)
		},
		"AppendEvent": func(tx tenants.Tx) error {
			return tx.AppendEvent(&tenants.Event{TenantID: B, WorkspaceID: wsA, Type: "x", At: tx.Now(), Data: json.RawMessage(`{}`)})
		},
	}
	for name, fn := range updates {
		err := db.Write(ctx, fn)
		if tenants.ErrorCode(err) != tenants.ENotFound {
			t.Errorf("%s with another tenant's id: %v, want not_found", name, err)
		}
	}
	var hijacked int
	if err := db.w.Get(&hijacked, `SELECT (SELECT count(*) FROM workspaces WHERE title = 'hijacked') + (SELECT count(*) FROM comments WHERE body = 'hijacked')
		+ (SELECT count(*) FROM participants WHERE display_name = 'hijacked') + (SELECT count(*) FROM invites WHERE uses = 999)`); err != nil || hijacked != 0 {
		t.Fatalf("%d rows changed through another tenant's id (%v)", hijacked, err)
	}
	if err := db.Write(ctx, func(tx tenants.Tx) error { return tx.RegroupAnswers(B, wsA, p.ParticipantID, "academia") }); err != nil {
		t.Fatal(err)
	}
	var g string
	if err := db.w.Get(&g, `SELECT stakeholder_group FROM answers WHERE participant_id = ?`, p.ParticipantID); err != nil || g != "government" {
		t.Fatalf("RegroupAnswers with another tenant's id moved the answer to %q (%v)", g, err)
	}
}

// TestEventSeqUnderConcurrentSaves saves answers from many goroutines through the Service and
// checks the workspace's event log: seq 1..N without gaps or duplicates, last_seq N, one revision
// per save.
func TestEventSeqUnderConcurrentSaves(t *testing.T) {
	f := newFixture(t, "Seq Org")
	ctx := context.Background()
	questions := []string{"legal_basis.dp_law", "legal_basis.purpose_limits", "legal_basis.impact_assessment"}
	var viewers []tenants.Viewer
	for i := range 6 {
		viewers = append(viewers, f.join(t, []string{"government", "civil_society", "academia"}[i%3], fmt.Sprintf("P%d", i)))
	}
	joins := int64(len(viewers)) // each join wrote a participant.joined event
	const saves = 40
	var wg sync.WaitGroup
	errs := make(chan error, len(viewers)*saves)
	for _, v := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range saves {
				q := questions[i%len(questions)]
				_, seq, err := f.svc.SaveAnswer(ctx, v, f.ws, q, tenants.AnswerInput{Value: json.RawMessage(fmt.Sprint(i % 5))}, "")
				if err == nil && seq <= joins {
					err = fmt.Errorf("seq %d does not follow the joins", seq)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := joins + int64(len(viewers)*saves)
	var seqs []int64
	if err := f.db.w.Select(&seqs, `SELECT seq FROM events WHERE tenant_id = ? AND workspace_id = ? ORDER BY seq`, f.tenant.ID, f.ws.ID); err != nil {
		t.Fatal(err)
	}
	if int64(len(seqs)) != total {
		t.Fatalf("%d events, want %d", len(seqs), total)
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("event %d has seq %d: a gap or duplicate", i, s)
		}
	}
	last, err := f.svc.LatestSeq(ctx, f.tenant.ID, f.ws.ID)
	if err != nil || last != total {
		t.Fatalf("LatestSeq = %d, %v; want %d", last, err, total)
	}
	var revs int
	if err := f.db.w.Get(&revs, `SELECT count(*) FROM answer_revisions WHERE workspace_id = ?`, f.ws.ID); err != nil || revs != len(viewers)*saves {
		t.Fatalf("%d revisions (%v), want %d", revs, err, len(viewers)*saves)
	}
	// Replay in pages returns the same log in order.
	var got []int64
	for after := int64(0); ; {
		evs, err := f.svc.EventsAfter(ctx, f.tenant.ID, f.ws.ID, after, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			got = append(got, e.Seq)
		}
		after = evs[len(evs)-1].Seq
	}
	if len(got) != len(seqs) {
		t.Fatalf("paged replay returned %d events, want %d", len(got), len(seqs))
	}
}

// TestEventsCommitWithTheirChange checks that a transaction that fails after appending an event
// leaves neither the change nor the event, nor a hole in seq.
func TestEventsCommitWithTheirChange(t *testing.T) {
	f := newFixture(t, "Atomic Org")
	ctx := context.Background()
	boom := errors.New("boom")
	err := f.db.Write(ctx, func(tx tenants.Tx) error {
		if err := tx.AppendEvent(&tenants.Event{TenantID: f.tenant.ID, WorkspaceID: f.ws.ID, Type: "x", At: tx.Now(), Data: json.RawMessage(`{}`)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v", err)
	}
	p := f.join(t, "government", "Asha")
	_, seq, err := f.svc.SaveAnswer(ctx, p, f.ws, "legal_basis.dp_law", tenants.AnswerInput{Value: json.RawMessage("1")}, "")
	if err != nil || seq != 2 { // 1 is the join
		t.Fatalf("seq after a rolled-back event: %d, %v", seq, err)
	}
}

// schema returns the database's table and index definitions and applied migrations.
func schema(t *testing.T, db *DB) string {
	t.Helper()
	var rows []string
	if err := db.w.Select(&rows, `SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`); err != nil {
		t.Fatal(err)
	}
	var versions []string
	if err := db.w.Select(&versions, `SELECT version_id || ':' || is_applied FROM goose_db_version ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n") + "\n" + strings.Join(versions, ",")
}

// TestMigrationsAreIdempotent opens the same file several times: the schema and the migration
// record stay the same, and the data survives.
func TestMigrationsAreIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "migrate.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first := schema(t, db)
	u := &tenants.User{ID: tenants.NewID(), Name: "N", Email: "keep@example.org", PasswordHash: "x", CreatedAt: tenants.Now()}
	if err := db.Write(ctx, func(tx tenants.Tx) error { return tx.CreateUser(u) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for i := range 2 {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i+2, err)
		}
		if got := schema(t, db); got != first {
			t.Fatalf("schema changed on reopening:\n%s\nwant\n%s", got, first)
		}
		err = db.Read(ctx, func(tx tenants.Tx) error { _, err := tx.FindUserByEmail("keep@example.org"); return err })
		db.Close()
		if err != nil {
			t.Fatalf("data lost on reopening: %v", err)
		}
	}
	// Two stores on one file at once (two processes during a deploy) both work.
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Write(ctx, func(tx tenants.Tx) error {
		return tx.CreateUser(&tenants.User{ID: tenants.NewID(), Name: "B", Email: "b@example.org", PasswordHash: "x", CreatedAt: tx.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.Read(ctx, func(tx tenants.Tx) error { _, err := tx.FindUserByEmail("b@example.org"); return err }); err != nil {
		t.Fatalf("one store does not see the other's write: %v", err)
	}
}

// catalogueRows returns every catalogue row with its update time.
func catalogueRows(t *testing.T, db *DB) string {
	t.Helper()
	var rows []string
	q := `SELECT 'i|' || version || '|' || updated_at || '|' || length(body) FROM instruments
		UNION ALL SELECT 'q|' || version || '|' || question_id || '|' || meaning FROM instrument_questions
		UNION ALL SELECT 't|' || kind || '|' || id || '|' || name FROM taxonomy_terms
		UNION ALL SELECT 'c|' || id || '|' || updated_at || '|' || length(body) FROM case_studies ORDER BY 1`
	if err := db.w.Select(&rows, q); err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

// TestSyncCatalogue checks that loading the seeds is idempotent, that a changed question meaning
// inside a stored instrument version is refused, that wording-only edits are taken, and that
// stored versions no longer shipped are loaded back.
func TestSyncCatalogue(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	cat := loadCatalogue(t)
	if err := db.SyncCatalogue(ctx, cat); err != nil {
		t.Fatal(err)
	}
	first := catalogueRows(t, db)
	if !strings.Contains(first, "q|"+cat.Current+"|legal_basis.dp_law|") {
		t.Fatal("the instrument's questions were not stored")
	}
	// A later restart with the same content writes nothing, not even timestamps.
	db.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	if err := db.SyncCatalogue(ctx, loadCatalogue(t)); err != nil {
		t.Fatal(err)
	}
	if got := catalogueRows(t, db); got != first {
		t.Fatal("a second sync with the same content changed rows")
	}

	changed := func(edit func(in *tenants.Instrument)) error {
		c := loadCatalogue(t)
		edit(c.Instruments[c.Current])
		return db.SyncCatalogue(ctx, c)
	}
	refusals := map[string]func(in *tenants.Instrument){
		"prompt": func(in *tenants.Instrument) { in.Question("legal_basis.dp_law").Prompt += " (reworded)" },
		"kind":   func(in *tenants.Instrument) { in.Question("legal_basis.dp_law").Kind = tenants.KindText },
		"levels": func(in *tenants.Instrument) {
			q := in.Question("legal_basis.dp_law")
			q.Levels = q.Levels[:len(q.Levels)-1]
		},
		"options": func(in *tenants.Instrument) {
			q := in.Question("legal_basis.main_basis")
			q.Options = append(q.Options, tenants.Option{ID: "new_option", Label: "New"})
		},
		"removed question": func(in *tenants.Instrument) {
			d := &in.Dimensions[0]
			d.Questions = d.Questions[1:]
		},
	}
	for name, edit := range refusals {
		err := changed(edit)
		if err == nil {
			t.Errorf("%s: a change of meaning inside version %s was accepted", name, cat.Current)
			continue
		}
		if !strings.Contains(err.Error(), "new version") || !strings.Contains(err.Error(), "legal_basis.") {
			t.Errorf("%s: the error does not name the question and the remedy: %v", name, err)
		}
		if got := catalogueRows(t, db); got != first {
			t.Errorf("%s: the refused sync changed rows", name)
		}
	}
	// Help text is wording, not meaning: it is taken and the stored body updates.
	if err := changed(func(in *tenants.Instrument) { in.Question("legal_basis.dp_law").Help = "Clearer help." }); err != nil {
		t.Fatalf("a help-text edit was refused: %v", err)
	}
	var body string
	if err := db.w.Get(&body, `SELECT body FROM instruments WHERE version = ?`, cat.Current); err != nil || !strings.Contains(body, "Clearer help.") {
		t.Fatalf("the edited help was not stored (%v)", err)
	}
	// A version stored earlier but no longer shipped comes back, so workspaces pinned to it work.
	old := loadCatalogue(t)
	in := old.Instruments[old.Current]
	in.Version = "0-retired"
	old.Instruments = map[string]*tenants.Instrument{"0-retired": in}
	if err := db.SyncCatalogue(ctx, old); err != nil {
		t.Fatal(err)
	}
	shipped := loadCatalogue(t)
	if err := db.SyncCatalogue(ctx, shipped); err != nil {
		t.Fatal(err)
	}
	if shipped.Instruments["0-retired"] == nil || shipped.Instruments["0-retired"].Question("legal_basis.dp_law") == nil {
		t.Fatal("a stored, no longer shipped version was not loaded back")
	}
	if shipped.Current == "0-retired" {
		t.Fatal("loading an old version back made it current")
	}
}

// TestClientKeyIdempotence checks that a retried save with the same key writes nothing new.
func TestClientKeyIdempotence(t *testing.T) {
	f := newFixture(t, "Key Org")
	ctx := context.Background()
	p := f.join(t, "government", "Asha")
	a1, s1, err := f.svc.SaveAnswer(ctx, p, f.ws, "legal_basis.dp_law", tenants.AnswerInput{Value: json.RawMessage("1")}, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	a2, s2, err := f.svc.SaveAnswer(ctx, p, f.ws, "legal_basis.dp_law", tenants.AnswerInput{Value: json.RawMessage("3")}, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if a2.Revision != a1.Revision || string(a2.Value) != "1" || s2 != 0 || s1 == 0 {
		t.Fatalf("retry: %+v seq %d (first seq %d)", a2, s2, s1)
	}
	// Another participant may use the same key.
	q := f.join(t, "academia", "Ben")
	if _, _, err := f.svc.SaveAnswer(ctx, q, f.ws, "legal_basis.dp_law", tenants.AnswerInput{Value: json.RawMessage("2")}, "key-1"); err != nil {
		t.Fatal(err)
	}
}

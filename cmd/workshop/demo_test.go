package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"workshop/seeds"
	"workshop/tenants"
	"workshop/tenants/password"
	"workshop/tenants/sqlstore"
)

// newDemoService builds the service as run does, on a fresh SQLite file, with cheap password hashing.
func newDemoService(t *testing.T) (*tenants.Service, *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncCatalogue(ctx, cat); err != nil {
		t.Fatal(err)
	}
	return &tenants.Service{Store: db, Catalogue: cat, Hasher: password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://localhost:8080"}, db
}

// tableCounts returns the number of rows of every table the demo writes.
func tableCounts(t *testing.T, db *sqlstore.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"users", "tenants", "memberships", "workspaces", "invites", "participants",
		"answers", "answer_revisions", "comments", "syntheses", "events"} {
		var n int
		if err := db.Writer().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func median(xs []int) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return float64(xs[n/2])
	}
	return float64(xs[n/2-1]+xs[n/2]) / 2
}

func TestDemoCreatesWorkshopOnce(t *testing.T) {
	ctx := context.Background()
	svc, db := newDemoService(t)
	var out bytes.Buffer
	if err := runDemo(ctx, svc, &out); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo output:\n%s", out.String())
	for _, want := range []string{demoEmail, demoPassword, "http://localhost:8080/login", "http://localhost:8080/r/", "/w/"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	counts := tableCounts(t, db)
	if counts["users"] != 1 || counts["tenants"] != 1 || counts["workspaces"] != 1 {
		t.Fatalf("counts = %v, want one user, tenant and workspace", counts)
	}

	var (
		tn       *tenants.Tenant
		ws       *tenants.Workspace
		people   []*tenants.Participant
		answers  []*tenants.Answer
		revs     []*tenants.Answer
		comments []*tenants.Comment
		syns     []*tenants.Synthesis
		state    *tenants.SessionState
	)
	err := svc.Store.Read(ctx, func(tx tenants.Tx) error {
		u, err := tx.FindUserByEmail(demoEmail)
		if err != nil {
			return err
		}
		ms, err := tx.FindMemberships(u.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("memberships = %v, %v", ms, err)
		}
		tn = ms[0].Tenant
		wss, err := tx.FindWorkspaces(tn.ID, nil)
		if err != nil || len(wss) != 1 {
			t.Fatalf("workspaces = %v, %v", wss, err)
		}
		ws = wss[0]
		if people, err = tx.FindParticipants(tn.ID, ws.ID); err != nil {
			return err
		}
		if answers, err = tx.FindAnswers(tn.ID, ws.ID, tenants.AnswerFilter{}); err != nil {
			return err
		}
		if revs, err = tx.FindRevisions(tn.ID, ws.ID, tenants.AnswerFilter{}); err != nil {
			return err
		}
		if comments, err = tx.FindComments(tn.ID, ws.ID, ""); err != nil {
			return err
		}
		if syns, err = tx.FindSyntheses(tn.ID, ws.ID); err != nil {
			return err
		}
		state, err = tx.FindSessionState(tn.ID, ws.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if tn.Name != demoOrg || ws.Title != demoTitle || ws.Attribution != tenants.AttributionNamed || ws.MinGroupSize != 1 ||
		len(ws.Motivations) != 3 || len(ws.UseCases) != 3 {
		t.Errorf("tenant %+v, workspace %+v", tn, ws)
	}

	groupsOf := map[string]int{}
	for _, p := range people {
		groupsOf[p.StakeholderGroup]++
	}
	if len(people) < 14 || len(people) > 16 || len(groupsOf) != 6 {
		t.Errorf("participants = %d over groups %v, want about 15 over 6", len(people), groupsOf)
	}

	// Answers from every group, most questions covered, some unknown and not applicable.
	answeredBy := map[string]int{}
	questions := map[string]bool{}
	statuses := map[string]int{}
	levels := map[string]map[string][]int{} // question → group → levels
	for _, a := range answers {
		answeredBy[a.StakeholderGroup]++
		questions[a.QuestionID] = true
		statuses[a.Status]++
		if l := a.Level(); l >= 0 {
			if levels[a.QuestionID] == nil {
				levels[a.QuestionID] = map[string][]int{}
			}
			levels[a.QuestionID][a.StakeholderGroup] = append(levels[a.QuestionID][a.StakeholderGroup], l)
		}
	}
	for _, g := range demoGroups {
		if answeredBy[g] == 0 {
			t.Errorf("no answers from %s", g)
		}
	}
	total := len(svc.Catalogue.Instrument(ws.InstrumentVersion).Questions())
	if len(questions) < total*8/10 || len(questions) == total {
		t.Errorf("%d of %d questions answered, want most but not all", len(questions), total)
	}
	if statuses[tenants.StatusUnknown] == 0 || statuses[tenants.StatusNotApplicable] == 0 {
		t.Errorf("statuses = %v, want some unknown and not applicable", statuses)
	}

	// The groups genuinely differ: on many questions group medians are two or more levels apart.
	divergent := 0
	for _, byGroup := range levels {
		lo, hi := 5.0, -1.0
		for _, ls := range byGroup {
			m := median(ls)
			lo, hi = min(lo, m), max(hi, m)
		}
		if hi-lo >= 2 {
			divergent++
		}
	}
	if divergent < 10 {
		t.Errorf("%d questions with group medians 2+ apart, want at least 10", divergent)
	}

	rounds := map[int]int{}
	for _, r := range revs {
		rounds[r.Round]++
	}
	if rounds[1] == 0 || rounds[2] == 0 || state.Round != 2 {
		t.Errorf("revisions per round = %v, session round %d; want both rounds", rounds, state.Round)
	}
	revisers := map[string]bool{}
	for _, a := range answers {
		if a.Revision > 1 {
			revisers[a.ParticipantID] = true
		}
	}
	if len(revisers) < 5 {
		t.Errorf("%d participants revised in round 2, want about 6", len(revisers))
	}

	hidden, replies, stances := 0, 0, map[string]bool{}
	for _, c := range comments {
		if c.Hidden {
			hidden++
			if c.HiddenReason == "" {
				t.Error("hidden comment without a reason")
			}
		}
		if c.ParentID != "" {
			replies++
		}
		stances[c.Stance] = true
	}
	if len(comments) < 12 || hidden != 1 || replies < 3 || len(stances) < 4 {
		t.Errorf("comments = %d, hidden %d, replies %d, stances %v", len(comments), hidden, replies, stances)
	}

	statusesSyn := map[string]bool{}
	for _, s := range syns {
		statusesSyn[s.Status] = true
	}
	if len(syns) < 3 || len(statusesSyn) != 3 {
		t.Errorf("syntheses = %d with statuses %v, want 3+ covering all three statuses", len(syns), statusesSyn)
	}
	t.Logf("participants %d, answers %d (%v), revisions %d %v, comments %d, syntheses %d, divergent %d, events %d",
		len(people), len(answers), statuses, len(revs), rounds, len(comments), len(syns), divergent, counts["events"])

	// The printed return link logs the participant back in.
	i := strings.Index(out.String(), "/r/")
	token := strings.Fields(out.String()[i+3:])[0]
	if j, err := svc.Return(ctx, token, ""); err != nil || j.Participant.StakeholderGroup != "civil_society" {
		t.Errorf("return link: %v, %v", j, err)
	}

	t.Run("second run changes nothing", func(t *testing.T) {
		before := tableCounts(t, db)
		var again bytes.Buffer
		if err := runDemo(ctx, svc, &again); err != nil {
			t.Fatal(err)
		}
		if after := tableCounts(t, db); !maps.Equal(before, after) {
			t.Errorf("counts changed: %v → %v", before, after)
		}
		if s := again.String(); !strings.Contains(s, "already exists") || !strings.Contains(s, demoEmail) ||
			!strings.Contains(s, "/w/"+ws.ID) || strings.Count(s, "\n") != 1 {
			t.Errorf("second run printed %q", s)
		}
	})
}

func TestDemoSkipsDatabaseWithAccounts(t *testing.T) {
	ctx := context.Background()
	svc, db := newDemoService(t)
	if _, _, _, err := svc.Signup(ctx, tenants.Signup{Organization: "Real Ministry", Name: "Ana", Email: "ana@example.org", Password: "a-long-password"}); err != nil {
		t.Fatal(err)
	}
	before := tableCounts(t, db)
	var out bytes.Buffer
	if err := runDemo(ctx, svc, &out); err != nil {
		t.Fatal(err)
	}
	if after := tableCounts(t, db); !maps.Equal(before, after) {
		t.Errorf("counts changed: %v → %v", before, after)
	}
	if s := out.String(); !strings.Contains(s, "not created") || strings.Contains(s, demoPassword) || strings.Count(s, "\n") != 1 {
		t.Errorf("printed %q", s)
	}
}

package server_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"workshop/server/servertest"
)

// benchWorkshop sets up a tenant, a workspace and n participants in one group each of six.
func benchWorkshop(b *testing.B, n int) (*servertest.App, *servertest.Tenant, string, []*servertest.Participant) {
	b.Helper()
	app := servertest.New(b, servertest.Options{})
	tn := app.Signup(b, "Bench Org")
	ws := tn.Workspace(b, nil)
	groups := []string{"government", "regulator", "civil_society", "private_sector", "academia", "community"}
	tokens := map[string]string{}
	for _, g := range groups {
		tokens[g] = tn.Invite(b, ws, g, "participant")
	}
	var ps []*servertest.Participant
	for i := range n {
		ps = append(ps, app.Join(b, tokens[groups[i%len(groups)]], fmt.Sprintf("P%d", i), "Org"))
	}
	return app, tn, ws, ps
}

// BenchmarkSaveAnswer measures PUT /answers end to end (HTTP, validation, one immediate
// transaction with the revision and its event row, fsync with synchronous=FULL) from parallel
// participants.
func BenchmarkSaveAnswer(b *testing.B) {
	_, tn, ws, ps := benchWorkshop(b, 32)
	base := servertest.WSPath(tn.Slug, ws)
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		p := ps[int(next.Add(1))%len(ps)]
		i := 0
		for pb.Next() {
			i++
			r := p.Client.Do(http.MethodPut, base+"/answers/legal_basis.dp_law", map[string]any{"value": i % 5, "rationale": "bench"})
			if r.Status != http.StatusOK {
				b.Fatalf("status %d: %s", r.Status, r.Body)
			}
		}
	})
}

// BenchmarkWorkspacePage measures rendering the workspace page for a participant of a workspace
// with 60 participants who have answered every question of the first dimension.
func BenchmarkWorkspacePage(b *testing.B) {
	app, tn, ws, ps := benchWorkshop(b, 60)
	base := servertest.WSPath(tn.Slug, ws)
	in := app.Service.Catalogue.Instrument(app.Service.Catalogue.Current)
	for i, p := range ps {
		for _, q := range in.Dimensions[0].Questions {
			body := map[string]any{"status": "unknown"}
			if q.Kind == "maturity" {
				body = map[string]any{"value": i % 5, "rationale": "because"}
			}
			p.Client.Must(http.StatusOK, http.MethodPut, base+"/answers/"+q.ID, body)
		}
	}
	page := "/t/" + tn.Slug + "/w/" + ws
	b.ResetTimer()
	for b.Loop() {
		ps[0].Client.Must(http.StatusOK, http.MethodGet, page, nil)
	}
}

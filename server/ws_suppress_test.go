package server_test

import (
	"testing"

	"workshop/server/servertest"
)

// TestLiveSuppressesSmallGroups checks that live delivery applies min_group_size like GET answers:
// while a group has fewer answering participants for a question, other participants are not sent
// its answers; facilitators and the author are.
func TestLiveSuppressesSmallGroups(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, map[string]any{"title": "Small groups", "country": "Testland", "min_group_size": 2})
	base := servertest.WSPath(tn.Slug, ws)
	govInvite := tn.Invite(t, ws, "government", "participant")
	gov1 := app.Join(t, govInvite, "Asha", "Ministry of Health")
	gov2 := app.Join(t, govInvite, "Chen", "Treasury")
	cso := app.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Ben", "Data Rights Forum")

	fac, _ := tn.Owner.MustDialLive(tn.Slug, ws, "")
	author, _ := gov1.Client.MustDialLive(tn.Slug, ws, "")
	other, _ := cso.Client.MustDialLive(tn.Slug, ws, "")

	var first, marker, second struct{ Seq int64 }
	gov1.Client.Must(200, "PUT", base+"/answers/"+q1, map[string]any{"value": 3}).JSON(t, &first)
	tn.Owner.Must(200, "PATCH", base+"/session", map[string]any{"spotlight": q1}).JSON(t, &marker)
	gov2.Client.Must(200, "PUT", base+"/answers/"+q1, map[string]any{"value": 2}).JSON(t, &second)

	seqs := func(lc *servertest.LiveConn) map[int64]bool {
		out := map[int64]bool{}
		for _, m := range lc.Events(second.Seq) {
			out[m.Seq] = true
		}
		return out
	}
	if o := seqs(other); o[first.Seq] || !o[marker.Seq] || !o[second.Seq] {
		t.Fatalf("another participant received seqs %v; want %d withheld and %d, %d delivered", o, first.Seq, marker.Seq, second.Seq)
	}
	for who, lc := range map[string]*servertest.LiveConn{"facilitator": fac, "author": author} {
		if got := seqs(lc); !got[first.Seq] {
			t.Fatalf("%s did not receive the small group's answer: %v", who, got)
		}
	}
}

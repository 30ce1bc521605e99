package server_test

import (
	"net/http"
	"strings"
	"testing"

	"workshop/realtime/redisbroker/redistest"
	"workshop/server/servertest"
)

// twoInstances starts two apps that share one SQLite file and one Redis, like two instances behind
// a load balancer.
func twoInstances(t *testing.T, redisURL string) (a, b *servertest.App) {
	rtA := servertest.RealtimeLive(t, redisURL)
	a = servertest.New(t, servertest.Options{Live: rtA.Build})
	rtB := servertest.RealtimeLive(t, redisURL)
	b = servertest.New(t, servertest.Options{Live: rtB.Build, DBPath: a.DBPath})
	return a, b
}

// on returns a client of app that shares c's cookies (one browser talking to either instance).
func on(t *testing.T, app *servertest.App, c *servertest.Client) *servertest.Client {
	o := app.Client(t)
	o.HTTP.Jar = c.HTTP.Jar
	return o
}

func TestLiveWriteOnOneInstanceReachesAClientOnTheOther(t *testing.T) {
	r := redistest.Start(t)
	a, b := twoInstances(t, r.URL())
	tn := a.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	gov := a.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	cso := a.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Ben", "Data Rights Forum")
	onB, _ := on(t, b, cso.Client).MustDialLive(tn.Slug, ws, "")
	var saved struct{ Seq int64 }
	gov.Client.Must(http.StatusOK, "PUT", base+"/answers/"+q1, map[string]any{"value": 2}).JSON(t, &saved)
	evs := onB.Events(saved.Seq)
	if last := evs[len(evs)-1]; last.Type != "answer.saved" || last.Seq != saved.Seq {
		t.Fatalf("B got %s %d", last.Type, last.Seq)
	}
	// Presence crosses too: the facilitator on B sees Ben, connected to B, and Asha, on A.
	facB, _ := on(t, b, tn.Owner).MustDialLive(tn.Slug, ws, "")
	_, _ = gov.Client.MustDialLive(tn.Slug, ws, "")
	facB.Until("Asha's presence from A", func(m servertest.Message) bool {
		return m.Type == "presence" && strings.Contains(string(m.Data), `"display_name":"Asha"`)
	})
}

// TestLiveRedisKilledDuringWrites kills redis-server while instance A takes answers and starts it
// again: the client on instance B ends with every seq, in order, exactly once.
func TestLiveRedisKilledDuringWrites(t *testing.T) {
	r := redistest.Start(t)
	a, b := twoInstances(t, r.URL())
	tn := a.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	gov := a.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	cso := a.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Ben", "Data Rights Forum")
	onB, _ := on(t, b, cso.Client).MustDialLive(tn.Slug, ws, "since=0")
	var last int64
	save := func(n int) {
		for i := 0; i < n; i++ {
			var s struct{ Seq int64 }
			// Writes succeed while Redis is down: the broker's failure is logged, not returned.
			gov.Client.Must(http.StatusOK, "PUT", base+"/answers/"+q1, map[string]any{"value": i % 5}).JSON(t, &s)
			last = s.Seq
		}
	}
	save(15)
	r.Kill()
	save(15)
	r.Restart()
	save(15)
	got := onB.Events(last)
	for i, m := range got {
		if m.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: a gap or a duplicate", i, m.Seq)
		}
	}
	if int64(len(got)) != last {
		t.Fatalf("got %d events, want %d", len(got), last)
	}
}

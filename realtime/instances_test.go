package realtime

import (
	"encoding/json"
	"strings"
	"testing"

	"workshop/tenants"
)

// Two hubs on one Bus and one log behave like two instances sharing Redis and the database.
func twoInstances(t *testing.T) (a, b *env) {
	bus, log := NewBus(), newMemLog()
	a = newEnv(t, log, NewLocalBroker(bus))
	b = newEnv(t, log, NewLocalBroker(bus))
	return a, b
}

func TestEventCommittedOnOneInstanceReachesTheOther(t *testing.T) {
	a, b := twoInstances(t)
	onB := b.dial("p2", "since=0")
	onB.hello()
	onA := a.dial("p1", "since=0")
	onA.hello()
	var last int64
	for i := 0; i < 50; i++ {
		last = a.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}}).Seq
	}
	wantRange(t, seqs(onB.events(last)), 1, last)
	wantRange(t, seqs(onA.events(last)), 1, last)
}

func TestLostNoticesAreRepairedFromTheLog(t *testing.T) {
	a, b := twoInstances(t)
	onB := b.dial("p2", "since=0")
	onB.hello()
	t.Run("a gap shows at the next notice", func(t *testing.T) {
		// Three commits whose notices never reach B (a broker outage), then one that does.
		for i := 0; i < 3; i++ {
			a.log.append(tnt, wsp, tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
		}
		ev := a.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
		wantRange(t, seqs(onB.events(ev.Seq)), 1, ev.Seq)
	})
	t.Run("a lost last notice is found by the safety net", func(t *testing.T) {
		ev := a.log.append(tnt, wsp, tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
		wantRange(t, seqs(onB.events(ev.Seq)), ev.Seq, ev.Seq)
	})
	t.Run("after a resubscribe", func(t *testing.T) {
		ev := a.log.append(tnt, wsp, tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
		b.hub.Resubscribed("", "")
		wantRange(t, seqs(onB.events(ev.Seq)), ev.Seq, ev.Seq)
	})
}

func TestPresenceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	onA := a.dial("p1", "attr=group")
	onA.hello()
	// B learns of A's socket, in its hello or right after (A answers B's sync).
	fac := b.dial("fac", "attr=group")
	sees := func(c *client, h helloData, pid string) {
		t.Helper()
		for _, e := range h.Presence {
			if e.Who.ParticipantID == pid {
				return
			}
		}
		c.until("presence of "+pid, func(m Envelope) bool {
			return m.Type == TypePresence && strings.Contains(string(m.Data), `"participant_id":"`+pid+`"`)
		})
	}
	sees(fac, fac.hello(), "p1")
	// A participant on B sees A's participant without a name under group attribution.
	p2 := b.dial("p2", "attr=group")
	h := p2.hello()
	var found *presenceEntry
	for {
		for i := range h.Presence {
			if h.Presence[i].Who.StakeholderGroup == "government" {
				found = &h.Presence[i]
			}
		}
		if found != nil {
			break
		}
		m := p2.until("presence", func(m Envelope) bool { return m.Type == TypePresence })
		var d presenceData
		_ = json.Unmarshal(m.Data, &d)
		h.Presence = []presenceEntry{{ID: d.ID, Who: d.Who}}
	}
	if found.Who.DisplayName != "" || found.Who.ParticipantID != "" {
		t.Fatalf("group attribution leaked through presence: %+v", found.Who)
	}
	// Focus on A reaches B, named for the facilitator.
	onA.send(map[string]any{"type": "focus", "data": map[string]string{"question_id": "inclusion.offline"}})
	m := fac.until("the focus from A", func(m Envelope) bool {
		return m.Type == TypePresence && strings.Contains(string(m.Data), `"focus"`) && strings.Contains(string(m.Data), "inclusion.offline")
	})
	if !strings.Contains(string(m.Data), `"display_name":"Asha"`) {
		t.Fatalf("facilitator's presence = %s", m.Data)
	}
	// A's socket leaves: B hears it.
	_ = onA.ws.CloseNow()
	fac.until("A's socket leaving", func(m Envelope) bool {
		return m.Type == TypePresence && strings.Contains(string(m.Data), `"left"`) && strings.Contains(string(m.Data), `"p1"`)
	})
}

func TestCloseSessionReachesEveryInstance(t *testing.T) {
	a, b := twoInstances(t)
	onA, onB := a.dial("p1", "session=s"), b.dial("p1", "session=s")
	keep := b.dial("p2", "")
	for _, c := range []*client{onA, onB, keep} {
		c.hello()
	}
	a.hub.CloseSession("s")
	for _, c := range []*client{onA, onB} {
		if st := c.closeStatus(); st != StatusAccessEnded {
			t.Fatalf("closed with %d, want 4001", st)
		}
	}
	ev := a.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
	keep.events(ev.Seq)
}

func TestRemovalOnOneInstanceClosesSocketsOnTheOther(t *testing.T) {
	a, b := twoInstances(t)
	onB := b.dial("p1", "")
	onB.hello()
	a.publish(tenants.EventParticipantRemoved, tenants.EventData{Participant: &tenants.Participant{ID: "p1"}})
	if st := onB.closeStatus(); st != StatusAccessEnded {
		t.Fatalf("closed with %d, want 4001", st)
	}
}

func TestRoomsAreSeparate(t *testing.T) {
	e := newEnv(t, nil, nil)
	w1, w2 := e.dial("p1", "since=0"), e.dial("w2p1", "since=0")
	w1.hello()
	w2.hello()
	e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
	other := e.log.append(tnt, "workspace2", tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 7}})
	e.hub.Publish(other)
	if got := w2.events(1); len(got) != 1 || !strings.Contains(string(got[0].Data), `"round":7`) {
		t.Fatalf("workspace2 got %s", got[0].Data)
	}
	if got := w1.events(1); strings.Contains(string(got[0].Data), `"round":7`) {
		t.Fatal("workspace1 got workspace2's event")
	}
	if s := e.hub.Stats(); s.Rooms != 2 || s.Conns != 2 {
		t.Fatalf("stats = %+v", s)
	}
}

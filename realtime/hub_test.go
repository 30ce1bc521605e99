package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"workshop/tenants"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestEveryClientGetsEveryEventOnceInOrder(t *testing.T) {
	// The queue holds the whole burst: this test is about order and exactly-once, not slowness.
	e := newEnv(t, nil, nil, func(c *Config, _ *httptest.Server) { c.QueueSize = 1024 })
	const clients, events, writers = 6, 300, 4
	cs := make([]*client, clients)
	for i := range cs {
		cs[i] = e.dial([]string{"fac", "p1", "p2", "p3", "obs", "p1"}[i], "since=0")
		cs[i].hello()
	}
	// Several writers commit and publish concurrently, so Publish calls arrive out of seq order.
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < events/writers; i++ {
				e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
			}
		}()
	}
	got := make([][]int64, clients)
	var rg sync.WaitGroup
	for i, c := range cs {
		rg.Add(1)
		go func() {
			defer rg.Done()
			got[i] = seqs(c.events(events))
		}()
	}
	wg.Wait()
	rg.Wait()
	for i := range cs {
		wantRange(t, got[i], 1, events)
	}
}

func TestHelloCarriesHeadPresenceAndServerData(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
	e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 2}})
	a := e.dial("p1", "")
	h := a.hello()
	if h.Seq != 2 || len(h.Presence) != 1 || h.Presence[0].Who.DisplayName != "Asha" || string(h.Session) != `{"round":1}` || len(h.You) == 0 {
		t.Fatalf("hello = %+v", h)
	}
	// Without since nothing is replayed: the next event is live.
	e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 3}})
	if m := a.until("an event", func(m Envelope) bool { return m.Seq > 0 }); m.Seq != 3 || m.Type != tenants.EventSessionUpdated {
		t.Fatalf("first event = %s %d, want session.updated 3", m.Type, m.Seq)
	}
}

func TestResumeDeliversExactlyTheMissedEvents(t *testing.T) {
	e := newEnv(t, nil, nil)
	for i := 0; i < 5; i++ {
		e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
	}
	c := e.dial("p2", "since=0")
	c.hello()
	wantRange(t, seqs(c.events(5)), 1, 5)
	_ = c.ws.Close(websocket.StatusNormalClosure, "")
	for i := 0; i < 7; i++ {
		e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
	}
	c = e.dial("p2", "since=5")
	if h := c.hello(); h.Seq != 12 {
		t.Fatalf("hello seq = %d, want 12", h.Seq)
	}
	e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
	wantRange(t, seqs(c.events(13)), 6, 13)
}

func TestResyncWhenSinceCannotBeReplayed(t *testing.T) {
	e := newEnv(t, nil, nil, func(c *Config, _ *httptest.Server) { c.ReplayLimit = 10 })
	for i := 0; i < 20; i++ {
		e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
	}
	for _, tc := range []struct{ name, since, reason string }{
		{"too far behind", "since=5", "too_old"},
		{"ahead of the log", "since=99", "ahead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head, _ := e.log.LatestSeq(context.Background(), tnt, wsp)
			c := e.dial("p1", tc.since)
			c.hello()
			m := c.next()
			var d struct {
				Seq    int64  `json:"seq"`
				Reason string `json:"reason"`
			}
			_ = json.Unmarshal(m.Data, &d)
			if m.Type != TypeResync || m.Seq != 0 || d.Seq != head || d.Reason != tc.reason {
				t.Fatalf("got %s seq %d data %s, want resync to %d (%s)", m.Type, m.Seq, m.Data, head, tc.reason)
			}
			n := e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}}).Seq
			if got := seqs(c.events(n)); len(got) != 1 || got[0] != n {
				t.Fatalf("after resync got %v, want only the live %d", got, n)
			}
		})
	}
	t.Run("within the limit", func(t *testing.T) {
		c := e.dial("p1", "since=15")
		c.hello()
		if m := c.next(); m.Type == TypeResync || m.Seq != 16 {
			t.Fatalf("got %s %d, want the replay from 16", m.Type, m.Seq)
		}
	})
}

// TestJoiningDuringWritesHasNoGapAndNoDuplicate connects clients while events are being committed
// as fast as the machine allows: each must see every seq after its since exactly once, whatever the
// interleaving with the replay. A client that falls behind is closed with 1013 and, like the
// browser, resumes from the last seq it saw.
func TestJoiningDuringWritesHasNoGapAndNoDuplicate(t *testing.T) {
	e := newEnv(t, nil, nil)
	const total, before = 400, 60
	for i := 0; i < before; i++ { // every since below is in the log, so none is answered with resync
		e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := before; i < total; i++ {
			e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := 0; i < 8; i++ {
		since := int64(i * 7)
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := since
			for attempt := 0; last < total && attempt < 50; attempt++ {
				c, _, err := e.tryDial("p1", "since="+strconv.FormatInt(last, 10), nil)
				if err != nil {
					errs <- fmt.Sprintf("dial: %v", err)
					return
				}
				if m, err := c.read(); err != nil || m.Type != TypeHello {
					errs <- fmt.Sprintf("no hello: %v", err)
					return
				}
				for last < total {
					m, err := c.read()
					if websocket.CloseStatus(err) == websocket.StatusTryAgainLater {
						break // resume
					}
					if err != nil {
						errs <- fmt.Sprintf("since %d: %v after %d", since, err, last)
						return
					}
					if m.Seq == 0 {
						continue
					}
					if m.Seq != last+1 {
						errs <- fmt.Sprintf("since %d: got seq %d after %d", since, m.Seq, last)
						return
					}
					last = m.Seq
				}
				_ = c.ws.CloseNow()
			}
			if last != total {
				errs <- fmt.Sprintf("since %d: ended at %d", since, last)
			}
		}()
	}
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSlowClientIsClosedWith1013AndOthersGetEverything(t *testing.T) {
	e := newEnv(t, nil, nil, smallBuffers, func(c *Config, _ *httptest.Server) {
		c.QueueSize = 32
		c.WriteTimeout = time.Minute // the close must wait for the slow reader, not time out
	})
	fast := []*client{e.dial("fac", "since=0"), e.dial("p2", "since=0")}
	for _, c := range fast {
		c.hello()
	}
	slow, _, err := e.tryDial("p1", "since=0", smallReceiveBuffer())
	if err != nil {
		t.Fatal(err)
	}
	// The slow client reads nothing from here on. Each batch waits until the fast clients have it,
	// so only the slow one falls behind.
	big := strings.Repeat("x", 3000)
	const batches, per = 25, 8
	seen := make([]int64, len(fast))
	for b := 0; b < batches; b++ {
		for i := 0; i < per; i++ {
			e.publish(tenants.EventCommentCreated, tenants.EventData{Comment: &tenants.Comment{ID: "c", QuestionID: "q", Body: big, Author: tenants.Author{ParticipantID: "p3"}}})
		}
		for i, c := range fast {
			got := seqs(c.events(int64((b + 1) * per)))
			wantRange(t, got, seen[i]+1, int64((b+1)*per))
			seen[i] = int64((b + 1) * per)
		}
	}
	if e.hub.Stats().Slow == 0 {
		t.Fatal("the slow client was not counted as slow")
	}
	// Now it reads: what it got is a prefix of the log, then the 1013 close.
	if m := slow.next(); m.Type != TypeHello {
		t.Fatalf("slow client's first message = %s", m.Type)
	}
	var last int64
	for {
		m, err := slow.read()
		if err != nil {
			if st := websocket.CloseStatus(err); st != websocket.StatusTryAgainLater {
				t.Fatalf("slow client ended with %v (status %d), want 1013", err, st)
			}
			break
		}
		if m.Seq != last+1 {
			t.Fatalf("slow client got seq %d after %d", m.Seq, last)
		}
		last = m.Seq
	}
	if last >= batches*per {
		t.Fatalf("slow client got all %d events; it was never slow", last)
	}
	// It reconnects and resumes from what it has: nothing lost.
	again := e.dial("p1", "since="+strconv.FormatInt(last, 10))
	again.hello()
	wantRange(t, seqs(again.events(batches*per)), last+1, batches*per)
}

func TestOversizedClientMessageCloses1009(t *testing.T) {
	e := newEnv(t, nil, nil)
	c := e.dial("p1", "")
	c.hello()
	c.send(map[string]any{"type": "focus", "data": map[string]string{"question_id": strings.Repeat("a", 5000)}})
	if st := c.closeStatus(); st != websocket.StatusMessageTooBig {
		t.Fatalf("close status = %d, want 1009", st)
	}
	eventually(t, "the socket to leave the registry", func() bool { return e.hub.Stats().Conns == 0 })
	if e.hub.Stats().TooBig != 1 {
		t.Fatalf("stats = %+v", e.hub.Stats())
	}
}

func TestClientMessages(t *testing.T) {
	e := newEnv(t, nil, nil)
	t.Run("unknown type gets an error, not a close", func(t *testing.T) {
		c := e.dial("p1", "")
		c.hello()
		c.send(map[string]any{"type": "dance"})
		m := c.next()
		var d errorData
		_ = json.Unmarshal(m.Data, &d)
		if m.Type != TypeError || m.Seq != 0 || d.Code != "unknown_type" {
			t.Fatalf("got %s %s", m.Type, m.Data)
		}
		c.send("not an object")
		if m := c.next(); m.Type != TypeError {
			t.Fatalf("got %s, want error", m.Type)
		}
		// Still open: an event reaches it.
		ev := e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
		c.events(ev.Seq)
	})
	t.Run("focus updates presence for the others", func(t *testing.T) {
		a, b := e.dial("p1", ""), e.dial("p2", "")
		a.hello()
		hb := b.hello()
		if len(hb.Presence) < 2 {
			t.Fatalf("b's hello presence = %+v", hb.Presence)
		}
		b.send(map[string]any{"type": "focus", "data": map[string]string{"question_id": "legal_basis.dp_law"}})
		m := a.until("p2's focus", func(m Envelope) bool { return m.Type == TypePresence && strings.Contains(string(m.Data), `"focus"`) })
		var d presenceData
		_ = json.Unmarshal(m.Data, &d)
		if d.Who.ParticipantID != "p2" || d.Who.DisplayName != "Ben" || d.Who.StakeholderGroup != "civil_society" || d.Who.Role != "participant" || d.QuestionID != "legal_basis.dp_law" {
			t.Fatalf("focus presence = %+v", d)
		}
		b.send(map[string]any{"type": "focus", "data": map[string]string{"question_id": "<script>"}})
		if m := b.until("an error", func(m Envelope) bool { return m.Type == TypeError }); !strings.Contains(string(m.Data), "invalid") {
			t.Fatalf("bad focus answered %s", m.Data)
		}
		_ = b.ws.Close(websocket.StatusNormalClosure, "")
		a.until("p2 leaving", func(m Envelope) bool {
			return m.Type == TypePresence && strings.Contains(string(m.Data), `"left"`) && strings.Contains(string(m.Data), `"p2"`)
		})
	})
}

func TestRateLimitGetsErrorThenClose1008(t *testing.T) {
	e := newEnv(t, nil, nil, func(c *Config, _ *httptest.Server) { c.MessageRate, c.MessageBurst = 0.001, 2 })
	c := e.dial("p1", "")
	c.hello()
	for i := 0; i < 12; i++ {
		c.send(map[string]any{"type": "focus", "data": map[string]string{"question_id": "q" + strconv.Itoa(i)}})
	}
	c.until("a rate_limited error", func(m Envelope) bool {
		return m.Type == TypeError && strings.Contains(string(m.Data), "rate_limited")
	})
	if st := c.closeStatus(); st != websocket.StatusPolicyViolation {
		t.Fatalf("close status = %d, want 1008", st)
	}
}

func TestPerViewerFiltering(t *testing.T) {
	e := newEnv(t, nil, nil)
	fac, author, other, obs := e.dial("fac", ""), e.dial("p1", ""), e.dial("p2", ""), e.dial("obs", "")
	for _, c := range []*client{fac, author, other, obs} {
		c.hello()
	}
	blind := e.publish(tenants.EventAnswerSaved, answerEvent("p1", "Asha", "government", 3, true, tenants.AttributionNamed))
	group := e.publish(tenants.EventAnswerSaved, answerEvent("p1", "Asha", "government", 2, false, tenants.AttributionGroup))
	hidden := e.publish(tenants.EventCommentHidden, tenants.EventData{Comment: &tenants.Comment{ID: "c1", QuestionID: "q", Body: "secret words",
		Hidden: true, HiddenReason: "off topic", Author: tenants.Author{ParticipantID: "p1", DisplayName: "Asha"}}, Attribution: tenants.AttributionNamed})
	type answerOut struct {
		Answer struct {
			ParticipantID string          `json:"participant_id"`
			DisplayName   string          `json:"display_name"`
			Value         json.RawMessage `json:"value"`
			Rationale     string          `json:"rationale"`
			Redacted      bool            `json:"redacted"`
		} `json:"answer"`
		Comment struct {
			Body         string `json:"body"`
			HiddenReason string `json:"hidden_reason"`
		} `json:"comment"`
		Blind bool `json:"blind"`
	}
	get := func(c *client) map[int64]answerOut {
		out := map[int64]answerOut{}
		for _, m := range c.events(hidden.Seq) {
			var d answerOut
			if err := json.Unmarshal(m.Data, &d); err != nil {
				t.Fatal(err)
			}
			out[m.Seq] = d
		}
		return out
	}
	f, a, o, ob := get(fac), get(author), get(other), get(obs)
	if string(f[blind.Seq].Answer.Value) != "3" || string(a[blind.Seq].Answer.Value) != "3" {
		t.Fatalf("facilitator and author must see the blind value: %+v %+v", f[blind.Seq], a[blind.Seq])
	}
	for name, got := range map[string]answerOut{"participant": o[blind.Seq], "observer": ob[blind.Seq]} {
		if v := string(got.Answer.Value); (v != "" && v != "null") || got.Answer.Rationale != "" || !got.Answer.Redacted || got.Blind {
			t.Fatalf("%s saw the blind answer: %+v", name, got)
		}
	}
	if o[group.Seq].Answer.DisplayName != "" || o[group.Seq].Answer.ParticipantID != "" || string(o[group.Seq].Answer.Value) != "2" {
		t.Fatalf("group attribution leaked a name: %+v", o[group.Seq])
	}
	if f[group.Seq].Answer.DisplayName != "Asha" || a[group.Seq].Answer.DisplayName != "Asha" {
		t.Fatalf("facilitator and author keep the name: %+v %+v", f[group.Seq], a[group.Seq])
	}
	if o[hidden.Seq].Comment.Body != "" || o[hidden.Seq].Comment.HiddenReason != "" {
		t.Fatalf("a participant got a hidden comment's body: %+v", o[hidden.Seq])
	}
	if f[hidden.Seq].Comment.Body != "secret words" || a[hidden.Seq].Comment.Body != "secret words" {
		t.Fatalf("facilitator and author keep the body: %+v %+v", f[hidden.Seq], a[hidden.Seq])
	}
}

func TestReplayFiltersLikeLiveDelivery(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.publish(tenants.EventAnswerSaved, answerEvent("p1", "Asha", "government", 4, true, tenants.AttributionGroup))
	e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{Round: 1}})
	c := e.dial("p2", "since=0")
	c.hello()
	evs := c.events(2)
	if len(evs) != 2 || strings.Contains(string(evs[0].Data), "Asha") || strings.Contains(string(evs[0].Data), `"value":4`) {
		t.Fatalf("replay = %s", evs[0].Data)
	}
}

// TestAudienceKeyAgreesWithEventFor guards the shared-bytes optimisation: viewers with the same
// audience key must get identical bytes from tenants.EventFor.
func TestAudienceKeyAgreesWithEventFor(t *testing.T) {
	log := newMemLog()
	datas := []tenants.EventData{
		answerEvent("p1", "Asha", "government", 3, true, tenants.AttributionGroup),
		answerEvent("p2", "Ben", "civil_society", 1, false, tenants.AttributionNamed),
		{Comment: &tenants.Comment{ID: "c", Body: "b", Hidden: true, Author: tenants.Author{ParticipantID: "p1", DisplayName: "Asha"}}, Attribution: tenants.AttributionGroup},
		{Comment: &tenants.Comment{ID: "c", Body: "b", Author: tenants.Author{UserID: "u1", DisplayName: "Fran", Facilitator: true}}, Attribution: tenants.AttributionGroup},
		{Participant: &tenants.Participant{ID: "p3", DisplayName: "Chen", StakeholderGroup: "academia"}, Attribution: tenants.AttributionGroup},
		{Synthesis: &tenants.Synthesis{QuestionID: "q", Status: "agreed", UpdatedBy: "Fran"}},
		{Session: &tenants.SessionState{Blind: true}},
	}
	for i, d := range datas {
		e := log.append(tnt, wsp, tenants.EventAnswerSaved, d)
		bytesOf := map[string]string{}
		for name, v := range viewers {
			if v.WorkspaceID != wsp {
				continue
			}
			var pd tenants.EventData
			_ = json.Unmarshal(e.Data, &pd)
			key := audienceKey(&pd, v)
			out, _, ok := tenants.EventFor(e, v)
			got := fmt.Sprint(ok, string(out.Data))
			if prev, seen := bytesOf[key]; seen && prev != got {
				t.Fatalf("event %d: viewers with key %q differ (%s): %s vs %s", i, key, name, prev, got)
			}
			bytesOf[key] = got
		}
	}
}

func TestParticipantRemovedEventClosesTheirSockets(t *testing.T) {
	e := newEnv(t, nil, nil)
	gone, stays := e.dial("p1", ""), e.dial("p2", "")
	gone.hello()
	stays.hello()
	ev := e.publish(tenants.EventParticipantRemoved, tenants.EventData{Participant: &tenants.Participant{ID: "p1"}})
	if st := gone.closeStatus(); st != StatusAccessEnded {
		t.Fatalf("removed participant's socket closed with %d, want 4001", st)
	}
	stays.events(ev.Seq)
}

func TestCloseSessionAndParticipant(t *testing.T) {
	e := newEnv(t, nil, nil)
	s1a, s1b := e.dial("p1", "session=one"), e.dial("fac", "session=one")
	other := e.dial("p1", "session=two")
	p2 := e.dial("p2", "")
	for _, c := range []*client{s1a, s1b, other, p2} {
		c.hello()
	}
	e.hub.CloseSession("one")
	for _, c := range []*client{s1a, s1b} {
		if st := c.closeStatus(); st != StatusAccessEnded {
			t.Fatalf("session socket closed with %d, want 4001", st)
		}
	}
	e.hub.CloseParticipant(tnt, "p1")
	if st := other.closeStatus(); st != StatusAccessEnded {
		t.Fatalf("participant socket closed with %d, want 4001", st)
	}
	ev := e.publish(tenants.EventSessionUpdated, tenants.EventData{Session: &tenants.SessionState{}})
	p2.events(ev.Seq) // untouched
}

func TestShutdownCloses1012AndRefusesNewSockets(t *testing.T) {
	e := newEnv(t, nil, nil)
	cs := []*client{e.dial("p1", ""), e.dial("p2", ""), e.dial("fac", "")}
	for _, c := range cs {
		c.hello()
	}
	e.hub.Shutdown()
	for _, c := range cs {
		if st := c.closeStatus(); st != websocket.StatusServiceRestart {
			t.Fatalf("close status = %d, want 1012", st)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !e.hub.Wait(ctx) {
		t.Fatal("handlers did not return")
	}
	_, resp, err := e.tryDial("p1", "", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after shutdown: %v %v", err, resp)
	}
}

func TestTooManySocketsPerSession(t *testing.T) {
	e := newEnv(t, nil, nil, func(c *Config, _ *httptest.Server) { c.MaxConnsPerSession = 2 })
	e.dial("p1", "").hello()
	e.dial("p1", "").hello()
	_, resp, err := e.tryDial("p1", "", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third socket: %v %v", err, resp)
	}
}

func TestForeignOriginRefusedBeforeUpgrade(t *testing.T) {
	e := newEnv(t, nil, nil, func(c *Config, _ *httptest.Server) { c.OriginPatterns = []string{"https://assess.example.org"} })
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"https://evil.example", false},
		{"http://assess.example.org", false}, // scheme matters
		{"https://assess.example.org", true},
		{e.srv.URL, true}, // the request's own host
	} {
		_, resp, err := e.tryDial("p1", "", &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {tc.origin}}})
		if tc.ok != (err == nil) {
			t.Fatalf("origin %s: err %v", tc.origin, err)
		}
		if !tc.ok && (resp == nil || resp.StatusCode != http.StatusForbidden) {
			t.Fatalf("origin %s: response %v, want 403", tc.origin, resp)
		}
	}
}

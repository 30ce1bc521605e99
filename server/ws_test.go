package server_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"workshop/realtime"
	"workshop/server/servertest"
)

const q1 = "legal_basis.dp_law"

// liveApp is an app with the real hub (in-process broker).
func liveApp(t *testing.T) (*servertest.App, *servertest.Realtime) {
	rt := servertest.RealtimeLive(t, "")
	return servertest.New(t, servertest.Options{Live: rt.Build}), rt
}

func TestLiveRefusedBeforeUpgrade(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws1 := tn.Workspace(t, nil)
	ws2 := tn.Workspace(t, map[string]any{"title": "Second", "country": "Testland"})
	gov := app.Join(t, tn.Invite(t, ws1, "government", "participant"), "Asha", "Ministry of Health")
	other := app.Signup(t, "Other Org")
	otherWS := other.Workspace(t, nil)
	evil := http.Header{"Origin": {"https://evil.example"}}
	for _, tc := range []struct {
		name   string
		c      *servertest.Client
		slug   string
		ws     string
		query  string
		header http.Header
		status int
	}{
		{"anonymous", app.Client(t), tn.Slug, ws1, "", nil, http.StatusUnauthorized},
		{"another tenant's workspace", gov.Client, other.Slug, otherWS, "", nil, http.StatusNotFound},
		{"a member of another tenant", other.Owner, tn.Slug, ws1, "", nil, http.StatusNotFound},
		{"another workspace of the tenant", gov.Client, tn.Slug, ws2, "", nil, http.StatusNotFound},
		{"a foreign origin", tn.Owner, tn.Slug, ws1, "", evil, http.StatusForbidden},
		{"a bad since", gov.Client, tn.Slug, ws1, "since=-1", nil, http.StatusBadRequest},
		{"the participant", gov.Client, tn.Slug, ws1, "since=0", nil, http.StatusSwitchingProtocols},
		{"the facilitator from our origin", tn.Owner, tn.Slug, ws1, "", http.Header{"Origin": {app.URL}}, http.StatusSwitchingProtocols},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lc, resp, err := tc.c.DialLive(tc.slug, tc.ws, tc.query, tc.header)
			if resp == nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%v)", resp.StatusCode, tc.status, err)
			}
			if tc.status == http.StatusSwitchingProtocols {
				if m := lc.Next(); m.Type != realtime.TypeHello {
					t.Fatalf("first message %s", m.Type)
				}
			} else if err == nil {
				t.Fatal("upgraded anyway")
			}
		})
	}
}

func TestLiveHelloAndEventsFromTheAPI(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	gov := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	lc, hello := gov.Client.MustDialLive(tn.Slug, ws, "")
	var h struct {
		Seq      int64                              `json:"seq"`
		You      struct{ DisplayName, Role string } `json:"you"`
		Session  struct{ Round int }                `json:"session"`
		Presence []struct {
			Who struct {
				DisplayName string `json:"display_name"`
			} `json:"who"`
		} `json:"presence"`
	}
	if err := json.Unmarshal(hello.Data, &h); err != nil {
		t.Fatal(err)
	}
	if h.Seq == 0 || h.Session.Round != 1 || len(h.Presence) != 1 || h.Presence[0].Who.DisplayName != "Asha" {
		t.Fatalf("hello = %s", hello.Data)
	}
	var saved struct{ Seq int64 }
	gov.Client.Must(200, "PUT", base+"/answers/"+q1, map[string]any{"value": 3, "rationale": "In force."}).JSON(t, &saved)
	var c struct{ Seq int64 }
	gov.Client.Must(201, "POST", base+"/questions/"+q1+"/comments", map[string]any{"body": "See the act."}).JSON(t, &c)
	var s struct{ Seq int64 }
	tn.Owner.Must(200, "PATCH", base+"/session", map[string]any{"spotlight": q1}).JSON(t, &s)
	evs := lc.Events(s.Seq)
	types := []string{}
	for _, m := range evs {
		types = append(types, m.Type+":"+strconv.FormatInt(m.Seq, 10))
	}
	want := []string{"answer.saved:" + strconv.FormatInt(saved.Seq, 10), "comment.created:" + strconv.FormatInt(c.Seq, 10), "session.updated:" + strconv.FormatInt(s.Seq, 10)}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Fatalf("events %v, want %v", types, want)
	}
}

func TestLiveBlindAndGroupAttributionOnTheWire(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, map[string]any{"title": "Group mode", "country": "Testland", "attribution": "group"})
	base := servertest.WSPath(tn.Slug, ws)
	gov := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	cso := app.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Ben", "Data Rights Forum")
	tn.Owner.Must(200, "PATCH", base+"/session", map[string]any{"blind": true})

	fac, _ := tn.Owner.MustDialLive(tn.Slug, ws, "")
	author, _ := gov.Client.MustDialLive(tn.Slug, ws, "")
	other, hello := cso.Client.MustDialLive(tn.Slug, ws, "")
	if strings.Contains(string(hello.Data), "Asha") {
		t.Fatalf("presence in hello names another participant under group attribution: %s", hello.Data)
	}

	var saved struct{ Seq int64 }
	gov.Client.Must(200, "PUT", base+"/answers/"+q1, map[string]any{"value": 3, "rationale": "The act is in force."}).JSON(t, &saved)
	var com struct {
		Comment struct{ ID string } `json:"comment"`
		Seq     int64
	}
	gov.Client.Must(201, "POST", base+"/questions/"+q1+"/comments", map[string]any{"body": "Off-topic remark"}).JSON(t, &com)
	var hid struct{ Seq int64 }
	tn.Owner.Must(200, "POST", base+"/comments/"+com.Comment.ID+"/hide", map[string]any{"reason": "off topic"}).JSON(t, &hid)

	type wire struct {
		Answer *struct {
			ParticipantID string          `json:"participant_id"`
			DisplayName   string          `json:"display_name"`
			Value         json.RawMessage `json:"value"`
			Rationale     string          `json:"rationale"`
			Redacted      bool            `json:"redacted"`
		} `json:"answer"`
		Comment *struct {
			Body   string `json:"body"`
			Author struct {
				DisplayName string `json:"display_name"`
			} `json:"author"`
		} `json:"comment"`
	}
	read := func(lc *servertest.LiveConn) map[int64]wire {
		out := map[int64]wire{}
		for _, m := range lc.Events(hid.Seq) {
			var w wire
			if err := json.Unmarshal(m.Data, &w); err != nil {
				t.Fatal(err)
			}
			out[m.Seq] = w
		}
		return out
	}
	f, a, o := read(fac), read(author), read(other)
	if got := o[saved.Seq].Answer; got == nil || (len(got.Value) > 0 && string(got.Value) != "null") || got.Rationale != "" || !got.Redacted || got.DisplayName != "" || got.ParticipantID != "" {
		t.Fatalf("another participant saw %+v", got)
	}
	for who, w := range map[string]wire{"facilitator": f[saved.Seq], "author": a[saved.Seq]} {
		if w.Answer == nil || string(w.Answer.Value) != "3" || w.Answer.DisplayName != "Asha" {
			t.Fatalf("%s saw %+v", who, w.Answer)
		}
	}
	if got := o[com.Seq].Comment; got == nil || got.Author.DisplayName != "" || got.Body != "Off-topic remark" {
		t.Fatalf("another participant saw the comment as %+v", got)
	}
	if got := o[hid.Seq].Comment; got == nil || got.Body != "" {
		t.Fatalf("another participant got the hidden comment's body: %+v", got)
	}
	if f[hid.Seq].Comment.Body == "" || a[hid.Seq].Comment.Body == "" {
		t.Fatal("facilitator and author keep the hidden comment's body")
	}
}

func TestLiveResumeDeliversExactlyTheMissedEvents(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	gov := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	save := func(v int) int64 {
		var r struct{ Seq int64 }
		gov.Client.Must(200, "PUT", base+"/answers/"+q1, map[string]any{"value": v % 5}).JSON(t, &r)
		return r.Seq
	}
	lc, hello := gov.Client.MustDialLive(tn.Slug, ws, "since=0")
	var h struct{ Seq int64 }
	_ = json.Unmarshal(hello.Data, &h)
	first := save(1)
	got := lc.Events(first)
	if got[len(got)-1].Seq != first || int64(len(got)) != first {
		t.Fatalf("replay and live before the disconnect: %d events up to %d", len(got), got[len(got)-1].Seq)
	}
	_ = lc.WS.Close(websocket.StatusGoingAway, "tab closed")
	var missed []int64
	for i := 0; i < 5; i++ {
		missed = append(missed, save(i))
	}
	lc, _ = gov.Client.MustDialLive(tn.Slug, ws, "since="+strconv.FormatInt(first, 10))
	next := save(4)
	evs := lc.Events(next)
	if len(evs) != len(missed)+1 {
		t.Fatalf("got %d events after resuming, want %d", len(evs), len(missed)+1)
	}
	for i, s := range append(missed, next) {
		if evs[i].Seq != s {
			t.Fatalf("event %d has seq %d, want %d", i, evs[i].Seq, s)
		}
	}
}

func TestLiveLogoutClosesTheSocket(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	lc, _ := tn.Owner.MustDialLive(tn.Slug, ws, "")
	tn.Owner.Must(http.StatusNoContent, "POST", "/api/v1/logout", nil)
	if st := lc.CloseStatus(); st != realtime.StatusAccessEnded {
		t.Fatalf("socket closed with %d, want 4001", st)
	}
}

func TestLiveParticipantRemovalClosesTheSocket(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	gov := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	cso := app.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Ben", "Data Rights Forum")
	gone, _ := gov.Client.MustDialLive(tn.Slug, ws, "")
	stays, _ := cso.Client.MustDialLive(tn.Slug, ws, "")
	var r struct{ Seq int64 }
	tn.Owner.Must(200, "DELETE", servertest.WSPath(tn.Slug, ws)+"/participants/"+gov.ID, nil).JSON(t, &r)
	if st := gone.CloseStatus(); st != realtime.StatusAccessEnded {
		t.Fatalf("removed participant's socket closed with %d, want 4001", st)
	}
	if evs := stays.Events(r.Seq); evs[len(evs)-1].Type != "participant.removed" {
		t.Fatalf("others got %s", evs[len(evs)-1].Type)
	}
	if _, resp, err := gov.Client.DialLive(tn.Slug, ws, "", nil); err == nil || resp == nil || resp.StatusCode < 400 {
		t.Fatalf("removed participant reconnected: %v", resp)
	}
}

func TestLiveShutdownSends1012(t *testing.T) {
	app, rt := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	a, _ := tn.Owner.MustDialLive(tn.Slug, ws, "")
	gov := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	b, _ := gov.Client.MustDialLive(tn.Slug, ws, "")
	rt.Hub.Shutdown()
	for _, lc := range []*servertest.LiveConn{a, b} {
		if st := lc.CloseStatus(); st != websocket.StatusServiceRestart {
			t.Fatalf("closed with %d, want 1012", st)
		}
	}
}

func TestLiveOversizedAndUnknownClientMessages(t *testing.T) {
	app, _ := liveApp(t)
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	lc, _ := tn.Owner.MustDialLive(tn.Slug, ws, "")
	write := func(s string) {
		if err := lc.WS.Write(t.Context(), websocket.MessageText, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"type":"subscribe","data":{}}`)
	if m := lc.Until("an error", func(m servertest.Message) bool { return m.Type == realtime.TypeError }); !strings.Contains(string(m.Data), "unknown_type") {
		t.Fatalf("unknown type answered %s", m.Data)
	}
	write(`{"type":"focus","data":{"question_id":"` + q1 + `"}}`)
	write(`{"type":"focus","data":{"question_id":"` + strings.Repeat("x", 5000) + `"}}`)
	if st := lc.CloseStatus(); st != websocket.StatusMessageTooBig {
		t.Fatalf("closed with %d, want 1009", st)
	}
}

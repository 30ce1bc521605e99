package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"workshop/server/servertest"
)

// FuzzAnswerBody sends arbitrary bodies as an answer save through the real engine: the answer is
// a 200 with a stored value that fits the question, or a contract error below 500 that leaks
// nothing.
func FuzzAnswerBody(f *testing.F) {
	for _, s := range []string{
		`{"value":2}`, `{"value":"consent"}`, `{"value":[1,2]}`, `{"status":"unknown"}`, `{"value":2,"evidence":[{"url":"javascript:x"}]}`,
		`{"value":`, `[]`, `null`, "\xff", `{"value":1e999}`, `{"value":2}}`, `{"value":2,"value":3}`, strings.Repeat("[", 3000),
		`{"value":2,"rationale":"\u0000"}`, `{"value":{"$ne":1}}`, `{"value":-0}`, `{"value":4.0000000000000001}`,
	} {
		f.Add(s, 0)
	}
	app := servertest.New(f, servertest.Options{})
	tn := app.Signup(f, "Fuzz Org")
	ws := tn.Workspace(f, nil)
	p := app.Join(f, tn.Invite(f, ws, "government", "participant"), "Fuzzer", "")
	base := servertest.WSPath(tn.Slug, ws)
	questions := []string{"legal_basis.dp_law", "legal_basis.main_basis", "consent_agency.channels", "institutional_governance.one_change"}
	f.Fuzz(func(t *testing.T, body string, qi int) {
		q := questions[(qi%len(questions)+len(questions))%len(questions)]
		r := p.Client.For(t).Do("PUT", base+"/answers/"+q, body, "Content-Type", "application/json")
		if r.Status >= 500 {
			t.Fatalf("%q: %d %s", body, r.Status, r.Body)
		}
		if r.Status != 200 {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if json.Unmarshal(r.Body, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%q: not the contract's error shape: %s", body, r.Body)
			}
			for _, m := range leakMarkers {
				if strings.Contains(string(r.Body), m) {
					t.Fatalf("%q: leaks %q: %s", body, m, r.Body)
				}
			}
			return
		}
		var out struct {
			Answer struct {
				Value  json.RawMessage `json:"value"`
				Status string          `json:"status"`
			} `json:"answer"`
		}
		if err := json.Unmarshal(r.Body, &out); err != nil {
			t.Fatal(err)
		}
		if out.Answer.Status == "answered" && q == "legal_basis.dp_law" {
			var n int
			if json.Unmarshal(out.Answer.Value, &n) != nil || n < 0 || n > 4 || string(out.Answer.Value) != string(rune('0'+n)) {
				t.Fatalf("%q stored the maturity value %s", body, out.Answer.Value)
			}
		}
	})
}

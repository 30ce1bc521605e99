package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"workshop/server/servertest"
)

// leakMarkers are fragments of internal error text that must never reach a client.
var leakMarkers = []string{"sql", "SQLITE", "sqlite3", "json: ", "Go struct", "Go value", "goroutine", "panic", ".go:", "runtime error", "UNIQUE constraint"}

// checkContractError asserts status, the contract's error shape with the expected code, that the
// named fields (if any) carry reasons, and that no internal detail leaks.
func checkContractError(t *testing.T, r *servertest.Response, status int, fields ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	var e struct {
		Error *struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error == nil {
		t.Fatalf("not the contract's error shape: %s", r.Body)
	}
	if e.Error.Code != statusCodes[status] || e.Error.Message == "" {
		t.Fatalf("code %q message %q for status %d", e.Error.Code, e.Error.Message, status)
	}
	for _, f := range fields {
		if e.Error.Fields[f] == "" {
			t.Fatalf("fields[%q] missing in %s", f, r.Body)
		}
	}
	for _, m := range leakMarkers {
		if strings.Contains(string(r.Body), m) {
			t.Fatalf("error body leaks %q: %s", m, r.Body)
		}
	}
}

func signupBody(extra map[string]any) map[string]any {
	b := map[string]any{"organization": "Org", "name": "Name", "email": "name@example.org", "password": "long enough password"}
	for k, v := range extra {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// TestBadJSON sends malformed and hostile bodies to a JSON endpoint: each is a 400 (or 413) in the
// contract's shape, never a 500, and creates nothing.
func TestBadJSON(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	c := app.Client(t)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	cases := []struct {
		name   string
		body   string
		status int
		fields []string
	}{
		{"truncated", `{"organization":"Org","email":`, 400, nil},
		{"not JSON at all", `organization=Org`, 400, nil},
		{"empty body", ``, 400, nil},
		{"only whitespace", " \n\t ", 400, nil},
		{"an array", `[]`, 400, nil},
		{"a string", `"hello"`, 400, nil},
		{"null", `null`, 400, nil},
		{"wrong type for a string", mustJSON(signupBody(map[string]any{"email": 5})), 400, []string{"email"}},
		{"wrong type: object for a string", mustJSON(signupBody(map[string]any{"name": map[string]any{"first": "A"}})), 400, []string{"name"}},
		{"unknown field", mustJSON(signupBody(map[string]any{"is_admin": true})), 400, []string{"is_admin"}},
		{"trailing value", mustJSON(signupBody(nil)) + ` {"x":1}`, 400, nil},
		{"trailing garbage", mustJSON(signupBody(nil)) + ` garbage`, 400, nil},
		{"trailing brace", mustJSON(signupBody(nil)) + `}`, 400, nil},
		{"trailing bracket", mustJSON(signupBody(nil)) + `]`, 400, nil},
		{"invalid UTF-8", `{"organization":"Org` + "\xff\xfe" + `","name":"N","email":"n@example.org","password":"long enough password"}`, 400, nil},
		{"NUL in a string", mustJSON(signupBody(map[string]any{"name": "a\u0000b"})), 400, []string{"name"}},
		{"control character", mustJSON(signupBody(map[string]any{"organization": "a\u0007b"})), 400, []string{"organization"}},
		{"deep nesting", deep, 400, nil},
		{"missing fields", `{}`, 400, []string{"organization", "name", "email", "password"}},
		{"bad email", mustJSON(signupBody(map[string]any{"email": "not-an-email"})), 400, []string{"email"}},
		{"email without a domain dot", mustJSON(signupBody(map[string]any{"email": "a@localhost"})), 400, []string{"email"}},
		{"email with a display name", mustJSON(signupBody(map[string]any{"email": "Eve <eve@example.org>"})), 400, []string{"email"}},
		{"short password", mustJSON(signupBody(map[string]any{"password": "seven77"})), 400, []string{"password"}},
		{"257-character password", mustJSON(signupBody(map[string]any{"password": strings.Repeat("é", 257)})), 400, []string{"password"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Count(t, "users")
			r := c.Do("POST", "/api/v1/signup", tc.body, "Content-Type", "application/json")
			checkContractError(t, r, tc.status, tc.fields...)
			if app.Count(t, "users") != before {
				t.Fatal("a rejected signup created a user")
			}
		})
	}

	t.Run("body over 1 MiB with a length", func(t *testing.T) {
		big := mustJSON(signupBody(map[string]any{"name": strings.Repeat("a", 1<<20)}))
		checkContractError(t, c.Do("POST", "/api/v1/signup", big), 413)
	})
	t.Run("body over 1 MiB without a length", func(t *testing.T) {
		big := mustJSON(signupBody(map[string]any{"name": strings.Repeat("a", 1<<20)}))
		req, err := http.NewRequest("POST", app.URL+"/api/v1/signup", io.MultiReader(strings.NewReader(big)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		checkContractError(t, &servertest.Response{Status: resp.StatusCode, Body: b, Header: resp.Header}, 413)
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestPasswordLengths counts characters, not bytes: 256 multibyte characters are accepted, and a
// 64-character multibyte password logs in (it is neither truncated nor mangled).
func TestPasswordLengths(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	c := app.Client(t)
	long := strings.Repeat("密", 256)
	c.Must(201, "POST", "/api/v1/signup", signupBody(map[string]any{"email": "long@example.org", "password": long}))
	app.Login(t, "long@example.org", long)

	pw := strings.Repeat("ñ🙂", 32) // 64 characters, 192 bytes
	c.Must(201, "POST", "/api/v1/signup", signupBody(map[string]any{"email": "multi@example.org", "password": pw}))
	app.Login(t, "multi@example.org", pw)
	// A prefix of it is a different password: nothing was truncated.
	r := app.Client(t).Do("POST", "/api/v1/login", map[string]string{"email": "multi@example.org", "password": pw[:len(pw)-4]})
	checkContractError(t, r, 401)
	r = app.Client(t).Do("POST", "/api/v1/login", map[string]string{"email": "multi@example.org", "password": strings.Repeat("ñ🙂", 31) + "ñ"})
	checkContractError(t, r, 401)
}

// TestAnswerValidation checks each question kind's value rules of DESIGN.md §5, the statuses,
// rationale and evidence, and the refusals (locked 409, observer 403, unknown question 404).
func TestAnswerValidation(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Validation Org")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	p := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Pat", "")
	const (
		maturity = "legal_basis.dp_law"
		choice   = "legal_basis.main_basis"
		multi    = "consent_agency.channels"
		text     = "institutional_governance.one_change"
	)
	ev := func(url string) []map[string]string { return []map[string]string{{"url": url, "title": "Source"}} }
	cases := []struct {
		name     string
		question string
		body     string
		status   int
		fields   []string
		stored   string // the stored value for accepted saves
	}{
		{"maturity 0", maturity, `{"value":0}`, 200, nil, "0"},
		{"maturity 4", maturity, `{"value":4}`, 200, nil, "4"},
		{"maturity 2.0 is the integer 2", maturity, `{"value":2.0}`, 200, nil, "2"},
		{"maturity 5", maturity, `{"value":5}`, 400, []string{"value"}, ""},
		{"maturity -1", maturity, `{"value":-1}`, 400, []string{"value"}, ""},
		{"maturity 2.5", maturity, `{"value":2.5}`, 400, []string{"value"}, ""},
		{"maturity as a string", maturity, `{"value":"2"}`, 400, []string{"value"}, ""},
		{"maturity as a boolean", maturity, `{"value":true}`, 400, []string{"value"}, ""},
		{"maturity huge", maturity, `{"value":1e400}`, 400, nil, ""},
		{"answered without a value", maturity, `{"status":"answered"}`, 400, []string{"value"}, ""},
		{"not applicable", maturity, `{"status":"not_applicable"}`, 200, nil, "null"},
		{"unknown", maturity, `{"status":"unknown","value":null}`, 200, nil, "null"},
		{"not applicable with a value", maturity, `{"status":"not_applicable","value":2}`, 400, []string{"value"}, ""},
		{"bad status", maturity, `{"status":"maybe","value":2}`, 400, []string{"status"}, ""},
		{"choice option", choice, `{"value":"consent"}`, 200, nil, `"consent"`},
		{"choice unknown option", choice, `{"value":"vibes"}`, 400, []string{"value"}, ""},
		{"choice as a number", choice, `{"value":1}`, 400, []string{"value"}, ""},
		{"choice as a list", choice, `{"value":["consent"]}`, 400, []string{"value"}, ""},
		{"multi list", multi, `{"value":["paper","sms_ussd","paper"]}`, 200, nil, `["paper","sms_ussd"]`},
		{"multi empty list", multi, `{"value":[]}`, 200, nil, `[]`},
		{"multi single string", multi, `{"value":"paper"}`, 400, []string{"value"}, ""},
		{"multi unknown option", multi, `{"value":["paper","pigeon"]}`, 400, []string{"value"}, ""},
		{"text", text, `{"value":"  Fund the regulator.  "}`, 200, nil, `"Fund the regulator."`},
		{"text empty", text, `{"value":"   "}`, 400, []string{"value"}, ""},
		{"text as a number", text, `{"value":3}`, 400, []string{"value"}, ""},
		{"text too long", text, mustJSON(map[string]any{"value": strings.Repeat("x", 4001)}), 400, []string{"value"}, ""},
		{"rationale too long", maturity, mustJSON(map[string]any{"value": 1, "rationale": strings.Repeat("y", 4001)}), 400, []string{"rationale"}, ""},
		{"evidence https", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("https://example.org/law")}), 200, nil, "1"},
		{"evidence javascript:", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("javascript:alert(1)")}), 400, []string{"evidence[0].url"}, ""},
		{"evidence JavaScript: mixed case", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("JaVaScRiPt:alert(1)")}), 400, []string{"evidence[0].url"}, ""},
		{"evidence data:", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("data:text/html,<script>alert(1)</script>")}), 400, []string{"evidence[0].url"}, ""},
		{"evidence relative", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("/t/x")}), 400, []string{"evidence[0].url"}, ""},
		{"evidence without host", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("https://")}), 400, []string{"evidence[0].url"}, ""},
		{"evidence ftp", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("ftp://example.org/x")}), 400, []string{"evidence[0].url"}, ""},
		{"evidence empty url", maturity, mustJSON(map[string]any{"value": 1, "evidence": ev("")}), 400, []string{"evidence[0].url"}, ""},
		{"too much evidence", maturity, mustJSON(map[string]any{"value": 1, "evidence": func() []map[string]string {
			var out []map[string]string
			for range 11 {
				out = append(out, map[string]string{"url": "https://example.org/", "title": "t"})
			}
			return out
		}()}), 400, []string{"evidence"}, ""},
		{"evidence wrong type", maturity, `{"value":1,"evidence":"https://example.org"}`, 400, []string{"evidence"}, ""},
		{"field the server owns: participant_id", maturity, `{"value":1,"participant_id":"someone"}`, 400, []string{"participant_id"}, ""},
		{"field the server owns: revision", maturity, `{"value":1,"revision":99}`, 400, []string{"revision"}, ""},
		{"field the server owns: stakeholder_group", maturity, `{"value":1,"stakeholder_group":"regulator"}`, 400, []string{"stakeholder_group"}, ""},
		{"field the server owns: seq", maturity, `{"value":1,"seq":1}`, 400, []string{"seq"}, ""},
		{"field the server owns: tenant_id", maturity, `{"value":1,"tenant_id":"x"}`, 400, []string{"tenant_id"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Count(t, "answer_revisions")
			r := p.Client.Do("PUT", base+"/answers/"+tc.question, tc.body, "Content-Type", "application/json")
			if tc.status != 200 {
				checkContractError(t, r, tc.status, tc.fields...)
				if app.Count(t, "answer_revisions") != before {
					t.Fatal("a rejected answer was stored")
				}
				return
			}
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var out struct {
				Answer struct {
					Value            json.RawMessage `json:"value"`
					StakeholderGroup string          `json:"stakeholder_group"`
					ParticipantID    string          `json:"participant_id"`
				} `json:"answer"`
			}
			r.JSON(t, &out)
			if string(out.Answer.Value) != tc.stored {
				t.Fatalf("stored value %s, want %s", out.Answer.Value, tc.stored)
			}
			if out.Answer.StakeholderGroup != "government" || out.Answer.ParticipantID != p.ID {
				t.Fatalf("answer attributed to %+v", out.Answer)
			}
		})
	}

	t.Run("unknown question is 404", func(t *testing.T) {
		checkContractError(t, p.Client.Do("PUT", base+"/answers/no.such_question", map[string]any{"value": 1}), 404)
		checkContractError(t, p.Client.Do("GET", base+"/answers/no.such_question/history", nil), 404)
		checkContractError(t, p.Client.Do("POST", base+"/questions/no.such_question/comments", map[string]any{"body": "x"}), 404)
	})
	t.Run("observer answering is 403", func(t *testing.T) {
		o := app.Join(t, tn.Invite(t, ws, "civil_society", "observer"), "Obi", "")
		checkContractError(t, o.Client.Do("PUT", base+"/answers/"+maturity, map[string]any{"value": 1}), 403)
	})
	t.Run("facilitator answering is 403", func(t *testing.T) {
		checkContractError(t, tn.Owner.Do("PUT", base+"/answers/"+maturity, map[string]any{"value": 1}), 403)
	})
	t.Run("locked question is 409", func(t *testing.T) {
		tn.Owner.Must(200, "PATCH", base+"/session", map[string]any{"locked": []string{maturity}})
		before := app.Count(t, "answer_revisions")
		checkContractError(t, p.Client.Do("PUT", base+"/answers/"+maturity, map[string]any{"value": 1}), 409)
		if app.Count(t, "answer_revisions") != before {
			t.Fatal("an answer to a locked question was stored")
		}
		// Other questions stay open, and unlocking reopens it.
		p.Client.Must(200, "PUT", base+"/answers/"+choice, map[string]any{"value": "mandate"})
		tn.Owner.Must(200, "PATCH", base+"/session", map[string]any{"locked": []string{}})
		p.Client.Must(200, "PUT", base+"/answers/"+maturity, map[string]any{"value": 1})
	})
	t.Run("archived workspace is 409", func(t *testing.T) {
		ws2 := tn.Workspace(t, map[string]any{"title": "To archive"})
		p2 := app.Join(t, tn.Invite(t, ws2, "government", "participant"), "Pia", "")
		tn.Owner.Must(200, "PATCH", servertest.WSPath(tn.Slug, ws2), map[string]any{"archived": true})
		checkContractError(t, p2.Client.Do("PUT", servertest.WSPath(tn.Slug, ws2)+"/answers/"+maturity, map[string]any{"value": 1}), 409)
	})
}

// TestOtherInputs covers the remaining JSON endpoints' validation: workspace, invite, session,
// comment, hide, synthesis and participant bodies.
func TestOtherInputs(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Inputs Org")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	p := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Pat", "")
	cases := []struct {
		name         string
		c            *servertest.Client
		method, path string
		body         string
		status       int
		fields       []string
	}{
		{"workspace without title", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/workspaces", `{"country":"X"}`, 400, []string{"title"}},
		{"workspace title too long", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/workspaces", mustJSON(map[string]any{"title": strings.Repeat("t", 201)}), 400, []string{"title"}},
		{"workspace unknown motivation", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/workspaces", `{"title":"T","motivations":["world_peace"]}`, 400, []string{"motivations"}},
		{"workspace bad attribution", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/workspaces", `{"title":"T","attribution":"anonymous"}`, 400, []string{"attribution"}},
		{"workspace min_group_size 0", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/workspaces", `{"title":"T","min_group_size":0}`, 400, []string{"min_group_size"}},
		{"workspace min_group_size huge", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/workspaces", `{"title":"T","min_group_size":1e30}`, 400, []string{"min_group_size"}},
		{"workspace min_group_size as text", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/workspaces", `{"title":"T","min_group_size":"3"}`, 400, []string{"min_group_size"}},
		{"invite unknown group", tn.Owner, "POST", base + "/invites", `{"stakeholder_group":"aliens"}`, 400, []string{"stakeholder_group"}},
		{"invite bad role", tn.Owner, "POST", base + "/invites", `{"stakeholder_group":"academia","role":"facilitator"}`, 400, []string{"role"}},
		{"invite negative uses", tn.Owner, "POST", base + "/invites", `{"stakeholder_group":"academia","max_uses":-1}`, 400, []string{"max_uses"}},
		{"session unknown spotlight", tn.Owner, "PATCH", base + "/session", `{"spotlight":"nope"}`, 400, []string{"spotlight"}},
		{"session skips a round", tn.Owner, "PATCH", base + "/session", `{"round":3}`, 400, []string{"round"}},
		{"session goes back a round", tn.Owner, "PATCH", base + "/session", `{"round":0}`, 400, []string{"round"}},
		{"session negative timer", tn.Owner, "PATCH", base + "/session", `{"timer_seconds":-5}`, 400, []string{"timer_seconds"}},
		{"comment empty", p.Client, "POST", base + "/questions/legal_basis.dp_law/comments", `{"body":"  "}`, 400, []string{"body"}},
		{"comment bad stance", p.Client, "POST", base + "/questions/legal_basis.dp_law/comments", `{"body":"x","stance":"angry"}`, 400, []string{"stance"}},
		{"comment 10k-character line", p.Client, "POST", base + "/questions/legal_basis.dp_law/comments", mustJSON(map[string]string{"body": strings.Repeat("w", 10000)}), 400, []string{"body"}},
		{"comment unknown parent", p.Client, "POST", base + "/questions/legal_basis.dp_law/comments", `{"body":"x","parent_id":"nope"}`, 400, []string{"parent_id"}},
		{"synthesis bad status", tn.Owner, "PUT", base + "/synthesis/legal_basis.dp_law", `{"status":"consensus"}`, 400, []string{"status"}},
		{"synthesis unknown question", tn.Owner, "PUT", base + "/synthesis/nope", `{"status":"agreed"}`, 404, nil},
		{"participant unknown group", tn.Owner, "PATCH", base + "/participants/" + p.ID, `{"stakeholder_group":"aliens"}`, 400, []string{"stakeholder_group"}},
		{"participant unknown id", tn.Owner, "PATCH", base + "/participants/nope", `{"stakeholder_group":"academia"}`, 404, nil},
		{"join empty name", app.Client(t), "POST", "/api/v1/join/" + tn.Invite(t, ws, "academia", "participant"), `{"display_name":" "}`, 400, []string{"display_name"}},
		{"join choosing a group", app.Client(t), "POST", "/api/v1/join/" + tn.Invite(t, ws, "academia", "participant"), `{"display_name":"Z","stakeholder_group":"government"}`, 400, []string{"stakeholder_group"}},
		{"join choosing a role", app.Client(t), "POST", "/api/v1/join/" + tn.Invite(t, ws, "academia", "observer"), `{"display_name":"Z","role":"participant"}`, 400, []string{"role"}},
		{"join unknown token", app.Client(t), "POST", "/api/v1/join/nope", `{"display_name":"Z"}`, 404, nil},
		{"login malformed", app.Client(t), "POST", "/api/v1/login", `{"email":`, 400, nil},
		{"member short password", tn.Owner, "POST", "/api/v1/tenants/" + tn.Slug + "/members", `{"name":"M","email":"m@example.org","password":"short"}`, 400, []string{"password"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Snapshot(t)
			r := tc.c.Do(tc.method, tc.path, tc.body, "Content-Type", "application/json")
			checkContractError(t, r, tc.status, tc.fields...)
			if app.Snapshot(t) != before {
				t.Fatal("a rejected request changed the database")
			}
		})
	}
}

// TestNoInternalErrorsOnGarbage throws odd bytes at every JSON route of the table as the owner:
// nothing answers 500 or leaks internals.
func TestNoInternalErrorsOnGarbage(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Garbage Org")
	ws := tn.Workspace(t, nil)
	bodies := []string{`{"x":`, "\xff\xfe\xfd", `[1,2,3]`, `{"value":{"$gt":""}}`, `{"body":"'; DROP TABLE users; --"}`, strings.Repeat(`{"a":`, 5000)}
	for _, rt := range app.Server.Routes() {
		method, path, _ := strings.Cut(rt, " ")
		if method == "GET" || !strings.HasPrefix(path, "/api/") {
			continue
		}
		filled := paramPattern.ReplaceAllStringFunc(path, func(m string) string {
			switch m[1:] {
			case "slug":
				return tn.Slug
			case "ws":
				return ws
			case "question":
				return "legal_basis.dp_law"
			}
			return "x" + m[1:]
		})
		for _, b := range bodies {
			r := tn.Owner.Do(method, filled, b, "Content-Type", "application/json")
			if r.Status >= 500 {
				t.Errorf("%s %s with %.20q: %d %s", method, filled, b, r.Status, r.Body)
			}
			for _, m := range leakMarkers {
				if bytes.Contains(r.Body, []byte(m)) {
					t.Errorf("%s %s leaks %q: %s", method, filled, m, r.Body)
				}
			}
		}
	}
	if n := app.Count(t, "users"); n != 1 {
		t.Fatalf("%d users after garbage (the SQL payload is data, not code)", n)
	}
}

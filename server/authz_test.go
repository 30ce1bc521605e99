package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"workshop/server"
	"workshop/server/servertest"
	"workshop/tenants"
)

// The actors of the authorization matrix, in the order of a row's columns.
const (
	anon        = iota // no session
	owner              // owner of tenant A
	facilitator        // facilitator (non-owner member) of tenant A
	otherTenant        // owner of tenant B
	participant        // participant of A's workspace
	observer           // observer of A's workspace
	otherWS            // participant of another workspace of tenant A
	nActors
)

var actorNames = [nActors]string{"anonymous", "owner", "facilitator", "other_tenant", "participant", "observer", "other_workspace"}

// Special expectations besides exact statuses.
const (
	// upgradeFailed is a refused WebSocket upgrade of a plain GET: a 4xx other than 401, 403, 404.
	upgradeFailed = -1
)

// A matrix row: what each actor gets, and the request body each actor sends (nil: none).
type authzRow struct {
	want [nActors]int
	body func(f *authzFixture, actor int) any
	form bool // body is url.Values, sent as a form post
}

func jsonBody(v any) func(*authzFixture, int) any {
	return func(*authzFixture, int) any { return v }
}

func formBody(v url.Values) func(*authzFixture, int) any {
	return func(*authzFixture, int) any { return v }
}

// everyone is the row of a route every actor may use alike.
func everyone(s int) [nActors]int { return [nActors]int{s, s, s, s, s, s, s} }

// authzMatrix is keyed by "METHOD PATH" exactly as server.Routes() lists them. Every route must
// have a row: a new route without one fails TestAuthorizationMatrix.
var authzMatrix = map[string]authzRow{
	//                                                       anon owner facil otherT part  obs  otherWS
	"GET /healthz":                 {want: everyone(200)},
	"GET /readyz":                  {want: everyone(200)},
	"GET /static/*file":            {want: everyone(200)},
	"GET /api/v1/taxonomy":         {want: everyone(200)},
	"GET /api/v1/instrument":       {want: everyone(200)},
	"GET /api/v1/case-studies":     {want: everyone(200)},
	"GET /api/v1/case-studies/:id": {want: everyone(200)},

	"POST /api/v1/signup": {want: everyone(201), body: func(f *authzFixture, a int) any {
		return map[string]string{"organization": "New Org " + actorNames[a], "name": "New", "email": actorNames[a] + "@signup.example", "password": "long enough password"}
	}},
	"POST /api/v1/login": {want: everyone(200), body: func(f *authzFixture, a int) any {
		return map[string]string{"email": f.aEmail, "password": servertest.Password}
	}},
	"POST /api/v1/logout":        {want: everyone(204)},
	"GET /api/v1/me":             {want: [nActors]int{401, 200, 200, 200, 200, 200, 200}},
	"GET /api/v1/join/:token":    {want: everyone(200)},
	"POST /api/v1/join/:token":   {want: everyone(201), body: jsonBody(map[string]string{"display_name": "Joiner"})},
	"POST /api/v1/return/:token": {want: everyone(200)},

	"GET /api/v1/tenants/:slug/members": {want: [nActors]int{401, 200, 200, 404, 403, 403, 403}},
	"POST /api/v1/tenants/:slug/members": {want: [nActors]int{401, 201, 403, 404, 403, 403, 403}, body: func(f *authzFixture, a int) any {
		return map[string]string{"name": "Added", "email": "added." + actorNames[a] + "@example.org", "password": "long enough password", "role": "facilitator"}
	}},
	"GET /api/v1/tenants/:slug/case-studies":  {want: [nActors]int{401, 200, 200, 404, 200, 200, 200}},
	"POST /api/v1/tenants/:slug/case-studies": {want: [nActors]int{401, 201, 201, 404, 403, 403, 403}, body: jsonBody(privateCase())},
	"GET /api/v1/tenants/:slug/workspaces":    {want: [nActors]int{401, 200, 200, 404, 200, 200, 200}},
	"POST /api/v1/tenants/:slug/workspaces":   {want: [nActors]int{401, 201, 201, 404, 403, 403, 403}, body: jsonBody(map[string]any{"title": "Another"})},

	"GET /api/v1/tenants/:slug/workspaces/:ws":                         {want: [nActors]int{401, 200, 200, 404, 200, 200, 404}},
	"PATCH /api/v1/tenants/:slug/workspaces/:ws":                       {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}, body: jsonBody(map[string]any{"title": "Renamed"})},
	"GET /api/v1/tenants/:slug/workspaces/:ws/invites":                 {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}},
	"POST /api/v1/tenants/:slug/workspaces/:ws/invites":                {want: [nActors]int{401, 201, 201, 404, 403, 403, 404}, body: jsonBody(map[string]string{"stakeholder_group": "academia", "role": "participant"})},
	"POST /api/v1/tenants/:slug/workspaces/:ws/invites/:invite/revoke": {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}},
	"GET /api/v1/tenants/:slug/workspaces/:ws/participants":            {want: [nActors]int{401, 200, 200, 404, 200, 200, 404}},
	"PATCH /api/v1/tenants/:slug/workspaces/:ws/participants/:participant": {want: [nActors]int{401, 200, 200, 404, 403, 403, 404},
		body: jsonBody(map[string]string{"stakeholder_group": "academia"})},
	"DELETE /api/v1/tenants/:slug/workspaces/:ws/participants/:participant": {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}},
	"POST /api/v1/tenants/:slug/workspaces/:ws/return-link":                 {want: [nActors]int{401, 403, 403, 404, 200, 200, 404}},
	"GET /api/v1/tenants/:slug/workspaces/:ws/answers":                      {want: [nActors]int{401, 200, 200, 404, 200, 200, 404}},
	"PUT /api/v1/tenants/:slug/workspaces/:ws/answers/:question":            {want: [nActors]int{401, 403, 403, 404, 200, 403, 404}, body: jsonBody(map[string]any{"value": 2})},
	"GET /api/v1/tenants/:slug/workspaces/:ws/answers/:question/history":    {want: [nActors]int{401, 200, 200, 404, 200, 200, 404}},
	"GET /api/v1/tenants/:slug/workspaces/:ws/questions/:question/comments": {want: [nActors]int{401, 200, 200, 404, 200, 200, 404}},
	"POST /api/v1/tenants/:slug/workspaces/:ws/questions/:question/comments": {want: [nActors]int{401, 201, 201, 404, 201, 201, 404},
		body: jsonBody(map[string]string{"body": "A remark", "stance": "supports"})},
	"POST /api/v1/tenants/:slug/workspaces/:ws/questions/:question/seen": {want: [nActors]int{401, 204, 204, 404, 204, 204, 404}},
	// The comment is the participant's own: only its author edits or deletes it.
	"PATCH /api/v1/tenants/:slug/workspaces/:ws/comments/:comment":     {want: [nActors]int{401, 403, 403, 404, 200, 403, 404}, body: jsonBody(map[string]string{"body": "Edited"})},
	"DELETE /api/v1/tenants/:slug/workspaces/:ws/comments/:comment":    {want: [nActors]int{401, 403, 403, 404, 200, 403, 404}},
	"POST /api/v1/tenants/:slug/workspaces/:ws/comments/:comment/hide": {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}, body: jsonBody(map[string]string{"reason": "Off topic"})},
	"PATCH /api/v1/tenants/:slug/workspaces/:ws/session":               {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}, body: jsonBody(map[string]any{"blind": true})},
	"GET /api/v1/tenants/:slug/workspaces/:ws/synthesis":               {want: [nActors]int{401, 200, 200, 404, 200, 200, 404}},
	"PUT /api/v1/tenants/:slug/workspaces/:ws/synthesis/:question": {want: [nActors]int{401, 200, 200, 404, 403, 403, 404},
		body: jsonBody(map[string]string{"status": "agreed", "summary": "We agree."})},
	"GET /api/v1/tenants/:slug/workspaces/:ws/live": {want: [nActors]int{401, upgradeFailed, upgradeFailed, 404, upgradeFailed, upgradeFailed, 404}},

	// Results and exports (added by the results work): exports are for facilitators.
	"GET /api/v1/tenants/:slug/workspaces/:ws/results":     {want: [nActors]int{401, 200, 200, 404, 200, 200, 404}},
	"GET /api/v1/tenants/:slug/workspaces/:ws/export.csv":  {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}},
	"GET /api/v1/tenants/:slug/workspaces/:ws/export.json": {want: [nActors]int{401, 200, 200, 404, 403, 403, 404}},
	"GET /t/:slug/w/:ws/report":                            {want: [nActors]int{303, 200, 200, 404, 200, 200, 404}},
	"GET /t/:slug/w/:ws/results":                           {want: [nActors]int{303, 200, 200, 404, 200, 200, 404}},

	// Pages. Anonymous GETs of private pages redirect to the login page; anonymous posts are 401.
	"GET /":                 {want: everyone(200)},
	"GET /signup":           {want: everyone(200)},
	"GET /login":            {want: everyone(200)},
	"GET /taxonomy":         {want: everyone(200)},
	"GET /instrument":       {want: everyone(200)},
	"GET /case-studies":     {want: everyone(200)},
	"GET /case-studies/:id": {want: everyone(200)},
	"GET /join/:token":      {want: everyone(200)},
	"GET /r/:token":         {want: everyone(303)},
	"POST /signup": {want: everyone(303), form: true, body: func(f *authzFixture, a int) any {
		return url.Values{"organization": {"Form Org " + actorNames[a]}, "name": {"New"}, "email": {actorNames[a] + "@form.example"}, "password": {"long enough password"}}
	}},
	"POST /login": {want: everyone(303), form: true, body: func(f *authzFixture, a int) any {
		return url.Values{"email": {f.aEmail}, "password": {servertest.Password}}
	}},
	"POST /logout":             {want: everyone(303), form: true},
	"POST /join/:token":        {want: everyone(201), form: true, body: formBody(url.Values{"display_name": {"Form joiner"}})},
	"GET /t/:slug":             {want: [nActors]int{303, 200, 200, 404, 200, 200, 200}},
	"POST /t/:slug/workspaces": {want: [nActors]int{401, 303, 303, 404, 403, 403, 403}, form: true, body: formBody(url.Values{"title": {"Form workspace"}, "attribution": {"named"}})},
	"POST /t/:slug/members": {want: [nActors]int{401, 303, 403, 404, 403, 403, 403}, form: true, body: func(f *authzFixture, a int) any {
		return url.Values{"name": {"Form member"}, "email": {"form." + actorNames[a] + "@example.org"}, "password": {"long enough password"}, "role": {"facilitator"}}
	}},
	"POST /t/:slug/case-studies": {want: [nActors]int{401, 303, 303, 404, 403, 403, 403}, form: true, body: formBody(url.Values{
		"name": {"Form case"}, "country": {"Testland"}, "region": {"global"}, "architecture": {"federated_exchange"},
		"summary": {"A summary."}, "motivations": {"service_efficiency"}, "sources": {"Source | https://example.org/source"}})},
	"GET /t/:slug/w/:ws": {want: [nActors]int{303, 200, 200, 404, 200, 200, 404}},
	"POST /t/:slug/w/:ws/answers/:question": {want: [nActors]int{401, 403, 403, 404, 303, 403, 404}, form: true,
		body: formBody(url.Values{"choice": {"2"}, "rationale": {"Because."}})},
	"POST /t/:slug/w/:ws/questions/:question/comments": {want: [nActors]int{401, 303, 303, 404, 303, 303, 404}, form: true,
		body: formBody(url.Values{"body": {"Form comment"}})},
	"POST /t/:slug/w/:ws/comments/:comment/hide": {want: [nActors]int{401, 303, 303, 404, 403, 403, 404}, form: true,
		body: formBody(url.Values{"reason": {"Off topic"}})},
	"POST /t/:slug/w/:ws/session": {want: [nActors]int{401, 303, 303, 404, 403, 403, 404}, form: true,
		body: formBody(url.Values{"action": {"blind_on"}})},
	"GET /t/:slug/w/:ws/manage": {want: [nActors]int{303, 200, 200, 404, 403, 403, 404}},
	"POST /t/:slug/w/:ws/manage": {want: [nActors]int{401, 303, 303, 404, 403, 403, 404}, form: true, body: func(f *authzFixture, a int) any {
		return url.Values{"action": {"revoke"}, "invite": {f.params["invite"]}}
	}},
	"GET /t/:slug/case-studies/:id": {want: [nActors]int{303, 200, 200, 404, 200, 200, 200}},
	"POST /t/:slug/w/:ws/synthesis/:question": {want: [nActors]int{401, 303, 303, 404, 403, 403, 404}, form: true,
		body: formBody(url.Values{"status": {"no_agreement"}, "summary": {"Views differ."}})},
	"POST /t/:slug/w/:ws/return-link": {want: [nActors]int{401, 403, 403, 404, 200, 200, 404}, form: true},
	"POST /t/:slug/w/:ws/invites": {want: [nActors]int{401, 201, 201, 404, 403, 403, 404}, form: true,
		body: formBody(url.Values{"stakeholder_group": {"academia"}, "role": {"participant"}})},
}

func privateCase() map[string]any {
	return map[string]any{"name": "Our pilot", "country": "Testland", "region": "global", "architecture": "federated_exchange",
		"summary": "A pilot exchange.", "motivations": []string{"service_efficiency"},
		"sources": []map[string]string{{"title": "Report", "url": "https://example.org/report"}}}
}

// authzFixture is a fresh application holding two tenants and every actor of the matrix, with one
// object of each kind in tenant A to fill into path parameters.
type authzFixture struct {
	app    *servertest.App
	aEmail string // tenant A owner's email
	actors [nActors]*servertest.Client
	params map[string]string // path parameter → value
	live   *countingLive
}

// countingLive wraps the real live layer and counts the requests that reach it, so the matrix can
// check that a refused request never gets as far as an upgrade.
type countingLive struct {
	server.Live
	mu    sync.Mutex
	calls int
}

func (l *countingLive) Serve(w http.ResponseWriter, r *http.Request, v tenants.Viewer, sessionHash string, since int64, hasSince bool, hello map[string]any) {
	l.mu.Lock()
	l.calls++
	l.mu.Unlock()
	l.Live.Serve(w, r, v, sessionHash, since, hasSince, hello)
}

const matrixQuestion = "legal_basis.dp_law"

// authzTemplate is the matrix's starting state, built once: a database file to copy for each
// route, the actors' session tokens (stored in that database) and the objects' ids.
type authzTemplate struct {
	path    string
	aEmail  string
	cookies [nActors]string
	params  map[string]string
}

func newAuthzTemplate(t *testing.T) *authzTemplate {
	t.Helper()
	app := servertest.New(t, servertest.Options{})
	a, b := app.Signup(t, "Alpha Ministry"), app.Signup(t, "Beta Institute")
	ws := a.Workspace(t, nil)
	ws2 := a.Workspace(t, map[string]any{"title": "Second exercise"})
	b.Workspace(t, nil)

	part := app.Join(t, a.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	obs := app.Join(t, a.Invite(t, ws, "civil_society", "observer"), "Omar", "Watchdog")
	other := app.Join(t, a.Invite(t, ws2, "academia", "participant"), "Uma", "University")
	victim := app.Join(t, a.Invite(t, ws, "private_sector", "participant"), "Vic", "Bank")
	actors := [nActors]*servertest.Client{app.Client(t), a.Owner, app.AddFacilitator(t, a, "Fran"), b.Owner, part.Client, obs.Client, other.Client}

	base := servertest.WSPath(a.Slug, ws)
	part.Client.Must(http.StatusOK, "PUT", base+"/answers/"+matrixQuestion, map[string]any{"value": 3, "rationale": "In force."})
	var cm struct {
		Comment struct{ ID string } `json:"comment"`
	}
	part.Client.Must(http.StatusCreated, "POST", base+"/questions/"+matrixQuestion+"/comments", map[string]string{"body": "Mine"}).JSON(t, &cm)
	var inv struct {
		Invite struct{ ID, Token string } `json:"invite"`
	}
	a.Owner.Must(http.StatusCreated, "POST", base+"/invites", map[string]string{"stakeholder_group": "regulator"}).JSON(t, &inv)

	tp := &authzTemplate{path: filepath.Join(t.TempDir(), "template.db"), aEmail: a.Email, params: map[string]string{
		"slug": a.Slug, "ws": ws, "question": matrixQuestion, "comment": cm.Comment.ID, "invite": inv.Invite.ID,
		"participant": victim.ID, "id": servertest.Catalogue(t).CaseStudies[0].ID, "file": "app.css",
		"invite_token": inv.Invite.Token, "return_token": strings.TrimPrefix(victim.ReturnURL, app.URL+"/r/"),
	}}
	for i, c := range actors {
		tp.cookies[i] = c.Cookie("session")
	}
	app.Exec(t, `VACUUM INTO ?`, tp.path)
	return tp
}

// fixture starts an application on a copy of the template's database, with a client per actor
// holding that actor's session.
func (tp *authzTemplate) fixture(t *testing.T) *authzFixture {
	t.Helper()
	src, err := os.ReadFile(tp.path)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "matrix.db")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	rt := servertest.RealtimeLive(t, "")
	fl := &countingLive{}
	app := servertest.New(t, servertest.Options{DBPath: path, Live: func(svc *tenants.Service) (server.Live, tenants.Publisher) {
		hub, pub := rt.Build(svc)
		fl.Live = hub
		return fl, pub
	}})
	f := &authzFixture{app: app, aEmail: tp.aEmail, live: fl, params: tp.params}
	for i := range nActors {
		f.actors[i] = app.Client(t)
		if tp.cookies[i] != "" {
			f.actors[i].SetCookie("session", tp.cookies[i])
		}
	}
	return f
}

var paramPattern = regexp.MustCompile(`[:*]([a-z_]+)`)

// fill replaces the route's parameters with the fixture's objects; override replaces some.
func (f *authzFixture) fill(path string, override map[string]string) string {
	return paramPattern.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1:]
		if v, ok := override[name]; ok {
			return v
		}
		if name == "token" {
			if strings.Contains(path, "/join/") {
				name = "invite_token"
			} else {
				name = "return_token"
			}
		}
		v, ok := f.params[name]
		if !ok {
			panic("authz: no fixture value for path parameter " + name)
		}
		return v
	})
}

func (f *authzFixture) send(actor int, method, path string, row authzRow) *servertest.Response {
	var body any
	if row.body != nil {
		body = row.body(f, actor)
	}
	c := f.actors[actor]
	if v, ok := body.(url.Values); ok || row.form {
		if v == nil {
			v = url.Values{}
		}
		return c.Form(path, v)
	}
	if method != http.MethodGet && body == nil {
		return c.Do(method, path, nil)
	}
	return c.Do(method, path, body)
}

func denied(want int) bool { return want >= 400 || want == upgradeFailed }

func statusOK(want, got int) bool {
	if want == upgradeFailed {
		return got >= 400 && got < 500 && got != 401 && got != 403 && got != 404
	}
	return got == want
}

// TestAuthorizationMatrix sends every route of the route table as every actor, with tenant A's
// objects in the path, and checks the status each actor gets. A denied request must leave the
// database exactly as it was, and a foreign tenant's object answers exactly like a missing one.
func TestAuthorizationMatrix(t *testing.T) {
	tp := newAuthzTemplate(t)
	probe := servertest.New(t, servertest.Options{})
	routes := probe.Server.Routes()
	seen := map[string]bool{}
	for _, rt := range routes {
		seen[rt] = true
		if _, ok := authzMatrix[rt]; !ok {
			t.Errorf("route %q has no row in authzMatrix: add one saying who may use it", rt)
		}
	}
	for key := range authzMatrix {
		if !seen[key] {
			t.Logf("matrix row %q has no route (yet)", key)
		}
	}
	for _, rt := range routes {
		row, ok := authzMatrix[rt]
		if !ok {
			continue
		}
		method, path, _ := strings.Cut(rt, " ")
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			f := tp.fixture(t)
			target := f.fill(path, nil)
			// Denials first, so that the allowed requests' changes do not mask them.
			var order []int
			for a := range nActors {
				if denied(row.want[a]) {
					order = append(order, a)
				}
			}
			for a := range nActors {
				if !denied(row.want[a]) {
					order = append(order, a)
				}
			}
			for _, a := range order {
				want := row.want[a]
				before := ""
				if denied(want) {
					before = f.app.Snapshot(t)
				}
				callsBefore := f.liveCalls()
				r := f.send(a, method, target, row)
				if !statusOK(want, r.Status) {
					t.Errorf("%s: %s %s = %d, want %s: %.300s", actorNames[a], method, target, r.Status, wantText(want), r.Body)
					continue
				}
				if r.Status >= 500 {
					t.Errorf("%s: 5xx: %s", actorNames[a], r.Body)
				}
				if !denied(want) {
					continue
				}
				if after := f.app.Snapshot(t); after != before {
					t.Errorf("%s: denied %s %s changed the database", actorNames[a], method, target)
				}
				if want != upgradeFailed && f.liveCalls() != callsBefore {
					t.Errorf("%s: a denied request reached the live layer", actorNames[a])
				}
				// (The WebSocket library answers a failed upgrade itself, in plain text.)
				if strings.HasPrefix(path, "/api/") && want != upgradeFailed {
					checkErrorBody(t, actorNames[a], r)
				}
				// Another tenant's object, or another workspace's, answers exactly like one that
				// does not exist, so nothing can be enumerated.
				if want == 404 && (a == otherTenant || a == otherWS) {
					override := map[string]string{"slug": "no-such-org-" + tenants.NewID()[:6]}
					if a == otherWS {
						override = map[string]string{"ws": tenants.NewID()}
					}
					ghost := f.send(a, method, f.fill(path, override), row)
					if ghost.Status != r.Status || !bytes.Equal(ghost.Body, r.Body) {
						t.Errorf("%s: %s on a real object answers %d %q, on a missing one %d %q", actorNames[a], method, r.Status, r.Body, ghost.Status, ghost.Body)
					}
				}
			}
		})
	}
}

func (f *authzFixture) liveCalls() int {
	f.live.mu.Lock()
	defer f.live.mu.Unlock()
	return f.live.calls
}

func wantText(w int) string {
	if w == upgradeFailed {
		return "a 4xx other than 401/403/404"
	}
	return http.StatusText(w) + " (" + strconv.Itoa(w) + ")"
}

var statusCodes = map[int]string{400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict", 413: "too_large", 429: "rate_limited"}

// checkErrorBody asserts the contract's error shape with the code that belongs to the status.
func checkErrorBody(t *testing.T, who string, r *servertest.Response) {
	t.Helper()
	var e struct {
		Error *struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	r.JSON(t, &e)
	if e.Error == nil || e.Error.Message == "" {
		t.Errorf("%s: error body %s lacks error.code/message", who, r.Body)
		return
	}
	if want, ok := statusCodes[r.Status]; ok && e.Error.Code != want {
		t.Errorf("%s: status %d with code %q, want %q", who, r.Status, e.Error.Code, want)
	}
}

// TestForeignObjectIDs uses a tenant-A facilitator's session with ids of tenant B's objects (and of
// another workspace of A) in A's own workspace paths: every one is 404 and nothing changes.
func TestForeignObjectIDs(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	a, b := app.Signup(t, "Alpha"), app.Signup(t, "Beta")
	wsA, wsA2, wsB := a.Workspace(t, nil), a.Workspace(t, map[string]any{"title": "Other"}), b.Workspace(t, nil)
	pA2 := app.Join(t, a.Invite(t, wsA2, "government", "participant"), "Second", "")
	pB := app.Join(t, b.Invite(t, wsB, "government", "participant"), "Bea", "")

	comment := func(c *servertest.Client, slug, ws string) string {
		var out struct {
			Comment struct{ ID string } `json:"comment"`
		}
		c.Must(201, "POST", servertest.WSPath(slug, ws)+"/questions/"+matrixQuestion+"/comments", map[string]string{"body": "theirs"}).JSON(t, &out)
		return out.Comment.ID
	}
	invite := func(tn *servertest.Tenant, ws string) string {
		var out struct {
			Invite struct{ ID string } `json:"invite"`
		}
		tn.Owner.Must(201, "POST", servertest.WSPath(tn.Slug, ws)+"/invites", map[string]string{"stakeholder_group": "academia"}).JSON(t, &out)
		return out.Invite.ID
	}
	cB, cA2 := comment(pB.Client, b.Slug, wsB), comment(pA2.Client, a.Slug, wsA2)
	iB, iA2 := invite(b, wsB), invite(a, wsA2)
	base := servertest.WSPath(a.Slug, wsA)

	cases := []struct {
		name, method, path string
		body               any
	}{
		{"edit B's comment", "PATCH", base + "/comments/" + cB, map[string]string{"body": "x"}},
		{"delete B's comment", "DELETE", base + "/comments/" + cB, nil},
		{"hide B's comment", "POST", base + "/comments/" + cB + "/hide", map[string]string{"reason": "x"}},
		{"hide another workspace's comment", "POST", base + "/comments/" + cA2 + "/hide", map[string]string{"reason": "x"}},
		{"reply to B's comment", "POST", base + "/questions/" + matrixQuestion + "/comments", map[string]string{"body": "x", "parent_id": cB}},
		{"revoke B's invite", "POST", base + "/invites/" + iB + "/revoke", nil},
		{"revoke another workspace's invite", "POST", base + "/invites/" + iA2 + "/revoke", nil},
		{"move B's participant", "PATCH", base + "/participants/" + pB.ID, map[string]string{"stakeholder_group": "academia"}},
		{"remove B's participant", "DELETE", base + "/participants/" + pB.ID, nil},
		{"remove another workspace's participant", "DELETE", base + "/participants/" + pA2.ID, nil},
		{"B's workspace under A's slug", "GET", servertest.WSPath(a.Slug, wsB), nil},
		{"B's workspace answers under A's slug", "GET", servertest.WSPath(a.Slug, wsB) + "/answers", nil},
		{"B's workspace page under A's slug", "GET", "/t/" + a.Slug + "/w/" + wsB, nil},
		{"a neighbouring id", "PATCH", base + "/comments/" + neighbour(cB), map[string]string{"body": "x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Snapshot(t)
			r := a.Owner.Do(tc.method, tc.path, tc.body)
			// A reply whose parent is elsewhere is a bad field, not a leak; everything else is 404.
			if tc.name == "reply to B's comment" {
				if r.Status != 400 || strings.Contains(string(r.Body), "theirs") {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				return
			}
			if r.Status != 404 {
				t.Fatalf("%s %s = %d, want 404: %s", tc.method, tc.path, r.Status, r.Body)
			}
			if app.Snapshot(t) != before {
				t.Fatal("the database changed")
			}
		})
	}

	t.Run("private case studies stay in their tenant", func(t *testing.T) {
		var out struct {
			CaseStudy struct{ ID string } `json:"case_study"`
		}
		a.Owner.Must(201, "POST", "/api/v1/tenants/"+a.Slug+"/case-studies", privateCase()).JSON(t, &out)
		anon := app.Client(t)
		anon.Must(404, "GET", "/api/v1/case-studies/"+out.CaseStudy.ID, nil)
		b.Owner.Must(404, "GET", "/api/v1/case-studies/"+out.CaseStudy.ID, nil)
		anon.Must(404, "GET", "/case-studies/"+out.CaseStudy.ID, nil)
		r := b.Owner.Must(200, "GET", "/api/v1/tenants/"+b.Slug+"/case-studies", nil)
		if strings.Contains(string(r.Body), out.CaseStudy.ID) {
			t.Fatal("tenant B lists tenant A's private case study")
		}
		r = anon.Must(200, "GET", "/api/v1/case-studies?q=pilot", nil)
		if strings.Contains(string(r.Body), out.CaseStudy.ID) {
			t.Fatal("the public catalogue lists a private case study")
		}
	})
}

// neighbour returns id with its last character changed, the nearest guess at another object's id.
func neighbour(id string) string {
	last := id[len(id)-1]
	if last == 'a' {
		return id[:len(id)-1] + "b"
	}
	return id[:len(id)-1] + "a"
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range bytes.Split(b.buf.Bytes(), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(l, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// TestDeniedRequestsAreLogged checks that a reach into another tenant leaves an audit line that
// names the caller's tenant and the slug asked for, and never the session token.
func TestDeniedRequestsAreLogged(t *testing.T) {
	logs := &syncBuffer{}
	app := servertest.New(t, servertest.Options{Log: slog.New(slog.NewJSONHandler(logs, nil))})
	a, b := app.Signup(t, "Alpha"), app.Signup(t, "Beta")
	wsB := b.Workspace(t, nil)
	a.Owner.Must(404, "GET", servertest.WSPath(b.Slug, wsB)+"/answers", nil)
	found := false
	for _, l := range logs.lines() {
		if l["msg"] != "denied" || l["slug"] != b.Slug {
			continue
		}
		found = true
		tenantsOf, _ := l["session_tenants"].([]any)
		if len(tenantsOf) != 1 || tenantsOf[0] != a.ID || l["workspace"] != wsB || l["user"] == "" {
			t.Fatalf("audit line %v", l)
		}
	}
	if !found {
		t.Fatal("no audit line for the denied request")
	}
	if token := a.Owner.Cookie("session"); strings.Contains(logs.String(), token) {
		t.Fatal("the session token is in the logs")
	}
}

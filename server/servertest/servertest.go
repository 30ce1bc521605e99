// Package servertest builds the whole application in-process for tests: a real SQLite file under
// t.TempDir(), the embedded seeds, the service and the gin server behind an httptest.Server on
// loopback. It is imported only by tests.
package servertest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"workshop/seeds"
	"workshop/server"
	"workshop/tenants"
	"workshop/tenants/password"
	"workshop/tenants/sqlstore"
	"workshop/web"
)

// App is a running application.
type App struct {
	DB      *sqlstore.DB
	Service *tenants.Service
	Server  *server.Server
	HTTP    *httptest.Server
	URL     string
	DBPath  string
}

// Options change how the app is built.
type Options struct {
	// DBPath reuses an existing database file (for several instances sharing one file).
	DBPath string
	// Live builds the real-time layer for the service; nil means no live updates.
	Live func(svc *tenants.Service) (server.Live, tenants.Publisher)
	// Log receives the app's logs; nil discards them.
	Log *slog.Logger
}

var (
	catOnce sync.Once
	cat     *tenants.Catalogue
	catErr  error
)

// Catalogue returns the embedded seed content, loaded once per test binary. Callers must not
// modify it.
func Catalogue(t testing.TB) *tenants.Catalogue {
	t.Helper()
	catOnce.Do(func() { cat, catErr = seeds.Load() })
	if catErr != nil {
		t.Fatal(catErr)
	}
	return cat
}

// New starts an app and stops it when the test ends.
func New(t testing.TB, opt Options) *App {
	t.Helper()
	ctx := context.Background()
	path := opt.DBPath
	if path == "" {
		path = filepath.Join(t.TempDir(), "test.db")
	}
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := seeds.Load() // a private copy: SyncCatalogue may add stored versions to it
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncCatalogue(ctx, c); err != nil {
		t.Fatal(err)
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	svc := &tenants.Service{Store: db, Catalogue: c, Hasher: password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), Log: log}
	var lv server.Live
	if opt.Live != nil {
		var pub tenants.Publisher
		lv, pub = opt.Live(svc)
		svc.Publisher = pub
	}
	tpl, err := web.Parse()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	svc.BaseURL = base
	srv, err := server.New(server.Config{BaseURL: base}, svc, tpl, lv, db.Ping, log)
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv.Handler()
	hs.Start()
	a := &App{DB: db, Service: svc, Server: srv, HTTP: hs, URL: base, DBPath: path}
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	return a
}

// Client is an HTTP client with its own cookie jar: one browser, one person.
type Client struct {
	t    testing.TB
	app  *App
	HTTP *http.Client
}

// Client returns a new client with an empty cookie jar.
func (a *App) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, app: a, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// Response is a finished request.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorCode returns the contract error code of the body, or "".
func (r *Response) ErrorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Do sends a request with a JSON body (a string is sent as is; nil sends none) and returns the
// response. Unsafe methods carry Sec-Fetch-Site: same-origin, as a browser on our pages would.
func (c *Client) Do(method, path string, body any, headers ...string) *Response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = strings.NewReader(string(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = strings.NewReader(string(j))
	}
	url := path
	if strings.HasPrefix(path, "/") {
		url = c.app.URL + path
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// Must sends a request and fails the test unless the status is want.
func (c *Client) Must(want int, method, path string, body any, headers ...string) *Response {
	c.t.Helper()
	r := c.Do(method, path, body, headers...)
	if r.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// Tenant is a signed-up organisation with its owner's client.
type Tenant struct {
	Slug  string
	ID    string
	Owner *Client
	Email string
}

// Signup creates a tenant with a fresh owner client.
func (a *App) Signup(t testing.TB, org string) *Tenant {
	t.Helper()
	c := a.Client(t)
	email := strings.ToLower(strings.ReplaceAll(org, " ", "")) + "@example.org"
	r := c.Must(http.StatusCreated, http.MethodPost, "/api/v1/signup", map[string]string{
		"organization": org, "name": org + " Owner", "email": email, "password": "correct horse battery"})
	var out struct {
		Tenant struct{ ID, Slug string } `json:"tenant"`
	}
	r.JSON(t, &out)
	return &Tenant{Slug: out.Tenant.Slug, ID: out.Tenant.ID, Owner: c, Email: email}
}

// Workspace creates a workspace in the tenant and returns its id.
func (tn *Tenant) Workspace(t testing.TB, body map[string]any) string {
	t.Helper()
	if body == nil {
		body = map[string]any{"title": "Health data exchange", "country": "Testland"}
	}
	r := tn.Owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/tenants/"+tn.Slug+"/workspaces", body)
	var out struct {
		Workspace struct{ ID string } `json:"workspace"`
	}
	r.JSON(t, &out)
	return out.Workspace.ID
}

// Invite creates an invite for the group and role and returns its token.
func (tn *Tenant) Invite(t testing.TB, ws, group, role string) string {
	t.Helper()
	r := tn.Owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/tenants/"+tn.Slug+"/workspaces/"+ws+"/invites",
		map[string]string{"stakeholder_group": group, "role": role})
	var out struct {
		Invite struct{ Token string } `json:"invite"`
	}
	r.JSON(t, &out)
	return out.Invite.Token
}

// Participant is a joined participant with their own client.
type Participant struct {
	ID        string
	Client    *Client
	ReturnURL string
}

// Join makes a new client join through the invite token.
func (a *App) Join(t testing.TB, token, name, org string) *Participant {
	t.Helper()
	c := a.Client(t)
	r := c.Must(http.StatusCreated, http.MethodPost, "/api/v1/join/"+token, map[string]string{"display_name": name, "organization": org})
	var out struct {
		Participant struct{ ID string } `json:"participant"`
		ReturnURL   string              `json:"return_url"`
	}
	r.JSON(t, &out)
	return &Participant{ID: out.Participant.ID, Client: c, ReturnURL: out.ReturnURL}
}

// WSPath is the API path of a workspace.
func WSPath(slug, ws string) string { return "/api/v1/tenants/" + slug + "/workspaces/" + ws }

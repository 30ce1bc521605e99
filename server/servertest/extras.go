package servertest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"workshop/server"
	"workshop/web"
)

// WithConfig starts a second server with cfg on the same database and service as a, for tests of
// deployment settings such as Secure. Its clients talk to the new server; it stops when the test
// ends.
func (a *App) WithConfig(t testing.TB, cfg server.Config) *App {
	t.Helper()
	tpl, err := web.Parse()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + hs.Listener.Addr().String()
	}
	srv, err := server.New(cfg, a.Service, tpl, nil, a.DB.Ping, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	return &App{DB: a.DB, Service: a.Service, Server: srv, HTTP: hs, URL: "http://" + hs.Listener.Addr().String(), DBPath: a.DBPath}
}

// Form posts url-encoded form values, as a browser's form submission does.
func (c *Client) Form(path string, values url.Values, headers ...string) *Response {
	c.t.Helper()
	h := append([]string{"Content-Type", "application/x-www-form-urlencoded"}, headers...)
	return c.Do(http.MethodPost, path, values.Encode(), h...)
}

// Cookie returns the value of the named cookie the client holds for the app, or "".
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie puts a cookie for the app into the client's jar, replacing one of the same name.
func (c *Client) SetCookie(name, value string) {
	u, _ := url.Parse(c.app.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// Login makes a new client log in with the email and password.
func (a *App) Login(t testing.TB, email, password string) *Client {
	t.Helper()
	c := a.Client(t)
	c.Must(http.StatusOK, http.MethodPost, "/api/v1/login", map[string]string{"email": email, "password": password})
	return c
}

// Password is the password Signup gives every owner.
const Password = "correct horse battery"

// AddFacilitator lets the tenant's owner add a facilitator and returns that member's logged-in
// client.
func (a *App) AddFacilitator(t testing.TB, tn *Tenant, name string) *Client {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", "")) + "." + tn.Slug + "@example.org"
	tn.Owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/tenants/"+tn.Slug+"/members",
		map[string]string{"name": name, "email": email, "password": Password, "role": "facilitator"})
	return a.Login(t, email, Password)
}

// Snapshot returns a digest of every row of every table, leaving out sessions.last_seen_at (which
// reading a session may touch). Two equal snapshots mean nothing was written in between.
func (a *App) Snapshot(t testing.TB) string {
	t.Helper()
	db := a.DB.Writer()
	var tables []string
	if err := db.Select(&tables, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, table := range tables {
		var cols []string
		if err := db.Select(&cols, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table); err != nil {
			t.Fatal(err)
		}
		keep := cols[:0]
		for _, c := range cols {
			if !(table == "sessions" && c == "last_seen_at") {
				keep = append(keep, `"`+c+`"`)
			}
		}
		rows, err := db.Queryx(`SELECT ` + strings.Join(keep, ", ") + ` FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%#v|", v)
			}
			lines = append(lines, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(h, "%s %d\n%s\n", table, len(lines), strings.Join(lines, "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Count returns the number of rows of a table.
func (a *App) Count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := a.DB.Writer().Get(&n, `SELECT count(*) FROM "`+table+`"`); err != nil {
		t.Fatal(err)
	}
	return n
}

// Exec runs a statement on the database directly, for tests that must set up states the API does
// not offer (an invite that expired yesterday).
func (a *App) Exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := a.DB.Writer().Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

// For returns the client bound to another test (a subtest or a fuzz target's *testing.T),
// sharing its cookie jar.
func (c *Client) For(t testing.TB) *Client {
	return &Client{t: t, app: c.app, HTTP: c.HTTP}
}

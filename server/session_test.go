package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"workshop/server"
	"workshop/server/servertest"
	"workshop/tenants"
)

// sessionCookie returns the session cookie a response sets, failing the test when there is none.
func sessionCookie(t *testing.T, r *servertest.Response, name string) *http.Cookie {
	t.Helper()
	for _, line := range r.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("bad Set-Cookie %q: %v", line, err)
		}
		if c.Name == name {
			if strings.Contains(strings.ToLower(line), "domain=") {
				t.Fatalf("session cookie has a Domain: %q", line)
			}
			return c
		}
	}
	t.Fatalf("no %s cookie in %q", name, r.Header.Values("Set-Cookie"))
	return nil
}

func checkCookieFlags(t *testing.T, c *http.Cookie, secure bool) {
	t.Helper()
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Secure != secure {
		t.Fatalf("cookie %s: HttpOnly=%v SameSite=%v Path=%q Domain=%q Secure=%v", c.Name, c.HttpOnly, c.SameSite, c.Path, c.Domain, c.Secure)
	}
	if c.MaxAge <= 0 {
		t.Fatalf("cookie %s has no lifetime: %+v", c.Name, c)
	}
	if len(c.Value) < 40 {
		t.Fatalf("session token %q is too short to be unguessable", c.Value)
	}
}

// TestSessionCookie checks the session cookie's attributes wherever one is set: signup, login, join
// and return links, over http and (with the __Host- prefix) https.
func TestSessionCookie(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	t.Run("plain http", func(t *testing.T) {
		c := app.Client(t)
		r := c.Must(201, "POST", "/api/v1/signup", signupBody(map[string]any{"email": "cookie@example.org"}))
		checkCookieFlags(t, sessionCookie(t, r, "session"), false)
		r = app.Client(t).Must(200, "POST", "/api/v1/login", map[string]string{"email": "cookie@example.org", "password": "long enough password"})
		checkCookieFlags(t, sessionCookie(t, r, "session"), false)
		if r.Header.Get("Strict-Transport-Security") != "" {
			t.Fatal("HSTS over plain http")
		}
		var out struct {
			Tenant struct{ Slug string } `json:"tenant"`
		}
		app.Client(t).Must(201, "POST", "/api/v1/signup", signupBody(map[string]any{"email": "cookie2@example.org", "organization": "Cookie Two"})).JSON(t, &out)
		owner := app.Login(t, "cookie2@example.org", "long enough password")
		tenant := &servertest.Tenant{Slug: out.Tenant.Slug, Owner: owner}
		ws := tenant.Workspace(t, nil)
		r = app.Client(t).Must(201, "POST", "/api/v1/join/"+tenant.Invite(t, ws, "academia", "participant"), map[string]string{"display_name": "J"})
		checkCookieFlags(t, sessionCookie(t, r, "session"), false)
		var joined struct {
			ReturnURL string `json:"return_url"`
		}
		r.JSON(t, &joined)
		r = app.Client(t).Must(303, "GET", strings.TrimPrefix(joined.ReturnURL, app.URL), nil)
		checkCookieFlags(t, sessionCookie(t, r, "session"), false)
		if r.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("return link page Referrer-Policy %q, want no-referrer (the token is in the URL)", r.Header.Get("Referrer-Policy"))
		}
	})
	t.Run("https uses Secure and the __Host- prefix", func(t *testing.T) {
		sec := app.WithConfig(t, server.Config{BaseURL: "https://assess.example.org", Secure: true})
		r := sec.Client(t).Must(201, "POST", "/api/v1/signup", signupBody(map[string]any{"email": "secure@example.org", "organization": "Secure Org"}))
		ck := sessionCookie(t, r, "__Host-session")
		checkCookieFlags(t, ck, true)
		if !strings.HasPrefix(r.Header.Get("Strict-Transport-Security"), "max-age=") {
			t.Fatalf("no HSTS over https: %q", r.Header.Get("Strict-Transport-Security"))
		}
		// The cookie works under its own name and not under the plain one.
		c := sec.Client(t)
		c.Must(200, "GET", "/api/v1/me", nil, "Cookie", "__Host-session="+ck.Value)
		c.Must(401, "GET", "/api/v1/me", nil, "Cookie", "session="+ck.Value)
	})
}

// TestSessionRotation checks that login issues a new session id and ends the old one (no fixation),
// and that logout ends the session for good.
func TestSessionRotation(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Rotation Org")
	signupToken := tn.Owner.Cookie("session")

	c := app.Login(t, tn.Email, servertest.Password)
	first := c.Cookie("session")
	c.Must(200, "POST", "/api/v1/login", map[string]string{"email": tn.Email, "password": servertest.Password})
	second := c.Cookie("session")
	if first == "" || second == "" || first == second || first == signupToken {
		t.Fatalf("session ids: signup %q, first %q, second %q", signupToken, first, second)
	}
	old := app.Client(t)
	old.SetCookie("session", first)
	checkContractError(t, old.Do("GET", "/api/v1/me", nil), 401)
	c.Must(200, "GET", "/api/v1/me", nil)

	t.Run("a planted session is replaced at login", func(t *testing.T) {
		attacker := app.Signup(t, "Attacker Org")
		planted := attacker.Owner.Cookie("session")
		victim := app.Client(t)
		victim.SetCookie("session", planted)
		victim.Must(200, "POST", "/api/v1/login", map[string]string{"email": tn.Email, "password": servertest.Password})
		if got := victim.Cookie("session"); got == planted || got == "" {
			t.Fatalf("the session id did not change at login: %q", got)
		}
		// The planted id does not lead into the victim's account.
		spy := app.Client(t)
		spy.SetCookie("session", planted)
		if r := spy.Do("GET", "/api/v1/me", nil); r.Status == 200 && bytes.Contains(r.Body, []byte(tn.Email)) {
			t.Fatalf("the planted session sees the victim: %s", r.Body)
		}
	})

	t.Run("logout ends the session", func(t *testing.T) {
		token := c.Cookie("session")
		r := c.Must(204, "POST", "/api/v1/logout", nil)
		if ck := sessionCookie(t, r, "session"); ck.MaxAge >= 0 || ck.Value != "" {
			t.Fatalf("logout does not clear the cookie: %+v", ck)
		}
		replay := app.Client(t)
		replay.SetCookie("session", token)
		checkContractError(t, replay.Do("GET", "/api/v1/me", nil), 401)
		checkContractError(t, replay.Do("GET", "/api/v1/tenants/"+tn.Slug+"/workspaces", nil), 401)
		if r := replay.Do("GET", "/t/"+tn.Slug, nil); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("page with an ended session: %d %s", r.Status, r.Header.Get("Location"))
		}
	})

	t.Run("a participant's logout ends their session too", func(t *testing.T) {
		ws := tn.Workspace(t, nil)
		owner := app.Login(t, tn.Email, servertest.Password)
		tn2 := &servertest.Tenant{Slug: tn.Slug, Owner: owner}
		p := app.Join(t, tn2.Invite(t, ws, "community", "participant"), "Pia", "")
		token := p.Client.Cookie("session")
		p.Client.Must(204, "POST", "/api/v1/logout", nil)
		replay := app.Client(t)
		replay.SetCookie("session", token)
		checkContractError(t, replay.Do("GET", servertest.WSPath(tn.Slug, ws), nil), 401)
	})
}

// TestLoginRateLimitAndEnumeration checks that an unknown email answers exactly like a wrong
// password, and that repeated failures for one account answer 429 until the window passes, without
// touching other accounts.
func TestLoginRateLimitAndEnumeration(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	victim := app.Signup(t, "Victim Org")
	bystander := app.Signup(t, "Bystander Org")
	c := app.Client(t)

	wrong := c.Do("POST", "/api/v1/login", map[string]string{"email": victim.Email, "password": "wrong password"})
	unknown := c.Do("POST", "/api/v1/login", map[string]string{"email": "nobody@example.org", "password": "wrong password"})
	checkContractError(t, wrong, 401)
	if wrong.Status != unknown.Status || !bytes.Equal(wrong.Body, unknown.Body) {
		t.Fatalf("wrong password %d %s; unknown email %d %s", wrong.Status, wrong.Body, unknown.Status, unknown.Body)
	}
	if len(wrong.Header.Values("Set-Cookie")) != len(unknown.Header.Values("Set-Cookie")) {
		t.Fatal("the two failures set different cookies")
	}

	var last *servertest.Response
	for i := 0; i < 12; i++ {
		last = c.Do("POST", "/api/v1/login", map[string]string{"email": victim.Email, "password": "guess " + strconv.Itoa(i)})
		if last.Status == 429 {
			break
		}
		checkContractError(t, last, 401)
	}
	checkContractError(t, last, 429)
	// Even the right password waits now, on this account only.
	checkContractError(t, c.Do("POST", "/api/v1/login", map[string]string{"email": victim.Email, "password": servertest.Password}), 429)
	checkContractError(t, c.Do("POST", "/api/v1/login", map[string]string{"email": " " + strings.ToUpper(victim.Email), "password": servertest.Password}), 429)
	app.Login(t, bystander.Email, servertest.Password)

	// An unknown account is limited the same way, so the limit does not reveal which emails exist.
	for i := 0; i < 12; i++ {
		last = c.Do("POST", "/api/v1/login", map[string]string{"email": "ghost@example.org", "password": "guess"})
		if last.Status == 429 {
			break
		}
	}
	checkContractError(t, last, 429)

	// The login form shows the same refusal as a page.
	r := c.Form("/login", url.Values{"email": {victim.Email}, "password": {servertest.Password}})
	if r.Status != 429 {
		t.Fatalf("form login while limited: %d", r.Status)
	}
}

// TestCrossSiteRequests checks the forgery protection on cookie-authenticated unsafe requests.
func TestCrossSiteRequests(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "CSRF Org")
	path := "/api/v1/tenants/" + tn.Slug + "/workspaces"
	body := map[string]any{"title": "Forged"}
	cases := []struct {
		name    string
		headers []string
		want    int
	}{
		{"Sec-Fetch-Site cross-site", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"Sec-Fetch-Site same-site (a sibling subdomain)", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"foreign Origin without Sec-Fetch-Site", []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}, 403},
		{"null Origin", []string{"Sec-Fetch-Site", "", "Origin", "null"}, 403},
		{"same-origin", []string{"Sec-Fetch-Site", "same-origin"}, 201},
		{"no browser headers (a script, not a browser)", []string{"Sec-Fetch-Site", ""}, 201},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Snapshot(t)
			r := tn.Owner.Do("POST", path, body, tc.headers...)
			if tc.want == 403 {
				checkContractError(t, r, 403)
				if app.Snapshot(t) != before {
					t.Fatal("a cross-site request changed the database")
				}
				return
			}
			if r.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Body)
			}
		})
	}
	t.Run("cross-site form posts are refused too", func(t *testing.T) {
		for _, p := range []string{"/t/" + tn.Slug + "/workspaces", "/logout", "/login"} {
			r := tn.Owner.Form(p, url.Values{"title": {"Forged"}, "email": {tn.Email}, "password": {servertest.Password}}, "Sec-Fetch-Site", "cross-site")
			if r.Status != 403 {
				t.Fatalf("cross-site POST %s: %d", p, r.Status)
			}
		}
		tn.Owner.Must(200, "GET", "/api/v1/me", nil) // the logout above was refused
	})
	t.Run("cross-site GETs are fine", func(t *testing.T) {
		tn.Owner.Must(200, "GET", path, nil, "Sec-Fetch-Site", "cross-site")
	})
	t.Run("an allowed origin may post", func(t *testing.T) {
		partner := app.WithConfig(t, server.Config{AllowedOrigins: []string{"https://partner.example"}})
		c := partner.Client(t)
		c.SetCookie("session", tn.Owner.Cookie("session"))
		c.Must(201, "POST", path, body, "Sec-Fetch-Site", "cross-site", "Origin", "https://partner.example")
		if r := c.Do("POST", path, body, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); r.Status != 403 {
			t.Fatalf("other origin: %d", r.Status)
		}
	})
}

var inlineScript = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>`)

// attributesNamed returns the tags of page that carry an attribute whose name matches.
func attributesNamed(page string, match func(name string) bool) []string {
	var out []string
	for _, m := range anyTag.FindAllStringSubmatch(page, -1) {
		for _, a := range attribute.FindAllStringSubmatch(m[0][len(m[1])+1:], -1) {
			if match(strings.ToLower(a[1])) {
				out = append(out, m[0])
			}
		}
	}
	return out
}

// TestSecurityHeaders checks the headers of HTML pages and API responses, and that the pages need
// nothing the CSP forbids (inline scripts, inline handlers, style attributes).
func TestSecurityHeaders(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Headers Org")
	ws := tn.Workspace(t, nil)
	p := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Pat", "")
	anon := app.Client(t)
	pages := []struct {
		c    *servertest.Client
		path string
	}{
		{anon, "/"}, {anon, "/login"}, {anon, "/signup"}, {anon, "/taxonomy"}, {anon, "/case-studies"}, {anon, "/instrument"},
		{anon, "/join/" + tn.Invite(t, ws, "academia", "participant")},
		{tn.Owner, "/t/" + tn.Slug}, {tn.Owner, "/t/" + tn.Slug + "/w/" + ws}, {tn.Owner, "/t/" + tn.Slug + "/w/" + ws + "/manage"},
		{p.Client, "/t/" + tn.Slug + "/w/" + ws},
		{anon, "/no/such/page"},
	}
	for _, pg := range pages {
		t.Run(pg.path, func(t *testing.T) {
			r := pg.c.Do("GET", pg.path, nil)
			if r.Status != 200 && r.Status != 404 {
				t.Fatalf("status %d", r.Status)
			}
			h := r.Header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows unsafe code: %q", csp)
			}
			checks := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}
			for k, v := range checks {
				if h.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, h.Get(k), v)
				}
			}
			if rp := h.Get("Referrer-Policy"); rp == "" || rp == "unsafe-url" || rp == "no-referrer-when-downgrade" {
				t.Errorf("Referrer-Policy %q", rp)
			}
			if h.Get("Server") != "" || h.Get("X-Powered-By") != "" {
				t.Errorf("server software is announced: %q %q", h.Get("Server"), h.Get("X-Powered-By"))
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Errorf("Content-Type %q", h.Get("Content-Type"))
			}
			body := string(r.Body)
			for _, m := range inlineScript.FindAllString(body, -1) {
				if !strings.Contains(m, "src=") {
					t.Errorf("inline script the CSP would block: %s", m)
				}
			}
			for _, m := range attributesNamed(body, func(n string) bool { return strings.HasPrefix(n, "on") }) {
				t.Errorf("inline event handler the CSP would block: %s", m)
			}
			for _, m := range attributesNamed(body, func(n string) bool { return n == "style" }) {
				t.Errorf("style attribute the CSP would block: %s", m)
			}
		})
	}
	t.Run("API responses", func(t *testing.T) {
		r := tn.Owner.Must(200, "GET", "/api/v1/me", nil)
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("headers %v", r.Header)
		}
	})
	t.Run("no metrics or profiler on the public listener", func(t *testing.T) {
		for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/goroutine", "/debug/vars"} {
			if r := tn.Owner.Do("GET", path, nil); r.Status != 404 {
				t.Errorf("GET %s = %d", path, r.Status)
			}
		}
	})
	t.Run("private pages are not cached", func(t *testing.T) {
		r := tn.Owner.Must(200, "GET", "/t/"+tn.Slug+"/w/"+ws, nil)
		if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("Cache-Control %q", r.Header.Get("Cache-Control"))
		}
	})
}

// TestLoginRedirectStaysOnSite checks that ?next= after login only leads to our own pages.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Redirect Org")
	home := "/t/" + tn.Slug
	cases := map[string]string{
		"/t/" + tn.Slug + "?x=1#y": "/t/" + tn.Slug + "?x=1#y",
		"//evil.example":           home,
		"/\\evil.example":          home,
		"/\\/evil.example":         home,
		"/\t/evil.example":         home,
		"/\n/evil.example":         home,
		"/\r\n/evil.example":       home,
		"https://evil.example":     home,
		"javascript:alert(1)":      home,
		" /t/x":                    home,
	}
	for next, want := range cases {
		r := app.Client(t).Form("/login", url.Values{"email": {tn.Email}, "password": {servertest.Password}, "next": {next}})
		if r.Status != 303 {
			t.Fatalf("next=%q: status %d", next, r.Status)
		}
		if got := r.Header.Get("Location"); got != want {
			t.Errorf("next=%q redirects to %q, want %q", next, got, want)
		}
	}
}

// TestSessionTimeouts checks the idle and absolute lifetimes against the stored session.
func TestSessionTimeouts(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Timeout Org")
	hash := tenants.HashToken(tn.Owner.Cookie("session"))
	tn.Owner.Must(200, "GET", "/api/v1/me", nil)

	app.Exec(t, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, time.Now().UTC().Add(-tenants.SessionIdle-time.Minute), hash)
	checkContractError(t, tn.Owner.Do("GET", "/api/v1/me", nil), 401)

	c := app.Login(t, tn.Email, servertest.Password)
	hash = tenants.HashToken(c.Cookie("session"))
	app.Exec(t, `UPDATE sessions SET expires_at = ? WHERE token_hash = ?`, time.Now().UTC().Add(-time.Second), hash)
	checkContractError(t, c.Do("GET", "/api/v1/me", nil), 401)

	// Activity inside the idle window keeps a session alive.
	c = app.Login(t, tn.Email, servertest.Password)
	hash = tenants.HashToken(c.Cookie("session"))
	app.Exec(t, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, time.Now().UTC().Add(-tenants.SessionIdle+time.Hour), hash)
	c.Must(200, "GET", "/api/v1/me", nil)
	var seen time.Time
	if err := app.DB.Writer().Get(&seen, `SELECT last_seen_at FROM sessions WHERE token_hash = ?`, hash); err != nil {
		t.Fatal(err)
	}
	if time.Since(seen) > time.Minute {
		t.Fatalf("the session's last use was not recorded: %v", seen)
	}
}

// TestTokensAreStoredHashed checks that neither session tokens nor return tokens are stored.
func TestTokensAreStoredHashed(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Hash Org")
	ws := tn.Workspace(t, nil)
	p := app.Join(t, tn.Invite(t, ws, "academia", "participant"), "P", "")
	ret := strings.TrimPrefix(p.ReturnURL, app.URL+"/r/")
	for _, secret := range []string{tn.Owner.Cookie("session"), p.Client.Cookie("session"), ret} {
		var n int
		if err := app.DB.Writer().Get(&n, `SELECT (SELECT count(*) FROM sessions WHERE token_hash = ?) + (SELECT count(*) FROM participants WHERE return_hash = ?)`, secret, secret); err != nil || n != 0 {
			t.Fatalf("a token is stored in clear (%d, %v)", n, err)
		}
	}
}

// TestJoinRotatesSession checks that joining (or following a return link) moves the caller's
// session to a new id that keeps the identities it had, so a planted session cookie never ends up
// holding someone's participant identity.
func TestJoinRotatesSession(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Join Org")
	ws1, ws2 := tn.Workspace(t, nil), tn.Workspace(t, map[string]any{"title": "Second"})
	p := app.Join(t, tn.Invite(t, ws1, "government", "participant"), "Pat", "")
	planted := p.Client.Cookie("session")

	var joined struct {
		Participant struct{ ID string } `json:"participant"`
	}
	p.Client.Must(201, "POST", "/api/v1/join/"+tn.Invite(t, ws2, "academia", "participant"), map[string]string{"display_name": "Pat again"}).JSON(t, &joined)
	rotated := p.Client.Cookie("session")
	if rotated == "" || rotated == planted {
		t.Fatalf("the session id did not change on join: %q", rotated)
	}
	// The new session holds both identities; the old id holds nothing.
	p.Client.Must(200, "GET", servertest.WSPath(tn.Slug, ws1), nil)
	p.Client.Must(200, "GET", servertest.WSPath(tn.Slug, ws2), nil)
	spy := app.Client(t)
	spy.SetCookie("session", planted)
	checkContractError(t, spy.Do("GET", servertest.WSPath(tn.Slug, ws2), nil), 401)

	// A member who joins keeps their account in the rotated session.
	before := tn.Owner.Cookie("session")
	tn.Owner.Must(201, "POST", "/api/v1/join/"+tn.Invite(t, ws1, "other", "observer"), map[string]string{"display_name": "Owner as observer"})
	if tn.Owner.Cookie("session") == before {
		t.Fatal("the member's session id did not change on join")
	}
	tn.Owner.Must(200, "GET", "/api/v1/tenants/"+tn.Slug+"/members", nil)

	// The return link rotates too.
	fresh := app.Client(t)
	fresh.Must(303, "GET", strings.TrimPrefix(p.ReturnURL, app.URL), nil)
	first := fresh.Cookie("session")
	fresh.Must(200, "POST", "/api/v1/return/"+strings.TrimPrefix(p.ReturnURL, app.URL+"/r/"), nil)
	if fresh.Cookie("session") == first {
		t.Fatal("the session id did not change on following the return link again")
	}
	fresh.Must(200, "GET", servertest.WSPath(tn.Slug, ws1), nil)
}

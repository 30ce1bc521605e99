// Package web holds the embedded HTML templates and static assets. Templates are parsed once at
// start-up, so a broken page fails the boot rather than a user's click.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

//go:embed templates static
var files embed.FS

// Templates are the parsed pages. Each page is the layout plus the partials plus its own file.
type Templates struct {
	pages   map[string]*template.Template
	version string
}

// Parse parses every page under templates/pages with the layout and partials.
func Parse() (*Templates, error) {
	t := &Templates{pages: map[string]*template.Template{}, version: assetVersion()}
	names, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	funcs := Funcs(t.version)
	for _, name := range names {
		page := strings.TrimSuffix(path.Base(name), ".html")
		tpl, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/partials/*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		t.pages[page] = tpl
	}
	if len(t.pages) == 0 {
		return nil, fmt.Errorf("web: no pages found")
	}
	return t, nil
}

// Render executes the page into w. The output is buffered so a failing template never sends half
// a page.
func (t *Templates) Render(w io.Writer, page string, data any) error {
	tpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("web: unknown page %q", page)
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Has reports whether the page exists.
func (t *Templates) Has(page string) bool { _, ok := t.pages[page]; return ok }

// Static returns the static assets (CSS, JS, images).
func Static() fs.FS {
	sub, _ := fs.Sub(files, "static")
	return sub
}

// assetVersion is a short hash of every static file, appended to asset URLs for cache busting.
func assetVersion() string {
	h := sha256.New()
	_ = fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := files.ReadFile(p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// Linkify escapes plain text and turns http(s) links into anchors that open safely. Nothing else
// in the text becomes markup.
func Linkify(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		raw := strings.TrimRight(s[m[0]:m[1]], ".,;:!?)")
		end := m[0] + len(raw)
		if u, err := url.Parse(raw); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			esc := template.HTMLEscapeString(raw)
			b.WriteString(`<a href="` + esc + `" rel="nofollow noopener noreferrer" target="_blank">` + esc + `</a>`)
		} else {
			b.WriteString(template.HTMLEscapeString(raw))
		}
		last = end
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String())
}

// Funcs are the template helpers.
func Funcs(version string) template.FuncMap {
	return template.FuncMap{
		"asset":   func(name string) string { return "/static/" + name + "?v=" + version },
		"linkify": Linkify,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2 Jan 2006 15:04 UTC")
		},
		"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"has": slices.Contains[[]string],
		"add": func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd arguments")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"hasPrefix": strings.HasPrefix,
	}
}

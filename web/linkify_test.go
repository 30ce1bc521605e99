package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"workshop/web"
)

// anchor is the only markup Linkify may produce.
var anchor = regexp.MustCompile(`<a href="([^"<>]*)" rel="nofollow noopener noreferrer" target="_blank">([^<>]*)</a>`)

// FuzzLinkify checks, for any text, that Linkify's output holds no markup but its own safe
// anchors to http(s) URLs, and that the text reads back exactly as it was written.
func FuzzLinkify(f *testing.F) {
	for _, s := range []string{
		"plain", "see https://example.org/a.", `<script>window.__xss=1</script>`, `"><img src=x onerror=alert(1)>`,
		"javascript:alert(1)", "https://evil.example/x\"onmouseover=\"alert(1)", "http://a.example/<b>", "https://",
		"\u202Egnp.exe", "https://example.org/?q=1&r=2 and http://b.example/(x)", strings.Repeat("https://x.example ", 50),
		"data:text/html,<svg onload=alert(1)>", "HTTPS://EXAMPLE.ORG", "https://例え.jp/パス",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(web.Linkify(s))
		var text strings.Builder
		rest, last := out, 0
		for _, m := range anchor.FindAllStringSubmatchIndex(rest, -1) {
			text.WriteString(rest[last:m[0]])
			href := html.UnescapeString(rest[m[2]:m[3]])
			if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") {
				t.Fatalf("anchor to %q", href)
			}
			if rest[m[2]:m[3]] != rest[m[4]:m[5]] {
				t.Fatalf("link text differs from its href: %s", rest[m[0]:m[1]])
			}
			text.WriteString(rest[m[4]:m[5]])
			last = m[1]
		}
		text.WriteString(rest[last:])
		plain := text.String()
		if strings.ContainsAny(plain, `<>"'`) {
			t.Fatalf("unescaped markup in %q → %q", s, out)
		}
		// NUL becomes U+FFFD when escaped; everything else reads back as written.
		want := strings.ReplaceAll(s, "\x00", "\uFFFD")
		if got := html.UnescapeString(plain); got != want && strings.ToValidUTF8(s, "\uFFFD") == s {
			t.Fatalf("text changed: %q → %q", s, got)
		}
	})
}

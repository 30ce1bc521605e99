package server_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"workshop/server/servertest"
	"workshop/tenants"
)

type caseList struct {
	CaseStudies []struct {
		ID      string `json:"id"`
		Private bool   `json:"private"`
	} `json:"case_studies"`
	Total int `json:"total"`
}

func ids(l caseList) []string {
	out := []string{}
	for _, c := range l.CaseStudies {
		out = append(out, c.ID)
	}
	sort.Strings(out)
	return out
}

// expected computes the matching set independently of the server's filter code.
func expected(cat *tenants.Catalogue, keep func(c *tenants.CaseStudy) bool) []string {
	out := []string{}
	for _, c := range cat.CaseStudies {
		if keep(c) {
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}

func TestCaseStudyFiltersReturnExactlyTheMatchingSet(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	cat := app.Service.Catalogue
	c := app.Client(t)
	has := func(list []string, s string) bool {
		for _, v := range list {
			if v == s {
				return true
			}
		}
		return false
	}
	contains := func(c *tenants.CaseStudy, q string) bool {
		q = strings.ToLower(q)
		hay := []string{c.Name, c.Country, c.Summary}
		hay = append(hay, c.Criticisms...)
		for _, o := range c.Outcomes {
			hay = append(hay, o.Text)
		}
		for _, h := range hay {
			if strings.Contains(strings.ToLower(h), q) {
				return true
			}
		}
		return false
	}
	cases := []struct {
		name  string
		query url.Values
		keep  func(*tenants.CaseStudy) bool
	}{
		{"all", url.Values{}, func(*tenants.CaseStudy) bool { return true }},
		{"motivation", url.Values{"motivation": {"financial_inclusion"}}, func(c *tenants.CaseStudy) bool { return has(c.Motivations, "financial_inclusion") }},
		{"use_case", url.Values{"use_case": {"g2g_verification"}}, func(c *tenants.CaseStudy) bool { return has(c.UseCases, "g2g_verification") }},
		{"region", url.Values{"region": {"sub_saharan_africa"}}, func(c *tenants.CaseStudy) bool { return c.Region == "sub_saharan_africa" }},
		{"architecture", url.Values{"architecture": {"federated_exchange"}}, func(c *tenants.CaseStudy) bool { return c.Architecture == "federated_exchange" }},
		{"dimension strong", url.Values{"dimension": {"consent_agency"}}, func(c *tenants.CaseStudy) bool { return c.Maturity["consent_agency"].Level >= 3 }},
		{"text in criticisms", url.Values{"q": {"DPIA"}}, func(c *tenants.CaseStudy) bool { return contains(c, "DPIA") }},
		{"text in country", url.Values{"q": {"india"}}, func(c *tenants.CaseStudy) bool { return contains(c, "india") }},
		{"combined", url.Values{"region": {"south_asia"}, "use_case": {"consented_private_sharing"}}, func(c *tenants.CaseStudy) bool {
			return c.Region == "south_asia" && has(c.UseCases, "consented_private_sharing")
		}},
		{"no match", url.Values{"q": {"zzzz-no-such-thing"}}, func(*tenants.CaseStudy) bool { return false }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got caseList
			c.Must(http.StatusOK, http.MethodGet, "/api/v1/case-studies?"+tc.query.Encode(), nil).JSON(t, &got)
			want := expected(cat, tc.keep)
			if strings.Join(ids(got), ",") != strings.Join(want, ",") || got.Total != len(want) {
				t.Fatalf("got %v (total %d), want %v", ids(got), got.Total, want)
			}
			if tc.name == "all" && len(want) < 40 {
				t.Fatalf("only %d case studies", len(want))
			}
		})
	}
}

func TestEveryCaseStudyPageRenders(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	c := app.Client(t)
	for _, cs := range app.Service.Catalogue.CaseStudies {
		r := c.Must(http.StatusOK, http.MethodGet, "/case-studies/"+cs.ID, nil)
		body := string(r.Body)
		for _, want := range []string{"<svg", "<table", "Sources"} {
			if !strings.Contains(body, want) {
				t.Fatalf("%s: page lacks %q", cs.ID, want)
			}
		}
		for _, src := range cs.Sources {
			if !strings.Contains(body, strings.ReplaceAll(src.URL, "&", "&amp;")) {
				t.Fatalf("%s: source %s not linked", cs.ID, src.URL)
			}
		}
		c.Must(http.StatusOK, http.MethodGet, "/api/v1/case-studies/"+cs.ID, nil)
	}
	c.Must(http.StatusNotFound, http.MethodGet, "/api/v1/case-studies/no-such-case", nil)
	c.Must(http.StatusNotFound, http.MethodGet, "/case-studies/no-such-case", nil)
	for _, p := range []string{"/taxonomy", "/instrument", "/case-studies", "/case-studies?region=south_asia&q=consent"} {
		c.Must(http.StatusOK, http.MethodGet, p, nil)
	}
}

func TestTaxonomyAndInstrumentAPI(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	c := app.Client(t)
	var tax struct {
		Motivations []struct {
			ID, Name, Description string
			CaseStudies           []string `json:"case_studies"`
		} `json:"motivations"`
		UseCases   []struct{ ID string } `json:"use_cases"`
		Dimensions []struct {
			ID       string
			Subitems []struct{ ID, Name string } `json:"subitems"`
		} `json:"dimensions"`
		StakeholderGroups []struct{ ID, Name string } `json:"stakeholder_groups"`
	}
	c.Must(http.StatusOK, http.MethodGet, "/api/v1/taxonomy", nil).JSON(t, &tax)
	if len(tax.Motivations) < 10 || len(tax.UseCases) < 10 || len(tax.Dimensions) != 10 || len(tax.StakeholderGroups) != 8 {
		t.Fatalf("taxonomy sizes: %d motivations, %d use-cases, %d dimensions, %d groups",
			len(tax.Motivations), len(tax.UseCases), len(tax.Dimensions), len(tax.StakeholderGroups))
	}
	var in struct {
		Version    string `json:"version"`
		Dimensions []struct {
			ID        string `json:"id"`
			Questions []struct {
				ID, Kind, Prompt string
				Levels           []struct {
					Value      int    `json:"value"`
					Descriptor string `json:"descriptor"`
				} `json:"levels"`
			} `json:"questions"`
		} `json:"dimensions"`
	}
	c.Must(http.StatusOK, http.MethodGet, "/api/v1/instrument", nil).JSON(t, &in)
	total, maturity := 0, 0
	for _, d := range in.Dimensions {
		if len(d.Questions) < 3 {
			t.Fatalf("dimension %s has %d questions", d.ID, len(d.Questions))
		}
		for _, q := range d.Questions {
			total++
			if q.Kind == "maturity" {
				maturity++
				if len(q.Levels) != 5 {
					t.Fatalf("%s has %d levels", q.ID, len(q.Levels))
				}
			}
		}
	}
	if in.Version != "1" || total < 45 || maturity < 40 {
		t.Fatalf("instrument v%s: %d questions, %d maturity", in.Version, total, maturity)
	}
	c.Must(http.StatusNotFound, http.MethodGet, "/api/v1/instrument?version=99", nil)
}

func TestPrivateCaseStudyStaysInsideItsTenant(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	a, b := app.Signup(t, "Alpha Unit"), app.Signup(t, "Beta Unit")
	body := map[string]any{"name": "Kestria county health pilot", "country": "Kestria", "region": "sub_saharan_africa",
		"year": 2025, "architecture": "federated_exchange", "summary": "A county pilot exchanging referral notes.",
		"motivations": []string{"service_efficiency"}, "use_cases": []string{"portable_records"},
		"maturity": map[string]any{"legal_basis": map[string]any{"level": 2, "reason": "County by-law only."}},
		"sources":  []map[string]string{{"title": "Pilot report", "url": "https://example.org/pilot"}}}
	var created struct {
		CaseStudy struct {
			ID      string `json:"id"`
			Private bool   `json:"private"`
		} `json:"case_study"`
	}
	a.Owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/tenants/"+a.Slug+"/case-studies", body).JSON(t, &created)
	if !created.CaseStudy.Private || created.CaseStudy.ID == "" {
		t.Fatalf("created = %+v", created)
	}
	id := created.CaseStudy.ID

	var own caseList
	a.Owner.Must(http.StatusOK, http.MethodGet, "/api/v1/tenants/"+a.Slug+"/case-studies?q=kestria", nil).JSON(t, &own)
	if len(own.CaseStudies) != 1 || own.CaseStudies[0].ID != id {
		t.Fatalf("own tenant sees %+v", own)
	}
	a.Owner.Must(http.StatusOK, http.MethodGet, "/t/"+a.Slug+"/case-studies/"+id, nil)

	var public caseList
	app.Client(t).Must(http.StatusOK, http.MethodGet, "/api/v1/case-studies?q=kestria", nil).JSON(t, &public)
	if len(public.CaseStudies) != 0 {
		t.Fatalf("public catalogue shows the private case: %+v", public)
	}
	a.Owner.Must(http.StatusNotFound, http.MethodGet, "/api/v1/case-studies/"+id, nil)
	a.Owner.Must(http.StatusNotFound, http.MethodGet, "/case-studies/"+id, nil)

	var other caseList
	b.Owner.Must(http.StatusOK, http.MethodGet, "/api/v1/tenants/"+b.Slug+"/case-studies?q=kestria", nil).JSON(t, &other)
	if len(other.CaseStudies) != 0 {
		t.Fatalf("another tenant sees it: %+v", other)
	}
	b.Owner.Must(http.StatusNotFound, http.MethodGet, "/t/"+b.Slug+"/case-studies/"+id, nil)
	b.Owner.Must(http.StatusNotFound, http.MethodGet, "/api/v1/tenants/"+a.Slug+"/case-studies", nil)

	t.Run("validated like seeds", func(t *testing.T) {
		bad := map[string]any{"name": "X", "country": "Y", "region": "atlantis", "architecture": "nope", "summary": "s",
			"motivations": []string{"bogus"}, "sources": []map[string]string{{"title": "t", "url": "javascript:alert(1)"}},
			"maturity": map[string]any{"legal_basis": map[string]any{"level": 7, "reason": "r"}}}
		r := a.Owner.Must(http.StatusBadRequest, http.MethodPost, "/api/v1/tenants/"+a.Slug+"/case-studies", bad)
		var e struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		r.JSON(t, &e)
		for _, f := range []string{"region", "architecture", "motivations[0]", "sources[0].url", "maturity.legal_basis.level"} {
			if e.Error.Fields[f] == "" {
				t.Errorf("no field error for %s: %v", f, e.Error.Fields)
			}
		}
	})
}

// TestInstrumentListsAreNeverNull checks that every list of every question is a JSON array, as
// the contract shows, even for kinds that do not use it.
func TestInstrumentListsAreNeverNull(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	var in struct {
		Dimensions []struct {
			Questions []map[string]any `json:"questions"`
		} `json:"dimensions"`
	}
	app.Client(t).Must(http.StatusOK, http.MethodGet, "/api/v1/instrument", nil).JSON(t, &in)
	for _, d := range in.Dimensions {
		for _, q := range d.Questions {
			for _, k := range []string{"levels", "options", "motivations", "use_cases"} {
				if _, ok := q[k].([]any); !ok {
					t.Fatalf("question %v: %s is %v, want a list", q["id"], k, q[k])
				}
			}
		}
	}
}

package seeds_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"workshop/seeds"
	"workshop/tenants"
)

// The fixed identifiers of docs/CONTENT.md.
var (
	wantMotivations = []string{"service_efficiency", "financial_inclusion", "competition_innovation",
		"citizen_agency", "research_evidence", "targeting_integrity", "sector_coordination", "crisis_response",
		"sovereignty_resilience", "collective_power", "public_value_stewardship"}
	wantUseCases = []string{"g2g_verification", "consented_private_sharing", "portable_records",
		"eligibility_targeting", "open_networks", "b2b_data_spaces", "research_secondary_use", "community_pooling",
		"identity_kyc_reuse", "aggregate_analytics"}
	wantArchitectures = []string{"federated_exchange", "centralised_platform", "consent_manager",
		"open_protocol_network", "data_space", "trusted_research_environment", "cooperative", "personal_data_store",
		"id_centric"}
	wantRegions = []string{"sub_saharan_africa", "south_asia", "east_asia_pacific", "latin_america_caribbean",
		"middle_east_north_africa", "europe_central_asia", "north_america", "global"}
	wantStakeholderGroups = []string{"government", "regulator", "civil_society", "private_sector", "academia",
		"community", "development_partner", "other"}
	wantDimensions = []struct {
		id       string
		subitems []string
	}{
		{"legal_basis", []string{"data_protection_law", "legal_mandate", "purpose_limitation", "impact_assessment", "state_access_oversight", "rule_review"}},
		{"institutional_governance", []string{"named_operator", "separation_of_roles", "rulebook", "board_conflicts", "coordination"}},
		{"consent_agency", []string{"consent_artefact", "non_consent_bases", "assisted_consent", "access_logs", "collective_consent"}},
		{"technical_architecture", []string{"architecture_rationale", "open_standards", "semantic_interop", "open_source", "reliability"}},
		{"trust_security", []string{"participant_identity", "crypto_logs", "audit_regime", "incident_response", "data_minimisation"}},
		{"inclusion_accessibility", []string{"assisted_channels", "non_conditionality", "coverage_monitoring", "language_disability_gender", "affordability"}},
		{"grievance_accountability", []string{"redress", "ombuds", "judicial_review", "transparency_reporting", "liability"}},
		{"participation", []string{"design_consultation", "civil_society_role", "user_councils", "funded_engagement"}},
		{"financing_sustainability", []string{"funding_model", "pricing", "incentives_exit", "compliance_costs", "ownership"}},
		{"capacity_impact", []string{"in_house_capacity", "data_quality", "onboarding_support", "uptake_metrics", "outcome_monitoring"}},
	}
)

func termIDs(terms []tenants.Term) []string {
	ids := make([]string, len(terms))
	for i, t := range terms {
		ids[i] = t.ID
	}
	return ids
}

// checkFixedTaxonomy fails unless tax holds exactly the fixed identifiers of docs/CONTENT.md.
func checkFixedTaxonomy(t *testing.T, tax *tenants.Taxonomy) {
	t.Helper()
	lists := []struct {
		name string
		got  []tenants.Term
		want []string
	}{
		{"motivations", tax.Motivations, wantMotivations},
		{"use_cases", tax.UseCases, wantUseCases},
		{"architectures", tax.Architectures, wantArchitectures},
		{"regions", tax.Regions, wantRegions},
		{"stakeholder_groups", tax.StakeholderGroups, wantStakeholderGroups},
	}
	for _, l := range lists {
		if got := termIDs(l.got); !slices.Equal(got, l.want) {
			t.Errorf("%s = %v, want %v", l.name, got, l.want)
		}
	}
	if len(tax.Dimensions) != len(wantDimensions) {
		t.Fatalf("%d dimensions, want %d", len(tax.Dimensions), len(wantDimensions))
	}
	for i, want := range wantDimensions {
		d := tax.Dimensions[i]
		var got []string
		for _, s := range d.Subitems {
			got = append(got, s.ID)
		}
		if d.ID != want.id || !slices.Equal(got, want.subitems) {
			t.Errorf("dimension %d = %s %v, want %s %v", i, d.ID, got, want.id, want.subitems)
		}
		if n := len(d.Subitems); n < 3 || n > 6 {
			t.Errorf("dimension %s has %d sub-items, want 3 to 6", d.ID, n)
		}
	}
}

func TestLoadShippedContent(t *testing.T) {
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	tax := &cat.Taxonomy
	checkFixedTaxonomy(t, tax)

	in := cat.Instrument(cat.Current)
	if in == nil {
		t.Fatalf("current version %q has no instrument", cat.Current)
	}
	qs := in.Questions()
	maturity := 0
	for i, q := range qs {
		if q.Position != i+1 {
			t.Errorf("question %s has position %d, want %d", q.ID, q.Position, i+1)
		}
		if q.Kind == tenants.KindMaturity {
			maturity++
		}
		checkRefs(t, tax, "question "+q.ID, q.Motivations, q.UseCases)
		if d := tax.Dimension(q.Dimension); d == nil {
			t.Errorf("question %s: unknown dimension %q", q.ID, q.Dimension)
		} else if q.Subitem != "" && !slices.ContainsFunc(d.Subitems, func(s tenants.Subitem) bool { return s.ID == q.Subitem }) {
			t.Errorf("question %s: sub-item %q is not in dimension %s", q.ID, q.Subitem, d.ID)
		}
	}
	if len(qs) < 45 || maturity < 40 {
		t.Errorf("version %s has %d questions, %d maturity; want at least 45 and 40", cat.Current, len(qs), maturity)
	}
	for i, d := range in.Dimensions {
		if d.ID != tax.Dimensions[i].ID || d.Name != tax.Dimensions[i].Name {
			t.Errorf("instrument dimension %d = %s %q, want %s %q", i, d.ID, d.Name, tax.Dimensions[i].ID, tax.Dimensions[i].Name)
		}
		if len(d.Questions) < 3 {
			t.Errorf("dimension %s has %d questions, want at least 3", d.ID, len(d.Questions))
		}
	}

	south := 0
	for _, c := range cat.CaseStudies {
		if c.GlobalSouth {
			south++
		}
		if c.Private || c.TenantID != "" {
			t.Errorf("case %s: Private=%v TenantID=%q, want a public seed", c.ID, c.Private, c.TenantID)
		}
		if !tax.Has("region", c.Region) || !tax.Has("architecture", c.Architecture) {
			t.Errorf("case %s: region %q or architecture %q does not resolve", c.ID, c.Region, c.Architecture)
		}
		checkRefs(t, tax, "case "+c.ID, c.Motivations, c.UseCases)
		for _, d := range tax.Dimensions {
			if _, ok := c.Maturity[d.ID]; !ok {
				t.Errorf("case %s: no maturity judgement for %s", c.ID, d.ID)
			}
		}
	}
	if n := len(cat.CaseStudies); n < 40 || 2*south < n {
		t.Errorf("%d case studies, %d global south; want at least 40 and at least half", n, south)
	}
	if !slices.IsSortedFunc(cat.CaseStudies, func(a, b *tenants.CaseStudy) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	}) {
		t.Error("case studies are not sorted by name")
	}
}

func checkRefs(t *testing.T, tax *tenants.Taxonomy, what string, motivations, useCases []string) {
	t.Helper()
	for _, m := range motivations {
		if !tax.Has("motivation", m) {
			t.Errorf("%s: motivation %q does not resolve", what, m)
		}
	}
	for _, u := range useCases {
		if !tax.Has("use_case", u) {
			t.Errorf("%s: use-case %q does not resolve", what, u)
		}
	}
}

// TestShippedTaxonomy loads the shipped taxonomy.json with an instrument and a case study
// generated from it, so the taxonomy is checked whatever state the other content is in.
func TestShippedTaxonomy(t *testing.T) {
	raw, err := os.ReadFile("taxonomy.json")
	if err != nil {
		t.Fatal(err)
	}
	var tax tenants.Taxonomy
	if err := json.Unmarshal(raw, &tax); err != nil {
		t.Fatal(err)
	}
	files := fixture{
		"taxonomy.json":                 string(raw),
		"instrument/v1/instrument.json": `{"version": "1", "title": "T", "description": "D", "published": "2026-12-03"}`,
	}
	c := map[string]any{
		"id": "generated_case", "name": "Generated", "country": "Nowhere", "region": tax.Regions[0].ID,
		"motivations": []string{tax.Motivations[0].ID}, "use_cases": []string{tax.UseCases[0].ID},
		"architecture": tax.Architectures[0].ID, "summary": "S.", "consent": "C.", "governance": "G.", "legal_basis": "L.",
		"sources": []map[string]string{{"title": "T", "url": "https://example.org/"}},
	}
	judgements := map[string]any{}
	for _, d := range tax.Dimensions {
		judgements[d.ID] = map[string]any{"level": 2, "reason": "R."}
		q := map[string]any{"id": d.ID + ".q", "subitem": d.Subitems[0].ID, "kind": "text",
			"prompt": "P?", "help": "H.", "why": "W.", "motivations": []string{tax.Motivations[0].ID}}
		files["instrument/v1/"+d.ID+".json"] = mustJSON(t, map[string]any{"dimension": d.ID, "questions": []any{q}})
	}
	c["maturity"] = judgements
	files["case_studies/generated_case.json"] = mustJSON(t, c)

	cat, err := seeds.LoadFS(files.fs())
	if err != nil {
		t.Fatal(err)
	}
	checkFixedTaxonomy(t, &cat.Taxonomy)
	for _, list := range [][]tenants.Term{cat.Taxonomy.Motivations, cat.Taxonomy.UseCases, cat.Taxonomy.Architectures} {
		for _, term := range list {
			if n := sentences(term.Description); n < 2 || n > 4 {
				t.Errorf("%s: description has %d sentences, want 2 to 4", term.ID, n)
			}
		}
	}
	for _, d := range cat.Taxonomy.Dimensions {
		if n := sentences(d.Description); n < 2 || n > 4 {
			t.Errorf("%s: description has %d sentences, want 2 to 4", d.ID, n)
		}
		for _, s := range d.Subitems {
			if n := sentences(s.Description); n != 1 {
				t.Errorf("%s.%s: description has %d sentences, want 1", d.ID, s.ID, n)
			}
		}
	}
}

// sentences counts the sentences of s by their closing full stops.
func sentences(s string) int {
	return strings.Count(s+" ", ". ") + strings.Count(s+" ", "? ")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fixture is a content tree: file path to file text.
type fixture map[string]string

func (f fixture) fs() fstest.MapFS {
	m := fstest.MapFS{}
	for p, text := range f {
		m[p] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// validFixture returns a small content tree that loads without problems: two dimensions, one
// version, two case studies.
func validFixture() fixture {
	return fixture{
		"taxonomy.json": `{
  "motivations": [
    {"id": "service_efficiency", "name": "Efficiency", "description": "Agencies reuse data."},
    {"id": "citizen_agency", "name": "Agency", "description": "People control data."}
  ],
  "use_cases": [{"id": "g2g_verification", "name": "G2G", "description": "Agencies verify facts."}],
  "architectures": [{"id": "federated_exchange", "name": "Federated", "description": "A shared layer."}],
  "dimensions": [
    {"id": "legal_basis", "name": "Legal basis", "description": "Laws.",
     "subitems": [{"id": "legal_mandate", "name": "Mandate", "description": "A law."}]},
    {"id": "consent_agency", "name": "Consent", "description": "Consent.",
     "subitems": [{"id": "access_logs", "name": "Logs", "description": "Logs."}]}
  ],
  "stakeholder_groups": [{"id": "government", "name": "Government", "description": "Ministries."}],
  "regions": [{"id": "europe_central_asia", "name": "Europe and Central Asia"}, {"id": "south_asia", "name": "South Asia"}]
}`,
		"instrument/v1/instrument.json": `{"version": "1", "title": "Self-assessment", "description": "D.", "published": "2026-12-03"}`,
		"instrument/v1/legal_basis.json": `{
  "dimension": "legal_basis",
  "questions": [
    {
      "id": "legal_basis.mandate",
      "subitem": "legal_mandate",
      "kind": "maturity",
      "prompt": "Is there a law?",
      "help": "Look at the statute book.",
      "why": "Mandates matter.",
      "levels": [
        {"value": 0, "label": "Absent", "descriptor": "No law."},
        {"value": 1, "label": "Ad hoc", "descriptor": "A memo."},
        {"value": 2, "label": "Defined", "descriptor": "A draft law."},
        {"value": 3, "label": "Operational", "descriptor": "A law in force."},
        {"value": 4, "label": "Institutionalised", "descriptor": "A reviewed law."}
      ],
      "motivations": ["service_efficiency"]
    },
    {
      "id": "legal_basis.kind",
      "kind": "choice",
      "prompt": "What kind of instrument?",
      "help": "Pick one.",
      "why": "Statutes are sturdier.",
      "options": [{"id": "statute", "label": "Statute"}, {"id": "decree", "label": "Decree"}],
      "use_cases": ["g2g_verification"]
    }
  ]
}`,
		"instrument/v1/consent_agency.json": `{
  "dimension": "consent_agency",
  "questions": [
    {"id": "consent_agency.channels", "kind": "multi", "prompt": "Which channels?", "help": "All that apply.",
     "why": "Reach.", "options": [{"id": "app", "label": "App"}, {"id": "counter", "label": "Counter"}],
     "motivations": ["citizen_agency"]},
    {"id": "consent_agency.notes", "subitem": "access_logs", "kind": "text", "prompt": "Anything else?",
     "help": "Free text.", "why": "Context.", "motivations": ["citizen_agency"]}
  ]
}`,
		"case_studies/estonia_xroad.json": `{
  "id": "estonia_xroad",
  "name": "X-Road",
  "country": "Estonia",
  "region": "europe_central_asia",
  "global_south": false,
  "year": 2001,
  "sectors": ["government services"],
  "motivations": ["service_efficiency"],
  "use_cases": ["g2g_verification"],
  "architecture": "federated_exchange",
  "summary": "An exchange layer.",
  "consent": "ID card.",
  "governance": "RIA.",
  "legal_basis": "Public Information Act.",
  "outcomes": [{"date": "2017", "text": "Many requests a day."}],
  "criticisms": ["Needs an eID."],
  "maturity": {
    "legal_basis": {"level": 4, "reason": "Mandated by law."},
    "consent_agency": {"level": 2, "reason": "Mandate, not consent."}
  },
  "sources": [{"title": "RIA: X-Road", "url": "https://www.ria.ee/x-road"}],
  "unverified": ["year"]
}`,
		"case_studies/india_aa.json": `{
  "id": "india_aa", "name": "Account Aggregator", "country": "India", "region": "south_asia",
  "global_south": true, "year": 2021, "motivations": ["citizen_agency"], "use_cases": [],
  "architecture": "federated_exchange", "summary": "Consent managers.",
  "consent": "Consent artefact.", "governance": "RBI.", "legal_basis": "Master Direction.",
  "maturity": {"legal_basis": {"level": 3, "reason": "RBI direction."}, "consent_agency": {"level": 3, "reason": "Artefact."}},
  "sources": [{"title": "RBI", "url": "http://rbi.org.in"}]
}`,
	}
}

// replace edits the file p of a fixture, replacing the only occurrence of old with new.
func replace(p, old, new string) func(*testing.T, fixture) {
	return func(t *testing.T, f fixture) {
		t.Helper()
		if n := strings.Count(f[p], old); n != 1 {
			t.Fatalf("%s: %q occurs %d times, want once", p, old, n)
		}
		f[p] = strings.Replace(f[p], old, new, 1)
	}
}

// rename moves the file from to to.
func rename(from, to string) func(*testing.T, fixture) {
	return func(t *testing.T, f fixture) {
		f[to] = f[from]
		delete(f, from)
	}
}

func TestLoadFSValidFixture(t *testing.T) {
	cat, err := seeds.LoadFS(validFixture().fs())
	if err != nil {
		t.Fatal(err)
	}
	if cat.Current != "1" || len(cat.Instruments) != 1 {
		t.Fatalf("Current = %q with %d instruments, want \"1\" with 1", cat.Current, len(cat.Instruments))
	}
	in := cat.Instrument("1")
	if in.Title != "Self-assessment" || in.Published != "2026-12-03" || in.Description != "D." {
		t.Errorf("instrument metadata = %+v", in)
	}
	var got []string
	for _, q := range in.Questions() {
		got = append(got, fmt.Sprintf("%d %s %s", q.Position, q.Dimension, q.ID))
	}
	want := []string{"1 legal_basis legal_basis.mandate", "2 legal_basis legal_basis.kind",
		"3 consent_agency consent_agency.channels", "4 consent_agency consent_agency.notes"}
	if !slices.Equal(got, want) {
		t.Errorf("questions in taxonomy order = %q, want %q", got, want)
	}
	if in.Dimensions[0].Name != "Legal basis" || in.Dimensions[1].Name != "Consent" {
		t.Errorf("dimension names = %q, %q", in.Dimensions[0].Name, in.Dimensions[1].Name)
	}
	if len(cat.CaseStudies) != 2 || cat.CaseStudies[0].ID != "india_aa" || cat.CaseStudies[1].ID != "estonia_xroad" {
		t.Fatalf("case studies not sorted by name: %v", cat.CaseStudies)
	}
	x := cat.CaseStudies[1]
	if x.Private || x.TenantID != "" || x.Maturity["legal_basis"].Level != 4 || x.Sources[0].URL != "https://www.ria.ee/x-road" {
		t.Errorf("X-Road decoded as %+v", x)
	}
}

func TestLoadFSCurrentIsHighestVersion(t *testing.T) {
	f := validFixture()
	for _, v := range []string{"2", "10"} {
		for p, text := range maps.Clone(f) {
			if dir, file := path.Split(p); dir == "instrument/v1/" {
				f["instrument/v"+v+"/"+file] = text
			}
		}
		replace("instrument/v"+v+"/instrument.json", `"version": "1"`, `"version": "`+v+`"`)(t, f)
	}
	cat, err := seeds.LoadFS(f.fs())
	if err != nil {
		t.Fatal(err)
	}
	if cat.Current != "10" || len(cat.Instruments) != 3 {
		t.Errorf("Current = %q of %d versions, want \"10\" of 3", cat.Current, len(cat.Instruments))
	}
}

func TestLoadFSReportsBrokenContent(t *testing.T) {
	const (
		tax   = "taxonomy.json"
		meta  = "instrument/v1/instrument.json"
		legal = "instrument/v1/legal_basis.json"
		cons  = "instrument/v1/consent_agency.json"
		xroad = "case_studies/estonia_xroad.json"
	)
	tests := []struct {
		name string
		edit func(*testing.T, fixture)
		want string
	}{
		{"unknown motivation tag", replace(xroad, `["service_efficiency"]`, `["service_efficiency", "bar"]`),
			`case_studies/estonia_xroad.json: case study "estonia_xroad": field "motivations[1]": unknown motivation "bar"`},
		{"unknown use-case tag on a question", replace(legal, `["g2g_verification"]`, `["g2g"]`),
			`instrument/v1/legal_basis.json: question "legal_basis.kind": field "use_cases[0]": unknown use-case "g2g"`},
		{"unknown region", replace(xroad, `"europe_central_asia"`, `"europe"`),
			`case study "estonia_xroad": field "region": unknown region "europe"`},
		{"unknown architecture", replace(xroad, `"architecture": "federated_exchange"`, `"architecture": "hub"`),
			`case study "estonia_xroad": field "architecture": unknown architecture "hub"`},
		{"sub-item of another dimension", replace(legal, `"legal_mandate"`, `"access_logs"`),
			`question "legal_basis.mandate": field "subitem": unknown sub-item "access_logs" of dimension "legal_basis"`},
		{"duplicate taxonomy id", replace(tax, `"id": "citizen_agency"`, `"id": "service_efficiency"`),
			`taxonomy.json: motivation "service_efficiency": field "id": duplicate id`},
		{"duplicate sub-item id", replace(tax, `"id": "access_logs"`, `"id": "access_logs"}, {"id": "access_logs", "name": "N", "description": "D."`),
			`taxonomy.json: dimension "consent_agency": field "subitems[1].id": duplicate id "access_logs"`},
		{"duplicate question id", replace(legal, `"legal_basis.kind"`, `"legal_basis.mandate"`),
			`question "legal_basis.mandate": field "id": duplicate id (first used in instrument/v1/legal_basis.json)`},
		{"invalid id", replace(tax, `"id": "government"`, `"id": "Government"`),
			`taxonomy.json: stakeholder group "Government": field "id": "Government" is not a valid id`},
		{"missing name", replace(tax, `"name": "Logs"`, `"name": " "`),
			`taxonomy.json: dimension "consent_agency": field "subitems[0].name": must not be empty`},
		{"missing id", replace(tax, `{"id": "government", `, `{`),
			`taxonomy.json: stakeholder group #1: field "id": must not be empty`},
		{"missing level", replace(legal, `,
        {"value": 4, "label": "Institutionalised", "descriptor": "A reviewed law."}`, ``),
			`instrument/v1/legal_basis.json: question "legal_basis.mandate": field "levels": maturity questions need exactly 5 levels, 0 to 4`},
		{"levels out of order", replace(legal, `"value": 3`, `"value": 4`),
			`question "legal_basis.mandate": field "levels[3].value": got 4, want 3: levels run 0 to 4 in order`},
		{"missing descriptor", replace(legal, `"descriptor": "A memo."`, `"descriptor": ""`),
			`question "legal_basis.mandate": field "levels[1].descriptor": must not be empty`},
		{"missing help", replace(cons, `"help": "Free text."`, `"help": ""`),
			`question "consent_agency.notes": field "help": must not be empty`},
		{"unknown question kind", replace(cons, `"kind": "text"`, `"kind": "essay"`),
			`question "consent_agency.notes": field "kind": unknown kind "essay": want maturity, choice, multi or text`},
		{"levels on a text question", replace(cons, `"kind": "text",`, `"kind": "text", "levels": [{"value": 0, "label": "A", "descriptor": "B"}],`),
			`question "consent_agency.notes": field "levels": only maturity questions have levels`},
		{"options on a maturity question", replace(legal, `"motivations": ["service_efficiency"]`, `"motivations": ["service_efficiency"], "options": [{"id": "ab", "label": "A"}]`),
			`question "legal_basis.mandate": field "options": only choice and multi questions have options`},
		{"too few options", replace(legal, `, {"id": "decree", "label": "Decree"}`, ``),
			`question "legal_basis.kind": field "options": choice questions need 2 to 8 options; got 1`},
		{"duplicate option label", replace(cons, `"label": "Counter"`, `"label": "app"`),
			`question "consent_agency.channels": field "options[1].label": duplicate option label "app"`},
		{"duplicate option id", replace(cons, `"id": "counter"`, `"id": "app"`),
			`question "consent_agency.channels": field "options[1].id": duplicate option id "app"`},
		{"question id without dimension prefix", replace(cons, `"consent_agency.notes"`, `"consent_notes"`),
			`question "consent_notes": field "id": must start with "consent_agency."`},
		{"question without tags", replace(cons, `"why": "Context.", "motivations": ["citizen_agency"]`, `"why": "Context."`),
			`question "consent_agency.notes": field "motivations": a question needs at least one motivation or use-case`},
		{"question file for another dimension", replace(cons, `"dimension": "consent_agency"`, `"dimension": "legal_basis"`),
			`instrument/v1/consent_agency.json: field "dimension": "legal_basis" does not match the file name: want "consent_agency"`},
		{"question file of an unknown dimension", rename(cons, "instrument/v1/consent.json"),
			`instrument/v1/consent.json: unknown dimension "consent": question files are named after a dimension of the taxonomy`},
		{"missing question file", rename(cons, "instrument/v1/consent_agency.json.bak"),
			`instrument/v1/consent_agency.json: missing: every dimension of the taxonomy needs a question file`},
		{"version not matching its directory", replace(meta, `"version": "1"`, `"version": "2"`),
			`instrument/v1/instrument.json: instrument "2": field "version": must match the directory name "v1"`},
		{"bad published date", replace(meta, `"2026-12-03"`, `"3 Dec 2026"`),
			`instrument/v1/instrument.json: instrument "1": field "published": "3 Dec 2026" is not a date of the form 2006-01-02`},
		{"malformed URL", replace(xroad, `"https://www.ria.ee/x-road"`, `"htps:/ria.ee"`),
			`case_studies/estonia_xroad.json: case study "estonia_xroad": field "sources[0].url": malformed URL "htps:/ria.ee": want an absolute http or https URL with a host`},
		{"unparsable URL", replace(xroad, `"https://www.ria.ee/x-road"`, `"https://ria ee/"`),
			`case study "estonia_xroad": field "sources[0].url": malformed URL "https://ria ee/": invalid character " " in host name`},
		{"relative URL", replace(xroad, `"https://www.ria.ee/x-road"`, `"/x-road"`),
			`field "sources[0].url": malformed URL "/x-road": want an absolute http or https URL with a host`},
		{"no sources", replace(xroad, `[{"title": "RIA: X-Road", "url": "https://www.ria.ee/x-road"}]`, `[]`),
			`case study "estonia_xroad": field "sources": needs at least one source`},
		{"unknown field", replace(xroad, `"summary"`, `"sumary"`),
			`case_studies/estonia_xroad.json: line 12, column 3: field "sumary": unknown field`},
		{"unknown field in a question", replace(cons, `"why": "Reach."`, `"whyy": "Reach."`),
			`instrument/v1/consent_agency.json: line 5, column 6: field "whyy": unknown field`},
		{"private is not a seed field", replace(xroad, `"global_south": false,`, `"global_south": false, "private": true,`),
			`case_studies/estonia_xroad.json: line 6, column 26: field "private": unknown field`},
		{"bad JSON", replace(xroad, `"country": "Estonia",`, `"country": "Estonia"`),
			`case_studies/estonia_xroad.json: line 5, column 3: invalid JSON: invalid character '"' after object key:value pair`},
		{"truncated JSON", replace(meta, `}`, ``),
			`instrument/v1/instrument.json: line 1, column 92: invalid JSON: the file ends before the JSON value is complete`},
		{"trailing data", replace(meta, `}`, `} {}`),
			`instrument/v1/instrument.json: line 1, column 94: invalid JSON: unexpected data after the JSON value`},
		{"wrong type", replace(xroad, `"year": 2001`, `"year": "2001"`),
			`case_studies/estonia_xroad.json: line 7, column 16: field "year": wrong type: got a JSON string, want integer`},
		{"wrong maturity key", replace(xroad, `"consent_agency": {"level": 2`, `"consent": {"level": 2`),
			`case_studies/estonia_xroad.json: case study "estonia_xroad": field "maturity.consent": unknown dimension "consent"`},
		{"missing maturity key", replace(xroad, `"consent_agency": {"level": 2`, `"consent": {"level": 2`),
			`case_studies/estonia_xroad.json: case study "estonia_xroad": field "maturity": missing dimension "consent_agency"`},
		{"out-of-range level", replace(xroad, `"level": 4`, `"level": 5`),
			`case_studies/estonia_xroad.json: case study "estonia_xroad": field "maturity.legal_basis.level": level 5 is out of range 0 to 4`},
		{"missing governance", replace(xroad, `"governance": "RIA."`, `"governance": ""`),
			`case study "estonia_xroad": field "governance": must not be empty`},
		{"missing maturity reason", replace(xroad, `"reason": "Mandated by law."`, `"reason": ""`),
			`case study "estonia_xroad": field "maturity.legal_basis.reason": must not be empty`},
		{"file name not matching id", rename(xroad, "case_studies/xroad.json"),
			`case_studies/xroad.json: case study "estonia_xroad": field "id": the file name must be the id followed by .json: want estonia_xroad.json`},
		{"year out of range", replace(xroad, `"year": 2001`, `"year": 201`),
			`case study "estonia_xroad": field "year": 201 is out of range: use 0 when unknown, or a year from 1900 to 2100`},
		{"unverified names no field", replace(xroad, `["year"]`, `["launch"]`),
			`case study "estonia_xroad": field "unverified[0]": "launch" does not name a field of the case study`},
		{"stray file", func(t *testing.T, f fixture) { f["case_studies/README.md"] = "notes" },
			`case_studies/README.md: unexpected file: case_studies/ holds only <case_id>.json files`},
		{"missing taxonomy", func(t *testing.T, f fixture) { delete(f, tax) },
			`taxonomy.json: missing file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFixture()
			tt.edit(t, f)
			cat, err := seeds.LoadFS(f.fs())
			if err == nil {
				t.Fatalf("loaded %d case studies, want an error containing\n%s", len(cat.CaseStudies), tt.want)
			}
			if cat != nil {
				t.Error("returned a catalogue along with the error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tt.want)
			}
		})
	}
}

func TestLoadFSReportsEveryProblem(t *testing.T) {
	f := validFixture()
	replace("case_studies/india_aa.json", `"south_asia"`, `"asia"`)(t, f)
	replace("instrument/v1/legal_basis.json", `"label": "Defined"`, `"label": ""`)(t, f)
	replace("taxonomy.json", `"description": "Ministries."`, `"description": ""`)(t, f)
	_, err := seeds.LoadFS(f.fs())
	if err == nil {
		t.Fatal("loaded broken content without error")
	}
	want := `seeds: 3 problem(s) in the content:
taxonomy.json: stakeholder group "government": field "description": must not be empty
instrument/v1/legal_basis.json: question "legal_basis.mandate": field "levels[2].label": must not be empty
case_studies/india_aa.json: case study "india_aa": field "region": unknown region "asia"`
	if err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}

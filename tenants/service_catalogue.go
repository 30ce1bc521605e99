package tenants

import (
	"context"
	"sort"
	"strconv"
	"strings"
)

// CaseStudies returns the public case studies matching f and, when tenantID is set, that tenant's
// own case studies too (marked Private). Private case studies never appear without their tenant.
func (s *Service) CaseStudies(ctx context.Context, tenantID string, f CaseStudyFilter) ([]*CaseStudy, error) {
	all := append([]*CaseStudy{}, s.Catalogue.CaseStudies...)
	if tenantID != "" {
		var own []*CaseStudy
		err := s.Store.Read(ctx, func(tx Tx) error {
			var err error
			own, err = tx.FindPrivateCaseStudies(tenantID)
			return err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, own...)
		sort.SliceStable(all, func(i, j int) bool { return strings.ToLower(all[i].Name) < strings.ToLower(all[j].Name) })
	}
	out := []*CaseStudy{}
	for _, c := range all {
		if f.Match(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// CaseStudy returns one case study by id: a public one, or one of tenantID's own.
func (s *Service) CaseStudy(ctx context.Context, tenantID, id string) (*CaseStudy, error) {
	for _, c := range s.Catalogue.CaseStudies {
		if c.ID == id {
			return c, nil
		}
	}
	if tenantID != "" {
		own, err := s.CaseStudies(ctx, tenantID, CaseStudyFilter{})
		if err != nil {
			return nil, err
		}
		for _, c := range own {
			if c.ID == id && c.Private {
				return c, nil
			}
		}
	}
	return nil, NotFound("Case study")
}

// CreateCaseStudy adds a case study visible only inside the tenant. It is validated like seeded
// content. Members only.
func (s *Service) CreateCaseStudy(ctx context.Context, t *Tenant, m *Membership, c *CaseStudy) (*CaseStudy, error) {
	if m == nil {
		return nil, Errorf(EForbidden, "Only members can add case studies.")
	}
	c.ID = "t-" + NewID()
	c.TenantID, c.Private = t.ID, true
	if err := c.Validate(&s.Catalogue.Taxonomy, false).Err(); err != nil {
		return nil, err
	}
	if err := s.Store.Write(ctx, func(tx Tx) error { return tx.CreateCaseStudy(c) }); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks a case study against the taxonomy and returns the problems by field. strict
// (seeded content) also requires a judgement for every dimension, consent, governance and legal
// basis, outcomes and criticisms.
func (c *CaseStudy) Validate(tax *Taxonomy, strict bool) FieldErrors {
	f := FieldErrors{}
	c.Name, c.Country, c.Summary = strings.TrimSpace(c.Name), strings.TrimSpace(c.Country), strings.TrimSpace(c.Summary)
	checkText(f, "name", c.Name, 1, 200)
	checkText(f, "country", c.Country, 1, 100)
	checkText(f, "summary", c.Summary, 1, 4000)
	for field, v := range map[string]string{"consent": c.Consent, "governance": c.Governance, "legal_basis": c.LegalBasis} {
		min := 0
		if strict {
			min = 1
		}
		checkText(f, field, v, min, 2000)
	}
	if !tax.Has("region", c.Region) {
		f.Add("region", "unknown region")
	}
	if c.Year != 0 && (c.Year < 1900 || c.Year > 2100) {
		f.Add("year", "must be 0 (unknown) or between 1900 and 2100")
	}
	if c.Architecture == "" || !tax.Has("architecture", c.Architecture) {
		f.Add("architecture", "unknown architecture")
	}
	for i, id := range c.Motivations {
		if !tax.Has("motivation", id) {
			f.Add("motivations["+strconv.Itoa(i)+"]", "unknown motivation \""+truncate(id, 40)+"\"")
		}
	}
	for i, id := range c.UseCases {
		if !tax.Has("use_case", id) {
			f.Add("use_cases["+strconv.Itoa(i)+"]", "unknown use-case \""+truncate(id, 40)+"\"")
		}
	}
	if len(c.Motivations)+len(c.UseCases) == 0 {
		f.Add("motivations", "tag at least one motivation or use-case")
	}
	for dim, j := range c.Maturity {
		if !tax.Has("dimension", dim) {
			f.Add("maturity."+truncate(dim, 40), "unknown dimension")
		} else if j.Level < 0 || j.Level > 4 {
			f.Add("maturity."+dim+".level", "must be 0 to 4")
		} else if strings.TrimSpace(j.Reason) == "" {
			f.Add("maturity."+dim+".reason", "is required")
		}
	}
	if strict {
		for _, d := range tax.Dimensions {
			if _, ok := c.Maturity[d.ID]; !ok {
				f.Add("maturity."+d.ID, "is missing")
			}
		}
	}
	if len(c.Sources) == 0 {
		f.Add("sources", "add at least one source")
	}
	for i, src := range c.Sources {
		if reason := LinkProblem(src.URL); reason != "" {
			f.Add("sources["+strconv.Itoa(i)+"].url", reason)
		}
		if strings.TrimSpace(src.Title) == "" {
			f.Add("sources["+strconv.Itoa(i)+"].title", "is required")
		}
	}
	if c.Sectors == nil {
		c.Sectors = []string{}
	}
	if c.Outcomes == nil {
		c.Outcomes = []Outcome{}
	}
	if c.Criticisms == nil {
		c.Criticisms = []string{}
	}
	if c.Maturity == nil {
		c.Maturity = map[string]Judgement{}
	}
	if c.Unverified == nil {
		c.Unverified = []string{}
	}
	return f
}

package server

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// buildNames maps "kind:id" to the display name of every taxonomy term.
func buildNames(cat *tenants.Catalogue) map[string]string {
	n := map[string]string{}
	add := func(kind string, terms []tenants.Term) {
		for _, t := range terms {
			n[kind+":"+t.ID] = t.Name
		}
	}
	add("motivation", cat.Taxonomy.Motivations)
	add("use_case", cat.Taxonomy.UseCases)
	add("architecture", cat.Taxonomy.Architectures)
	add("group", cat.Taxonomy.StakeholderGroups)
	add("region", cat.Taxonomy.Regions)
	for _, d := range cat.Taxonomy.Dimensions {
		n["dimension:"+d.ID] = d.Name
	}
	return n
}

func (s *Server) pageTaxonomy(c *gin.Context) {
	s.page(c, http.StatusOK, "taxonomy", pageData{Title: "Taxonomy", Data: s.taxonomyView()})
}

func (s *Server) pageInstrument(c *gin.Context) {
	in, err := s.instrumentFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.page(c, http.StatusOK, "instrument", pageData{Title: "Instrument v" + in.Version, Data: in})
}

type caseListData struct {
	Filter   tenants.CaseStudyFilter
	Cases    []*tenants.CaseStudy
	Taxonomy *tenants.Taxonomy
	Total    int
	Query    string
}

func (s *Server) pageCaseStudies(c *gin.Context) {
	f := caseStudyFilter(c)
	cs, err := s.svc.CaseStudies(c.Request.Context(), "", f)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.page(c, http.StatusOK, "case_studies", pageData{Title: "Case studies", Data: caseListData{Filter: f, Cases: cs,
		Taxonomy: &s.svc.Catalogue.Taxonomy, Total: len(s.svc.Catalogue.CaseStudies), Query: url.Values(c.Request.URL.Query()).Encode()}})
}

// bar is one row of a maturity chart.
type bar struct {
	Dimension string
	Name      string
	Level     int
	Reason    string
	Width     int
	Y         int
}

type caseData struct {
	Case   *tenants.CaseStudy
	Bars   []bar
	Height int
}

// maturityBars lays out a case study's judged profile as horizontal bars, one per dimension.
func (s *Server) maturityBars(cs *tenants.CaseStudy) caseData {
	d := caseData{Case: cs}
	for i, dim := range s.svc.Catalogue.Taxonomy.Dimensions {
		j, ok := cs.Maturity[dim.ID]
		if !ok {
			continue
		}
		d.Bars = append(d.Bars, bar{Dimension: dim.ID, Name: dim.Name, Level: j.Level, Reason: j.Reason, Width: j.Level * 60, Y: i * 26})
	}
	d.Height = len(s.svc.Catalogue.Taxonomy.Dimensions)*26 + 10
	return d
}

func (s *Server) pageCaseStudy(c *gin.Context) {
	cs, err := s.svc.CaseStudy(c.Request.Context(), "", c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.page(c, http.StatusOK, "case_study", pageData{Title: cs.Name, Data: s.maturityBars(cs)})
}

// pageTenantCaseStudy shows a case study inside a tenant: a public one or one of the tenant's own.
func (s *Server) pageTenantCaseStudy(c *gin.Context) {
	cs, err := s.svc.CaseStudy(c.Request.Context(), tenantOf(c).ID, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.page(c, http.StatusOK, "case_study", pageData{Title: cs.Name, Data: s.maturityBars(cs)})
}

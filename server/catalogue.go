package server

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// termJSON is a taxonomy term with the ids of the case studies tagged with it.
type termJSON struct {
	tenants.Term
	CaseStudies []string `json:"case_studies,omitempty"`
}

type taxonomyResponse struct {
	Motivations       []termJSON          `json:"motivations"`
	UseCases          []termJSON          `json:"use_cases"`
	Architectures     []termJSON          `json:"architectures"`
	Dimensions        []tenants.Dimension `json:"dimensions"`
	StakeholderGroups []tenants.Term      `json:"stakeholder_groups"`
	Regions           []tenants.Term      `json:"regions"`
}

// taxonomyView builds the taxonomy with each term's exemplifying case studies.
func (s *Server) taxonomyView() taxonomyResponse {
	cat := s.svc.Catalogue
	tag := func(terms []tenants.Term, has func(*tenants.CaseStudy, string) bool) []termJSON {
		out := make([]termJSON, 0, len(terms))
		for _, t := range terms {
			tj := termJSON{Term: t, CaseStudies: []string{}}
			for _, c := range cat.CaseStudies {
				if has(c, t.ID) {
					tj.CaseStudies = append(tj.CaseStudies, c.ID)
				}
			}
			out = append(out, tj)
		}
		return out
	}
	return taxonomyResponse{
		Motivations:       tag(cat.Taxonomy.Motivations, func(c *tenants.CaseStudy, id string) bool { return slices.Contains(c.Motivations, id) }),
		UseCases:          tag(cat.Taxonomy.UseCases, func(c *tenants.CaseStudy, id string) bool { return slices.Contains(c.UseCases, id) }),
		Architectures:     tag(cat.Taxonomy.Architectures, func(c *tenants.CaseStudy, id string) bool { return c.Architecture == id }),
		Dimensions:        cat.Taxonomy.Dimensions,
		StakeholderGroups: cat.Taxonomy.StakeholderGroups,
		Regions:           cat.Taxonomy.Regions,
	}
}

func (s *Server) getTaxonomy(c *gin.Context) {
	c.JSON(http.StatusOK, s.taxonomyView())
}

// instrumentFor returns the requested version (?version=), or the current one.
func (s *Server) instrumentFor(c *gin.Context) (*tenants.Instrument, error) {
	version := c.Query("version")
	if version == "" {
		version = s.svc.Catalogue.Current
	}
	in := s.svc.Catalogue.Instrument(version)
	if in == nil {
		return nil, tenants.NotFound("Instrument version")
	}
	return in, nil
}

func (s *Server) getInstrument(c *gin.Context) {
	in, err := s.instrumentFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, in)
}

// caseStudyFilter reads the contract's filter parameters.
func caseStudyFilter(c *gin.Context) tenants.CaseStudyFilter {
	return tenants.CaseStudyFilter{Q: c.Query("q"), Motivation: c.Query("motivation"), UseCase: c.Query("use_case"),
		Dimension: c.Query("dimension"), Region: c.Query("region"), Architecture: c.Query("architecture")}
}

type caseStudiesResponse struct {
	CaseStudies []*tenants.CaseStudy `json:"case_studies"`
	Total       int                  `json:"total"`
}

func (s *Server) getCaseStudies(c *gin.Context) {
	cs, err := s.svc.CaseStudies(c.Request.Context(), "", caseStudyFilter(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, caseStudiesResponse{CaseStudies: cs, Total: len(cs)})
}

type caseStudyResponse struct {
	CaseStudy *tenants.CaseStudy `json:"case_study"`
}

func (s *Server) getCaseStudy(c *gin.Context) {
	cs, err := s.svc.CaseStudy(c.Request.Context(), "", c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, caseStudyResponse{CaseStudy: cs})
}

func (s *Server) getTenantCaseStudies(c *gin.Context) {
	cs, err := s.svc.CaseStudies(c.Request.Context(), tenantOf(c).ID, caseStudyFilter(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, caseStudiesResponse{CaseStudies: cs, Total: len(cs)})
}

func (s *Server) postCaseStudy(c *gin.Context) {
	var in tenants.CaseStudy
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	cs, err := s.svc.CreateCaseStudy(c.Request.Context(), tenantOf(c), memberOf(c), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, caseStudyResponse{CaseStudy: cs})
}

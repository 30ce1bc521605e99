package tenants

import (
	"slices"
	"strings"
)

// Term is a named entry of the taxonomy: a motivation, a use-case, an architecture archetype, a
// stakeholder group or a region.
type Term struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Subitem is one aspect of a dimension.
type Subitem struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Dimension is a socio-technical dimension of the assessment.
type Dimension struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Subitems    []Subitem `json:"subitems"`
}

// Taxonomy is the shared vocabulary every workspace, question and case study is tagged with.
type Taxonomy struct {
	Motivations       []Term      `json:"motivations"`
	UseCases          []Term      `json:"use_cases"`
	Architectures     []Term      `json:"architectures"`
	Dimensions        []Dimension `json:"dimensions"`
	StakeholderGroups []Term      `json:"stakeholder_groups"`
	Regions           []Term      `json:"regions"`
}

// Question kinds.
const (
	KindMaturity = "maturity"
	KindChoice   = "choice"
	KindMulti    = "multi"
	KindText     = "text"
)

// Level is one rung of a maturity question, value 0-4, with a descriptor written for that question.
type Level struct {
	Value      int    `json:"value"`
	Label      string `json:"label"`
	Descriptor string `json:"descriptor"`
}

// Option is one choice of a choice or multi question.
type Option struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Question is one item of an instrument version.
type Question struct {
	ID          string   `json:"id"`
	Dimension   string   `json:"dimension"`
	Subitem     string   `json:"subitem,omitempty"`
	Kind        string   `json:"kind"`
	Prompt      string   `json:"prompt"`
	Help        string   `json:"help"`
	Why         string   `json:"why"`
	Levels      []Level  `json:"levels"`
	Options     []Option `json:"options"`
	Motivations []string `json:"motivations"`
	UseCases    []string `json:"use_cases"`
	Position    int      `json:"-"`
}

// HasOption reports whether id is one of the question's options.
func (q *Question) HasOption(id string) bool {
	for _, o := range q.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// InstrumentDimension groups an instrument's questions under a dimension.
type InstrumentDimension struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Questions []*Question `json:"questions"`
}

// Instrument is one immutable version of the questionnaire. A workspace pins the version it
// started with; a change of a question's meaning is a new version.
type Instrument struct {
	Version     string                `json:"version"`
	Title       string                `json:"title"`
	Description string                `json:"description,omitempty"`
	Published   string                `json:"published,omitempty"`
	Dimensions  []InstrumentDimension `json:"dimensions"`
}

// Question returns the question with the id, or nil.
func (in *Instrument) Question(id string) *Question {
	for _, d := range in.Dimensions {
		for _, q := range d.Questions {
			if q.ID == id {
				return q
			}
		}
	}
	return nil
}

// Questions returns every question in instrument order.
func (in *Instrument) Questions() []*Question {
	var qs []*Question
	for _, d := range in.Dimensions {
		qs = append(qs, d.Questions...)
	}
	return qs
}

// Outcome is a dated result of a case study.
type Outcome struct {
	Date string `json:"date"`
	Text string `json:"text"`
}

// Source is a reference supporting a case study's facts.
type Source struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Judgement is an editorial maturity level (0-4) for one dimension with a one-line reason.
type Judgement struct {
	Level  int    `json:"level"`
	Reason string `json:"reason"`
}

// CaseStudy is a real data-sharing model tagged by the taxonomy. Seeded case studies have an empty
// TenantID and are public; a tenant's own case studies carry its TenantID and are visible only
// inside that tenant.
type CaseStudy struct {
	ID           string               `json:"id"`
	TenantID     string               `json:"-"`
	Name         string               `json:"name"`
	Country      string               `json:"country"`
	Region       string               `json:"region"`
	GlobalSouth  bool                 `json:"global_south"`
	Year         int                  `json:"year"`
	Sectors      []string             `json:"sectors"`
	Motivations  []string             `json:"motivations"`
	UseCases     []string             `json:"use_cases"`
	Architecture string               `json:"architecture"`
	Summary      string               `json:"summary"`
	Consent      string               `json:"consent"`
	Governance   string               `json:"governance"`
	LegalBasis   string               `json:"legal_basis"`
	Outcomes     []Outcome            `json:"outcomes"`
	Criticisms   []string             `json:"criticisms"`
	Maturity     map[string]Judgement `json:"maturity"`
	Sources      []Source             `json:"sources"`
	Unverified   []string             `json:"unverified"`
	Private      bool                 `json:"private"`
}

// CaseStudyFilter selects case studies. Empty fields do not filter. Q matches, case-insensitively,
// name, country, summary, outcomes and criticisms. Dimension keeps cases judged at level 3 or more
// on that dimension (strong there).
type CaseStudyFilter struct {
	Q            string
	Motivation   string
	UseCase      string
	Dimension    string
	Region       string
	Architecture string
}

// Match reports whether c passes the filter.
func (f CaseStudyFilter) Match(c *CaseStudy) bool {
	if f.Motivation != "" && !slices.Contains(c.Motivations, f.Motivation) {
		return false
	}
	if f.UseCase != "" && !slices.Contains(c.UseCases, f.UseCase) {
		return false
	}
	if f.Region != "" && c.Region != f.Region {
		return false
	}
	if f.Architecture != "" && c.Architecture != f.Architecture {
		return false
	}
	if f.Dimension != "" && c.Maturity[f.Dimension].Level < StrongLevel {
		return false
	}
	if q := strings.ToLower(strings.TrimSpace(f.Q)); q != "" {
		hay := []string{c.Name, c.Country, c.Summary}
		for _, o := range c.Outcomes {
			hay = append(hay, o.Text)
		}
		hay = append(hay, c.Criticisms...)
		found := false
		for _, h := range hay {
			if strings.Contains(strings.ToLower(h), q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// StrongLevel is the judged maturity from which a case study counts as strong on a dimension.
const StrongLevel = 3

// Catalogue is the loaded knowledge base: the taxonomy, every instrument version and the public
// case studies. It is read-only after start-up and safe for concurrent use.
type Catalogue struct {
	Taxonomy    Taxonomy
	Instruments map[string]*Instrument
	Current     string // version new workspaces pin
	CaseStudies []*CaseStudy
}

// Instrument returns the instrument version, or nil.
func (c *Catalogue) Instrument(version string) *Instrument { return c.Instruments[version] }

// Has reports whether id is a term of the list named kind ("motivation", "use_case",
// "architecture", "dimension", "stakeholder_group", "region").
func (t *Taxonomy) Has(kind, id string) bool {
	var terms []Term
	switch kind {
	case "motivation":
		terms = t.Motivations
	case "use_case":
		terms = t.UseCases
	case "architecture":
		terms = t.Architectures
	case "stakeholder_group":
		terms = t.StakeholderGroups
	case "region":
		terms = t.Regions
	case "dimension":
		for _, d := range t.Dimensions {
			if d.ID == id {
				return true
			}
		}
		return false
	}
	for _, term := range terms {
		if term.ID == id {
			return true
		}
	}
	return false
}

// Dimension returns the dimension with the id, or nil.
func (t *Taxonomy) Dimension(id string) *Dimension {
	for i := range t.Dimensions {
		if t.Dimensions[i].ID == id {
			return &t.Dimensions[i]
		}
	}
	return nil
}

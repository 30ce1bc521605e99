// Package seeds holds the knowledge base (the taxonomy, every instrument version and the public
// case studies) as JSON files a person can edit, embeds them in the binary and loads them into a
// validated tenants.Catalogue. The file layout and shapes are described in docs/CONTENT.md.
package seeds

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"workshop/tenants"
)

//go:embed taxonomy.json instrument case_studies
var content embed.FS

// Load decodes and validates the content embedded in the binary. It behaves as LoadFS.
func Load() (*tenants.Catalogue, error) { return LoadFS(content) }

// LoadFS decodes and validates the content of fsys, whose root holds taxonomy.json, one directory
// instrument/<version>/ per instrument version and case_studies/<id>.json.
//
// Every file is decoded strictly (an unknown field or trailing data is an error) and every item
// is checked. If anything is wrong, LoadFS returns a nil catalogue and one error that lists every
// problem found, one per line, in the form
//
//	<path>: <item kind> "<item id>": field "<field>": <what is wrong>
//
// where a problem with a whole file leaves out the item and field, and an item without an id is
// named by its position, as in `question #3`. When taxonomy.json itself cannot be decoded it is
// the only problem reported, since nothing else can be checked without it.
//
// On success the catalogue holds every instrument version keyed by its version string, Current
// is the highest version (compared as numbers when both are integers), questions carry their
// Dimension and a 1-based Position in instrument order, and the case studies are public
// (Private false, no TenantID) and sorted by name.
func LoadFS(fsys fs.FS) (*tenants.Catalogue, error) {
	l := &loader{fsys: fsys}
	cat := l.catalogue()
	if len(l.problems) > 0 {
		return nil, fmt.Errorf("seeds: %d problem(s) in the content:\n%s",
			len(l.problems), strings.Join(l.problems, "\n"))
	}
	return cat, nil
}

// instrumentFile is the shape of instrument/<version>/instrument.json.
type instrumentFile struct {
	Version     string `json:"version"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Published   string `json:"published"`
}

// questionFile is the shape of instrument/<version>/<dimension>.json.
type questionFile struct {
	Dimension string         `json:"dimension"`
	Questions []seedQuestion `json:"questions"`
}

// seedQuestion is tenants.Question as written in a seed file. It has the same fields, so one
// converts to the other, but Dimension comes from the file and Position from the order of the
// questions, so neither may appear in the JSON.
type seedQuestion struct {
	ID          string           `json:"id"`
	Dimension   string           `json:"-"`
	Subitem     string           `json:"subitem"`
	Kind        string           `json:"kind"`
	Prompt      string           `json:"prompt"`
	Help        string           `json:"help"`
	Why         string           `json:"why"`
	Levels      []tenants.Level  `json:"levels"`
	Options     []tenants.Option `json:"options"`
	Motivations []string         `json:"motivations"`
	UseCases    []string         `json:"use_cases"`
	Position    int              `json:"-"`
}

// seedCase is tenants.CaseStudy as written in a seed file. It has the same fields, so one converts
// to the other, but seeded case studies are always public, so neither TenantID nor Private may
// appear in the JSON.
type seedCase struct {
	ID           string                       `json:"id"`
	TenantID     string                       `json:"-"`
	Name         string                       `json:"name"`
	Country      string                       `json:"country"`
	Region       string                       `json:"region"`
	GlobalSouth  bool                         `json:"global_south"`
	Year         int                          `json:"year"`
	Sectors      []string                     `json:"sectors"`
	Motivations  []string                     `json:"motivations"`
	UseCases     []string                     `json:"use_cases"`
	Architecture string                       `json:"architecture"`
	Summary      string                       `json:"summary"`
	Consent      string                       `json:"consent"`
	Governance   string                       `json:"governance"`
	LegalBasis   string                       `json:"legal_basis"`
	Outcomes     []tenants.Outcome            `json:"outcomes"`
	Criticisms   []string                     `json:"criticisms"`
	Maturity     map[string]tenants.Judgement `json:"maturity"`
	Sources      []tenants.Source             `json:"sources"`
	Unverified   []string                     `json:"unverified"`
	Private      bool                         `json:"-"`
}

// loader reads one content tree and collects its problems.
type loader struct {
	fsys     fs.FS
	problems []string
	tax      tenants.Taxonomy
}

// catalogue loads the whole tree, recording problems as it goes. It returns nil when the
// taxonomy cannot be decoded.
func (l *loader) catalogue() *tenants.Catalogue {
	const taxPath = "taxonomy.json"
	if !l.decode(taxPath, &l.tax) {
		return nil
	}
	l.checkTaxonomy(taxPath)
	cat := &tenants.Catalogue{Taxonomy: l.tax, Instruments: l.instruments()}
	for v := range cat.Instruments {
		if cat.Current == "" || newerVersion(v, cat.Current) {
			cat.Current = v
		}
	}
	cat.CaseStudies = l.caseStudies()
	return cat
}

// instruments loads every version directory under instrument/.
func (l *loader) instruments() map[string]*tenants.Instrument {
	const dir = "instrument"
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.fileProblem(dir, "cannot read the directory: %v", err)
	}
	byVersion := map[string]*tenants.Instrument{}
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if !e.IsDir() {
			l.fileProblem(p, "unexpected file: %s/ holds only one directory per instrument version", dir)
			continue
		}
		in := l.instrument(p)
		if in == nil {
			continue
		}
		if _, dup := byVersion[in.Version]; dup {
			l.report(item{path: path.Join(p, "instrument.json"), kind: "instrument", id: in.Version},
				"version", "duplicate version")
			continue
		}
		byVersion[in.Version] = in
	}
	if len(entries) == 0 {
		l.fileProblem(dir, "no instrument version found")
	}
	return byVersion
}

// instrument loads one version directory: its instrument.json and one question file per
// dimension, in taxonomy order. It returns nil when instrument.json cannot be decoded, after
// checking the question files all the same.
func (l *loader) instrument(dir string) *tenants.Instrument {
	metaPath := path.Join(dir, "instrument.json")
	var meta instrumentFile
	metaOK := l.decode(metaPath, &meta)
	if metaOK {
		l.checkInstrument(metaPath, &meta, path.Base(dir))
	}
	in := &tenants.Instrument{Version: meta.Version, Title: meta.Title,
		Description: meta.Description, Published: meta.Published}

	files := l.questionFiles(dir)
	seen := map[string]string{} // question id -> file that first used it
	for i := range l.tax.Dimensions {
		d := &l.tax.Dimensions[i]
		p := path.Join(dir, d.ID+".json")
		dim := tenants.InstrumentDimension{ID: d.ID, Name: d.Name}
		if files[p] {
			dim.Questions = l.questions(p, d, seen, len(in.Questions()))
		} else {
			l.fileProblem(p, "missing: every dimension of the taxonomy needs a question file")
		}
		delete(files, p)
		in.Dimensions = append(in.Dimensions, dim)
	}
	for _, p := range sortedKeys(files) {
		l.fileProblem(p, "unknown dimension %q: question files are named after a dimension of the taxonomy",
			strings.TrimSuffix(path.Base(p), ".json"))
	}
	if !metaOK {
		return nil
	}
	return in
}

// questionFiles returns the paths of the .json files in a version directory other than
// instrument.json, and reports anything else found there.
func (l *loader) questionFiles(dir string) map[string]bool {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		l.fileProblem(dir, "cannot read the directory: %v", err)
	}
	files := map[string]bool{}
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		switch {
		case e.Name() == "instrument.json":
		case e.IsDir() || !strings.HasSuffix(e.Name(), ".json"):
			l.fileProblem(p, "unexpected file: a version directory holds instrument.json and <dimension>.json files")
		default:
			files[p] = true
		}
	}
	return files
}

// questions decodes the question file p of dimension d and returns its questions numbered from
// before+1.
func (l *loader) questions(p string, d *tenants.Dimension, seen map[string]string, before int) []*tenants.Question {
	var qf questionFile
	if !l.decode(p, &qf) {
		return nil
	}
	if qf.Dimension != d.ID {
		l.report(item{path: p}, "dimension", "%q does not match the file name: want %q", qf.Dimension, d.ID)
	}
	if len(qf.Questions) == 0 {
		l.report(item{path: p}, "questions", "needs at least one question")
	}
	qs := make([]*tenants.Question, 0, len(qf.Questions))
	for i, sq := range qf.Questions {
		q := tenants.Question(sq)
		q.Dimension = d.ID
		q.Position = before + i + 1
		// The contract shows lists, never null: a question without levels or options has empty ones.
		for _, list := range []*[]string{&q.Motivations, &q.UseCases} {
			if *list == nil {
				*list = []string{}
			}
		}
		if q.Levels == nil {
			q.Levels = []tenants.Level{}
		}
		if q.Options == nil {
			q.Options = []tenants.Option{}
		}
		l.checkQuestion(item{path: p, kind: "question", id: q.ID, n: i + 1}, &q, d, seen)
		qs = append(qs, &q)
	}
	return qs
}

// caseStudies loads every file under case_studies/, sorted by name.
func (l *loader) caseStudies() []*tenants.CaseStudy {
	const dir = "case_studies"
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.fileProblem(dir, "cannot read the directory: %v", err)
	}
	var cases []*tenants.CaseStudy
	seen := map[string]string{} // case id -> file that first used it
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			l.fileProblem(p, "unexpected file: %s/ holds only <case_id>.json files", dir)
			continue
		}
		var sc seedCase
		if !l.decode(p, &sc) {
			continue
		}
		c := tenants.CaseStudy(sc)
		c.TenantID, c.Private = "", false
		l.checkCase(item{path: p, kind: "case study", id: c.ID}, &c, seen)
		cases = append(cases, &c)
	}
	sort.SliceStable(cases, func(i, j int) bool {
		a, b := strings.ToLower(cases[i].Name), strings.ToLower(cases[j].Name)
		if a != b {
			return a < b
		}
		return cases[i].ID < cases[j].ID
	})
	return cases
}

// newerVersion reports whether version a sorts after b: numerically when both are integers,
// otherwise as strings.
func newerVersion(a, b string) bool {
	ai, aerr := strconv.Atoi(a)
	bi, berr := strconv.Atoi(b)
	if aerr == nil && berr == nil {
		return ai > bi
	}
	return a > b
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

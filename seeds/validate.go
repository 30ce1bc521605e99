package seeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"workshop/tenants"
)

// idPattern is the shape of every id in the content.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,63}$`)

// item names what a problem is about: a file and, when kind is set, one item in it. An item
// without an id is named by its 1-based position n.
type item struct {
	path string
	kind string
	id   string
	n    int
}

// report records a problem as `<path>: <kind> "<id>": field "<field>": <message>`, leaving out
// the item when at.kind is empty and the field when field is empty.
func (l *loader) report(at item, field, format string, args ...any) {
	var b strings.Builder
	b.WriteString(at.path)
	switch {
	case at.kind == "":
	case at.id != "":
		fmt.Fprintf(&b, ": %s %q", at.kind, at.id)
	default:
		fmt.Fprintf(&b, ": %s #%d", at.kind, at.n)
	}
	if field != "" {
		fmt.Fprintf(&b, ": field %q", field)
	}
	b.WriteString(": ")
	fmt.Fprintf(&b, format, args...)
	l.problems = append(l.problems, b.String())
}

// fileProblem records a problem with a whole file or directory.
func (l *loader) fileProblem(p, format string, args ...any) {
	l.report(item{path: p}, "", format, args...)
}

// decode reads the file p into v strictly and reports whether it succeeded.
func (l *loader) decode(p string, v any) bool {
	data, err := fs.ReadFile(l.fsys, p)
	if errors.Is(err, fs.ErrNotExist) {
		l.fileProblem(p, "missing file")
		return false
	}
	if err != nil {
		l.fileProblem(p, "cannot read the file: %v", err)
		return false
	}
	if err := decodeStrict(data, v); err != nil {
		l.fileProblem(p, "%v", err)
		return false
	}
	return true
}

// decodeStrict decodes exactly one JSON value from data into v, rejecting unknown fields and
// anything but white space after the value. Its errors give the line and column when known.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(data, err)
	}
	end := int(dec.InputOffset())
	rest := bytes.TrimLeft(data[end:], " \t\r\n")
	if len(rest) > 0 {
		return fmt.Errorf("%s: invalid JSON: unexpected data after the JSON value",
			position(data, len(data)-len(rest)))
	}
	return nil
}

// describeJSONError rewrites an error of encoding/json in terms of the file, as
// `line L, column C: field "f": what is wrong` with the parts that are known.
func describeJSONError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("invalid JSON: the file is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: invalid JSON: the file ends before the JSON value is complete",
			position(data, len(data)))
	case errors.As(err, &syntax):
		return fmt.Errorf("%s: invalid JSON: %s", position(data, int(syntax.Offset)-1),
			strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		return fmt.Errorf("%s: field %q: wrong type: got a JSON %s, want %s",
			position(data, int(typ.Offset)-1), typ.Field, typ.Value, jsonKind(typ.Type))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		if at := keyOffset(data, name); at >= 0 {
			return fmt.Errorf("%s: field %s: unknown field", position(data, at), name)
		}
		return fmt.Errorf("field %s: unknown field", name)
	}
	return errors.New(msg)
}

// keyOffset returns the offset of quotedName used as an object key, or -1 unless it is used as a
// key exactly once in data.
func keyOffset(data []byte, quotedName string) int {
	found := -1
	for from := 0; ; {
		i := bytes.Index(data[from:], []byte(quotedName))
		if i < 0 {
			return found
		}
		at := from + i
		from = at + len(quotedName)
		if !bytes.HasPrefix(bytes.TrimLeft(data[from:], " \t\r\n"), []byte(":")) {
			continue
		}
		if found >= 0 {
			return -1
		}
		found = at
	}
}

// position gives the 1-based line and column of byte offset off in data.
func position(data []byte, off int) string {
	off = max(0, min(off, len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return t.String()
}

// checkID reports an id that is empty or not of the id pattern.
func (l *loader) checkID(at item, field, id string) {
	switch {
	case id == "":
		l.report(at, field, "must not be empty")
	case !idPattern.MatchString(id):
		l.report(at, field, "%q is not a valid id: use 2 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit", id)
	}
}

// required reports a string that is empty or only white space.
func (l *loader) required(at item, field, value string) {
	if strings.TrimSpace(value) == "" {
		l.report(at, field, "must not be empty")
	}
}

// checkTags reports entries of tags that are not known terms of the taxonomy list kind (as named
// by tenants.Taxonomy.Has) or that are listed twice.
func (l *loader) checkTags(at item, field string, tags []string, kind string) {
	seen := map[string]bool{}
	for i, tag := range tags {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !l.tax.Has(kind, tag):
			l.report(at, f, "unknown %s %q", kindName(kind), tag)
		case seen[tag]:
			l.report(at, f, "%q is listed twice", tag)
		}
		seen[tag] = true
	}
}

// checkTag reports a required single tag that is empty or unknown.
func (l *loader) checkTag(at item, field, tag, kind string) {
	switch {
	case tag == "":
		l.report(at, field, "must not be empty")
	case !l.tax.Has(kind, tag):
		l.report(at, field, "unknown %s %q", kindName(kind), tag)
	}
}

// kindName spells a tenants.Taxonomy.Has kind for people.
func kindName(kind string) string {
	return strings.ReplaceAll(strings.ReplaceAll(kind, "use_case", "use-case"), "_", " ")
}

// checkTaxonomy checks the ids, names and descriptions of every list of the taxonomy.
func (l *loader) checkTaxonomy(p string) {
	t := &l.tax
	l.checkTerms(p, "motivations", "motivation", t.Motivations, true)
	l.checkTerms(p, "use_cases", "use-case", t.UseCases, true)
	l.checkTerms(p, "architectures", "architecture", t.Architectures, true)
	l.checkTerms(p, "stakeholder_groups", "stakeholder group", t.StakeholderGroups, true)
	l.checkTerms(p, "regions", "region", t.Regions, false)
	if len(t.Dimensions) == 0 {
		l.report(item{path: p}, "dimensions", "must list at least one dimension")
	}
	seen := map[string]bool{}
	for i, d := range t.Dimensions {
		at := item{path: p, kind: "dimension", id: d.ID, n: i + 1}
		l.checkID(at, "id", d.ID)
		if seen[d.ID] {
			l.report(at, "id", "duplicate id")
		}
		seen[d.ID] = true
		l.required(at, "name", d.Name)
		l.required(at, "description", d.Description)
		l.checkSubitems(at, d.Subitems)
	}
}

// checkTerms checks one list of terms; regions need no description.
func (l *loader) checkTerms(p, list, kind string, terms []tenants.Term, needDescription bool) {
	if len(terms) == 0 {
		l.report(item{path: p}, list, "must list at least one %s", kind)
	}
	seen := map[string]bool{}
	for i, term := range terms {
		at := item{path: p, kind: kind, id: term.ID, n: i + 1}
		l.checkID(at, "id", term.ID)
		if seen[term.ID] {
			l.report(at, "id", "duplicate id")
		}
		seen[term.ID] = true
		l.required(at, "name", term.Name)
		if needDescription {
			l.required(at, "description", term.Description)
		}
	}
}

// checkSubitems checks the sub-items of the dimension at.
func (l *loader) checkSubitems(at item, subs []tenants.Subitem) {
	if len(subs) == 0 {
		l.report(at, "subitems", "must list at least one sub-item")
	}
	seen := map[string]bool{}
	for i, s := range subs {
		f := fmt.Sprintf("subitems[%d]", i)
		l.checkID(at, f+".id", s.ID)
		if seen[s.ID] {
			l.report(at, f+".id", "duplicate id %q", s.ID)
		}
		seen[s.ID] = true
		l.required(at, f+".name", s.Name)
		l.required(at, f+".description", s.Description)
	}
}

// checkInstrument checks an instrument.json found in the directory dir.
func (l *loader) checkInstrument(p string, meta *instrumentFile, dir string) {
	at := item{path: p, kind: "instrument", id: meta.Version, n: 1}
	switch {
	case meta.Version == "":
		l.report(at, "version", "must not be empty")
	case dir != meta.Version && dir != "v"+meta.Version:
		l.report(at, "version", "must match the directory name %q (version %q lives in %q or %q)",
			dir, meta.Version, meta.Version, "v"+meta.Version)
	}
	l.required(at, "title", meta.Title)
	l.required(at, "description", meta.Description)
	if meta.Published != "" {
		if _, err := time.Parse(time.DateOnly, meta.Published); err != nil {
			l.report(at, "published", "%q is not a date of the form 2006-01-02", meta.Published)
		}
	}
}

// checkQuestion checks question q of dimension d; seen maps the question ids of the version
// met so far to their files.
func (l *loader) checkQuestion(at item, q *tenants.Question, d *tenants.Dimension, seen map[string]string) {
	l.checkID(at, "id", q.ID)
	if q.ID != "" && !strings.HasPrefix(q.ID, d.ID+".") {
		l.report(at, "id", "must start with %q", d.ID+".")
	}
	if first, dup := seen[q.ID]; dup && q.ID != "" {
		l.report(at, "id", "duplicate id (first used in %s)", first)
	} else {
		seen[q.ID] = at.path
	}
	if q.Subitem != "" && !hasSubitem(d, q.Subitem) {
		l.report(at, "subitem", "unknown sub-item %q of dimension %q", q.Subitem, d.ID)
	}
	l.required(at, "prompt", q.Prompt)
	l.required(at, "help", q.Help)
	l.required(at, "why", q.Why)
	l.checkKind(at, q)
	l.checkTags(at, "motivations", q.Motivations, "motivation")
	l.checkTags(at, "use_cases", q.UseCases, "use_case")
	if len(q.Motivations)+len(q.UseCases) == 0 {
		l.report(at, "motivations", "a question needs at least one motivation or use-case")
	}
}

// checkKind checks the kind of q and the levels or options that go with it.
func (l *loader) checkKind(at item, q *tenants.Question) {
	switch q.Kind {
	case tenants.KindMaturity:
		l.checkLevels(at, q.Levels)
	case tenants.KindChoice:
		l.checkOptions(at, q, 8)
	case tenants.KindMulti:
		l.checkOptions(at, q, 10)
	case tenants.KindText:
	default:
		l.report(at, "kind", "unknown kind %q: want maturity, choice, multi or text", q.Kind)
		return
	}
	if q.Kind != tenants.KindMaturity && len(q.Levels) > 0 {
		l.report(at, "levels", "only maturity questions have levels")
	}
	if q.Kind != tenants.KindChoice && q.Kind != tenants.KindMulti && len(q.Options) > 0 {
		l.report(at, "options", "only choice and multi questions have options")
	}
}

// checkLevels checks the five levels of a maturity question.
func (l *loader) checkLevels(at item, levels []tenants.Level) {
	if len(levels) != 5 {
		l.report(at, "levels", "maturity questions need exactly 5 levels, 0 to 4; got %d", len(levels))
	}
	for i, lv := range levels {
		f := fmt.Sprintf("levels[%d]", i)
		if len(levels) == 5 && lv.Value != i {
			l.report(at, f+".value", "got %d, want %d: levels run 0 to 4 in order", lv.Value, i)
		}
		l.required(at, f+".label", lv.Label)
		l.required(at, f+".descriptor", lv.Descriptor)
	}
}

// checkOptions checks the 2 to most options of a choice or multi question.
func (l *loader) checkOptions(at item, q *tenants.Question, most int) {
	if n := len(q.Options); n < 2 || n > most {
		l.report(at, "options", "%s questions need 2 to %d options; got %d", q.Kind, most, n)
	}
	ids, labels := map[string]bool{}, map[string]bool{}
	for i, o := range q.Options {
		f := fmt.Sprintf("options[%d]", i)
		l.checkID(at, f+".id", o.ID)
		if ids[o.ID] {
			l.report(at, f+".id", "duplicate option id %q", o.ID)
		}
		ids[o.ID] = true
		l.required(at, f+".label", o.Label)
		label := strings.ToLower(strings.TrimSpace(o.Label))
		if label != "" && labels[label] {
			l.report(at, f+".label", "duplicate option label %q", o.Label)
		}
		labels[label] = true
	}
}

func hasSubitem(d *tenants.Dimension, id string) bool {
	for _, s := range d.Subitems {
		if s.ID == id {
			return true
		}
	}
	return false
}

// checkCase checks case study c; seen maps the case ids met so far to their files.
func (l *loader) checkCase(at item, c *tenants.CaseStudy, seen map[string]string) {
	l.checkID(at, "id", c.ID)
	if want := c.ID + ".json"; path.Base(at.path) != want {
		l.report(at, "id", "the file name must be the id followed by .json: want %s", want)
	}
	if first, dup := seen[c.ID]; dup && c.ID != "" {
		l.report(at, "id", "duplicate id (first used in %s)", first)
	} else {
		seen[c.ID] = at.path
	}
	l.required(at, "name", c.Name)
	l.required(at, "country", c.Country)
	l.required(at, "summary", c.Summary)
	l.required(at, "consent", c.Consent)
	l.required(at, "governance", c.Governance)
	l.required(at, "legal_basis", c.LegalBasis)
	l.checkTag(at, "region", c.Region, "region")
	l.checkTag(at, "architecture", c.Architecture, "architecture")
	if c.Year != 0 && (c.Year < 1900 || c.Year > 2100) {
		l.report(at, "year", "%d is out of range: use 0 when unknown, or a year from 1900 to 2100", c.Year)
	}
	for i, s := range c.Sectors {
		l.required(at, fmt.Sprintf("sectors[%d]", i), s)
	}
	l.checkTags(at, "motivations", c.Motivations, "motivation")
	l.checkTags(at, "use_cases", c.UseCases, "use_case")
	for i, o := range c.Outcomes {
		l.required(at, fmt.Sprintf("outcomes[%d].date", i), o.Date)
		l.required(at, fmt.Sprintf("outcomes[%d].text", i), o.Text)
	}
	for i, s := range c.Criticisms {
		l.required(at, fmt.Sprintf("criticisms[%d]", i), s)
	}
	l.checkMaturity(at, c.Maturity)
	l.checkSources(at, c.Sources)
	l.checkUnverified(at, c.Unverified)
}

// checkMaturity checks that a case study judges exactly the dimensions of the taxonomy, each at
// a level from 0 to 4 with a reason.
func (l *loader) checkMaturity(at item, maturity map[string]tenants.Judgement) {
	for _, d := range l.tax.Dimensions {
		if _, ok := maturity[d.ID]; !ok {
			l.report(at, "maturity", "missing dimension %q", d.ID)
		}
	}
	keys := make([]string, 0, len(maturity))
	for k := range maturity {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		j, f := maturity[k], "maturity."+k
		if !l.tax.Has("dimension", k) {
			l.report(at, f, "unknown dimension %q", k)
		}
		if j.Level < 0 || j.Level > 4 {
			l.report(at, f+".level", "level %d is out of range 0 to 4", j.Level)
		}
		l.required(at, f+".reason", j.Reason)
	}
}

// checkSources checks that a case study has at least one source, each with a title and an
// absolute http or https URL.
func (l *loader) checkSources(at item, sources []tenants.Source) {
	if len(sources) == 0 {
		l.report(at, "sources", "needs at least one source")
	}
	for i, s := range sources {
		f := fmt.Sprintf("sources[%d]", i)
		l.required(at, f+".title", s.Title)
		if msg := checkURL(s.URL); msg != "" {
			l.report(at, f+".url", "%s", msg)
		}
	}
}

// checkURL describes what is wrong with s as a source URL, or returns "".
func checkURL(s string) string {
	if strings.TrimSpace(s) == "" {
		return "must not be empty"
	}
	u, err := url.Parse(s)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Sprintf("malformed URL %q: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("malformed URL %q: want an absolute http or https URL with a host", s)
	}
	return ""
}

// caseFields are the JSON names of a case study's fields, which unverified entries refer to.
var caseFields = jsonFieldNames(reflect.TypeFor[seedCase]())

// checkUnverified checks that each unverified entry names a field of the case study, such as
// "year" or "outcomes[1]".
func (l *loader) checkUnverified(at item, entries []string) {
	for i, e := range entries {
		f := fmt.Sprintf("unverified[%d]", i)
		name, _, _ := strings.Cut(e, "[")
		name, _, _ = strings.Cut(name, ".")
		switch {
		case strings.TrimSpace(e) == "":
			l.report(at, f, "must not be empty")
		case !caseFields[name]:
			l.report(at, f, "%q does not name a field of the case study", e)
		}
	}
}

func jsonFieldNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

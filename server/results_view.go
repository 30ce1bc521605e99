package server

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"workshop/tenants"
)

// This file turns tenants.Results into what the results and report pages draw: every SVG
// coordinate is computed here, so templates only place numbers and text.

// groupStyle is how a stakeholder group is drawn: a colour from the Okabe-Ito palette (safe for
// colour-blind readers), a dash pattern and a marker shape, so no chart relies on colour alone.
type groupStyle struct {
	Color, Dash, Marker string
}

// groupStyles are assigned by the group's position in the taxonomy, so a group looks the same in
// every chart and every workspace.
var groupStyles = []groupStyle{
	{"#0072B2", "", "circle"},
	{"#D55E00", "8 4", "square"},
	{"#009E73", "2 3", "diamond"},
	{"#CC79A7", "10 3 2 3", "triangle"},
	{"#8A6D00", "5 2 1 2", "triangle-down"},
	{"#000000", "12 4", "pentagon"},
	{"#6A3D9A", "3 6", "hexagon"},
	{"#6E6E6E", "1 2", "star"},
}

type groupView struct {
	ID, Name   string
	Style      groupStyle
	Suppressed bool
	Answering  int
	Legend     markerView // the legend's marker, at (0, 0)
}

type resultsView struct {
	Tenant      *tenants.Tenant
	Workspace   *tenants.Workspace
	You         tenants.Viewer
	R           *tenants.Results
	Base, API   string
	Report      bool
	Withheld    bool
	GeneratedAt time.Time
	Rounds      []roundLink
	Groups      []groupView // every group with answers, in taxonomy order
	Shown       []groupView // groups not suppressed workspace-wide
	Context     contextView

	Radar      radarView
	DimTable   []dimRow
	Heatmap    heatmapView
	HeatTable  []heatTableRow
	Other      []otherRow
	Divergent  []questionVoices
	Agreed     []questionVoices
	Dissent    []questionVoices
	Coverage   coverageView
	Syntheses  []synthesisRow
	Unsynth    int
	Recs       []recView
	Nearest    []nearView
	Shift      *shiftView
	Evidence   []evidenceView
	Suppressed []string // names of groups suppressed workspace-wide
}

type contextView struct {
	Motivations, UseCases []string
	Instrument            string
	Attribution           string
	Suppression           string
}

type roundLink struct {
	N       int
	Current bool
}

// resultsView builds the page model. report selects the report's rules: names are never shown
// under group attribution (a report is made to be passed on), even to facilitators.
func (s *Server) resultsView(t *tenants.Tenant, w *tenants.Workspace, v tenants.Viewer, res *tenants.Results, report bool) *resultsView {
	cat := s.svc.Catalogue
	in := cat.Instrument(w.InstrumentVersion)
	rv := &resultsView{Tenant: t, Workspace: w, You: v, R: res, Report: report, Withheld: res.Withheld != "",
		Base: "/t/" + t.Slug + "/w/" + w.ID, API: "/api/v1/tenants/" + t.Slug + "/workspaces/" + w.ID, GeneratedAt: time.Now().UTC()}
	for r := 1; r <= res.CurrentRound; r++ {
		rv.Rounds = append(rv.Rounds, roundLink{N: r, Current: r == res.Round})
	}
	order := map[string]int{}
	for i, g := range cat.Taxonomy.StakeholderGroups {
		order[g.ID] = i
	}
	for _, g := range res.Groups {
		gv := s.groupView(g.ID, order)
		gv.Suppressed, gv.Answering = g.Suppressed, g.Answering
		rv.Groups = append(rv.Groups, gv)
		if g.Suppressed {
			rv.Suppressed = append(rv.Suppressed, gv.Name)
		} else {
			rv.Shown = append(rv.Shown, gv)
		}
	}
	rv.Context = s.contextView(w)
	rv.Coverage = s.coverageView(res, in, order)
	if rv.Withheld || in == nil {
		return rv
	}
	names := func(id string) string { return s.names["dimension:"+id] }
	rv.Radar = radarChart(res, in, rv.Shown, names)
	rv.DimTable = dimTable(res, in, rv.Shown, names)
	rv.Heatmap = heatmapChart(res, in, rv.Groups)
	rv.HeatTable = heatTable(res, in, rv.Groups)
	rv.Other = otherTable(res, in, rv.Groups)
	voices := newVoiceIndex(res.Answers, w, report)
	for _, id := range res.MostDivergent {
		rv.Divergent = append(rv.Divergent, voices.question(res, in, rv.Groups, id, 1, false))
	}
	for _, id := range res.MostAgreed {
		rv.Agreed = append(rv.Agreed, voices.question(res, in, rv.Groups, id, 1, false))
	}
	if report {
		for _, id := range dissentQuestions(res) {
			rv.Dissent = append(rv.Dissent, voices.question(res, in, rv.Groups, id, 1, true))
		}
		rv.Evidence = evidenceList(res, in, rv.Groups)
	}
	rv.Syntheses, rv.Unsynth = synthesisRows(res, in)
	rv.Recs, rv.Nearest = s.recViews(res, names)
	rv.Shift = shiftTable(res, in, rv.Shown, names)
	return rv
}

func (s *Server) groupView(id string, order map[string]int) groupView {
	i, ok := order[id]
	if !ok {
		i = len(groupStyles) - 1
	}
	name := s.names["group:"+id]
	if name == "" {
		name = id
	}
	st := groupStyles[i%len(groupStyles)]
	return groupView{ID: id, Name: name, Style: st, Legend: marker(st.Marker, 0, 0, 5)}
}

func (s *Server) contextView(w *tenants.Workspace) contextView {
	cv := contextView{Instrument: w.InstrumentVersion, Attribution: "Named: everyone sees who gave each answer."}
	if w.Attribution == tenants.AttributionGroup {
		cv.Attribution = "By group: participants see stakeholder groups only; facilitators see names. Reports and exports carry no names."
	}
	k := max(1, w.MinGroupSize)
	if k == 1 {
		cv.Suppression = "No suppression (minimum group size 1)."
	} else {
		cv.Suppression = "A group's numbers are shown only where at least " + strconv.Itoa(k) + " of its participants answered."
	}
	for _, m := range w.Motivations {
		cv.Motivations = append(cv.Motivations, s.names["motivation:"+m])
	}
	for _, u := range w.UseCases {
		cv.UseCases = append(cv.UseCases, s.names["use_case:"+u])
	}
	return cv
}

// num formats a statistic for people: up to two decimals, without trailing zeros.
func num(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(math.Round(*v*100)/100, 'f', -1, 64)
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// f0 rounds a coordinate to whole units of the viewBox, which is precise enough on screen and in print.
func f0(v float64) string { return strconv.Itoa(int(math.Round(v))) }

// clip shortens s to at most n characters, ending in an ellipsis when it cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// markerView is a point marker: a circle of radius R at (X, Y), or a polygon.
type markerView struct {
	X, Y   string
	R      string
	Points string // empty for a circle
}

// marker returns the marker shape centred on (x, y) with radius r.
func marker(shape string, x, y, r float64) markerView {
	m := markerView{X: f1(x), Y: f1(y), R: f1(r)}
	sides, rot, inner := 0, -90.0, 0.0
	switch shape {
	case "square":
		sides, rot = 4, 45
	case "diamond":
		sides = 4
	case "triangle":
		sides = 3
	case "triangle-down":
		sides, rot = 3, 90
	case "pentagon":
		sides = 5
	case "hexagon":
		sides, rot = 6, 0
	case "star":
		sides, inner = 5, 0.45
	default:
		return m
	}
	var pts []string
	step := 360.0 / float64(sides)
	for i := 0; i < sides; i++ {
		a := (rot + step*float64(i)) * math.Pi / 180
		pts = append(pts, f1(x+r*1.15*math.Cos(a))+","+f1(y+r*1.15*math.Sin(a)))
		if inner > 0 {
			b := a + step/2*math.Pi/180
			pts = append(pts, f1(x+r*inner*1.15*math.Cos(b))+","+f1(y+r*inner*1.15*math.Sin(b)))
		}
	}
	m.Points = strings.Join(pts, " ")
	return m
}

// Radar chart.

type radarView struct {
	Width, Height int
	Rings         []ringView
	Axes          []axisView
	Series        []seriesView
	Empty         bool
	Desc          string
}

type ringView struct {
	Points, Label, LX, LY string
}

type axisView struct {
	X2, Y2, LX, LY, Anchor, Label, CX, CY string
}

type seriesView struct {
	Group   groupView
	Points  string
	Polygon bool // three or more points: a closed shape; otherwise a line or single marker
	Markers []markerView
	Missing []string // dimensions without a score, named in the legend
}

const (
	radarW, radarH = 760, 460
	radarCX        = 380.0
	radarCY        = 225.0
	radarR         = 160.0
)

// radarChart lays out one polygon per shown group over the instrument's dimensions, 0 at the
// centre and 4 on the rim. A group's missing scores are skipped (never drawn as 0) and named.
func radarChart(res *tenants.Results, in *tenants.Instrument, shown []groupView, dimName func(string) string) radarView {
	rv := radarView{Width: radarW, Height: radarH}
	n := len(in.Dimensions)
	if n == 0 {
		rv.Empty = true
		return rv
	}
	angle := func(i int) float64 { return (-90 + 360*float64(i)/float64(n)) * math.Pi / 180 }
	at := func(i int, level float64) (float64, float64) {
		r := radarR * level / 4
		return radarCX + r*math.Cos(angle(i)), radarCY + r*math.Sin(angle(i))
	}
	for l := 1; l <= 4; l++ {
		var pts []string
		for i := 0; i < n; i++ {
			x, y := at(i, float64(l))
			pts = append(pts, f0(x)+","+f0(y))
		}
		_, ly := at(0, float64(l))
		rv.Rings = append(rv.Rings, ringView{Points: strings.Join(pts, " "), Label: strconv.Itoa(l), LX: f0(radarCX + 4), LY: f0(ly + 12)})
	}
	for i, d := range in.Dimensions {
		x, y := at(i, 4)
		lx, ly := radarCX+(radarR+12)*math.Cos(angle(i)), radarCY+(radarR+12)*math.Sin(angle(i))
		anchor := "middle"
		switch c := math.Cos(angle(i)); {
		case c > 0.2:
			anchor = "start"
		case c < -0.2:
			anchor = "end"
		}
		if math.Sin(angle(i)) > 0.5 {
			ly += 10
		}
		rv.Axes = append(rv.Axes, axisView{X2: f0(x), Y2: f0(y), LX: f0(lx), LY: f0(ly + 4), Anchor: anchor, Label: clip(dimName(d.ID), 30),
			CX: f0(radarCX), CY: f0(radarCY)})
	}
	scores := map[string]map[string]tenants.DimensionGroup{}
	for _, d := range res.Dimensions {
		scores[d.ID] = d.Groups
	}
	for _, g := range shown {
		sv := seriesView{Group: g}
		var pts []string
		for i, d := range in.Dimensions {
			dg, ok := scores[d.ID][g.ID]
			if !ok || dg.Suppressed || dg.Score == nil {
				sv.Missing = append(sv.Missing, dimName(d.ID))
				continue
			}
			x, y := at(i, *dg.Score)
			pts = append(pts, f0(x)+","+f0(y))
			sv.Markers = append(sv.Markers, marker(g.Style.Marker, x, y, 4))
		}
		if len(pts) == 0 {
			continue
		}
		sv.Points, sv.Polygon = strings.Join(pts, " "), len(pts) >= 3
		rv.Series = append(rv.Series, sv)
	}
	rv.Empty = len(rv.Series) == 0
	rv.Desc = "Each group's score per dimension, from 0 at the centre to 4 at the rim. " + strconv.Itoa(len(rv.Series)) +
		" groups are drawn; the table below gives every value."
	return rv
}

type dimRow struct {
	ID, Name   string
	Cells      []string
	Divergence string
	Profile    string
}

func dimTable(res *tenants.Results, in *tenants.Instrument, shown []groupView, dimName func(string) string) []dimRow {
	profile := map[string]*float64{}
	for _, p := range res.Profile {
		profile[p.Dimension] = p.Score
	}
	var rows []dimRow
	for _, d := range res.Dimensions {
		row := dimRow{ID: d.ID, Name: dimName(d.ID), Divergence: num(d.Divergence), Profile: num(profile[d.ID])}
		for _, g := range shown {
			dg, ok := d.Groups[g.ID]
			switch {
			case !ok:
				row.Cells = append(row.Cells, "–")
			case dg.Suppressed:
				row.Cells = append(row.Cells, "suppressed")
			case dg.Score == nil:
				row.Cells = append(row.Cells, "no level")
			default:
				row.Cells = append(row.Cells, num(dg.Score)+" ("+strconv.Itoa(dg.N)+" q)")
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// Heatmap.

type heatmapView struct {
	Width, Height int
	Columns       []heatColumn
	Rows          []heatRow
	DivX          int
	Empty         bool
}

type heatColumn struct {
	X     int // centre of the column
	Label string
}

type heatRow struct {
	Y        int
	Header   bool // a dimension's title row
	Num      int  // the question's number in the instrument, 1-based
	Label    string
	ID       string
	Cells    []heatCell
	Div      string
	DivW     int
	DivClass string
}

type heatCell struct {
	X, TX int
	Class string
	Text  string
}

const (
	heatLabelW = 330
	heatCellW  = 62
	heatCellH  = 20
	heatHeadH  = 96
	heatDivW   = 110
)

// heatmapChart lays out one row per maturity question (under its dimension's title) and one
// column per group with answers. Cells show the median; their class encodes it in half levels
// (hm0 … hm8), "hs" marks a suppressed group, "hn" a group with answers but no level.
func heatmapChart(res *tenants.Results, in *tenants.Instrument, groups []groupView) heatmapView {
	hv := heatmapView{Empty: len(res.Questions) == 0}
	for i, g := range groups {
		hv.Columns = append(hv.Columns, heatColumn{X: heatLabelW + i*heatCellW + heatCellW/2, Label: clip(g.Name, 22)})
	}
	hv.DivX = heatLabelW + len(groups)*heatCellW + 8
	hv.Width = hv.DivX + heatDivW
	y := heatHeadH
	byDim := map[string][]tenants.QuestionResult{}
	for _, q := range res.Questions {
		byDim[q.Dimension] = append(byDim[q.Dimension], q)
	}
	for _, d := range in.Dimensions {
		qs := byDim[d.ID]
		if len(qs) == 0 {
			continue
		}
		hv.Rows = append(hv.Rows, heatRow{Y: y, Header: true, Label: clip(d.Name, 60)})
		y += heatCellH
		for _, q := range qs {
			row := heatRow{Y: y, ID: q.ID, Num: numberOf(in, q.ID), Label: clip(promptOf(in, q.ID), 46), Div: num(q.Divergence)}
			if q.Divergence != nil {
				row.DivW = int(math.Round(*q.Divergence / 4 * 60))
				row.DivClass = "dv" + strconv.Itoa(int(math.Min(4, math.Ceil(*q.Divergence))))
			}
			for i, g := range groups {
				x := heatLabelW + i*heatCellW
				cell := heatCell{X: x, TX: x + heatCellW/2}
				st, ok := q.Groups[g.ID]
				switch {
				case !ok:
					cell.Class = "he"
				case st.Suppressed:
					cell.Class, cell.Text = "hs", "s"
				case st.Median == nil:
					cell.Class, cell.Text = "hn", "n/a"
				default:
					cell.Class, cell.Text = "hm"+strconv.Itoa(int(math.Round(*st.Median*2))), num(st.Median)
				}
				row.Cells = append(row.Cells, cell)
			}
			hv.Rows = append(hv.Rows, row)
			y += heatCellH
		}
	}
	hv.Height = y + 40
	return hv
}

// numberOf returns the question's 1-based position in the instrument, or 0.
func numberOf(in *tenants.Instrument, id string) int {
	n := 0
	for _, d := range in.Dimensions {
		for _, q := range d.Questions {
			n++
			if q.ID == id {
				return n
			}
		}
	}
	return 0
}

func promptOf(in *tenants.Instrument, id string) string {
	if q := in.Question(id); q != nil {
		return q.Prompt
	}
	return id
}

type heatTableRow struct {
	Num                   int
	ID, Prompt, Dimension string
	Cells                 []string
	Divergence            string
	Consensus             bool
}

func groupCell(st tenants.GroupStat, ok bool) string {
	switch {
	case !ok:
		return "–"
	case st.Suppressed:
		return "suppressed"
	case st.Median == nil:
		return "no level"
	}
	return num(st.Median) + " (" + strconv.Itoa(st.N) + "; " + num(st.IQR) + ")"
}

func heatTable(res *tenants.Results, in *tenants.Instrument, groups []groupView) []heatTableRow {
	var rows []heatTableRow
	for _, q := range res.Questions {
		row := heatTableRow{Num: numberOf(in, q.ID), ID: q.ID, Prompt: promptOf(in, q.ID), Dimension: q.Dimension, Divergence: num(q.Divergence), Consensus: q.Consensus}
		for _, g := range groups {
			st, ok := q.Groups[g.ID]
			row.Cells = append(row.Cells, groupCell(st, ok))
		}
		rows = append(rows, row)
	}
	return rows
}

type otherRow struct {
	Num           int
	Prompt, Label string // Prompt only on a question's first row
	Span          int    // rows the question spans
	Cells         []string
}

// otherTable summarises choice, multi and text questions: one row per option with, per group,
// how many participants chose it, then a row of "not applicable / don't know"; a text question
// has one row with the number of text answers.
func otherTable(res *tenants.Results, in *tenants.Instrument, groups []groupView) []otherRow {
	var rows []otherRow
	for _, o := range res.OtherQuestions {
		q := in.Question(o.ID)
		if q == nil {
			continue
		}
		var labels []string
		var counts []func(tenants.OptionStat) int
		if q.Kind == tenants.KindText {
			labels = append(labels, "text answers")
			counts = append(counts, func(st tenants.OptionStat) int { return st.N })
		}
		for _, opt := range q.Options {
			id := opt.ID
			labels = append(labels, clip(opt.Label, 60))
			counts = append(counts, func(st tenants.OptionStat) int { return st.Options[id] })
		}
		labels = append(labels, "not applicable / don't know")
		counts = append(counts, func(st tenants.OptionStat) int { return st.NotApplicable + st.Unknown })
		for i, label := range labels {
			row := otherRow{Label: label}
			if i == 0 {
				row.Num, row.Prompt, row.Span = numberOf(in, q.ID), q.Prompt, len(labels)
			}
			for _, g := range groups {
				st, ok := o.Groups[g.ID]
				switch {
				case !ok:
					row.Cells = append(row.Cells, "–")
				case st.Suppressed:
					row.Cells = append(row.Cells, "s")
				default:
					row.Cells = append(row.Cells, strconv.Itoa(counts[i](st)))
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// Voices: the rationales groups gave.

type rationaleView struct {
	Who, Level, Text string
}

type groupVoice struct {
	Group      groupView
	Median     string
	N          int
	Extreme    string // "lowest" or "highest" median among the groups
	Rationales []rationaleView
	More       int
}

type questionVoices struct {
	Num                   int
	ID, Prompt, Dimension string
	Divergence            string
	Consensus             bool
	Synthesis             *tenants.SynthesisNote
	Status                string
	Groups                []groupVoice
	Low, High             []string
}

type voiceIndex struct {
	by      map[string]map[string][]tenants.Answer
	noNames bool
}

// newVoiceIndex indexes the answers by question and group. Under group attribution a report
// names nobody.
func newVoiceIndex(answers []tenants.Answer, w *tenants.Workspace, report bool) *voiceIndex {
	vi := &voiceIndex{by: map[string]map[string][]tenants.Answer{}, noNames: report && w.Attribution == tenants.AttributionGroup}
	for _, a := range answers {
		if vi.by[a.QuestionID] == nil {
			vi.by[a.QuestionID] = map[string][]tenants.Answer{}
		}
		vi.by[a.QuestionID][a.StakeholderGroup] = append(vi.by[a.QuestionID][a.StakeholderGroup], a)
	}
	return vi
}

const rationaleChars = 240

// question gathers a question's shown groups with their medians and up to k representative
// rationales each: answers closest to the group's median first, the latest first among equals.
// extremesOnly (the dissent register) gives rationales only to the groups with the lowest and
// the highest median, at most extremeGroups of each side (most answers first, then taxonomy
// order); every extreme group is still named in Low and High.
func (vi *voiceIndex) question(res *tenants.Results, in *tenants.Instrument, groups []groupView, id string, k int, extremesOnly bool) questionVoices {
	q := res.Question(id)
	qv := questionVoices{Num: numberOf(in, id), ID: id, Prompt: promptOf(in, id)}
	if q == nil {
		return qv
	}
	qv.Dimension, qv.Divergence, qv.Consensus, qv.Synthesis = q.Dimension, num(q.Divergence), q.Consensus, q.Synthesis
	if q.Synthesis != nil {
		qv.Status = synthesisLabel(q.Synthesis.Status)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, g := range groups {
		if st, ok := q.Groups[g.ID]; ok && !st.Suppressed && st.Median != nil {
			lo, hi = math.Min(lo, *st.Median), math.Max(hi, *st.Median)
		}
	}
	for _, g := range groups {
		st, ok := q.Groups[g.ID]
		if !ok || st.Suppressed || st.Median == nil {
			continue
		}
		gv := groupVoice{Group: g, Median: num(st.Median), N: st.N}
		if lo < hi {
			switch *st.Median {
			case lo:
				gv.Extreme = "lowest"
				qv.Low = append(qv.Low, g.Name)
			case hi:
				gv.Extreme = "highest"
				qv.High = append(qv.High, g.Name)
			}
		}
		if extremesOnly && gv.Extreme == "" {
			continue
		}
		qv.Groups = append(qv.Groups, gv)
	}
	if extremesOnly {
		qv.Groups = capExtremes(qv.Groups, extremeGroups)
	}
	for i := range qv.Groups {
		gv := &qv.Groups[i]
		st := q.Groups[gv.Group.ID]
		gv.Rationales, gv.More = vi.pick(vi.by[id][gv.Group.ID], *st.Median, k)
	}
	return qv
}

// extremeGroups bounds the groups per side whose rationales the dissent register quotes.
const extremeGroups = 2

// capExtremes keeps at most n groups of each extreme, those with most answers first, in their
// original (taxonomy) order.
func capExtremes(gs []groupVoice, n int) []groupVoice {
	keep := map[string]bool{}
	for _, side := range []string{"lowest", "highest"} {
		var idx []int
		for i, g := range gs {
			if g.Extreme == side {
				idx = append(idx, i)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return gs[idx[a]].N > gs[idx[b]].N })
		for i := 0; i < len(idx) && i < n; i++ {
			keep[gs[idx[i]].Group.ID] = true
		}
	}
	out := gs[:0]
	for _, g := range gs {
		if keep[g.Group.ID] {
			out = append(out, g)
		}
	}
	return out
}

func (vi *voiceIndex) pick(answers []tenants.Answer, median float64, k int) ([]rationaleView, int) {
	var with []tenants.Answer
	for _, a := range answers {
		if strings.TrimSpace(a.Rationale) != "" {
			with = append(with, a)
		}
	}
	dist := func(a tenants.Answer) float64 {
		if l := a.Level(); l >= 0 {
			return math.Abs(float64(l) - median)
		}
		return 9 // not_applicable and unknown last
	}
	sort.SliceStable(with, func(i, j int) bool {
		if di, dj := dist(with[i]), dist(with[j]); di != dj {
			return di < dj
		}
		return with[i].UpdatedAt.After(with[j].UpdatedAt)
	})
	var out []rationaleView
	for i := 0; i < len(with) && i < k; i++ {
		a := with[i]
		rv := rationaleView{Text: clip(a.Rationale, rationaleChars)}
		if !vi.noNames {
			rv.Who = a.DisplayName
		}
		switch l := a.Level(); {
		case l >= 0:
			rv.Level = strconv.Itoa(l)
		case a.Status == tenants.StatusNotApplicable:
			rv.Level = "n/a"
		default:
			rv.Level = "don't know"
		}
		out = append(out, rv)
	}
	return out, max(0, len(with)-k)
}

// dissentQuestions lists the dissent register's questions: those whose synthesis records no
// agreement or reservations, and those without statistical consensus between at least two
// groups, most divergent first, then in instrument order.
func dissentQuestions(res *tenants.Results) []string {
	type item struct {
		id  string
		div float64
		pos int
	}
	var items []item
	for i, q := range res.Questions {
		contested := q.Synthesis != nil && (q.Synthesis.Status == tenants.SynthesisNoAgreement || q.Synthesis.Status == tenants.SynthesisReservations)
		if contested || (q.Divergence != nil && !q.Consensus) {
			d := -1.0
			if q.Divergence != nil {
				d = *q.Divergence
			}
			items = append(items, item{q.ID, d, i})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].div != items[j].div {
			return items[i].div > items[j].div
		}
		return items[i].pos < items[j].pos
	})
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.id
	}
	return out
}

func synthesisLabel(status string) string {
	switch status {
	case tenants.SynthesisAgreed:
		return "Agreed"
	case tenants.SynthesisReservations:
		return "Agreed with reservations"
	case tenants.SynthesisNoAgreement:
		return "No agreement"
	}
	return status
}

type synthesisRow struct {
	Num                                            int
	ID, Prompt, Status, StatusID, Summary, Dissent string
}

// synthesisRows lists the questions with a synthesis, in instrument order, and counts the others.
func synthesisRows(res *tenants.Results, in *tenants.Instrument) ([]synthesisRow, int) {
	var rows []synthesisRow
	pending := 0
	add := func(id string, sn *tenants.SynthesisNote) {
		if sn == nil {
			pending++
			return
		}
		rows = append(rows, synthesisRow{Num: numberOf(in, id), ID: id, Prompt: promptOf(in, id), Status: synthesisLabel(sn.Status), StatusID: sn.Status,
			Summary: sn.Summary, Dissent: sn.Dissent})
	}
	for _, q := range res.Questions {
		add(q.ID, q.Synthesis)
	}
	for _, q := range res.OtherQuestions {
		add(q.ID, q.Synthesis)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Num < rows[j].Num })
	return rows, pending
}

// Coverage.

type coverageView struct {
	Dimensions []string
	Rows       []coverageRow
	Unanswered []string
	Missing    []string
}

type coverageRow struct {
	Group        groupView
	Participants int
	Answering    int
	Answered     int
	Total        int
	Status       string
	Warn         bool
	Cells        []coverageCell
}

type coverageCell struct {
	Answered, Total int
	Class           string
}

func (s *Server) coverageView(res *tenants.Results, in *tenants.Instrument, order map[string]int) coverageView {
	cv := coverageView{}
	if in == nil {
		return cv
	}
	for _, d := range in.Dimensions {
		cv.Dimensions = append(cv.Dimensions, s.names["dimension:"+d.ID])
	}
	rows := map[string]coverageRow{}
	var ids []string
	for _, g := range res.Coverage.Groups {
		row := coverageRow{Group: s.groupView(g.ID, order), Participants: g.Participants, Answering: g.Answering, Answered: g.Answered,
			Total: res.Coverage.Questions, Status: "shown"}
		switch {
		case g.Answering == 0:
			row.Status, row.Warn = "no answers yet", true
		case g.Suppressed:
			row.Status, row.Warn = "below the minimum group size: suppressed", true
		}
		for _, d := range in.Dimensions {
			cell := coverageCell{Answered: g.Dimensions[d.ID], Total: res.Coverage.PerDimension[d.ID]}
			switch {
			case cell.Answered == 0:
				cell.Class = "cv0"
			case cell.Answered < cell.Total:
				cell.Class = "cv1"
			default:
				cell.Class = "cv2"
			}
			row.Cells = append(row.Cells, cell)
		}
		rows[g.ID] = row
		ids = append(ids, g.ID)
	}
	for _, m := range res.Coverage.MissingGroups {
		gv := s.groupView(m.ID, order)
		if m.Reason == tenants.MissingNoParticipants {
			cv.Missing = append(cv.Missing, gv.Name)
			if _, ok := rows[m.ID]; !ok {
				rows[m.ID] = coverageRow{Group: gv, Total: res.Coverage.Questions, Status: "no participants", Warn: true}
				ids = append(ids, m.ID)
			}
		}
	}
	sort.SliceStable(ids, func(i, j int) bool { return order[ids[i]] < order[ids[j]] })
	for _, id := range ids {
		cv.Rows = append(cv.Rows, rows[id])
	}
	for _, id := range res.Coverage.Unanswered {
		cv.Unanswered = append(cv.Unanswered, clip(promptOf(in, id), 90))
	}
	return cv
}

// Recommendations.

type recView struct {
	CaseID, CaseName, Dimension, Why string
	Basis                            string
	Level                            int
}

type nearView struct {
	CaseID, CaseName, Country, Distance string
	Shared                              []string
	SharesContext                       bool
}

func (s *Server) recViews(res *tenants.Results, dimName func(string) string) ([]recView, []nearView) {
	caseOf := map[string]*tenants.CaseStudy{}
	for _, c := range s.svc.Catalogue.CaseStudies {
		caseOf[c.ID] = c
	}
	var recs []recView
	for _, r := range res.Recommendations {
		cs := caseOf[r.CaseStudyID]
		if cs == nil {
			continue
		}
		basis := []string{}
		for _, b := range r.Basis {
			if b == tenants.BasisWeakest {
				basis = append(basis, "weak here")
			} else {
				basis = append(basis, "groups diverge")
			}
		}
		recs = append(recs, recView{CaseID: cs.ID, CaseName: cs.Name, Dimension: dimName(r.Dimension), Why: r.Why,
			Basis: strings.Join(basis, ", "), Level: r.Level})
	}
	var near []nearView
	for _, n := range res.Nearest {
		cs := caseOf[n.CaseStudyID]
		if cs == nil {
			continue
		}
		nv := nearView{CaseID: cs.ID, CaseName: cs.Name, Country: cs.Country, Distance: strconv.FormatFloat(n.Distance, 'f', 2, 64),
			SharesContext: n.SharesContext}
		for _, id := range n.Shared {
			name := s.names["motivation:"+id]
			if name == "" {
				name = s.names["use_case:"+id]
			}
			nv.Shared = append(nv.Shared, name)
		}
		near = append(near, nv)
	}
	return recs, near
}

// Round shifts.

type shiftView struct {
	From, To  int
	Groups    []groupView
	Dims      []shiftRow
	Questions []questionShift
}

type shiftRow struct {
	Name  string
	Cells []string
}

type questionShift struct {
	Prompt, Group, From, To, Change string
}

func signed(v float64) string {
	s := num(&v)
	if v > 0 {
		return "+" + s
	}
	return s
}

// shiftTable shows the last shift (the round before the one shown → that round): every
// dimension's group scores, and the ten largest moves of a group's median on a question.
func shiftTable(res *tenants.Results, in *tenants.Instrument, shown []groupView, dimName func(string) string) *shiftView {
	if len(res.Shifts) == 0 {
		return nil
	}
	last := res.Shifts[len(res.Shifts)-1]
	sv := &shiftView{From: last.From, To: last.To, Groups: shown}
	for _, d := range last.Dimensions {
		row := shiftRow{Name: dimName(d.ID)}
		for _, g := range shown {
			if sh, ok := d.Groups[g.ID]; ok {
				row.Cells = append(row.Cells, num(&sh.From)+" → "+num(&sh.To)+" ("+signed(sh.Change)+")")
			} else {
				row.Cells = append(row.Cells, "–")
			}
		}
		sv.Dims = append(sv.Dims, row)
	}
	type mv struct {
		qs  questionShift
		abs float64
		pos int
	}
	var moves []mv
	names := map[string]string{}
	for _, g := range shown {
		names[g.ID] = g.Name
	}
	for qi, q := range last.Questions {
		for gi, g := range shown {
			sh, ok := q.Groups[g.ID]
			if !ok || sh.Change == 0 {
				continue
			}
			moves = append(moves, mv{questionShift{Prompt: clip(promptOf(in, q.ID), 80), Group: names[g.ID], From: num(&sh.From),
				To: num(&sh.To), Change: signed(sh.Change)}, math.Abs(sh.Change), qi*100 + gi})
		}
	}
	sort.SliceStable(moves, func(i, j int) bool {
		if moves[i].abs != moves[j].abs {
			return moves[i].abs > moves[j].abs
		}
		return moves[i].pos < moves[j].pos
	})
	for i := 0; i < len(moves) && i < 10; i++ {
		sv.Questions = append(sv.Questions, moves[i].qs)
	}
	return sv
}

// Evidence.

type evidenceView struct {
	URL, Title string
	Questions  string // question numbers as ranges, e.g. "Q1–Q3, Q7"
	Groups     []string
	AllGroups  bool
	Count      int
	nums       []int
}

// evidenceList gathers the evidence links of the shown answers, one entry per URL with the
// questions and groups that cited it, most cited first.
func evidenceList(res *tenants.Results, in *tenants.Instrument, groups []groupView) []evidenceView {
	pos := map[string]int{}
	for i, q := range in.Questions() {
		pos[q.ID] = i + 1
	}
	name := map[string]string{}
	for _, g := range groups {
		name[g.ID] = g.Name
	}
	idx := map[string]*evidenceView{}
	var order []string
	seenQ, seenG := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, a := range res.Answers {
		for _, e := range a.Evidence {
			ev := idx[e.URL]
			if ev == nil {
				ev = &evidenceView{URL: e.URL, Title: e.Title}
				idx[e.URL], seenQ[e.URL], seenG[e.URL] = ev, map[string]bool{}, map[string]bool{}
				order = append(order, e.URL)
			}
			if ev.Title == "" {
				ev.Title = e.Title
			}
			ev.Count++
			if !seenQ[e.URL][a.QuestionID] {
				seenQ[e.URL][a.QuestionID] = true
				ev.nums = append(ev.nums, pos[a.QuestionID])
			}
			if !seenG[e.URL][a.StakeholderGroup] {
				seenG[e.URL][a.StakeholderGroup] = true
			}
		}
	}
	out := make([]evidenceView, 0, len(order))
	for _, u := range order {
		ev := idx[u]
		for _, g := range groups {
			if seenG[u][g.ID] {
				ev.Groups = append(ev.Groups, name[g.ID])
			}
		}
		ev.AllGroups = len(ev.Groups) == len(groups) && len(groups) > 1
		ev.Questions = ranges(ev.nums)
		out = append(out, *ev)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].URL < out[j].URL
	})
	return out
}

// ranges writes question numbers as sorted ranges: 1 2 3 7 → "Q1–Q3, Q7".
func ranges(nums []int) string {
	ns := append([]int(nil), nums...)
	sort.Ints(ns)
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, "Q"+strconv.Itoa(ns[i])+"–Q"+strconv.Itoa(ns[j]))
		} else {
			parts = append(parts, "Q"+strconv.Itoa(ns[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

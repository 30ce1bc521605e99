package tenants

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// This file computes a workspace's results: per-group statistics that keep differences between
// stakeholder groups visible, their change between rounds, coverage, and the case studies that
// show a way forward. Everything here is pure and deterministic; docs/RESULTS.md defines every
// statistic and rule in prose.

// ResultsInput is everything ComputeResults needs. Nothing in it is modified.
type ResultsInput struct {
	Workspace    *Workspace
	Instrument   *Instrument
	Taxonomy     *Taxonomy
	CaseStudies  []*CaseStudy
	Participants []*Participant // every participant of the workspace, removed ones included
	Revisions    []*Answer      // every revision of the workspace's answers, in any order
	Syntheses    []*Synthesis
	Round        int // statistics as of this round; 0 or less means CurrentRound
	CurrentRound int
}

// Results is the statistical picture of a workspace as of one round. Its JSON form is the
// contract of DESIGN.md §7, extended (never renamed) with further fields.
type Results struct {
	Round           int                   `json:"round"`
	CurrentRound    int                   `json:"current_round"`
	MinGroupSize    int                   `json:"min_group_size"`
	Seq             int64                 `json:"seq"`                // the workspace's latest event when read; set by Service.Results
	Withheld        string                `json:"withheld,omitempty"` // "blind": only groups and coverage are given
	Groups          []ResultGroup         `json:"groups"`
	Questions       []QuestionResult      `json:"questions"`
	OtherQuestions  []OtherQuestionResult `json:"other_questions"`
	Dimensions      []DimensionResult     `json:"dimensions"`
	Coverage        Coverage              `json:"coverage"`
	Recommendations []Recommendation      `json:"recommendations"`
	Profile         []ProfilePoint        `json:"profile"`
	Nearest         []NearestModel        `json:"nearest"`
	MostDivergent   []string              `json:"most_divergent"`
	MostAgreed      []string              `json:"most_agreed"`
	Shifts          []RoundShift          `json:"shifts"`

	// Answers are the answers the statistics were computed from (each participant's latest
	// revision as of Round), as the viewer may see them, without those of groups suppressed for
	// the question. They carry the rationales and evidence pages show; they are not serialised.
	Answers []Answer `json:"-"`
}

// ResultGroup is a stakeholder group with at least one answer as of the round. Answering counts
// its distinct participants with any answer; Suppressed is Answering < min_group_size.
type ResultGroup struct {
	ID         string `json:"id"`
	Answering  int    `json:"answering"`
	Suppressed bool   `json:"suppressed"`
}

// GroupStat is one group's statistics on one maturity question. N counts answered levels (not
// not_applicable or unknown); Median, Min, Max, Q1, Q3 and IQR are nil when N is 0; Counts[i] is
// the number of answers at level i. A suppressed group serialises as {"suppressed":true} only.
type GroupStat struct {
	Suppressed    bool
	N             int
	Median        *float64
	Min, Max      *int
	Q1, Q3, IQR   *float64
	Counts        [MaturityLevels]int
	NotApplicable int
	Unknown       int
}

// MaturityLevels is the number of levels of a maturity question (0 to 4).
const MaturityLevels = 5

type groupStatJSON struct {
	N             int                 `json:"n"`
	Median        *float64            `json:"median"`
	Min           *int                `json:"min"`
	Max           *int                `json:"max"`
	Counts        [MaturityLevels]int `json:"counts"`
	NotApplicable int                 `json:"not_applicable"`
	Unknown       int                 `json:"unknown"`
	Q1            *float64            `json:"q1"`
	Q3            *float64            `json:"q3"`
	IQR           *float64            `json:"iqr"`
	Suppressed    bool                `json:"suppressed"`
}

var suppressedJSON = []byte(`{"suppressed":true}`)

// MarshalJSON writes the contract's keys, or only "suppressed" for a suppressed group.
func (g GroupStat) MarshalJSON() ([]byte, error) {
	if g.Suppressed {
		return suppressedJSON, nil
	}
	return json.Marshal(groupStatJSON{N: g.N, Median: g.Median, Min: g.Min, Max: g.Max, Counts: g.Counts,
		NotApplicable: g.NotApplicable, Unknown: g.Unknown, Q1: g.Q1, Q3: g.Q3, IQR: g.IQR})
}

// QuestionResult is a maturity question's statistics by group. Groups holds every group with at
// least one answer of any status. Divergence is max − min of the medians of shown groups with
// N ≥ 1, nil when fewer than two such groups. Consensus: at least two such groups, each with
// IQR ≤ 1, and divergence ≤ 1.
type QuestionResult struct {
	ID         string               `json:"id"`
	Dimension  string               `json:"dimension"`
	Groups     map[string]GroupStat `json:"groups"`
	Divergence *float64             `json:"divergence"`
	Consensus  bool                 `json:"consensus"`
	Synthesis  *SynthesisNote       `json:"synthesis,omitempty"`
}

// SynthesisNote is the facilitators' synthesis of a question, as results show it.
type SynthesisNote struct {
	Status  string `json:"status"`
	Summary string `json:"summary"`
	Dissent string `json:"dissent"`
}

// OptionStat is one group's answers to a choice, multi or text question. Options counts, per
// option id, the participants who chose it (choice and multi only).
type OptionStat struct {
	Suppressed    bool
	N             int
	Options       map[string]int
	NotApplicable int
	Unknown       int
}

// MarshalJSON writes the counts, or only "suppressed" for a suppressed group.
func (o OptionStat) MarshalJSON() ([]byte, error) {
	if o.Suppressed {
		return suppressedJSON, nil
	}
	return json.Marshal(struct {
		N             int            `json:"n"`
		Options       map[string]int `json:"options,omitempty"`
		NotApplicable int            `json:"not_applicable"`
		Unknown       int            `json:"unknown"`
		Suppressed    bool           `json:"suppressed"`
	}{o.N, o.Options, o.NotApplicable, o.Unknown, false})
}

// OtherQuestionResult is a choice, multi or text question's answers by group.
type OtherQuestionResult struct {
	ID        string                `json:"id"`
	Dimension string                `json:"dimension"`
	Kind      string                `json:"kind"`
	Groups    map[string]OptionStat `json:"groups"`
	Synthesis *SynthesisNote        `json:"synthesis,omitempty"`
}

// DimensionGroup is one group's score on a dimension: the mean of its medians over the
// dimension's maturity questions where it is shown with N ≥ 1 (N counts them), rounded to two
// decimals; nil when N is 0.
type DimensionGroup struct {
	Suppressed bool
	Score      *float64
	N          int
}

// MarshalJSON writes score and n, or only "suppressed" for a suppressed group.
func (d DimensionGroup) MarshalJSON() ([]byte, error) {
	if d.Suppressed {
		return suppressedJSON, nil
	}
	return json.Marshal(struct {
		Score      *float64 `json:"score"`
		N          int      `json:"n"`
		Suppressed bool     `json:"suppressed"`
	}{d.Score, d.N, false})
}

// DimensionResult is a dimension's group scores. Divergence is max − min of the shown groups'
// scores, nil when fewer than two groups have one.
type DimensionResult struct {
	ID         string                    `json:"id"`
	Groups     map[string]DimensionGroup `json:"groups"`
	Divergence *float64                  `json:"divergence"`
}

// Coverage tells who took part where.
type Coverage struct {
	Questions     int             `json:"questions"`            // questions in the instrument
	PerDimension  map[string]int  `json:"dimension_questions"`  // questions per dimension
	Groups        []GroupCoverage `json:"groups"`               // groups with participants or answers
	MissingGroups []MissingGroup  `json:"missing_groups"`       // taxonomy groups without answers
	Unanswered    []string        `json:"unanswered_questions"` // questions no one answered at all
}

// GroupCoverage is how much of the instrument a group answered. Participants counts its current
// (not removed) participants with the participant role; Answering its distinct participants with
// any answer; Dimensions, per dimension, the questions at least one of them answered (any status).
type GroupCoverage struct {
	ID           string         `json:"id"`
	Participants int            `json:"participants"`
	Answering    int            `json:"answering"`
	Answered     int            `json:"questions_answered"`
	Suppressed   bool           `json:"suppressed"`
	Dimensions   map[string]int `json:"dimensions"`
}

// Reasons a group is missing from the results.
const (
	MissingNoParticipants = "no_participants"
	MissingNoAnswers      = "no_answers"
)

// MissingGroup is a stakeholder group of the taxonomy without any answer.
type MissingGroup struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// ProfilePoint is the workspace's position on a dimension: the mean of the shown groups' scores,
// each group weighing the same, rounded to two decimals. Score is nil when no group has one.
type ProfilePoint struct {
	Dimension string   `json:"dimension"`
	Score     *float64 `json:"score"`
	Groups    int      `json:"groups"`
}

// NearestModel is a case study whose judged profile is close to the workspace's.
type NearestModel struct {
	CaseStudyID   string   `json:"case_study_id"`
	Distance      float64  `json:"distance"`
	Dimensions    int      `json:"dimensions"`
	SharesContext bool     `json:"shares_context"`
	Shared        []string `json:"shared"`
}

// Recommendation points to a case study strong on a dimension that is weak or divergent here.
type Recommendation struct {
	CaseStudyID string   `json:"case_study_id"`
	Why         string   `json:"why"`
	Dimension   string   `json:"dimension"`
	Basis       []string `json:"basis"` // "weakest", "divergent"
	Level       int      `json:"level"`
	Shared      []string `json:"shared"`
}

// Recommendation bases.
const (
	BasisWeakest   = "weakest"
	BasisDivergent = "divergent"
)

// Limits of the ranked lists.
const (
	FocusDimensions        = 3  // weakest and most divergent dimensions recommended for
	CasesPerDimension      = 3  // case studies recommended per focus dimension
	NearestModels          = 3  // nearest models listed
	RankedQuestions        = 10 // most divergent and most agreed questions listed
	ConsensusMaxIQR        = 1.0
	ConsensusMaxDivergence = 1.0
)

// Shift is a value in two consecutive rounds and its change.
type Shift struct {
	From   float64 `json:"from"`
	To     float64 `json:"to"`
	Change float64 `json:"change"`
}

// ItemShift is the shift of each group's median on a question, or score on a dimension.
type ItemShift struct {
	ID     string           `json:"id"`
	Groups map[string]Shift `json:"groups"`
}

// RoundShift compares round From with round To = From + 1. Only groups shown with a value in
// both rounds appear.
type RoundShift struct {
	From       int         `json:"from"`
	To         int         `json:"to"`
	Questions  []ItemShift `json:"questions"`
	Dimensions []ItemShift `json:"dimensions"`
}

// ComputeResults computes the results of in.Workspace as of in.Round.
func ComputeResults(in ResultsInput) *Results {
	if in.CurrentRound < 1 {
		in.CurrentRound = 1
	}
	if in.Round <= 0 || in.Round > in.CurrentRound {
		in.Round = in.CurrentRound
	}
	c := newComputer(in)
	idx := indexRevisions(in.Revisions)
	byRound := make([]*tally, in.Round+1)
	for r := 1; r <= in.Round; r++ {
		byRound[r] = c.tally(idx.at(r, c.groupOf))
	}
	t := byRound[in.Round]
	res := &Results{Round: in.Round, CurrentRound: in.CurrentRound, MinGroupSize: c.k,
		Groups: c.groups(t), Coverage: c.coverage(t)}
	c.fill(res, t)
	res.Profile = c.profile(res)
	res.Nearest = c.nearest(res.Profile)
	res.Recommendations = c.recommend(res)
	res.MostDivergent, res.MostAgreed = rankQuestions(res.Questions, t)
	for r := 2; r <= in.Round; r++ {
		res.Shifts = append(res.Shifts, c.shift(r-1, byRound[r-1], r, byRound[r]))
	}
	if res.Shifts == nil {
		res.Shifts = []RoundShift{}
	}
	res.Answers = c.shownAnswers(t)
	return res
}

// Withhold reduces r to what may be shown while answers are blind: the groups and coverage.
func (r *Results) Withhold(reason string) {
	r.Withheld = reason
	r.Questions, r.OtherQuestions, r.Dimensions = []QuestionResult{}, []OtherQuestionResult{}, []DimensionResult{}
	r.Recommendations, r.Profile, r.Nearest = []Recommendation{}, []ProfilePoint{}, []NearestModel{}
	r.MostDivergent, r.MostAgreed, r.Shifts, r.Answers = []string{}, []string{}, []RoundShift{}, []Answer{}
}

// Question returns the result of the maturity question, or nil.
func (r *Results) Question(id string) *QuestionResult {
	for i := range r.Questions {
		if r.Questions[i].ID == id {
			return &r.Questions[i]
		}
	}
	return nil
}

// SnapshotAt returns, for every participant and question, the latest revision (highest revision
// number) saved in a round ≤ round: answers carry forward until they are revised. Each returned
// answer is a copy whose StakeholderGroup is groupOf(participant) when groupOf knows the
// participant, so a facilitator's regrouping applies to every round. The order is unspecified.
func SnapshotAt(revs []*Answer, round int, groupOf map[string]string) []*Answer {
	return indexRevisions(revs).at(round, groupOf)
}

// revisionIndex holds each participant's revisions of each question, by revision number.
type revisionIndex [][]*Answer

func indexRevisions(revs []*Answer) revisionIndex {
	type key struct{ p, q string }
	pos := make(map[key]int, len(revs)/2+1)
	var idx revisionIndex
	for _, a := range revs {
		k := key{a.ParticipantID, a.QuestionID}
		i, ok := pos[k]
		if !ok {
			i = len(idx)
			pos[k] = i
			idx = append(idx, nil)
		}
		idx[i] = append(idx[i], a)
	}
	for _, list := range idx {
		sort.Slice(list, func(i, j int) bool { return list[i].Revision < list[j].Revision })
	}
	return idx
}

func (idx revisionIndex) at(round int, groupOf map[string]string) []*Answer {
	out := make([]*Answer, 0, len(idx))
	copies := make([]Answer, 0, len(idx))
	for _, list := range idx {
		var latest *Answer
		for _, a := range list {
			if a.Round <= round {
				latest = a
			}
		}
		if latest == nil {
			continue
		}
		copies = append(copies, *latest)
		cp := &copies[len(copies)-1]
		if g, ok := groupOf[cp.ParticipantID]; ok && g != "" {
			cp.StakeholderGroup = g
		}
		out = append(out, cp)
	}
	return out
}

// levelOf is Answer.Level with a fast path for the stored form of a level, a single digit.
func levelOf(a *Answer) int {
	if a.Status == StatusAnswered && len(a.Value) == 1 && a.Value[0] >= '0' && a.Value[0] <= '4' {
		return int(a.Value[0] - '0')
	}
	return a.Level()
}

// Median returns the median of sorted levels given as counts per level (the mean of the two
// middle values when n is even), or false when there are none.
func Median(counts [MaturityLevels]int) (float64, bool) { return Quantile(counts, 0.5) }

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of levels given as counts per level, by linear
// interpolation between order statistics (Hyndman & Fan type 7, the default of R, NumPy and
// spreadsheet QUARTILE.INC): with the n values sorted as x[0..n-1] and h = (n−1)·p, it is
// x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). It reports false when there are no values.
func Quantile(counts [MaturityLevels]int, p float64) (float64, bool) {
	n := 0
	for _, c := range counts {
		n += c
	}
	if n == 0 {
		return 0, false
	}
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	x0 := float64(orderStat(counts, lo))
	if lo+1 >= n {
		return x0, true
	}
	x1 := float64(orderStat(counts, lo+1))
	return x0 + (h-float64(lo))*(x1-x0), true
}

// orderStat returns the i-th smallest level (0-based).
func orderStat(counts [MaturityLevels]int, i int) int {
	for level, c := range counts {
		if i < c {
			return level
		}
		i -= c
	}
	return MaturityLevels - 1
}

// computer holds what ComputeResults derives once from its input.
type computer struct {
	in         ResultsInput
	k          int
	groupOf    map[string]string
	groupOrder map[string]int
	qOrder     map[string]int
	qByID      map[string]*Question
	questions  []*Question
	syn        map[string]*SynthesisNote
}

func newComputer(in ResultsInput) *computer {
	c := &computer{in: in, k: max(1, in.Workspace.MinGroupSize), groupOf: map[string]string{},
		groupOrder: map[string]int{}, qOrder: map[string]int{}, qByID: map[string]*Question{}, syn: map[string]*SynthesisNote{}}
	for _, p := range in.Participants {
		c.groupOf[p.ID] = p.StakeholderGroup
	}
	for i, g := range in.Taxonomy.StakeholderGroups {
		c.groupOrder[g.ID] = i
	}
	c.questions = in.Instrument.Questions()
	for i, q := range c.questions {
		c.qOrder[q.ID] = i
		c.qByID[q.ID] = q
	}
	for _, s := range in.Syntheses {
		c.syn[s.QuestionID] = &SynthesisNote{Status: s.Status, Summary: s.Summary, Dissent: s.Dissent}
	}
	return c
}

// sortGroups orders group ids as the taxonomy lists them, unknown ones last by id.
func (c *computer) sortGroups(ids []string) {
	sort.Slice(ids, func(i, j int) bool {
		oi, iok := c.groupOrder[ids[i]]
		oj, jok := c.groupOrder[ids[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return ids[i] < ids[j]
	})
}

// tally is the counting of one snapshot.
type tally struct {
	answers   []*Answer
	byQG      map[string]map[string][]*Answer       // question → group → answers
	people    map[string]map[string]bool            // group → participants with any answer
	dimPeople map[string]map[string]map[string]bool // dimension → group → participants (maturity)
	stats     map[string]map[string]GroupStat       // maturity question → group → stat
	other     map[string]map[string]OptionStat      // other question → group → stat
	div       map[string]*float64                   // maturity question → divergence
	consensus map[string]bool
	maxIQR    map[string]float64
	dims      map[string]map[string]DimensionGroup
	dimDiv    map[string]*float64
}

func (c *computer) tally(answers []*Answer) *tally {
	t := &tally{answers: answers, byQG: map[string]map[string][]*Answer{}, people: map[string]map[string]bool{},
		dimPeople: map[string]map[string]map[string]bool{}, stats: map[string]map[string]GroupStat{},
		other: map[string]map[string]OptionStat{}, div: map[string]*float64{}, consensus: map[string]bool{},
		maxIQR: map[string]float64{}, dims: map[string]map[string]DimensionGroup{}, dimDiv: map[string]*float64{}}
	for _, a := range answers {
		q := c.qByID[a.QuestionID]
		if q == nil {
			continue // a question of another instrument version: not counted
		}
		g := a.StakeholderGroup
		addSet(t.people, g, a.ParticipantID)
		if t.byQG[q.ID] == nil {
			t.byQG[q.ID] = map[string][]*Answer{}
		}
		t.byQG[q.ID][g] = append(t.byQG[q.ID][g], a)
		if q.Kind == KindMaturity {
			if t.dimPeople[q.Dimension] == nil {
				t.dimPeople[q.Dimension] = map[string]map[string]bool{}
			}
			addSet(t.dimPeople[q.Dimension], g, a.ParticipantID)
		}
	}
	for _, q := range c.questions {
		if q.Kind == KindMaturity {
			c.maturityStats(t, q)
		} else {
			c.optionStats(t, q)
		}
	}
	for _, d := range c.in.Instrument.Dimensions {
		c.dimensionStats(t, &d)
	}
	return t
}

func addSet(m map[string]map[string]bool, k, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func (c *computer) maturityStats(t *tally, q *Question) {
	groups := map[string]GroupStat{}
	var medians, iqrs []float64
	for g, as := range t.byQG[q.ID] {
		if len(as) < c.k {
			groups[g] = GroupStat{Suppressed: true}
			continue
		}
		var s GroupStat
		for _, a := range as {
			switch a.Status {
			case StatusNotApplicable:
				s.NotApplicable++
			case StatusUnknown:
				s.Unknown++
			default:
				if l := levelOf(a); l >= 0 {
					s.Counts[l]++
					s.N++
				}
			}
		}
		if s.N > 0 {
			med, _ := Median(s.Counts)
			q1, _ := Quantile(s.Counts, 0.25)
			q3, _ := Quantile(s.Counts, 0.75)
			iqr := q3 - q1
			lo, hi := orderStat(s.Counts, 0), orderStat(s.Counts, s.N-1)
			s.Median, s.Q1, s.Q3, s.IQR, s.Min, s.Max = &med, &q1, &q3, &iqr, &lo, &hi
			medians = append(medians, med)
			iqrs = append(iqrs, iqr)
		}
		groups[g] = s
	}
	t.stats[q.ID] = groups
	if len(medians) >= 2 {
		d := spread(medians)
		t.div[q.ID] = &d
		maxIQR := 0.0
		for _, v := range iqrs {
			maxIQR = math.Max(maxIQR, v)
		}
		t.maxIQR[q.ID] = maxIQR
		t.consensus[q.ID] = d <= ConsensusMaxDivergence && maxIQR <= ConsensusMaxIQR
	}
}

func (c *computer) optionStats(t *tally, q *Question) {
	groups := map[string]OptionStat{}
	for g, as := range t.byQG[q.ID] {
		if len(as) < c.k {
			groups[g] = OptionStat{Suppressed: true}
			continue
		}
		s := OptionStat{}
		if q.Kind != KindText {
			s.Options = map[string]int{}
			for _, o := range q.Options {
				s.Options[o.ID] = 0
			}
		}
		for _, a := range as {
			switch a.Status {
			case StatusNotApplicable:
				s.NotApplicable++
			case StatusUnknown:
				s.Unknown++
			default:
				s.N++
				for _, id := range chosenOptions(q, a.Value) {
					s.Options[id]++
				}
			}
		}
		groups[g] = s
	}
	t.other[q.ID] = groups
}

// chosenOptions returns the option ids of a choice or multi value that the question has.
func chosenOptions(q *Question, v json.RawMessage) []string {
	var ids []string
	switch q.Kind {
	case KindChoice:
		var s string
		if json.Unmarshal(v, &s) == nil {
			ids = []string{s}
		}
	case KindMulti:
		_ = json.Unmarshal(v, &ids)
	}
	out := ids[:0]
	for _, id := range ids {
		if q.HasOption(id) {
			out = append(out, id)
		}
	}
	return out
}

func (c *computer) dimensionStats(t *tally, d *InstrumentDimension) {
	groups := map[string]DimensionGroup{}
	var scores []float64
	for g, ps := range t.dimPeople[d.ID] {
		if len(ps) < c.k {
			groups[g] = DimensionGroup{Suppressed: true}
			continue
		}
		var sum float64
		var dg DimensionGroup
		for _, q := range d.Questions {
			if s, ok := t.stats[q.ID][g]; ok && !s.Suppressed && s.Median != nil {
				sum += *s.Median
				dg.N++
			}
		}
		if dg.N > 0 {
			score := round2(sum / float64(dg.N))
			dg.Score = &score
			scores = append(scores, score)
		}
		groups[g] = dg
	}
	t.dims[d.ID] = groups
	if len(scores) >= 2 {
		v := round2(spread(scores))
		t.dimDiv[d.ID] = &v
	}
}

func spread(vs []float64) float64 {
	lo, hi := vs[0], vs[0]
	for _, v := range vs[1:] {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return hi - lo
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func (c *computer) groups(t *tally) []ResultGroup {
	ids := make([]string, 0, len(t.people))
	for g := range t.people {
		ids = append(ids, g)
	}
	c.sortGroups(ids)
	out := make([]ResultGroup, 0, len(ids))
	for _, g := range ids {
		n := len(t.people[g])
		out = append(out, ResultGroup{ID: g, Answering: n, Suppressed: n < c.k})
	}
	return out
}

func (c *computer) fill(res *Results, t *tally) {
	res.Questions, res.OtherQuestions = []QuestionResult{}, []OtherQuestionResult{}
	for _, q := range c.questions {
		if q.Kind == KindMaturity {
			res.Questions = append(res.Questions, QuestionResult{ID: q.ID, Dimension: q.Dimension, Groups: t.stats[q.ID],
				Divergence: t.div[q.ID], Consensus: t.consensus[q.ID], Synthesis: c.syn[q.ID]})
		} else {
			res.OtherQuestions = append(res.OtherQuestions, OtherQuestionResult{ID: q.ID, Dimension: q.Dimension, Kind: q.Kind,
				Groups: t.other[q.ID], Synthesis: c.syn[q.ID]})
		}
	}
	res.Dimensions = []DimensionResult{}
	for _, d := range c.in.Instrument.Dimensions {
		res.Dimensions = append(res.Dimensions, DimensionResult{ID: d.ID, Groups: t.dims[d.ID], Divergence: t.dimDiv[d.ID]})
	}
}

func (c *computer) coverage(t *tally) Coverage {
	cov := Coverage{Questions: len(c.questions), PerDimension: map[string]int{}, Groups: []GroupCoverage{},
		MissingGroups: []MissingGroup{}, Unanswered: []string{}}
	for _, d := range c.in.Instrument.Dimensions {
		cov.PerDimension[d.ID] = len(d.Questions)
	}
	members := map[string]int{}
	for _, p := range c.in.Participants {
		if p.RemovedAt == nil && p.Role == RoleParticipant {
			members[p.StakeholderGroup]++
		}
	}
	seen := map[string]bool{}
	var ids []string
	for g := range members {
		ids, seen[g] = append(ids, g), true
	}
	for g := range t.people {
		if !seen[g] {
			ids = append(ids, g)
		}
	}
	c.sortGroups(ids)
	for _, g := range ids {
		gc := GroupCoverage{ID: g, Participants: members[g], Answering: len(t.people[g]), Dimensions: map[string]int{}}
		gc.Suppressed = gc.Answering > 0 && gc.Answering < c.k
		for _, q := range c.questions {
			if len(t.byQG[q.ID][g]) > 0 {
				gc.Dimensions[q.Dimension]++
				gc.Answered++
			}
		}
		cov.Groups = append(cov.Groups, gc)
	}
	for _, g := range c.in.Taxonomy.StakeholderGroups {
		switch {
		case len(t.people[g.ID]) > 0:
		case members[g.ID] == 0:
			cov.MissingGroups = append(cov.MissingGroups, MissingGroup{ID: g.ID, Reason: MissingNoParticipants})
		default:
			cov.MissingGroups = append(cov.MissingGroups, MissingGroup{ID: g.ID, Reason: MissingNoAnswers})
		}
	}
	for _, q := range c.questions {
		if len(t.byQG[q.ID]) == 0 {
			cov.Unanswered = append(cov.Unanswered, q.ID)
		}
	}
	return cov
}

func (c *computer) profile(res *Results) []ProfilePoint {
	out := make([]ProfilePoint, 0, len(res.Dimensions))
	for _, d := range res.Dimensions {
		p := ProfilePoint{Dimension: d.ID}
		var sum float64
		for _, g := range d.Groups {
			if !g.Suppressed && g.Score != nil {
				sum += *g.Score
				p.Groups++
			}
		}
		if p.Groups > 0 {
			v := round2(sum / float64(p.Groups))
			p.Score = &v
		}
		out = append(out, p)
	}
	return out
}

// context returns the workspace's motivations and use-cases that the case study shares, in the
// workspace's order, motivations first.
func (c *computer) shared(cs *CaseStudy) []string {
	out := []string{}
	for _, m := range c.in.Workspace.Motivations {
		if slices.Contains(cs.Motivations, m) {
			out = append(out, m)
		}
	}
	for _, u := range c.in.Workspace.UseCases {
		if slices.Contains(cs.UseCases, u) {
			out = append(out, u)
		}
	}
	return out
}

func (c *computer) hasContext() bool {
	return len(c.in.Workspace.Motivations)+len(c.in.Workspace.UseCases) > 0
}

// nearest ranks case studies by the Euclidean distance between their judged levels and the
// profile, over the dimensions where the profile has a score. Cases without a judgement on one
// of those dimensions are not compared. When the workspace names motivations or use-cases, only
// cases sharing at least one are ranked, unless none does.
func (c *computer) nearest(profile []ProfilePoint) []NearestModel {
	var dims []ProfilePoint
	for _, p := range profile {
		if p.Score != nil {
			dims = append(dims, p)
		}
	}
	if len(dims) == 0 {
		return []NearestModel{}
	}
	var all, sharing []NearestModel
	for _, cs := range c.in.CaseStudies {
		var sum float64
		complete := true
		for _, p := range dims {
			j, ok := cs.Maturity[p.Dimension]
			if !ok {
				complete = false
				break
			}
			d := float64(j.Level) - *p.Score
			sum += d * d
		}
		if !complete {
			continue
		}
		m := NearestModel{CaseStudyID: cs.ID, Distance: math.Round(math.Sqrt(sum)*1000) / 1000, Dimensions: len(dims), Shared: c.shared(cs)}
		m.SharesContext = len(m.Shared) > 0
		all = append(all, m)
		if m.SharesContext {
			sharing = append(sharing, m)
		}
	}
	pool := all
	if c.hasContext() && len(sharing) > 0 {
		pool = sharing
	}
	sort.Slice(pool, func(i, j int) bool {
		if pool[i].Distance != pool[j].Distance {
			return pool[i].Distance < pool[j].Distance
		}
		return pool[i].CaseStudyID < pool[j].CaseStudyID
	})
	if len(pool) > NearestModels {
		pool = pool[:NearestModels]
	}
	if pool == nil {
		pool = []NearestModel{}
	}
	return pool
}

// focus returns the dimensions to recommend for, each with its bases: the FocusDimensions
// weakest by profile score (ties in instrument order), then the FocusDimensions most divergent
// with divergence > 0 (ties in instrument order) not already listed.
func (c *computer) focus(res *Results) (ids []string, basis map[string][]string) {
	order := map[string]int{}
	for i, d := range res.Dimensions {
		order[d.ID] = i
	}
	var weak []ProfilePoint
	for _, p := range res.Profile {
		if p.Score != nil {
			weak = append(weak, p)
		}
	}
	sort.SliceStable(weak, func(i, j int) bool { return *weak[i].Score < *weak[j].Score })
	var div []DimensionResult
	for _, d := range res.Dimensions {
		if d.Divergence != nil && *d.Divergence > 0 {
			div = append(div, d)
		}
	}
	sort.SliceStable(div, func(i, j int) bool { return *div[i].Divergence > *div[j].Divergence })
	basis = map[string][]string{}
	for i := 0; i < len(weak) && i < FocusDimensions; i++ {
		ids = append(ids, weak[i].Dimension)
		basis[weak[i].Dimension] = []string{BasisWeakest}
	}
	for i := 0; i < len(div) && i < FocusDimensions; i++ {
		id := div[i].ID
		if basis[id] == nil {
			ids = append(ids, id)
		}
		basis[id] = append(basis[id], BasisDivergent)
	}
	return ids, basis
}

// recommend lists, for each focus dimension, up to CasesPerDimension case studies judged at
// StrongLevel or more there: those sharing the workspace's motivations or use-cases first, then
// by judged level (highest first), number of shared tags (most first) and id.
func (c *computer) recommend(res *Results) []Recommendation {
	out := []Recommendation{}
	ids, basis := c.focus(res)
	score := map[string]*float64{}
	for _, p := range res.Profile {
		score[p.Dimension] = p.Score
	}
	div := map[string]*float64{}
	for _, d := range res.Dimensions {
		div[d.ID] = d.Divergence
	}
	for _, dim := range ids {
		type cand struct {
			cs     *CaseStudy
			level  int
			shared []string
		}
		var cands []cand
		for _, cs := range c.in.CaseStudies {
			if j, ok := cs.Maturity[dim]; ok && j.Level >= StrongLevel {
				cands = append(cands, cand{cs, j.Level, c.shared(cs)})
			}
		}
		sort.Slice(cands, func(i, j int) bool {
			a, b := cands[i], cands[j]
			if sa, sb := len(a.shared) > 0, len(b.shared) > 0; sa != sb {
				return sa
			}
			if a.level != b.level {
				return a.level > b.level
			}
			if len(a.shared) != len(b.shared) {
				return len(a.shared) > len(b.shared)
			}
			return a.cs.ID < b.cs.ID
		})
		for i := 0; i < len(cands) && i < CasesPerDimension; i++ {
			cd := cands[i]
			out = append(out, Recommendation{CaseStudyID: cd.cs.ID, Dimension: dim, Basis: basis[dim], Level: cd.level, Shared: cd.shared,
				Why: c.why(dim, basis[dim], score[dim], div[dim], cd.cs, cd.level, cd.shared)})
		}
	}
	return out
}

// why is the one-line reason of a recommendation, built from the case's judgement reason.
func (c *computer) why(dim string, basis []string, score, div *float64, cs *CaseStudy, level int, shared []string) string {
	name := dim
	if d := c.in.Taxonomy.Dimension(dim); d != nil {
		name = d.Name
	}
	var b strings.Builder
	weak, divergent := slices.Contains(basis, BasisWeakest), slices.Contains(basis, BasisDivergent)
	switch {
	case weak && divergent:
		b.WriteString(name + " is both among the weakest dimensions here (" + fmtNum(score) + " of 4) and among the most contested (groups " + fmtNum(div) + " apart)")
	case weak:
		b.WriteString(name + " is among the weakest dimensions here (" + fmtNum(score) + " of 4)")
	default:
		b.WriteString("Groups disagree most on " + name + " (scores " + fmtNum(div) + " apart)")
	}
	b.WriteString("; " + cs.Name + " is judged " + strconv.Itoa(level) + " of 4 there: ")
	b.WriteString(strings.TrimSpace(cs.Maturity[dim].Reason))
	if len(shared) > 0 {
		var names []string
		for _, id := range shared {
			names = append(names, c.termName(id))
		}
		b.WriteString(" It shares this workspace's focus on " + strings.Join(names, ", ") + ".")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func (c *computer) termName(id string) string {
	for _, t := range c.in.Taxonomy.Motivations {
		if t.ID == id {
			return t.Name
		}
	}
	for _, t := range c.in.Taxonomy.UseCases {
		if t.ID == id {
			return t.Name
		}
	}
	return id
}

func fmtNum(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// rankQuestions returns the RankedQuestions most divergent maturity questions (divergence > 0,
// highest first, then the widest within-group IQR, then instrument order) and the
// RankedQuestions most agreed ones not already listed (lowest divergence first, then the
// narrowest within-group IQR, then instrument order). Questions without a divergence are in
// neither list.
func rankQuestions(qs []QuestionResult, t *tally) (divergent, agreed []string) {
	var cands []int
	for i, q := range qs {
		if q.Divergence != nil {
			cands = append(cands, i)
		}
	}
	// cmp orders by divergence, then the widest within-group IQR; instrument order breaks ties.
	cmp := func(a, b int) int {
		da, db := *qs[a].Divergence, *qs[b].Divergence
		if da != db {
			if da < db {
				return -1
			}
			return 1
		}
		ia, ib := t.maxIQR[qs[a].ID], t.maxIQR[qs[b].ID]
		if ia != ib {
			if ia < ib {
				return -1
			}
			return 1
		}
		return 0
	}
	byDiv := append([]int(nil), cands...)
	sort.SliceStable(byDiv, func(i, j int) bool { return cmp(byDiv[i], byDiv[j]) > 0 })
	listed := map[string]bool{}
	divergent, agreed = []string{}, []string{}
	for _, i := range byDiv {
		if len(divergent) == RankedQuestions || *qs[i].Divergence <= 0 {
			break
		}
		divergent = append(divergent, qs[i].ID)
		listed[qs[i].ID] = true
	}
	byAgree := append([]int(nil), cands...)
	sort.SliceStable(byAgree, func(i, j int) bool { return cmp(byAgree[i], byAgree[j]) < 0 })
	for _, i := range byAgree {
		if len(agreed) == RankedQuestions {
			break
		}
		if !listed[qs[i].ID] {
			agreed = append(agreed, qs[i].ID)
		}
	}
	return divergent, agreed
}

func (c *computer) shift(from int, a *tally, to int, b *tally) RoundShift {
	rs := RoundShift{From: from, To: to, Questions: []ItemShift{}, Dimensions: []ItemShift{}}
	for _, q := range c.questions {
		if q.Kind != KindMaturity {
			continue
		}
		groups := map[string]Shift{}
		for g, sb := range b.stats[q.ID] {
			sa, ok := a.stats[q.ID][g]
			if ok && !sa.Suppressed && !sb.Suppressed && sa.Median != nil && sb.Median != nil {
				groups[g] = Shift{From: *sa.Median, To: *sb.Median, Change: *sb.Median - *sa.Median}
			}
		}
		if len(groups) > 0 {
			rs.Questions = append(rs.Questions, ItemShift{ID: q.ID, Groups: groups})
		}
	}
	for _, d := range c.in.Instrument.Dimensions {
		groups := map[string]Shift{}
		for g, db := range b.dims[d.ID] {
			da, ok := a.dims[d.ID][g]
			if ok && !da.Suppressed && !db.Suppressed && da.Score != nil && db.Score != nil {
				groups[g] = Shift{From: *da.Score, To: *db.Score, Change: round2(*db.Score - *da.Score)}
			}
		}
		if len(groups) > 0 {
			rs.Dimensions = append(rs.Dimensions, ItemShift{ID: d.ID, Groups: groups})
		}
	}
	return rs
}

// shownAnswers returns the snapshot's answers without those of groups suppressed for their
// question, ordered by question (instrument order), group (taxonomy order), level, time and
// participant.
func (c *computer) shownAnswers(t *tally) []Answer {
	type row struct {
		a           *Answer
		q, g, level int
		at          int64
	}
	rows := make([]row, 0, len(t.answers))
	for _, a := range t.answers {
		q := c.qByID[a.QuestionID]
		if q == nil || len(t.byQG[q.ID][a.StakeholderGroup]) < c.k {
			continue
		}
		g, ok := c.groupOrder[a.StakeholderGroup]
		if !ok {
			g = len(c.groupOrder)
		}
		rows = append(rows, row{a, c.qOrder[q.ID], g, levelOf(a), a.UpdatedAt.UnixNano()})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case a.q != b.q:
			return a.q < b.q
		case a.g != b.g:
			return a.g < b.g
		case a.a.StakeholderGroup != b.a.StakeholderGroup:
			return a.a.StakeholderGroup < b.a.StakeholderGroup
		case a.level != b.level:
			return a.level < b.level
		case a.at != b.at:
			return a.at < b.at
		}
		return a.a.ParticipantID < b.a.ParticipantID
	})
	out := make([]Answer, len(rows))
	for i, r := range rows {
		out[i] = *r.a
	}
	return out
}

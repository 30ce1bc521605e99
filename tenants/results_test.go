package tenants

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixture is a tiny instrument and taxonomy whose statistics are computed by hand below.
//
//	dimension a: a1 (maturity), a2 (maturity), a3 (choice yes/no)
//	dimension b: b1 (maturity), b2 (multi x/y/z), b3 (text)
func fixture() (*Instrument, *Taxonomy) {
	levels := []Level{{0, "Absent", ""}, {1, "Ad hoc", ""}, {2, "Defined", ""}, {3, "Operational", ""}, {4, "Embedded", ""}}
	q := func(id, dim, kind string, opts ...string) *Question {
		qq := &Question{ID: id, Dimension: dim, Kind: kind, Prompt: "Prompt " + id}
		if kind == KindMaturity {
			qq.Levels = levels
		}
		for _, o := range opts {
			qq.Options = append(qq.Options, Option{ID: o, Label: strings.ToUpper(o)})
		}
		return qq
	}
	in := &Instrument{Version: "t1", Dimensions: []InstrumentDimension{
		{ID: "a", Name: "Alpha", Questions: []*Question{q("a1", "a", KindMaturity), q("a2", "a", KindMaturity), q("a3", "a", KindChoice, "yes", "no")}},
		{ID: "b", Name: "Beta", Questions: []*Question{q("b1", "b", KindMaturity), q("b2", "b", KindMulti, "x", "y", "z"), q("b3", "b", KindText)}},
	}}
	tax := &Taxonomy{
		Motivations: []Term{{ID: "m1", Name: "Motive one"}, {ID: "m2", Name: "Motive two"}},
		UseCases:    []Term{{ID: "u1", Name: "Use one"}},
		Dimensions:  []Dimension{{ID: "a", Name: "Alpha"}, {ID: "b", Name: "Beta"}},
		StakeholderGroups: []Term{{ID: "government"}, {ID: "regulator"}, {ID: "civil_society"}, {ID: "private_sector"},
			{ID: "academia"}, {ID: "community"}},
	}
	return in, tax
}

var t0 = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

type revs struct {
	list []*Answer
	n    int
}

// add appends a revision. v is the JSON value, or a status for not_applicable/unknown.
func (r *revs) add(pid, group, q, v string, revision, round int) {
	r.n++
	a := &Answer{ID: pid + "/" + q, ParticipantID: pid, DisplayName: "Name " + pid, Organization: "Org " + pid,
		StakeholderGroup: group, QuestionID: q, Status: StatusAnswered, Revision: revision, Round: round,
		Rationale: "because " + pid, UpdatedAt: t0.Add(time.Duration(r.n) * time.Minute), Evidence: []Evidence{}}
	switch v {
	case StatusNotApplicable, StatusUnknown:
		a.Status = v
	default:
		a.Value = json.RawMessage(v)
	}
	r.list = append(r.list, a)
}

func participants(groups map[string]string) []*Participant {
	var out []*Participant
	for id, g := range groups {
		out = append(out, &Participant{ID: id, StakeholderGroup: g, Role: RoleParticipant, DisplayName: "Name " + id})
	}
	return out
}

// mainFixture: government g1-g4, civil society c1-c3, academia x1, community m1, a regulator r1
// who never answers and an observer o1 of private_sector (observers are not counted).
func mainFixture() ResultsInput {
	in, tax := fixture()
	var r revs
	// a1: government 1, 3, n/a, unknown; civil society 0, 1, 4; academia n/a.
	r.add("g1", "government", "a1", "1", 1, 1)
	r.add("g2", "government", "a1", "3", 1, 1)
	r.add("g3", "government", "a1", StatusNotApplicable, 1, 1)
	r.add("g4", "government", "a1", StatusUnknown, 1, 1)
	r.add("c1", "civil_society", "a1", "0", 1, 1)
	r.add("c2", "civil_society", "a1", "1", 1, 1)
	r.add("c3", "civil_society", "a1", "4", 1, 1)
	r.add("x1", "academia", "a1", StatusNotApplicable, 1, 1)
	// a2: government 2, 2; civil society 3, 3 (c1 first said 0, then revised).
	r.add("g1", "government", "a2", "2", 1, 1)
	r.add("g2", "government", "a2", "2", 1, 1)
	r.add("c1", "civil_society", "a2", "0", 1, 1)
	r.add("c1", "civil_society", "a2", "3", 2, 1)
	r.add("c2", "civil_society", "a2", "3", 1, 1)
	// a3 (choice): government yes; civil society no, n/a.
	r.add("g1", "government", "a3", `"yes"`, 1, 1)
	r.add("c1", "civil_society", "a3", `"no"`, 1, 1)
	r.add("c2", "civil_society", "a3", StatusNotApplicable, 1, 1)
	// b1: government 4; community 0.
	r.add("g1", "government", "b1", "4", 1, 1)
	r.add("m1", "community", "b1", "0", 1, 1)
	// b2 (multi): government [x,y], [y].
	r.add("g1", "government", "b2", `["x","y"]`, 1, 1)
	r.add("g2", "government", "b2", `["y"]`, 1, 1)
	ps := participants(map[string]string{"g1": "government", "g2": "government", "g3": "government", "g4": "government",
		"c1": "civil_society", "c2": "civil_society", "c3": "civil_society", "x1": "academia", "m1": "community", "r1": "regulator"})
	ps = append(ps, &Participant{ID: "o1", StakeholderGroup: "private_sector", Role: RoleObserver})
	return ResultsInput{Workspace: &Workspace{ID: "w1", MinGroupSize: 1, Motivations: []string{}, UseCases: []string{}},
		Instrument: in, Taxonomy: tax, Participants: ps, Revisions: r.list, Round: 1, CurrentRound: 1}
}

func f(v float64) *float64 { return &v }
func i(v int) *int         { return &v }

func TestGroupStatisticsByHand(t *testing.T) {
	res := ComputeResults(mainFixture())
	a1 := res.Question("a1")
	want := map[string]GroupStat{
		// even n: the median is the mean of the two middle values; IQR by linear interpolation.
		"government": {N: 2, Median: f(2), Min: i(1), Max: i(3), Q1: f(1.5), Q3: f(2.5), IQR: f(1), Counts: [5]int{0, 1, 0, 1, 0}, NotApplicable: 1, Unknown: 1},
		// odd n.
		"civil_society": {N: 3, Median: f(1), Min: i(0), Max: i(4), Q1: f(0.5), Q3: f(2.5), IQR: f(2), Counts: [5]int{1, 1, 0, 0, 1}},
		// a group with only not_applicable appears with n = 0 and no numbers.
		"academia": {N: 0, NotApplicable: 1},
	}
	if !reflect.DeepEqual(a1.Groups, want) {
		t.Fatalf("a1 groups:\n got %s\nwant %s", js(t, a1.Groups), js(t, want))
	}
	if a1.Divergence == nil || *a1.Divergence != 1 {
		t.Errorf("a1 divergence = %v, want 1 (2 − 1; academia has no median)", a1.Divergence)
	}
	if a1.Consensus {
		t.Error("a1: civil society's IQR is 2, so no consensus")
	}
	a2 := res.Question("a2")
	if *a2.Groups["civil_society"].Median != 3 || a2.Groups["civil_society"].N != 2 {
		t.Errorf("a2 civil society uses c1's latest revision: %s", js(t, a2.Groups["civil_society"]))
	}
	if *a2.Divergence != 1 || !a2.Consensus {
		t.Errorf("a2: divergence %v consensus %v, want 1 and true", *a2.Divergence, a2.Consensus)
	}
	b1 := res.Question("b1")
	if *b1.Divergence != 4 || b1.Consensus {
		t.Errorf("b1: divergence %v consensus %v", *b1.Divergence, b1.Consensus)
	}

	dims := map[string]DimensionResult{}
	for _, d := range res.Dimensions {
		dims[d.ID] = d
	}
	// a: government mean(2, 2) = 2, civil society mean(1, 3) = 2, academia no median.
	wantA := map[string]DimensionGroup{"government": {Score: f(2), N: 2}, "civil_society": {Score: f(2), N: 2}, "academia": {N: 0}}
	if !reflect.DeepEqual(dims["a"].Groups, wantA) || *dims["a"].Divergence != 0 {
		t.Errorf("dimension a: %s divergence %v", js(t, dims["a"].Groups), *dims["a"].Divergence)
	}
	if *dims["b"].Groups["government"].Score != 4 || *dims["b"].Groups["community"].Score != 0 || *dims["b"].Divergence != 4 {
		t.Errorf("dimension b: %s", js(t, dims["b"]))
	}
	if len(res.Profile) != 2 || *res.Profile[0].Score != 2 || *res.Profile[1].Score != 2 || res.Profile[0].Groups != 2 {
		t.Errorf("profile = %s", js(t, res.Profile))
	}

	other := map[string]OtherQuestionResult{}
	for _, o := range res.OtherQuestions {
		other[o.ID] = o
	}
	if g := other["a3"].Groups["civil_society"]; g.N != 1 || g.NotApplicable != 1 || g.Options["no"] != 1 || g.Options["yes"] != 0 {
		t.Errorf("a3 civil society = %s", js(t, g))
	}
	if g := other["b2"].Groups["government"]; g.N != 2 || !reflect.DeepEqual(g.Options, map[string]int{"x": 1, "y": 2, "z": 0}) {
		t.Errorf("b2 government = %s", js(t, g))
	}
	if len(other["b3"].Groups) != 0 {
		t.Errorf("b3 has no answers: %s", js(t, other["b3"]))
	}
}

func TestMedianAndQuantiles(t *testing.T) {
	for _, tc := range []struct {
		levels         []int
		median, q1, q3 float64
	}{
		{[]int{2}, 2, 2, 2},
		{[]int{1, 2}, 1.5, 1.25, 1.75},
		{[]int{0, 4}, 2, 1, 3},
		{[]int{0, 1, 2, 3}, 1.5, 0.75, 2.25},
		{[]int{1, 1, 2, 4, 4}, 2, 1, 4},
		{[]int{3, 0, 4, 1, 2, 2}, 2, 1.25, 2.75},
	} {
		var c [5]int
		for _, l := range tc.levels {
			c[l]++
		}
		m, _ := Median(c)
		q1, _ := Quantile(c, 0.25)
		q3, _ := Quantile(c, 0.75)
		if m != tc.median || q1 != tc.q1 || q3 != tc.q3 {
			t.Errorf("%v: median %v q1 %v q3 %v, want %v %v %v", tc.levels, m, q1, q3, tc.median, tc.q1, tc.q3)
		}
	}
	if _, ok := Median([5]int{}); ok {
		t.Error("median of nothing")
	}
}

func TestConsensusRule(t *testing.T) {
	in, tax := fixture()
	for _, tc := range []struct {
		name   string
		groups map[string][]int
		want   bool
	}{
		{"tight and close", map[string][]int{"government": {2, 2, 3}, "civil_society": {3, 3}}, true},
		{"medians two apart", map[string][]int{"government": {1, 1}, "civil_society": {3, 3}}, false},
		{"one group spread", map[string][]int{"government": {0, 2, 4}, "civil_society": {2, 2}}, false},
		{"IQR exactly 1", map[string][]int{"government": {1, 2}, "civil_society": {2, 2}}, true},
		{"one group only", map[string][]int{"government": {2, 2}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r revs
			groups := map[string]string{}
			for g, ls := range tc.groups {
				for k, l := range ls {
					pid := g + strconv.Itoa(k)
					groups[pid] = g
					r.add(pid, g, "a1", strconv.Itoa(l), 1, 1)
				}
			}
			res := ComputeResults(ResultsInput{Workspace: &Workspace{MinGroupSize: 1}, Instrument: in, Taxonomy: tax,
				Participants: participants(groups), Revisions: r.list, CurrentRound: 1})
			if got := res.Question("a1").Consensus; got != tc.want {
				t.Errorf("consensus = %v, want %v: %s", got, tc.want, js(t, res.Question("a1")))
			}
		})
	}
}

func TestSuppression(t *testing.T) {
	in := mainFixture()
	in.Workspace.MinGroupSize = 2
	res := ComputeResults(in)
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Groups    []ResultGroup `json:"groups"`
		Questions []struct {
			ID         string                     `json:"id"`
			Groups     map[string]json.RawMessage `json:"groups"`
			Divergence *float64                   `json:"divergence"`
		} `json:"questions"`
		Dimensions []struct {
			ID     string                     `json:"id"`
			Groups map[string]json.RawMessage `json:"groups"`
		} `json:"dimensions"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	wantGroups := []ResultGroup{{"government", 4, false}, {"civil_society", 3, false}, {"academia", 1, true}, {"community", 1, true}}
	if !reflect.DeepEqual(raw.Groups, wantGroups) {
		t.Errorf("groups = %+v", raw.Groups)
	}
	q := map[string]map[string]json.RawMessage{}
	for _, x := range raw.Questions {
		q[x.ID] = x.Groups
	}
	if s := string(q["a1"]["academia"]); s != `{"suppressed":true}` {
		t.Errorf("a1 academia = %s", s)
	}
	if !strings.Contains(string(q["a1"]["government"]), `"median":2`) {
		t.Errorf("a1 government = %s", q["a1"]["government"])
	}
	// b1: government has one answer there (g1), community one: both suppressed, no divergence.
	if string(q["b1"]["government"]) != `{"suppressed":true}` || string(q["b1"]["community"]) != `{"suppressed":true}` {
		t.Errorf("b1 = %v", q["b1"])
	}
	if res.Question("b1").Divergence != nil {
		t.Error("b1 divergence must be null when every group is suppressed")
	}
	// a2: government g1, g2 → shown; civil society c1, c2 → shown.
	if res.Question("a2").Groups["government"].Suppressed {
		t.Error("a2 government has two answering participants")
	}
	d := map[string]map[string]json.RawMessage{}
	for _, x := range raw.Dimensions {
		d[x.ID] = x.Groups
	}
	if string(d["a"]["academia"]) != `{"suppressed":true}` || string(d["b"]["government"]) != `{"suppressed":true}` {
		t.Errorf("dimensions = %v", d)
	}
	if !strings.Contains(string(d["a"]["government"]), `"score":2`) {
		t.Errorf("dimension a government = %s", d["a"]["government"])
	}
	for _, a := range res.Answers {
		if a.StakeholderGroup == "academia" || a.StakeholderGroup == "community" || a.QuestionID == "b1" {
			t.Errorf("answer of a suppressed group is shown: %+v", a)
		}
	}
	// Suppressed groups do not feed the profile: dimension b has no shown score.
	if res.Profile[1].Score != nil {
		t.Errorf("profile b = %v", *res.Profile[1].Score)
	}
}

func TestCoverage(t *testing.T) {
	res := ComputeResults(mainFixture())
	cov := res.Coverage
	if cov.Questions != 6 || cov.PerDimension["a"] != 3 {
		t.Errorf("coverage totals = %+v", cov)
	}
	got := map[string]GroupCoverage{}
	for _, g := range cov.Groups {
		got[g.ID] = g
	}
	if g := got["government"]; g.Participants != 4 || g.Answering != 4 || g.Answered != 5 || !reflect.DeepEqual(g.Dimensions, map[string]int{"a": 3, "b": 2}) {
		t.Errorf("government coverage = %+v", g)
	}
	if g := got["regulator"]; g.Participants != 1 || g.Answering != 0 || g.Answered != 0 {
		t.Errorf("regulator coverage = %+v", g)
	}
	wantMissing := []MissingGroup{{"regulator", MissingNoAnswers}, {"private_sector", MissingNoParticipants}}
	if !reflect.DeepEqual(cov.MissingGroups, wantMissing) {
		t.Errorf("missing = %+v", cov.MissingGroups)
	}
	if !reflect.DeepEqual(cov.Unanswered, []string{"b3"}) {
		t.Errorf("unanswered = %v", cov.Unanswered)
	}
	order := []string{}
	for _, g := range cov.Groups {
		order = append(order, g.ID)
	}
	if strings.Join(order, ",") != "government,regulator,civil_society,academia,community" {
		t.Errorf("coverage order = %v", order)
	}
}

// TestRounds: government p1 says 1 in round 1 and 3 in round 2; p2 says 1 in round 1 only
// (carried forward); civil society p3 says 2 in round 1 and 4 in round 3.
func TestRounds(t *testing.T) {
	in, tax := fixture()
	var r revs
	r.add("p1", "government", "a1", "1", 1, 1)
	r.add("p2", "government", "a1", "1", 1, 1)
	r.add("p3", "civil_society", "a1", "2", 1, 1)
	r.add("p1", "government", "a1", "0", 2, 2)
	r.add("p1", "government", "a1", "3", 3, 2) // the later revision of round 2 wins
	r.add("p3", "civil_society", "a1", "4", 2, 3)
	base := ResultsInput{Workspace: &Workspace{MinGroupSize: 1}, Instrument: in, Taxonomy: tax, Revisions: r.list, CurrentRound: 3,
		Participants: participants(map[string]string{"p1": "government", "p2": "government", "p3": "civil_society"})}
	medians := func(round int) (float64, float64) {
		x := base
		x.Round = round
		q := ComputeResults(x).Question("a1")
		return *q.Groups["government"].Median, *q.Groups["civil_society"].Median
	}
	for round, want := range map[int][2]float64{1: {1, 2}, 2: {2, 2}, 3: {2, 4}} {
		g, c := medians(round)
		if g != want[0] || c != want[1] {
			t.Errorf("round %d: medians %v, %v; want %v", round, g, c, want)
		}
	}
	res := ComputeResults(base) // round 0: the current round
	if res.Round != 3 || len(res.Shifts) != 2 {
		t.Fatalf("round %d shifts %s", res.Round, js(t, res.Shifts))
	}
	s12, s23 := res.Shifts[0], res.Shifts[1]
	if s12.From != 1 || s12.To != 2 || s12.Questions[0].Groups["government"] != (Shift{1, 2, 1}) || s12.Questions[0].Groups["civil_society"] != (Shift{2, 2, 0}) {
		t.Errorf("shift 1→2 = %s", js(t, s12))
	}
	if s23.Questions[0].Groups["civil_society"] != (Shift{2, 4, 2}) || s23.Dimensions[0].Groups["civil_society"] != (Shift{2, 4, 2}) {
		t.Errorf("shift 2→3 = %s", js(t, s23))
	}
	// Regrouping p3 into academia moves all of p3's rounds.
	base.Participants = participants(map[string]string{"p1": "government", "p2": "government", "p3": "academia"})
	base.Round = 1
	if q := ComputeResults(base).Question("a1"); q.Groups["academia"].N != 1 || len(q.Groups) != 2 {
		t.Errorf("regrouped = %s", js(t, q.Groups))
	}
}

func caseStudies() []*CaseStudy {
	j := func(a, b int) map[string]Judgement {
		m := map[string]Judgement{"a": {a, fmt.Sprintf("A is %d for a reason.", a)}}
		if b >= 0 {
			m["b"] = Judgement{b, fmt.Sprintf("B is %d for a reason.", b)}
		}
		return m
	}
	return []*CaseStudy{
		{ID: "gamma", Name: "Gamma", UseCases: []string{"u1"}, Maturity: j(1, 4)},
		{ID: "alpha", Name: "Alpha case", Motivations: []string{"m1"}, Maturity: j(4, 4)},
		{ID: "delta", Name: "Delta", Motivations: []string{"m2"}, Maturity: j(3, 3)},
		{ID: "beta", Name: "Beta case", Motivations: []string{"m2"}, Maturity: j(3, 1)},
		{ID: "eps", Name: "Eps", Motivations: []string{"m2"}, Maturity: j(4, -1)},
	}
}

// With the main fixture the profile is a = 2, b = 2; dimension a has divergence 0, b has 4.
func TestNearestAndRecommendations(t *testing.T) {
	in := mainFixture()
	in.CaseStudies = caseStudies()
	in.Workspace.Motivations, in.Workspace.UseCases = []string{"m1"}, []string{"u1"}
	res := ComputeResults(in)
	// Only cases sharing m1 or u1: gamma √(1+4) ≈ 2.236, alpha √(4+4) ≈ 2.828.
	if ids := nearestIDs(res); ids != "gamma:2.236,alpha:2.828" {
		t.Errorf("nearest with context = %s", ids)
	}
	// a is weakest (tied with b, instrument order), b is weakest and divergent.
	var got []string
	for _, r := range res.Recommendations {
		got = append(got, r.Dimension+":"+r.CaseStudyID+":"+strings.Join(r.Basis, "+"))
	}
	want := "a:alpha:weakest a:eps:weakest a:beta:weakest b:alpha:weakest+divergent b:gamma:weakest+divergent b:delta:weakest+divergent"
	if strings.Join(got, " ") != want {
		t.Errorf("recommendations:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	r0 := res.Recommendations[0]
	if !strings.Contains(r0.Why, "A is 4 for a reason.") || !strings.Contains(r0.Why, "Alpha case") || !strings.Contains(r0.Why, "Motive one") ||
		!reflect.DeepEqual(r0.Shared, []string{"m1"}) {
		t.Errorf("why = %q shared %v", r0.Why, r0.Shared)
	}
	if strings.Contains(r0.Why, "\n") {
		t.Error("why must be one line")
	}

	// Without context every complete case competes; ties are broken by id; eps lacks b.
	in.Workspace.Motivations, in.Workspace.UseCases = []string{}, []string{}
	if ids := nearestIDs(ComputeResults(in)); ids != "beta:1.414,delta:1.414,gamma:2.236" {
		t.Errorf("nearest without context = %s", ids)
	}
}

func nearestIDs(res *Results) string {
	var s []string
	for _, n := range res.Nearest {
		s = append(s, n.CaseStudyID+":"+strconv.FormatFloat(n.Distance, 'f', 3, 64))
	}
	return strings.Join(s, ",")
}

// TestDeterministic computes the same results from shuffled inputs, many times.
func TestDeterministic(t *testing.T) {
	in := mainFixture()
	in.CaseStudies = caseStudies()
	in.Workspace.Motivations = []string{"m1"}
	want := js(t, ComputeResults(in))
	rng := rand.New(rand.NewSource(1))
	for k := 0; k < 20; k++ {
		x := in
		x.Revisions = append([]*Answer(nil), in.Revisions...)
		x.CaseStudies = append([]*CaseStudy(nil), in.CaseStudies...)
		x.Participants = append([]*Participant(nil), in.Participants...)
		rng.Shuffle(len(x.Revisions), func(i, j int) { x.Revisions[i], x.Revisions[j] = x.Revisions[j], x.Revisions[i] })
		rng.Shuffle(len(x.CaseStudies), func(i, j int) { x.CaseStudies[i], x.CaseStudies[j] = x.CaseStudies[j], x.CaseStudies[i] })
		rng.Shuffle(len(x.Participants), func(i, j int) { x.Participants[i], x.Participants[j] = x.Participants[j], x.Participants[i] })
		if got := js(t, ComputeResults(x)); got != want {
			t.Fatalf("run %d differs:\n%s\n%s", k, got, want)
		}
	}
}

func TestRankings(t *testing.T) {
	res := ComputeResults(mainFixture())
	// Divergences: a1 1 (max IQR 2), a2 1 (max IQR 0), b1 4.
	if got := strings.Join(res.MostDivergent, ","); got != "b1,a1,a2" {
		t.Errorf("most divergent = %s", got)
	}
	if len(res.MostAgreed) != 0 {
		t.Errorf("most agreed repeats listed questions: %v", res.MostAgreed)
	}
}

// TestJSONShape checks the contract's keys of DESIGN.md §7.
func TestJSONShape(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal([]byte(js(t, ComputeResults(mainFixture()))), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"groups", "questions", "dimensions", "coverage", "recommendations"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	q := m["questions"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "dimension", "groups", "divergence"} {
		if _, ok := q[k]; !ok {
			t.Errorf("question missing %q", k)
		}
	}
	g := q["groups"].(map[string]any)["government"].(map[string]any)
	for _, k := range []string{"n", "median", "min", "max", "counts", "not_applicable", "unknown"} {
		if _, ok := g[k]; !ok {
			t.Errorf("question group missing %q", k)
		}
	}
	d := m["dimensions"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "groups", "divergence"} {
		if _, ok := d[k]; !ok {
			t.Errorf("dimension missing %q", k)
		}
	}
	dg := d["groups"].(map[string]any)["government"].(map[string]any)
	if _, ok := dg["score"]; !ok {
		t.Error("dimension group missing score")
	}
	if _, ok := dg["n"]; !ok {
		t.Error("dimension group missing n")
	}
}

func TestWithhold(t *testing.T) {
	res := ComputeResults(mainFixture())
	res.Withhold(WithheldBlind)
	if len(res.Questions) != 0 || len(res.Answers) != 0 || len(res.Coverage.Groups) == 0 || res.Withheld != "blind" {
		t.Errorf("withheld = %s", js(t, res))
	}
}

func TestExportIdentity(t *testing.T) {
	named, group := &Workspace{Attribution: AttributionNamed}, &Workspace{Attribution: AttributionGroup}
	for _, tc := range []struct {
		w          *Workspace
		suppressed bool
		name, org  string
	}{
		{named, false, "Asha", "MoH"},
		{named, true, Suppressed, Suppressed},
		{group, false, "", ""},
		{group, true, Suppressed, Suppressed},
	} {
		n, o := ExportIdentity(tc.w, tc.suppressed, "Asha", "MoH")
		if n != tc.name || o != tc.org {
			t.Errorf("%s/%v: %q %q", tc.w.Attribution, tc.suppressed, n, o)
		}
	}
	if p := Pseudonym("w1", "p1"); p != Pseudonym("w1", "p1") || p == Pseudonym("w2", "p1") || !strings.HasPrefix(p, "P-") {
		t.Errorf("pseudonym %s", p)
	}
}

// BenchmarkResults computes the results of 200 participants in 8 groups answering 50 questions,
// each with two revisions over two rounds.
func BenchmarkResults(b *testing.B) {
	in := benchInput(200, 50, 2)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ComputeResults(in)
	}
}

func benchInput(people, questions, rounds int) ResultsInput {
	groups := []string{"government", "regulator", "civil_society", "private_sector", "academia", "community", "development_partner", "other"}
	tax := &Taxonomy{}
	for _, g := range groups {
		tax.StakeholderGroups = append(tax.StakeholderGroups, Term{ID: g})
	}
	in := &Instrument{Version: "bench"}
	for d := 0; d < 10; d++ {
		dim := InstrumentDimension{ID: "d" + strconv.Itoa(d), Name: "D" + strconv.Itoa(d)}
		tax.Dimensions = append(tax.Dimensions, Dimension{ID: dim.ID, Name: dim.Name})
		for q := 0; q < questions/10; q++ {
			dim.Questions = append(dim.Questions, &Question{ID: dim.ID + ".q" + strconv.Itoa(q), Dimension: dim.ID, Kind: KindMaturity})
		}
		in.Dimensions = append(in.Dimensions, dim)
	}
	var cases []*CaseStudy
	for c := 0; c < 40; c++ {
		m := map[string]Judgement{}
		for _, d := range tax.Dimensions {
			m[d.ID] = Judgement{Level: (c + len(d.ID)*c) % 5, Reason: "r"}
		}
		cases = append(cases, &CaseStudy{ID: "c" + strconv.Itoa(c), Name: "C", Maturity: m})
	}
	var ps []*Participant
	var r revs
	for p := 0; p < people; p++ {
		pid := "p" + strconv.Itoa(p)
		g := groups[p%len(groups)]
		ps = append(ps, &Participant{ID: pid, StakeholderGroup: g, Role: RoleParticipant})
		for _, q := range in.Questions() {
			for round := 1; round <= rounds; round++ {
				r.add(pid, g, q.ID, strconv.Itoa((p+round+len(q.ID))%5), round, round)
			}
		}
	}
	return ResultsInput{Workspace: &Workspace{ID: "w", MinGroupSize: 3}, Instrument: in, Taxonomy: tax, CaseStudies: cases,
		Participants: ps, Revisions: r.list, CurrentRound: rounds}
}

func js(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

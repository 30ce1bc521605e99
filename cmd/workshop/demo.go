package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"workshop/tenants"
)

// The demo facilitator's account. The password is fixed and printed on start so that anyone
// trying the product locally can log in; the demo is therefore only ever created on an empty
// database, never next to real accounts.
const (
	demoEmail    = "demo@example.org"
	demoPassword = "demo-password-2027"
	demoName     = "Nadia Ferrer"
	demoOrg      = "Demo Ministry of Digital Economy"
	demoTitle    = "Republic of Kestria: national health data exchange, 2027"
	demoCountry  = "Republic of Kestria (fictional)"
	demoSeed     = 2027
)

// runDemo creates, on an empty database, a demo tenant with a workshop that already holds two
// rounds of answers from six stakeholder groups, a discussion and syntheses, and prints how to
// log in. When the demo already exists it prints the login again; when the database holds other
// accounts it creates nothing and says so. Either way it returns nil: a demo that is not created
// is not an error.
func runDemo(ctx context.Context, svc *tenants.Service, stdout io.Writer) error {
	u, err := findDemoOwner(ctx, svc)
	if err != nil {
		return err
	}
	if u != nil {
		return printExistingDemo(ctx, svc, stdout, u)
	}
	exists, err := svc.HasAccounts(ctx)
	if err != nil {
		return err
	}
	if exists {
		fmt.Fprintf(stdout, "workshop: demo not created: the database already has accounts; log in at %s/login with your own account\n", svc.BaseURL)
		return nil
	}
	start := time.Now()
	b := &demoBuilder{svc: svc, rnd: rand.New(rand.NewPCG(demoSeed, 7)), commentIDs: map[string]string{}}
	if err := b.build(ctx); err != nil {
		return err
	}
	ws := svc.BaseURL + "/t/" + b.tenant.Slug + "/w/" + b.ws.ID
	fmt.Fprintf(stdout, `workshop: demo created in %s: %d participants in %d groups, %d answers (%d revisions), %d comments, %d syntheses
  Facilitator login: %s/login
    email:    %s
    password: %s
  Workspace: %s
  Results:   %s/results
  Participant return link (%s, civil society): %s
`, time.Since(start).Round(time.Millisecond), len(b.people), len(demoGroups), b.answers, b.revisions,
		b.comments, len(demoSyntheses), svc.BaseURL, demoEmail, demoPassword, ws, ws, b.returnName, svc.ReturnURL(b.returnToken))
	return nil
}

// findDemoOwner returns the demo facilitator's account, or nil when there is none.
func findDemoOwner(ctx context.Context, svc *tenants.Service) (*tenants.User, error) {
	var u *tenants.User
	err := svc.Store.Read(ctx, func(tx tenants.Tx) error {
		var err error
		u, err = tx.FindUserByEmail(demoEmail)
		return err
	})
	if tenants.ErrorCode(err) == tenants.ENotFound {
		return nil, nil
	}
	return u, err
}

// printExistingDemo prints the login of a demo created earlier, and its workspace when it is there.
func printExistingDemo(ctx context.Context, svc *tenants.Service, stdout io.Writer, u *tenants.User) error {
	where := ""
	err := svc.Store.Read(ctx, func(tx tenants.Tx) error {
		ms, err := tx.FindMemberships(u.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			wss, err := tx.FindWorkspaces(m.TenantID, nil)
			if err != nil {
				return err
			}
			for _, w := range wss {
				if w.Title == demoTitle {
					where = "; workspace " + svc.BaseURL + "/t/" + m.Tenant.Slug + "/w/" + w.ID
					return nil
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "workshop: demo already exists: log in at %s/login as %s with password %s (unless changed)%s\n",
		svc.BaseURL, demoEmail, demoPassword, where)
	return nil
}

// demoBuilder creates the demo through the service, as a facilitator and participants would.
type demoBuilder struct {
	svc    *tenants.Service
	rnd    *rand.Rand
	inst   *tenants.Instrument
	tenant *tenants.Tenant
	ws     *tenants.Workspace
	fac    tenants.Viewer
	people []*demoMember

	commentIDs                   map[string]string // comment Key to id
	returnName, returnToken      string
	answers, revisions, comments int
}

// demoMember is a participant once joined, with their current answers.
type demoMember struct {
	demoPerson
	v       tenants.Viewer
	current map[string]*tenants.Answer
}

func (b *demoBuilder) build(ctx context.Context) error {
	u, t, _, err := b.svc.Signup(ctx, tenants.Signup{Organization: demoOrg, Name: demoName, Email: demoEmail, Password: demoPassword})
	if err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	b.tenant = t
	title, country := demoTitle, demoCountry
	motivations := []string{"service_efficiency", "research_evidence", "citizen_agency"}
	useCases := []string{"portable_records", "research_secondary_use", "consented_private_sharing"}
	attribution, minGroup := tenants.AttributionNamed, 1
	b.ws, err = b.svc.CreateWorkspace(ctx, t, &tenants.Membership{TenantID: t.ID, UserID: u.ID, Role: tenants.RoleOwner},
		tenants.WorkspaceInput{Title: &title, Country: &country, Motivations: &motivations, UseCases: &useCases,
			Attribution: &attribution, MinGroupSize: &minGroup})
	if err != nil {
		return fmt.Errorf("workspace: %w", err)
	}
	if b.inst = b.svc.Catalogue.Instrument(b.ws.InstrumentVersion); b.inst == nil {
		return fmt.Errorf("instrument %q is not loaded", b.ws.InstrumentVersion)
	}
	b.fac = tenants.Viewer{TenantID: t.ID, WorkspaceID: b.ws.ID, UserID: u.ID, Role: tenants.RoleFacilitator, Name: u.Name}

	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"join", b.join},
		{"round 1", b.roundOne},
		{"comments", func(ctx context.Context) error { return b.discuss(ctx, 1) }},
		{"round 2", b.roundTwo},
		{"comments", func(ctx context.Context) error { return b.discuss(ctx, 2) }},
		{"syntheses", b.synthesise},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// join invites each group and has its people accept the invite.
func (b *demoBuilder) join(ctx context.Context) error {
	invites := map[string]string{}
	for _, g := range demoGroups {
		inv, err := b.svc.CreateInvite(ctx, b.fac, tenants.InviteInput{StakeholderGroup: g, Role: tenants.RoleParticipant, Label: demoGroupLabels[g]})
		if err != nil {
			return err
		}
		invites[g] = inv.Token
	}
	for _, p := range demoPeople {
		j, err := b.svc.JoinWorkspace(ctx, invites[p.Group], tenants.Join{DisplayName: p.Name, Organization: p.Org}, "")
		if err != nil {
			return err
		}
		pt := j.Participant
		b.people = append(b.people, &demoMember{demoPerson: p, current: map[string]*tenants.Answer{},
			v: tenants.Viewer{TenantID: pt.TenantID, WorkspaceID: pt.WorkspaceID, ParticipantID: pt.ID,
				Role: tenants.RoleParticipant, Name: pt.DisplayName, Group: pt.StakeholderGroup}})
		if p.Key == "marco" {
			b.returnName, b.returnToken = p.Name, j.ReturnToken
		}
	}
	return nil
}

func (b *demoBuilder) person(key string) *demoMember {
	for _, m := range b.people {
		if m.Key == key {
			return m
		}
	}
	panic("demo: no person " + key)
}

// revisionOf returns the round-2 change planned for the person and question, or nil.
func revisionOf(person, question string) *demoRevision {
	for i := range demoRevisions {
		if r := &demoRevisions[i]; r.Person == person && r.Question == question {
			return r
		}
	}
	return nil
}

// roundOne has every participant answer the questions, in instrument order.
func (b *demoBuilder) roundOne(ctx context.Context) error {
	for _, m := range b.people {
		for _, q := range b.inst.Questions() {
			in, ok := b.answerFor(m, q)
			if !ok {
				continue
			}
			if err := b.save(ctx, m, q.ID, in); err != nil {
				return fmt.Errorf("%s %s: %w", m.Key, q.ID, err)
			}
		}
	}
	return nil
}

func (b *demoBuilder) save(ctx context.Context, m *demoMember, questionID string, in tenants.AnswerInput) error {
	a, _, err := b.svc.SaveAnswer(ctx, m.v, b.ws, questionID, in, "")
	if err != nil {
		return err
	}
	if m.current[questionID] == nil {
		b.answers++
	}
	b.revisions++
	m.current[questionID] = a
	return nil
}

// answerFor decides the person's round-1 answer to q, or false to leave it unanswered.
func (b *demoBuilder) answerFor(m *demoMember, q *tenants.Question) (tenants.AnswerInput, bool) {
	rev := revisionOf(m.Key, q.ID)
	if demoUnanswered[q.ID] {
		return tenants.AnswerInput{}, false
	}
	if rev == nil && (q.Dimension == m.SkipDimension || b.rnd.Float64() < m.Skip) {
		return tenants.AnswerInput{}, false
	}
	switch q.Kind {
	case tenants.KindMaturity:
		return b.maturity(m, q, rev), true
	case tenants.KindChoice:
		return b.choice(m, q), true
	case tenants.KindMulti:
		return b.multi(m, q), true
	case tenants.KindText:
		texts := demoTexts[q.ID][m.Group]
		if len(texts) == 0 || b.rnd.Float64() < 0.25 {
			return tenants.AnswerInput{}, false
		}
		return tenants.AnswerInput{Value: jsonValue(texts[b.rnd.IntN(len(texts))])}, true
	}
	return tenants.AnswerInput{}, false
}

func (b *demoBuilder) maturity(m *demoMember, q *tenants.Question, rev *demoRevision) tenants.AnswerInput {
	if rev != nil && rev.FromUnknown > 0 {
		return tenants.AnswerInput{Status: tenants.StatusUnknown, Rationale: b.pick(demoUnknownReasons)}
	}
	if rev == nil {
		if b.rnd.Float64() < demoNAChance[m.Group+":"+q.ID] {
			return tenants.AnswerInput{Status: tenants.StatusNotApplicable, Rationale: b.pick(demoNAReasons)}
		}
		if b.rnd.Float64() < 0.03+demoUnknownChance[m.Group+":"+q.Dimension]+demoUnknownChance[m.Group+":"+q.ID] {
			return tenants.AnswerInput{Status: tenants.StatusUnknown, Rationale: b.pick(demoUnknownReasons)}
		}
	}
	c := demoCentres[q.ID][groupIndex(m.Group)]
	level := int(math.Round(c + m.Lean + (b.rnd.Float64()*2-1)*0.55))
	level = min(4, max(0, level))
	if rev != nil { // leave room for the planned move in round 2
		level = min(4-max(rev.Step, 0), max(-min(rev.Step, 0), level))
	}
	in := tenants.AnswerInput{Value: jsonValue(level), Status: tenants.StatusAnswered}
	if b.rnd.Float64() < 0.75 {
		in.Rationale = b.rationale(q.Dimension, level)
	}
	in.Evidence = b.evidence(m, q.Dimension)
	return in
}

func (b *demoBuilder) choice(m *demoMember, q *tenants.Question) tenants.AnswerInput {
	picks := demoChoices[q.ID][m.Group]
	r, opt := b.rnd.Float64(), ""
	for _, p := range picks {
		if opt = p.Option; r < p.Weight {
			break
		}
		r -= p.Weight
	}
	if opt == "" || !q.HasOption(opt) {
		return tenants.AnswerInput{Status: tenants.StatusUnknown, Rationale: b.pick(demoUnknownReasons)}
	}
	return tenants.AnswerInput{Value: jsonValue(opt), Status: tenants.StatusAnswered, Rationale: demoChoiceReasons[opt]}
}

func (b *demoBuilder) multi(m *demoMember, q *tenants.Question) tenants.AnswerInput {
	sel := demoMulti[q.ID][m.Group]
	var opts []string
	for i, o := range sel.Options {
		if i == 0 || b.rnd.Float64() > 0.2 {
			opts = append(opts, o)
		}
	}
	in := tenants.AnswerInput{Value: jsonValue(opts), Status: tenants.StatusAnswered}
	if b.rnd.Float64() < 0.8 {
		in.Rationale = sel.Reason
	}
	return in
}

// rationale picks a reason fitting the level: low (0-1), middling (2) or high (3-4).
func (b *demoBuilder) rationale(dimension string, level int) string {
	stance := 1
	switch {
	case level <= 1:
		stance = 0
	case level >= 3:
		stance = 2
	}
	return b.pick(demoRationales[dimension][stance])
}

// evidence attaches a link now and then, more often from groups that bring documents.
func (b *demoBuilder) evidence(m *demoMember, dimension string) []tenants.Evidence {
	chance := 0.1
	if m.Group == "government" || m.Group == "academia" || m.Group == "civil_society" {
		chance = 0.2
	}
	links := demoEvidence[dimension]
	if len(links) == 0 || b.rnd.Float64() >= chance {
		return nil
	}
	l := links[b.rnd.IntN(len(links))]
	return []tenants.Evidence{{URL: l.URL, Title: l.Title}}
}

func (b *demoBuilder) pick(pool []string) string {
	if len(pool) == 0 {
		return ""
	}
	return pool[b.rnd.IntN(len(pool))]
}

// roundTwo opens the second round, spotlights the most contested question and has some
// participants revise their answers.
func (b *demoBuilder) roundTwo(ctx context.Context) error {
	round, spotlight := 2, "grievance_accountability.redress"
	if _, _, err := b.svc.PatchSession(ctx, b.fac, b.ws, tenants.SessionPatch{Round: &round, Spotlight: &spotlight}); err != nil {
		return err
	}
	for _, r := range demoRevisions {
		m := b.person(r.Person)
		prev := m.current[r.Question]
		if prev == nil {
			return fmt.Errorf("%s has no round-1 answer to %s", r.Person, r.Question)
		}
		level := r.FromUnknown
		if level == 0 {
			level = prev.Level() + r.Step
		}
		in := tenants.AnswerInput{Value: jsonValue(level), Status: tenants.StatusAnswered, Rationale: r.Rationale, Evidence: prev.Evidence}
		if err := b.save(ctx, m, r.Question, in); err != nil {
			return fmt.Errorf("%s %s: %w", r.Person, r.Question, err)
		}
	}
	return nil
}

// discuss posts the comments of a round, and hides the one the facilitator hides.
func (b *demoBuilder) discuss(ctx context.Context, round int) error {
	for _, c := range demoComments {
		if max(c.Round, 1) != round {
			continue
		}
		v := b.fac
		if c.By != "facilitator" {
			v = b.person(c.By).v
		}
		in := tenants.CommentInput{Body: c.Body, Stance: c.Stance}
		if c.Parent != "" {
			parent := b.commentIDs[c.Parent]
			in.ParentID = &parent
		}
		saved, _, err := b.svc.CreateComment(ctx, v, b.ws, c.Question, in)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Key, err)
		}
		b.commentIDs[c.Key] = saved.ID
		b.comments++
		if c.Hide != "" {
			if _, _, err := b.svc.HideComment(ctx, b.fac, b.ws, saved.ID, tenants.HideInput{Reason: c.Hide}); err != nil {
				return fmt.Errorf("hide %s: %w", c.Key, err)
			}
		}
	}
	return nil
}

// synthesise records the facilitator's summaries.
func (b *demoBuilder) synthesise(ctx context.Context) error {
	for _, s := range demoSyntheses {
		in := tenants.SynthesisInput{Status: s.Status, Summary: s.Summary, Dissent: s.Dissent}
		if _, _, err := b.svc.SaveSynthesis(ctx, b.fac, b.ws, s.Question, in); err != nil {
			return fmt.Errorf("%s: %w", s.Question, err)
		}
	}
	return nil
}

func groupIndex(g string) int {
	for i, x := range demoGroups {
		if x == g {
			return i
		}
	}
	panic("demo: unknown group " + g)
}

func jsonValue(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

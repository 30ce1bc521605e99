package main

// The demo workshop's content: a fictional country, its people and what each stakeholder group
// thinks of its national health data exchange. Everything here is invented; links point to
// example.org so that no fictional fact is pinned on a real source.

// demoGroups are the stakeholder groups of the demo, in the column order of demoCentres.
var demoGroups = []string{"government", "regulator", "civil_society", "private_sector", "academia", "community"}

// demoGroupLabels name the invite of each group.
var demoGroupLabels = map[string]string{
	"government":     "Ministries and agencies",
	"regulator":      "Regulators",
	"civil_society":  "Civil-society organisations",
	"private_sector": "Private providers and operators",
	"academia":       "Universities and research institutes",
	"community":      "Community representatives",
}

// demoPerson is one participant of the demo workshop. Lean shifts all of their ratings a little
// (an optimist or a sceptic within their group); Skip is the share of questions they leave out.
type demoPerson struct {
	Key, Name, Org, Group string
	Lean, Skip            float64
	SkipDimension         string // a whole dimension this person does not answer
}

var demoPeople = []demoPerson{
	{Key: "amara", Name: "Amara Velic", Org: "Ministry of Health, Digital Health Directorate", Group: "government", Lean: 0.2, Skip: 0.04},
	{Key: "tomas", Name: "Tomas Reyhan", Org: "National Digital Health Agency (NDHA)", Group: "government", Lean: 0.3, Skip: 0.03},
	{Key: "ines", Name: "Ines Brandt", Org: "Ministry of Digital Economy", Group: "government", Lean: -0.2, Skip: 0.06},
	{Key: "helena", Name: "Helena Marsh", Org: "Kestria Data Protection Commission", Group: "regulator", Lean: 0, Skip: 0.05},
	{Key: "yusuf", Name: "Yusuf Dane", Org: "Health Services Regulatory Authority", Group: "regulator", Lean: 0.1, Skip: 0.05, SkipDimension: "technical_architecture"},
	{Key: "lena", Name: "Lena Oduya", Org: "Open Data Kestria", Group: "civil_society", Lean: 0, Skip: 0.06},
	{Key: "marco", Name: "Marco Ilesanmi", Org: "Kestrian Patients' Voice", Group: "civil_society", Lean: -0.1, Skip: 0.05},
	{Key: "sara", Name: "Sara Quist", Org: "Digital Rights Kestria", Group: "civil_society", Lean: -0.3, Skip: 0.04},
	{Key: "daniel", Name: "Daniel Roh", Org: "Meridian Health Group (private hospitals)", Group: "private_sector", Lean: 0, Skip: 0.05},
	{Key: "priya", Name: "Priya Anand", Org: "TelVia Mobile", Group: "private_sector", Lean: 0.2, Skip: 0.12},
	{Key: "kofi", Name: "Kofi Menser", Org: "Kestrian Pharmacy Association", Group: "private_sector", Lean: -0.2, Skip: 0.08},
	{Key: "agnes", Name: "Agnes Lindqvist", Org: "University of Kestria, School of Public Health", Group: "academia", Lean: 0, Skip: 0.04},
	{Key: "samuel", Name: "Samuel Oyelaran", Org: "Kestria Institute for Health Statistics", Group: "academia", Lean: -0.1, Skip: 0.07},
	{Key: "fatima", Name: "Fatima Kerr", Org: "Northern Highlands Community Health Workers", Group: "community", Lean: 0, Skip: 0.08},
	{Key: "grace", Name: "Grace Tumelo", Org: "Lowmarsh Pastoralist Women's Network", Group: "community", Lean: -0.1, Skip: 0.45},
}

// demoCentres is where each group's ratings of a maturity question centre, in demoGroups order:
// government, regulator, civil society, private sector, academia, community.
var demoCentres = map[string][6]float64{
	"legal_basis.dp_law":            {3.5, 3, 1.5, 2.5, 2.5, 1.5},
	"legal_basis.purpose_limits":    {3.5, 2.5, 1, 2, 2, 1},
	"legal_basis.impact_assessment": {2.8, 2, 1, 2, 1.5, 0.6},
	"legal_basis.state_access":      {3, 2, 0.4, 2, 1.5, 0.5},

	"institutional_governance.operator":   {3.6, 3.2, 2.6, 3, 3, 2.4},
	"institutional_governance.separation": {3, 1.6, 1, 2, 2, 1},
	"institutional_governance.rulebook":   {3.5, 2.5, 1.5, 2, 2.5, 1.2},
	"institutional_governance.board":      {3, 2, 0.4, 1.6, 1.6, 0.5},

	"consent_agency.consent_record":  {3.5, 2.5, 1, 2.6, 2, 0.6},
	"consent_agency.without_consent": {2.8, 2, 0.6, 2, 1.6, 0.5},
	"consent_agency.access_logs":     {3.5, 2.6, 1.4, 2.6, 2.4, 0.6},
	"consent_agency.collective":      {1, 0.8, 0.2, 0.8, 0.8, 0.2},

	"technical_architecture.rationale":       {3.4, 2.6, 1.6, 2, 2.6, 1.4},
	"technical_architecture.open_standards":  {3.6, 3, 2, 1.6, 3, 1.6},
	"technical_architecture.shared_meanings": {2.2, 2, 1.8, 1.8, 1.4, 1.8},
	"technical_architecture.no_lock_in":      {3, 2, 1.4, 2, 1.4, 1.4},
	"technical_architecture.reliability":     {3.2, 2.6, 1.6, 2.6, 2.4, 0.8},

	"trust_security.participant_checks": {3.6, 3, 2.4, 3, 3, 2.4},
	"trust_security.tamper_evident":     {3.6, 3.2, 2.8, 3.4, 3.2, 3},
	"trust_security.audits":             {3.4, 2.4, 1.4, 3, 2.4, 1.4},
	"trust_security.incidents":          {3, 1.6, 0.6, 2.4, 1.6, 0.6},
	"trust_security.minimisation":       {3, 2, 1, 2.6, 1.8, 1},

	"inclusion_accessibility.no_lockout":                 {3, 2, 0.6, 2, 1.6, 0.4},
	"inclusion_accessibility.who_is_missing":             {2.4, 1.6, 0.6, 1.6, 2, 0.4},
	"inclusion_accessibility.language_disability_gender": {2.6, 1.8, 0.6, 2, 1.4, 0.4},
	"inclusion_accessibility.affordability":              {2.8, 2, 1, 1.6, 1.8, 0.6},

	"grievance_accountability.redress":      {3.2, 2, 0.4, 2, 1.6, 0.4},
	"grievance_accountability.ombuds":       {3.2, 3.4, 1.4, 2.4, 2.4, 1.2},
	"grievance_accountability.courts":       {2.2, 2.2, 1.8, 2.2, 2, 1.8},
	"grievance_accountability.transparency": {3, 2, 1, 2, 1.6, 1},
	"grievance_accountability.liability":    {2.6, 1.6, 0.6, 1.4, 1.6, 0.6},

	"participation.design_consultation": {3.4, 2.4, 0.8, 1.6, 2, 0.6},
	"participation.civil_society_seat":  {3, 2, 0.6, 2, 2, 0.6},
	"participation.user_councils":       {1.2, 1, 0.4, 1, 1, 0.4},
	"participation.funded_engagement":   {2.4, 1.4, 0.4, 1, 1.2, 0.2},

	"financing_sustainability.pricing":          {3.2, 2.4, 1.8, 1, 2.4, 1.4},
	"financing_sustainability.incentives_exit":  {2.4, 1.6, 1, 1, 1.4, 1},
	"financing_sustainability.compliance_costs": {3, 2, 1.6, 0.4, 2, 1.4},
	"financing_sustainability.public_control":   {3, 2, 1, 1.8, 1.4, 1.2},

	"capacity_impact.in_house":        {2.4, 2.2, 1.8, 1.8, 2, 1.6},
	"capacity_impact.data_quality":    {3, 2, 1.6, 2, 0.8, 1.4},
	"capacity_impact.onboarding":      {3, 2, 1.4, 1, 2, 0.8},
	"capacity_impact.uptake_by_group": {2.6, 1.8, 1, 2, 1, 1},
	"capacity_impact.outcomes":        {3, 2, 1, 2, 1.4, 1},
}

// demoUnanswered are questions the workshop has not reached yet, so coverage shows a gap.
var demoUnanswered = map[string]bool{
	"financing_sustainability.incentives_exit": true,
	"capacity_impact.uptake_by_group":          true,
}

// demoUnknownChance is how often a group answers "unknown" in a dimension or to a question, beyond
// a small base.
var demoUnknownChance = map[string]float64{
	"community:trust_security.tamper_evident": 0.9,
	"community:technical_architecture":        0.3,
	"community:trust_security":                0.25,
	"community:financing_sustainability":      0.2,
	"civil_society:technical_architecture":    0.1,
	"civil_society:trust_security":            0.1,
	"private_sector:participation":            0.1,
}

// demoNAChance is how often a group answers "not applicable" to a question.
var demoNAChance = map[string]float64{
	"private_sector:participation.user_councils":        0.35,
	"private_sector:participation.funded_engagement":    0.35,
	"academia:financing_sustainability.pricing":         0.3,
	"community:financing_sustainability.public_control": 0.3,
	"regulator:capacity_impact.onboarding":              0.5,
}

// demoRationales hold, per dimension, short reasons for a low (0-1), middling (2) and high (3-4)
// rating.
var demoRationales = map[string][3][]string{
	"legal_basis": {
		{
			"The Health Information Act lets the ministry share records for any lawful health purpose, which in practice means whatever the ministry decides.",
			"The Data Protection Commission has four investigators for the whole country and has never issued an order against a ministry.",
			"Nobody we work with has seen the rules on police access to the exchange; we were told they sit in a confidential annex.",
		},
		{
			"The law is on the books and the Commission exists, but it is too early to say whether it will stand up to the health ministry.",
			"Purpose limits are written into the 2024 Act, yet the exception for system planning is broad enough to cover almost anything.",
			"Impact assessments are required for new data flows, but the two we know of were published months after the flows started.",
		},
		{
			"Every flow through the exchange has to cite a section of the Health Information Act, and the Commission reviewed the access rules before launch.",
			"The Commission fined a district hospital last year for sending records outside the exchange, which shows the law has teeth.",
			"Police requests must be approved by a judge and are logged in the exchange; eleven arrived last year and four were refused.",
		},
	},
	"institutional_governance": {
		{
			"The agency that runs the exchange also writes its rules and checks compliance; there is no one outside it who can say no.",
			"The steering board is nine officials and two vendor representatives. Patients and health workers have no seat.",
			"When the exchange went down during the Lowmarsh floods, it took a week to find out who was responsible.",
		},
		{
			"The rulebook exists and is public, but the suspension procedure has never been used, so we do not know whether it works.",
			"Roles are clear on paper; in practice the ministry's IT unit still overrides the agency on major decisions.",
			"Board members declare their interests, but the declarations are not published.",
		},
		{
			"The NDHA is named in law as the operator, with a published service charter and a named accountable officer.",
			"The rulebook sets out joining criteria, obligations and sanctions, and was revised after public comment in 2026.",
			"Operation, rule-setting and oversight sit with three different bodies, each created by statute.",
		},
	},
	"consent_agency": {
		{
			"Consent is a single tick box at registration that covers every future use; patients cannot see or change what they agreed to.",
			"Many families share one phone, so the consent message reaches whoever holds it, not the patient.",
			"Nobody asked our villages before the district's health data was used to plan clinic closures.",
		},
		{
			"The app shows what is shared with whom, but only in English and only for the last 30 days.",
			"People are told when data is shared without their consent, but there is no simple way to object.",
			"Withdrawing consent works in the app, but clinics keep copies that the withdrawal does not reach.",
		},
		{
			"The consent screen lists each facility, the kinds of data and an end date, and patients can revoke with one tap.",
			"Every access to a record appears in the patient's activity log within minutes.",
			"Consent receipts follow the national standard, and the agency tests them with patients every quarter.",
		},
	},
	"technical_architecture": {
		{
			"Rural clinics lose their connection most afternoons and there is no offline mode, so staff go back to paper.",
			"The exchange depends on one foreign vendor's proprietary middleware; nobody in Kestria can change it.",
			"Each hospital codes diagnoses differently, so shared records are often unreadable at the other end.",
		},
		{
			"The exchange uses published FHIR profiles, but getting certified still requires a contract with the integrator.",
			"There is an architecture note, but it explains what was built rather than why the alternatives were dropped.",
			"Uptime is good in the capital and patchy elsewhere; a fallback procedure exists but staff have not been trained on it.",
		},
		{
			"The exchange is federated: records stay with facilities and move only on request, as the architecture note explains.",
			"All interfaces are documented openly, and three local firms have connected without any special arrangement.",
			"Uptime was 99.6% last year, and the paper fallback was rehearsed in every region in 2026.",
		},
	},
	"trust_security": {
		{
			"A breach at the Lowmarsh district hospital was disclosed to patients only after a journalist reported it.",
			"Pharmacies can see full diagnosis histories when all they need is to check a prescription.",
			"We have never seen the results of a security audit; we are simply told the system is secure.",
		},
		{
			"Organisations are vetted before joining, but nobody checks them again once they are connected.",
			"There is an independent audit, but only a two-page summary is published.",
			"Breach notification rules exist, yet the 72-hour deadline was missed in two of last year's three incidents.",
		},
		{
			"Every exchange is signed and logged, and the logs sit in a tamper-evident store that the Commission can inspect.",
			"Data is encrypted in transit and at rest, and the 2026 independent audit found no critical issues.",
			"New participants go through certification and an on-site check before they receive production credentials.",
		},
	},
	"inclusion_accessibility": {
		{
			"Without a national ID number, a mother cannot register her newborn for vaccination reminders.",
			"The app is in Kestrian and English only; the three minority languages of the highlands are left out.",
			"Nobody counts who is missing. Pastoralist families simply do not appear in the statistics.",
		},
		{
			"Assisted registration exists at district hospitals, but for many families that means a day's travel.",
			"There is a USSD channel for basic phones, but it shows appointments only, not consent or records.",
			"The university mapped the coverage gaps once; nobody has repeated the study.",
		},
		{
			"Clinics must serve patients without an ID and register them afterwards; this is in the operating manual.",
			"Coverage by district, sex and age group is published every quarter.",
			"Community health workers can register people on a basic phone, and all mobile operators zero-rate the service.",
		},
	},
	"grievance_accountability": {
		{
			"The complaints line forwards patients to the hospital they are complaining about.",
			"We brought twelve cases of wrongly shared records; none was resolved and nobody explained why.",
			"When a record is wrong, nobody can say whether the clinic, the agency or the vendor must fix it.",
		},
		{
			"The Commission can investigate, but complaints take eight months on average.",
			"The agency publishes an annual report, but it gives totals without saying what went wrong or what changed.",
			"Liability is clear for breaches, not for wrong records or for care refused because of bad data.",
		},
		{
			"Complaints can be made by phone, online or at any facility, and most are closed within 30 days.",
			"The Commission is independent and has already ordered the agency to correct its consent process.",
			"The service charter names who is liable for each kind of failure, and compensation has been paid twice.",
		},
	},
	"participation": {
		{
			"The consultation took place after the vendor contract was signed, so there was nothing left to decide.",
			"Civil society was invited to one workshop in the capital, at two days' notice.",
			"Health workers and patients have no body of their own; we hear about decisions from the press.",
		},
		{
			"There is a civil-society seat on the advisory committee, but the committee meets once a year and cannot block anything.",
			"The consultation was genuine, but only organisations based in the capital could afford to take part.",
			"A patients' panel has been promised for 2027; until it exists we cannot rate this higher.",
		},
		{
			"Public hearings were held in all nine regions before the design was fixed, and the consent model changed as a result.",
			"The advisory committee includes two civil-society members who can put items on its agenda.",
			"Participants' travel and time are paid from the programme budget.",
		},
	},
	"financing_sustainability": {
		{
			"Connection fees and integration work cost a mid-sized private hospital about two years of its IT budget.",
			"Most of the running cost is paid by one donor grant that ends in 2028, with no plan for what follows.",
			"Small pharmacies were told the exchange was free, then billed for certified software.",
		},
		{
			"Fees are published, but the cost estimate covered public hospitals only.",
			"The ministry has promised recurrent funding; it is not yet in the medium-term budget.",
			"The state owns the data, but today only the vendor can operate the software.",
		},
		{
			"The exchange moved to the recurrent health budget in 2026, with a line approved by parliament.",
			"Connection is free for public facilities and capped for private ones, and the fee schedule is published.",
			"The state holds the source code in escrow, and a local team has run a full restore drill.",
		},
	},
	"capacity_impact": {
		{
			"Our audit found one discharge record in five with a missing or wrong diagnosis code.",
			"Uptake is reported only as registrations; nobody knows who actually uses the system, or for what.",
			"Rural clinics received a login and a manual, and no training.",
		},
		{
			"The agency has a small in-house team, but major changes still depend on the vendor.",
			"Data quality checks run monthly, but corrections depend on each facility.",
			"An evaluation is planned for 2027; until then the benefits are claimed rather than shown.",
		},
		{
			"The agency has forty engineers of its own and makes most changes without the vendor.",
			"Every facility has a named data steward, and reported errors are corrected within two weeks.",
			"The quarterly uptake report breaks down use by region, sex and type of facility.",
		},
	},
}

// Reasons given with "unknown" and "not applicable".
var (
	demoUnknownReasons = []string{
		"We have not seen enough to judge this.",
		"Nobody in our organisation could say; we would like the agency to explain it.",
		"We asked for the documents on this and have not received them.",
	}
	demoNAReasons = []string{
		"Our organisation has no role in this part of the system.",
		"This does not apply to the services we work with.",
	}
)

// demoEvidence are fictional documents about Kestria, per dimension.
var demoEvidence = map[string][]demoLink{
	"legal_basis": {
		{"https://example.org/kestria/laws/health-information-act-2024", "Health Information Act 2024 (Republic of Kestria)"},
		{"https://example.org/kestria/kdpc/annual-report-2026", "Kestria Data Protection Commission, annual report 2026"},
	},
	"institutional_governance": {
		{"https://example.org/kestria/ndha/khx-rulebook-v2", "KesHealth Exchange participation rulebook, version 2"},
		{"https://example.org/kestria/ndha/board-minutes-2026", "NDHA steering board minutes, 2026"},
	},
	"consent_agency": {
		{"https://example.org/kestria/ndha/consent-screen-walkthrough", "Walkthrough of the KesHealth app consent screens"},
		{"https://example.org/kestria/patients-voice/consent-survey-2026", "Kestrian Patients' Voice: survey of 600 patients on consent"},
	},
	"technical_architecture": {
		{"https://example.org/kestria/ndha/khx-architecture-note", "KesHealth Exchange architecture decision note"},
		{"https://example.org/kestria/ndha/khx-uptime-2026", "KesHealth Exchange uptime by region, 2026"},
	},
	"trust_security": {
		{"https://example.org/kestria/ndha/security-audit-summary-2026", "Summary of the 2026 independent security audit"},
		{"https://example.org/kestria/kdpc/breach-notice-lowmarsh", "KDPC breach notice: Lowmarsh district hospital"},
	},
	"inclusion_accessibility": {
		{"https://example.org/kestria/uok/coverage-gaps-study", "University of Kestria: who is missing from KesHealth records"},
		{"https://example.org/kestria/chw/field-notes-northern-highlands", "Community health worker field notes, Northern Highlands"},
	},
	"grievance_accountability": {
		{"https://example.org/kestria/ndha/complaints-statistics-2026", "NDHA complaints statistics, 2026"},
		{"https://example.org/kestria/digital-rights/redress-casebook", "Digital Rights Kestria: redress casebook"},
	},
	"participation": {
		{"https://example.org/kestria/moh/consultation-report-2025", "Ministry of Health consultation report, 2025"},
		{"https://example.org/kestria/open-data-kestria/seat-at-the-table", "Open Data Kestria: a seat at the table?"},
	},
	"financing_sustainability": {
		{"https://example.org/kestria/moh/khx-cost-estimate-2025", "KesHealth Exchange cost estimate for participants, 2025"},
		{"https://example.org/kestria/private-hospitals/connection-costs-survey", "Private hospitals' survey of connection costs"},
	},
	"capacity_impact": {
		{"https://example.org/kestria/kihs/discharge-records-audit-2026", "KIHS audit of 3,000 discharge records, 2026"},
		{"https://example.org/kestria/ndha/uptake-report-q3-2026", "KesHealth Exchange uptake report, third quarter 2026"},
	},
}

type demoLink struct{ URL, Title string }

// demoPick is a weighted choice among option ids; an empty id means the status "unknown".
type demoPick struct {
	Option string
	Weight float64
}

// demoChoices are each group's leanings on the choice questions.
var demoChoices = map[string]map[string][]demoPick{
	"legal_basis.main_basis": {
		"government":     {{"mandate", 0.6}, {"public_interest", 0.4}},
		"regulator":      {{"public_interest", 0.6}, {"mandate", 0.4}},
		"civil_society":  {{"unclear", 0.7}, {"consent", 0.3}},
		"private_sector": {{"contract", 0.6}, {"consent", 0.4}},
		"academia":       {{"public_interest", 0.7}, {"unclear", 0.3}},
		"community":      {{"unclear", 0.5}, {"consent", 0.3}, {"", 0.2}},
	},
	"financing_sustainability.main_source": {
		"government":     {{"recurrent_budget", 0.5}, {"mixed", 0.5}},
		"regulator":      {{"mixed", 0.8}, {"donor", 0.2}},
		"civil_society":  {{"donor", 0.6}, {"mixed", 0.4}},
		"private_sector": {{"donor", 0.5}, {"project_budget", 0.5}},
		"academia":       {{"project_budget", 0.6}, {"donor", 0.4}},
		"community":      {{"donor", 0.5}, {"", 0.5}},
	},
}

// demoChoiceReasons explain each option of the choice questions.
var demoChoiceReasons = map[string]string{
	"mandate":          "Most flows rest on section 12 of the Health Information Act, which obliges public facilities to share through the exchange.",
	"public_interest":  "Sharing for treatment and public health is framed as a public task; consent is asked for only in the app.",
	"consent":          "Patients are asked to agree in the app, so consent is what most people experience, whatever the law says.",
	"contract":         "For private hospitals, what governs the sharing in practice is the participation agreement we signed with the agency.",
	"unclear":          "The Act, the rulebook and the privacy notice each give a different ground, and nobody could tell us which one prevails.",
	"recurrent_budget": "Since 2026 the exchange has its own line in the health budget.",
	"mixed":            "Running costs come from the health budget, but upgrades still depend on the development bank loan.",
	"donor":            "Most of the money still comes from the donor grant that ends in 2028.",
	"project_budget":   "It is funded as a capital project; nobody has budgeted for running it after the project closes.",
}

// demoMulti are each group's usual selections on the multi-select questions, with a reason.
var demoMulti = map[string]map[string]demoSelection{
	"consent_agency.channels": {
		"government":     {[]string{"mobile_app", "website", "sms_ussd", "in_person"}, "The app, the web portal, a USSD menu for basic phones and help desks at district hospitals."},
		"regulator":      {[]string{"mobile_app", "website", "in_person"}, "The app and portal work; the help desks exist but staff often cannot process a withdrawal."},
		"civil_society":  {[]string{"mobile_app", "website"}, "In practice only the app and the website let you withdraw consent; the USSD menu shows appointments only."},
		"private_sector": {[]string{"mobile_app", "website"}, "Our patients manage consent in the app; we have no way to record it at the front desk."},
		"academia":       {[]string{"mobile_app", "website", "in_person"}, "Three channels exist on paper; our survey found most people did not know about the in-person route."},
		"community":      {[]string{"mobile_app"}, "The app is the only way we know of, and many of our members have no smartphone."},
	},
	"inclusion_accessibility.offline_routes": {
		"government":     {[]string{"assisted_centre", "basic_phone", "community_agent", "mobile_outreach"}, "District help desks, USSD, community health workers and the mobile clinics all register people."},
		"regulator":      {[]string{"assisted_centre", "paper"}, "Help desks exist, and clinics may fall back on paper forms that are entered later."},
		"civil_society":  {[]string{"assisted_centre"}, "Only the district help desks, and they are open on weekdays during working hours."},
		"private_sector": {[]string{"assisted_centre", "basic_phone"}, "Our clinics can register walk-in patients, and TelVia runs the USSD service."},
		"academia":       {[]string{"assisted_centre", "basic_phone", "paper"}, "These routes exist, but our study found that few people outside towns use them."},
		"community":      {[]string{"community_agent"}, "Health workers help when they visit, but they cannot register anyone without a phone signal."},
	},
}

type demoSelection struct {
	Options []string
	Reason  string
}

// demoTexts are the answers to the open questions, per group.
var demoTexts = map[string]map[string][]string{
	"institutional_governance.one_change": {
		"government": {
			"Give the NDHA its own budget line so that it can hire staff instead of relying on the vendor.",
			"Merge the ministry's and the agency's technical committees so that each decision is made once.",
		},
		"regulator": {
			"Oblige the agency to consult the Data Protection Commission before any new data flow starts.",
			"Move rule-setting out of the agency that operates the exchange.",
		},
		"civil_society": {
			"Put patients and civil society on the steering board with a vote, not an observer seat.",
			"Publish the board's minutes and every data-sharing agreement.",
		},
		"private_sector": {
			"Create a joint technical forum where private providers can raise problems before rules become final.",
		},
		"academia": {
			"Set up a research access committee with published criteria and published decisions.",
		},
		"community": {
			"Let community health workers report problems directly to the agency, not through the district office.",
		},
	},
	"participation.voices_missing": {
		"government": {
			"Private pharmacies, who were brought in late.",
			"Traditional birth attendants, who see many mothers before any clinic does.",
		},
		"regulator": {
			"People with disabilities: no organisation representing them has been involved so far.",
		},
		"civil_society": {
			"Pastoralist communities, people with disabilities and speakers of minority languages.",
			"Patients themselves: every voice in the room speaks on their behalf.",
		},
		"private_sector": {
			"Small rural pharmacies, who cannot afford to travel to meetings in the capital.",
		},
		"academia": {
			"Researchers outside the capital, and the people whose data is used in research but who never hear the results.",
		},
		"community": {
			"Women in the highlands, who depend on shared phones and rarely hear about meetings.",
			"Pastoralist families, who move with the seasons and miss every consultation.",
		},
	},
}

// demoRevision is a change a participant makes in round 2: Step moves their rating one level
// (toward the other groups or further away); FromUnknown replaces an "unknown" with a rating.
type demoRevision struct {
	Person, Question string
	Step             int
	FromUnknown      int // when > 0, round 1 was "unknown" and round 2 rates it this level
	Rationale        string
}

var demoRevisions = []demoRevision{
	{Person: "tomas", Question: "grievance_accountability.redress", Step: -1,
		Rationale: "Round 2: after hearing the Patients' Voice cases I accept that the complaints line records complaints but does not resolve them."},
	{Person: "tomas", Question: "inclusion_accessibility.no_lockout", Step: -1,
		Rationale: "Round 2: the Lowmarsh example shows that the exemption in the operating manual is not applied at the front desk."},
	{Person: "ines", Question: "financing_sustainability.compliance_costs", Step: -1,
		Rationale: "Round 2: our 2025 estimate covered public hospitals only; private and small providers were never costed."},
	{Person: "agnes", Question: "capacity_impact.data_quality", Step: 1,
		Rationale: "Round 2: the agency's monthly checks are better than we knew, although corrections are still slow."},
	{Person: "daniel", Question: "financing_sustainability.compliance_costs", Step: 1,
		Rationale: "Round 2: the ministry's offer to subsidise certified software for small providers is a start, so one level up."},
	{Person: "helena", Question: "trust_security.incidents", Step: 1,
		Rationale: "Round 2: since the Lowmarsh breach both incidents were notified within 72 hours, so the procedure now works."},
	{Person: "sara", Question: "participation.civil_society_seat", Step: -1,
		Rationale: "Round 2: the discussion confirmed that the advisory committee has not met since October 2025. I am lowering my rating."},
	{Person: "sara", Question: "legal_basis.state_access", Step: -1,
		Rationale: "Round 2: the ministry could not say how many police requests were granted without a court order."},
	{Person: "fatima", Question: "technical_architecture.reliability", Step: -1,
		Rationale: "Round 2: two more clinics in the highlands went back to paper this month."},
	{Person: "marco", Question: "trust_security.tamper_evident", FromUnknown: 3,
		Rationale: "Round 2: the audit summary shared in round 1 answers my question; every exchange is logged and the Commission can inspect the logs."},
}

// demoComment is a remark in the workshop's discussion. Parent names the Key of the comment it
// replies to; By is a person's Key or "facilitator"; Round 2 comments come after round 2 opens.
type demoComment struct {
	Key, By, Question, Parent, Stance, Body string
	Round                                   int
	Hide                                    string // the facilitator hides the comment with this reason
}

var demoComments = []demoComment{
	{Key: "redress", By: "marco", Question: "grievance_accountability.redress", Stance: "challenges",
		Body: "Of the twelve complaints we helped patients make through the NDHA line last year, nine were sent back to the hospital concerned and none received a written answer. A line that records complaints is not redress."},
	{Key: "redress-q", By: "tomas", Question: "grievance_accountability.redress", Parent: "redress", Stance: "question",
		Body: "Could you share the case references with the agency, anonymised if need be? Our dashboard shows most complaints closed within 30 days, and I would like to know where these went."},
	{Key: "redress-e", By: "sara", Question: "grievance_accountability.redress", Parent: "redress", Stance: "evidence",
		Body: "Our casebook documents the same pattern (https://example.org/kestria/digital-rights/redress-casebook): \"closed\" on the dashboard means forwarded, not resolved."},
	{Key: "consent", By: "amara", Question: "consent_agency.consent_record", Stance: "supports",
		Body: "The consent screen lists each facility, the kinds of data and an end date. We tested it with 200 patients in three regions before launch."},
	{Key: "consent-c", By: "fatima", Question: "consent_agency.consent_record", Parent: "consent", Stance: "challenges",
		Body: "In the highlands most households share one phone. The consent message reaches whoever holds it, often the husband, not the patient."},
	{Key: "lockout", By: "grace", Question: "inclusion_accessibility.no_lockout", Stance: "evidence",
		Body: "In March, mothers at the Lowmarsh clinic were told to come back with a national ID number before their babies could be registered for vaccination reminders. Several did not come back."},
	{Key: "lockout-q", By: "yusuf", Question: "inclusion_accessibility.no_lockout", Parent: "lockout", Stance: "question",
		Body: "Was this reported to the Authority? The operating manual says clinics must register first and verify later."},
	{Key: "costs", By: "daniel", Question: "financing_sustainability.compliance_costs", Stance: "challenges",
		Body: "Connecting our four hospitals cost more than the ministry's estimate for the entire private sector. Certified software alone was twice what was budgeted."},
	{Key: "costs-s", By: "ines", Question: "financing_sustainability.compliance_costs", Parent: "costs", Stance: "supports",
		Body: "That is fair. The 2025 estimate covered the twelve public hospitals only; we will ask the agency to cost private and small providers properly."},
	{Key: "quality", By: "samuel", Question: "capacity_impact.data_quality", Stance: "evidence",
		Body: "Our audit of 3,000 discharge records from 2026 found about one in five with a missing or wrong diagnosis code, mostly in district hospitals."},
	{Key: "lockin", By: "agnes", Question: "technical_architecture.no_lock_in", Stance: "question",
		Body: "Who holds the source code of the exchange's middleware, and has anyone outside the vendor ever built it?"},
	{Key: "lockin-e", By: "kofi", Question: "technical_architecture.no_lock_in", Parent: "lockin", Stance: "evidence",
		Body: "Pharmacies were told in 2025 that only certified integrators may connect us, and there are two of them. That is lock-in one level down."},
	{Key: "lockin-x", By: "priya", Question: "technical_architecture.no_lock_in", Stance: "challenges",
		Body: "Everyone knows the deputy director handed this contract to his brother-in-law's firm. Ask him, not us.",
		Hide: "This is an allegation about an identifiable official. Please take concerns about the procurement to the Public Procurement Oversight Office; the question of vendor lock-in stays on our agenda."},
	{Key: "seat", By: "lena", Question: "participation.civil_society_seat", Stance: "challenges",
		Body: "The civil-society seat on the advisory committee is filled at the minister's invitation, and the committee has not met since October 2025."},
	{Key: "seat-q", By: "amara", Question: "participation.civil_society_seat", Parent: "seat", Stance: "question",
		Body: "The committee was paused during the restructuring. Would a standing seat on the steering board, with a vote, meet your concern?"},
	{Key: "police", By: "sara", Question: "legal_basis.state_access", Stance: "challenges",
		Body: "We asked how many police requests were granted without a court order. The ministry said the number is not recorded. That is itself the answer."},
	{Key: "round2", By: "facilitator", Question: "grievance_accountability.redress", Stance: "question", Round: 2,
		Body: "Round 2 is open. On redress, could each group say what evidence would change its rating, so that we agree what to check before the next session?"},
	{Key: "incidents", By: "helena", Question: "trust_security.incidents", Stance: "evidence", Round: 2,
		Body: "Since the Lowmarsh breach the Commission requires notification within 72 hours; both incidents since then were notified on time."},
}

// demoSyntheses are the facilitator's summaries after round 2.
var demoSyntheses = []struct{ Question, Status, Summary, Dissent string }{
	{"trust_security.tamper_evident", "agreed",
		"Every group that rated it sees encryption and the logging of exchanges as operational; civil society's questions from round 1 were answered by the audit summary.",
		"Community representatives could not judge this and asked for a plain-language summary of the audit."},
	{"capacity_impact.data_quality", "agreed_with_reservations",
		"Groups agree that data quality checks exist, but that errors are corrected slowly and unevenly across facilities.",
		"Academia: the 2026 audit (one record in five wrong) shows a systemic problem, and no rating above 2 is defensible until the audit is repeated."},
	{"financing_sustainability.compliance_costs", "agreed_with_reservations",
		"Agreed that the 2025 estimate covered public hospitals only and must be redone for private and small providers; the ministry will commission it.",
		"Private sector: the estimate was not incomplete but wrong, and the certified-software requirement should be suspended until it is redone."},
	{"grievance_accountability.redress", "no_agreement",
		"Government rates the complaints line as working; civil society and community representatives rate redress as absent. The groups could not agree on what counts as resolved.",
		"Civil society and community: a complaint forwarded to the hospital concerned is not resolved. Government: the dashboard shows most complaints closed within 30 days. Next step: trace the twelve Patients' Voice cases together."},
}

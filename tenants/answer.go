package tenants

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Answer statuses. not_applicable and unknown carry no value and are never counted as 0.
const (
	StatusAnswered      = "answered"
	StatusNotApplicable = "not_applicable"
	StatusUnknown       = "unknown"
)

// Evidence is a link supporting an answer.
type Evidence struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Answer is one participant's current answer to one question. Every save is also kept as a
// revision; Answer mirrors the latest. Its ID is stable across revisions.
type Answer struct {
	ID               string          `json:"id"`
	TenantID         string          `json:"-"`
	WorkspaceID      string          `json:"-"`
	QuestionID       string          `json:"question_id"`
	ParticipantID    string          `json:"participant_id,omitempty"`
	DisplayName      string          `json:"display_name,omitempty"`
	Organization     string          `json:"organization,omitempty"`
	StakeholderGroup string          `json:"stakeholder_group"`
	Value            json.RawMessage `json:"value"`
	Status           string          `json:"status"`
	Rationale        string          `json:"rationale"`
	Evidence         []Evidence      `json:"evidence"`
	Revision         int             `json:"revision"`
	Round            int             `json:"round"`
	UpdatedAt        time.Time       `json:"updated_at"`
	Redacted         bool            `json:"redacted,omitempty"`
	ClientKey        string          `json:"-"`
}

// Level returns the maturity level of an answered maturity question, or -1.
func (a *Answer) Level() int {
	if a.Status != StatusAnswered || len(a.Value) == 0 {
		return -1
	}
	var n int
	if json.Unmarshal(a.Value, &n) != nil || n < 0 || n > 4 {
		return -1
	}
	return n
}

// AnswerInput is a participant's save of an answer.
type AnswerInput struct {
	Value     json.RawMessage `json:"value"`
	Status    string          `json:"status"`
	Rationale string          `json:"rationale"`
	Evidence  []Evidence      `json:"evidence"`
}

// Answer limits.
const (
	MaxRationale   = 4000
	MaxTextAnswer  = 4000
	MaxEvidence    = 10
	MaxEvidenceURL = 2000
)

// Validate checks the input against the question and normalises the value. A wrong value type for
// the question's kind, an unknown status, a bad evidence link or an over-long text is EInvalid
// with field reasons.
func (in *AnswerInput) Validate(q *Question) error {
	f := FieldErrors{}
	if in.Status == "" {
		in.Status = StatusAnswered
	}
	switch in.Status {
	case StatusAnswered:
		v, reason := normalizeValue(q, in.Value)
		if reason != "" {
			f.Add("value", reason)
		}
		in.Value = v
	case StatusNotApplicable, StatusUnknown:
		if len(in.Value) > 0 && string(in.Value) != "null" {
			f.Add("value", "must be empty when the status is "+in.Status)
		}
		in.Value = nil
	default:
		f.Add("status", "must be answered, not_applicable or unknown")
	}
	checkText(f, "rationale", in.Rationale, 0, MaxRationale)
	if len(in.Evidence) > MaxEvidence {
		f.Add("evidence", "at most 10 links")
	}
	for i, e := range in.Evidence {
		field := "evidence[" + strconv.Itoa(i) + "]"
		in.Evidence[i].Title = strings.TrimSpace(e.Title)
		in.Evidence[i].URL = strings.TrimSpace(e.URL)
		if reason := LinkProblem(in.Evidence[i].URL); reason != "" {
			f.Add(field+".url", reason)
		}
		checkText(f, field+".title", in.Evidence[i].Title, 0, 200)
	}
	if in.Evidence == nil {
		in.Evidence = []Evidence{}
	}
	return f.Err()
}

// LinkProblem returns why s is not an acceptable evidence link (an absolute http or https URL with
// a host), or "".
func LinkProblem(s string) string {
	if s == "" {
		return "is required"
	}
	if len(s) > MaxEvidenceURL || !utf8.ValidString(s) {
		return "is too long or not valid text"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an http or https link"
	}
	return ""
}

func normalizeValue(q *Question, raw json.RawMessage) (json.RawMessage, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "is required when the status is answered"
	}
	switch q.Kind {
	case KindMaturity:
		var f float64
		if json.Unmarshal(raw, &f) != nil || f != float64(int(f)) || f < 0 || f > 4 {
			return nil, "must be an integer from 0 to 4"
		}
		return json.RawMessage(strconv.Itoa(int(f))), ""
	case KindChoice:
		var s string
		if json.Unmarshal(raw, &s) != nil || !q.HasOption(s) {
			return nil, "must be one of the question's option ids"
		}
		b, _ := json.Marshal(s)
		return b, ""
	case KindMulti:
		var ss []string
		if json.Unmarshal(raw, &ss) != nil {
			return nil, "must be a list of the question's option ids"
		}
		seen := map[string]bool{}
		out := []string{}
		for _, s := range ss {
			if !q.HasOption(s) {
				return nil, "must be a list of the question's option ids"
			}
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		b, _ := json.Marshal(out)
		return b, ""
	case KindText:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, "must be text"
		}
		s = strings.TrimSpace(s)
		f := FieldErrors{}
		checkText(f, "value", s, 1, MaxTextAnswer)
		if r := f["value"]; r != "" {
			return nil, r
		}
		b, _ := json.Marshal(s)
		return b, ""
	}
	return nil, "question kind is not answerable"
}

// VisibleTo returns the answer as v may see it, or false when v may not see it at all.
// Facilitators and the author see everything. Under blind mode others see that an answer exists but
// not its value, rationale or evidence. Under group attribution others do not see who gave it.
func (a Answer) VisibleTo(v Viewer, w *Workspace, blind bool) Answer {
	if v.Facilitates() || (v.ParticipantID != "" && v.ParticipantID == a.ParticipantID) {
		return a
	}
	if blind {
		a.Value = nil
		a.Rationale = ""
		a.Evidence = []Evidence{}
		a.Redacted = true
	}
	if w.Attribution == AttributionGroup {
		a.ParticipantID = ""
		a.DisplayName = ""
		a.Organization = ""
	}
	return a
}

// AnswerFilter selects answers of a workspace.
type AnswerFilter struct {
	QuestionID    string
	ParticipantID string
}

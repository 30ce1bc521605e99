package server_test

import (
	"net/http"
	"testing"

	"workshop/server/servertest"
)

// TestWorkshopFlow walks the core journey over the API: a facilitator opens a workspace, invites
// two groups, participants answer and comment, and everyone sees what they may.
func TestWorkshopFlow(t *testing.T) {
	app := servertest.New(t, servertest.Options{})
	tn := app.Signup(t, "Ministry of Digital")
	ws := tn.Workspace(t, nil)
	base := servertest.WSPath(tn.Slug, ws)
	gov := app.Join(t, tn.Invite(t, ws, "government", "participant"), "Asha", "Ministry of Health")
	cso := app.Join(t, tn.Invite(t, ws, "civil_society", "participant"), "Ben", "Data Rights Forum")

	r := gov.Client.Must(http.StatusOK, "PUT", base+"/answers/legal_basis.dp_law", map[string]any{
		"value": 3, "rationale": "The act is in force.", "evidence": []map[string]string{{"url": "https://example.org/act", "title": "Act"}}})
	var saved struct {
		Answer struct {
			Revision int    `json:"revision"`
			Group    string `json:"stakeholder_group"`
		} `json:"answer"`
		Seq int64 `json:"seq"`
	}
	r.JSON(t, &saved)
	if saved.Answer.Revision != 1 || saved.Answer.Group != "government" || saved.Seq == 0 {
		t.Fatalf("saved = %+v", saved)
	}
	cso.Client.Must(http.StatusOK, "PUT", base+"/answers/legal_basis.dp_law", map[string]any{"value": 1, "rationale": "Weak enforcement."})
	cso.Client.Must(http.StatusCreated, "POST", base+"/questions/legal_basis.dp_law/comments", map[string]any{"body": "Enforcement is the gap.", "stance": "challenges"})

	var list struct {
		Answers []struct {
			ParticipantID string `json:"participant_id"`
			Value         any    `json:"value"`
		} `json:"answers"`
	}
	gov.Client.Must(http.StatusOK, "GET", base+"/answers", nil).JSON(t, &list)
	if len(list.Answers) != 2 {
		t.Fatalf("answers = %+v", list.Answers)
	}
	page := gov.Client.Must(http.StatusOK, "GET", "/t/"+tn.Slug+"/w/"+ws, nil)
	if len(page.Body) == 0 {
		t.Fatal("empty workspace page")
	}
}

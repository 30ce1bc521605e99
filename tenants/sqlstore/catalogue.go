package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"workshop/tenants"
)

func (t *tx) CreateCaseStudy(c *tenants.CaseStudy) error {
	b, err := json.Marshal(c)
	if err != nil {
		return tenants.Internal(err)
	}
	_, err = t.exec(`INSERT INTO case_studies (tenant_id, id, name, body, updated_at) VALUES (?, ?, ?, ?, ?)`,
		c.TenantID, c.ID, c.Name, string(b), t.now)
	return err
}

func (t *tx) FindPrivateCaseStudies(tenantID string) ([]*tenants.CaseStudy, error) {
	var rows []string
	if err := t.selectRows(&rows, `SELECT body FROM case_studies WHERE tenant_id = ? AND tenant_id <> '' ORDER BY name`, tenantID); err != nil {
		return nil, err
	}
	out := make([]*tenants.CaseStudy, 0, len(rows))
	for _, b := range rows {
		c := &tenants.CaseStudy{}
		if err := json.Unmarshal([]byte(b), c); err != nil {
			return nil, tenants.Internal(err)
		}
		c.TenantID, c.Private = tenantID, true
		out = append(out, c)
	}
	return out, nil
}

// meaning is what may not change about a question inside an instrument version: its kind, prompt,
// and the values of its levels or the ids of its options.
func meaning(q *tenants.Question) string {
	var b strings.Builder
	b.WriteString(q.Kind + "\x00" + q.Prompt)
	for _, l := range q.Levels {
		fmt.Fprintf(&b, "\x00%d", l.Value)
	}
	for _, o := range q.Options {
		b.WriteString("\x00" + o.ID)
	}
	return tenants.HashToken(b.String())
}

// SyncCatalogue stores the loaded seed content by stable id, so a restart with the same content
// changes nothing and edited content updates its rows. An instrument version already stored keeps
// its questions' meaning: a question whose kind, prompt, levels or options changed, or that was
// removed, makes SyncCatalogue fail with a message naming it, because such an edit needs a new
// version. Instrument versions stored earlier but no longer shipped are loaded back into c, so
// workspaces pinned to them keep working.
func (db *DB) SyncCatalogue(ctx context.Context, c *tenants.Catalogue) error {
	return db.Write(ctx, func(ttx tenants.Tx) error {
		t := ttx.(*tx)
		terms := map[string][]tenants.Term{"motivation": c.Taxonomy.Motivations, "use_case": c.Taxonomy.UseCases,
			"architecture": c.Taxonomy.Architectures, "stakeholder_group": c.Taxonomy.StakeholderGroups, "region": c.Taxonomy.Regions}
		for _, d := range c.Taxonomy.Dimensions {
			terms["dimension"] = append(terms["dimension"], tenants.Term{ID: d.ID, Name: d.Name, Description: d.Description})
		}
		for kind, list := range terms {
			for _, term := range list {
				if _, err := t.exec(`INSERT INTO taxonomy_terms (kind, id, name, description) VALUES (?, ?, ?, ?)
					ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, description = excluded.description
					WHERE taxonomy_terms.name <> excluded.name OR taxonomy_terms.description <> excluded.description`,
					kind, term.ID, term.Name, term.Description); err != nil {
					return err
				}
			}
		}
		for version, in := range c.Instruments {
			if err := t.syncInstrument(version, in); err != nil {
				return err
			}
		}
		var stored []struct {
			Version string `db:"version"`
			Body    string `db:"body"`
		}
		if err := t.selectRows(&stored, `SELECT version, body FROM instruments`); err != nil {
			return err
		}
		for _, s := range stored {
			if c.Instruments[s.Version] != nil {
				continue
			}
			in := &tenants.Instrument{}
			if err := json.Unmarshal([]byte(s.Body), in); err != nil {
				return tenants.Internal(err)
			}
			c.Instruments[s.Version] = in
		}
		for _, cs := range c.CaseStudies {
			b, err := json.Marshal(cs)
			if err != nil {
				return tenants.Internal(err)
			}
			if _, err := t.exec(`INSERT INTO case_studies (tenant_id, id, name, body, updated_at) VALUES ('', ?, ?, ?, ?)
				ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at
				WHERE case_studies.body <> excluded.body`, cs.ID, cs.Name, string(b), t.now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *tx) syncInstrument(version string, in *tenants.Instrument) error {
	body, err := json.Marshal(in)
	if err != nil {
		return tenants.Internal(err)
	}
	var old []struct {
		QuestionID string `db:"question_id"`
		Meaning    string `db:"meaning"`
	}
	if err := t.selectRows(&old, `SELECT question_id, meaning FROM instrument_questions WHERE version = ?`, version); err != nil {
		return err
	}
	if len(old) > 0 {
		var problems []string
		for _, o := range old {
			q := in.Question(o.QuestionID)
			switch {
			case q == nil:
				problems = append(problems, fmt.Sprintf("question %q was removed", o.QuestionID))
			case meaning(q) != o.Meaning:
				problems = append(problems, fmt.Sprintf("question %q changed its kind, prompt, levels or options", o.QuestionID))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("instrument version %s is already in use and its questions' meaning may not change (%s); publish the change as a new version directory instead",
				version, strings.Join(problems, "; "))
		}
	}
	if _, err := t.exec(`INSERT INTO instruments (version, title, body, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (version) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at
		WHERE instruments.body <> excluded.body`, version, in.Title, string(body), t.now); err != nil {
		return err
	}
	for _, q := range in.Questions() {
		if _, err := t.exec(`INSERT INTO instrument_questions (version, question_id, meaning) VALUES (?, ?, ?)
			ON CONFLICT (version, question_id) DO NOTHING`, version, q.ID, meaning(q)); err != nil {
			return err
		}
	}
	return nil
}

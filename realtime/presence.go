package realtime

import (
	"time"

	"workshop/tenants"
)

// Presence events.
const (
	PresenceJoined = "joined"
	PresenceLeft   = "left"
	PresenceFocus  = "focus"
)

// Who is the person behind a presence entry.
type Who struct {
	ParticipantID    string `json:"participant_id"`
	DisplayName      string `json:"display_name"`
	StakeholderGroup string `json:"stakeholder_group"`
	Role             string `json:"role"`
}

// presenceEntry is one open socket in a room: who holds it and which question they look at. ID
// is random per socket, so a person with two tabs has two entries.
type presenceEntry struct {
	ID         string `json:"id"`
	Who        Who    `json:"who"`
	QuestionID string `json:"question_id"`
}

// presenceData is the data of a presence message.
type presenceData struct {
	Event      string `json:"event"`
	ID         string `json:"id"`
	Who        Who    `json:"who"`
	QuestionID string `json:"question_id"`
}

func whoOf(v tenants.Viewer) Who {
	return Who{ParticipantID: v.ParticipantID, DisplayName: v.Name, StakeholderGroup: v.Group, Role: v.Role}
}

// stripped reports whether v must see e without name and participant id: under group attribution
// a participant or observer sees only the stakeholder group of other participants; facilitators
// see everyone, and everyone sees facilitators and themselves.
func (e presenceEntry) stripped(v tenants.Viewer, attribution string) bool {
	return attribution == tenants.AttributionGroup && !v.Facilitates() && e.Who.Role != tenants.RoleFacilitator &&
		(v.ParticipantID == "" || v.ParticipantID != e.Who.ParticipantID)
}

// visibleTo returns e as v may see it.
func (e presenceEntry) visibleTo(v tenants.Viewer, attribution string) presenceEntry {
	if e.stripped(v, attribution) {
		e.Who.ParticipantID, e.Who.DisplayName = "", ""
	}
	return e
}

// remotePresence is what the room knows of another instance's sockets.
type remotePresence struct {
	entries map[string]presenceEntry
	seen    time.Time // when the instance last told us about the room
}

// presenceList returns every entry of the room as v may see it, local first. r.mu must be held.
func (r *room) presenceList(v tenants.Viewer) []presenceEntry {
	out := []presenceEntry{}
	for c := range r.conns {
		out = append(out, c.pres.visibleTo(v, r.attribution))
	}
	for _, rp := range r.remote {
		for _, e := range rp.entries {
			out = append(out, e.visibleTo(v, r.attribution))
		}
	}
	return out
}

// localPresence returns the entries of this instance's sockets. r.mu must be held.
func (r *room) localPresence() []presenceEntry {
	out := make([]presenceEntry, 0, len(r.conns))
	for c := range r.conns {
		out = append(out, c.pres)
	}
	return out
}

// broadcastPresence sends a presence message to every local socket but except, each encoded at
// most twice (with and without names). r.mu must be held.
func (r *room) broadcastPresence(event string, e presenceEntry, except *conn) {
	now := time.Now()
	var full, bare []byte
	for c := range r.conns {
		if c == except {
			continue
		}
		var b []byte
		if e.stripped(c.viewer, r.attribution) {
			if bare == nil {
				s := e.visibleTo(c.viewer, r.attribution)
				bare = encode(TypePresence, 0, now, presenceData{Event: event, ID: s.ID, Who: s.Who, QuestionID: s.QuestionID})
			}
			b = bare
		} else {
			if full == nil {
				full = encode(TypePresence, 0, now, presenceData{Event: event, ID: e.ID, Who: e.Who, QuestionID: e.QuestionID})
			}
			b = full
		}
		c.send(outMsg{b: b})
	}
}

// applyRemotePresence records one presence change of another instance and tells local sockets.
func (r *room) applyRemotePresence(instance, event string, e presenceEntry, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rp := r.remote[instance]
	if rp == nil {
		rp = &remotePresence{entries: map[string]presenceEntry{}}
		r.remote[instance] = rp
	}
	rp.seen = now
	switch event {
	case PresenceJoined, PresenceFocus:
		if _, known := rp.entries[e.ID]; !known {
			event = PresenceJoined
		}
		rp.entries[e.ID] = e
	case PresenceLeft:
		if _, known := rp.entries[e.ID]; !known {
			return
		}
		delete(rp.entries, e.ID)
	default:
		return
	}
	r.broadcastPresence(event, e, nil)
}

// applyRemoteState replaces what the room knows of another instance's sockets with its full list,
// telling local sockets what changed.
func (r *room) applyRemoteState(instance string, list []presenceEntry, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rp := r.remote[instance]
	if rp == nil {
		rp = &remotePresence{entries: map[string]presenceEntry{}}
		r.remote[instance] = rp
	}
	rp.seen = now
	next := make(map[string]presenceEntry, len(list))
	for _, e := range list {
		next[e.ID] = e
		old, known := rp.entries[e.ID]
		switch {
		case !known:
			r.broadcastPresence(PresenceJoined, e, nil)
		case old.QuestionID != e.QuestionID:
			r.broadcastPresence(PresenceFocus, e, nil)
		}
	}
	for id, e := range rp.entries {
		if _, still := next[id]; !still {
			r.broadcastPresence(PresenceLeft, e, nil)
		}
	}
	rp.entries = next
}

// expireRemote forgets instances that have not spoken about the room since cutoff (they crashed or
// lost their broker), telling local sockets that their people left.
func (r *room) expireRemote(cutoff time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for inst, rp := range r.remote {
		if rp.seen.Before(cutoff) {
			for _, e := range rp.entries {
				r.broadcastPresence(PresenceLeft, e, nil)
			}
			delete(r.remote, inst)
		}
	}
}

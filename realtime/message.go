package realtime

import (
	"encoding/json"
	"time"
)

// Server message types that are not persistent events (§6 of the design).
const (
	TypeHello    = "hello"
	TypeResync   = "resync"
	TypePresence = "presence"
	TypeError    = "error"
)

// Client message types.
const (
	ClientFocus = "focus"
)

// Envelope is every server message on the wire: {"type","seq","at","data"}. Persistent events carry
// their seq (> 0); hello, resync, presence and error carry 0.
type Envelope struct {
	Type string          `json:"type"`
	Seq  int64           `json:"seq"`
	At   time.Time       `json:"at"`
	Data json.RawMessage `json:"data"`
}

// encode returns the envelope's JSON. data is marshalled unless it is already raw JSON.
func encode(typ string, seq int64, at time.Time, data any) []byte {
	var raw json.RawMessage
	switch d := data.(type) {
	case json.RawMessage:
		raw = d
	default:
		b, err := json.Marshal(d)
		if err != nil {
			b = []byte("{}")
		}
		raw = b
	}
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	b, _ := json.Marshal(Envelope{Type: typ, Seq: seq, At: at.UTC(), Data: raw})
	return b
}

// errorData is the data of an error message.
type errorData struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// clientMessage is what a client may send.
type clientMessage struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// busMessage is what hubs say to each other through the broker. Event notices carry only the seq:
// the receiving hub reads the event from the log.
type busMessage struct {
	Kind        string          `json:"k"`
	Instance    string          `json:"i"`
	TenantID    string          `json:"t,omitempty"`
	WorkspaceID string          `json:"w,omitempty"`
	Seq         int64           `json:"s,omitempty"`
	Presence    *presenceEntry  `json:"p,omitempty"`
	Event       string          `json:"e,omitempty"` // presence: joined, left or focus
	State       []presenceEntry `json:"l,omitempty"` // presence state: every local entry of the room
	Session     string          `json:"h,omitempty"` // close.session: the session's token hash
}

// Bus message kinds.
const (
	busEvent         = "event"          // a committed event: Seq
	busPresence      = "presence"       // one presence change: Event, Presence
	busPresenceState = "presence.state" // the sender's full presence of the room: State
	busPresenceSync  = "presence.sync"  // please send your presence.state for the room
	busCloseSession  = "close.session"  // close every socket of Session (control room)
)

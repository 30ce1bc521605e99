package tenants

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Member roles within a tenant.
const (
	RoleOwner       = "owner"
	RoleFacilitator = "facilitator"
)

// User is an account that logs in with email and password. Users are global; what they may see is
// decided by their memberships.
type User struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Tenant is an organisation hosting assessments. Everything below it is invisible to other tenants.
type Tenant struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Membership makes a user an owner or facilitator of a tenant.
type Membership struct {
	TenantID  string    `json:"-"`
	UserID    string    `json:"-"`
	Role      string    `json:"role"`
	Tenant    *Tenant   `json:"tenant,omitempty"`
	User      *User     `json:"user,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Session is a server-side login session. Only the SHA-256 of its token is stored. A session may
// carry a user, participant identities (from joins and return links), or both.
type Session struct {
	TokenHash      string
	UserID         string
	CreatedAt      time.Time
	LastSeenAt     time.Time
	ExpiresAt      time.Time
	ParticipantIDs []string
}

// Session lifetimes: an absolute lifetime and an idle timeout.
const (
	SessionLifetime = 30 * 24 * time.Hour
	SessionIdle     = 7 * 24 * time.Hour
)

// Usable reports whether the session is neither expired nor idle past its timeout at now.
func (s *Session) Usable(now time.Time) bool {
	return now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) < SessionIdle
}

// Password limits, counted in characters so multibyte passwords are neither truncated nor penalised.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// Signup is the request to create an account and its tenant.
type Signup struct {
	Organization string `json:"organization"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Password     string `json:"password"`
}

// Validate checks the fields and normalises the email. It returns EInvalid with field reasons.
func (s *Signup) Validate() error {
	f := FieldErrors{}
	s.Organization = strings.TrimSpace(s.Organization)
	s.Name = strings.TrimSpace(s.Name)
	checkText(f, "organization", s.Organization, 1, 120)
	checkText(f, "name", s.Name, 1, 120)
	if e, err := NormalizeEmail(s.Email); err != nil {
		f.Add("email", err.Error())
	} else {
		s.Email = e
	}
	if reason := PasswordProblem(s.Password); reason != "" {
		f.Add("password", reason)
	}
	return f.Err()
}

// NewMember is an owner's request to add a facilitator with an initial password.
type NewMember struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Role     string `json:"role"`
}

// Validate checks the fields and normalises the email and role.
func (m *NewMember) Validate() error {
	f := FieldErrors{}
	m.Name = strings.TrimSpace(m.Name)
	checkText(f, "name", m.Name, 1, 120)
	if e, err := NormalizeEmail(m.Email); err != nil {
		f.Add("email", err.Error())
	} else {
		m.Email = e
	}
	if reason := PasswordProblem(m.Password); reason != "" {
		f.Add("password", reason)
	}
	if m.Role == "" {
		m.Role = RoleFacilitator
	}
	if m.Role != RoleFacilitator && m.Role != RoleOwner {
		f.Add("role", "must be facilitator or owner")
	}
	return f.Err()
}

type emailError string

func (e emailError) Error() string { return string(e) }

// NormalizeEmail trims and lower-cases an address and checks that it is a plain addr-spec.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", emailError("is required")
	}
	if len(s) > 254 || !utf8.ValidString(s) {
		return "", emailError("is not a valid email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", emailError("is not a valid email address")
	}
	return s, nil
}

// PasswordProblem returns why a password is unacceptable, or "".
func PasswordProblem(p string) string {
	if !utf8.ValidString(p) {
		return "must be valid UTF-8"
	}
	n := utf8.RuneCountInString(p)
	if n < MinPasswordLen {
		return "must be at least 8 characters"
	}
	if n > MaxPasswordLen {
		return "must be at most 256 characters"
	}
	return ""
}

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify makes a URL slug from a name: lower-case ASCII letters, digits and dashes, at most 40
// characters. It returns "org" when nothing usable remains.
func Slugify(name string) string {
	s := slugUnsafe.ReplaceAllString(strings.ToLower(name), "-")
	s = strings.Trim(s, "-")
	if len(s) > 40 {
		s = strings.Trim(s[:40], "-")
	}
	if s == "" {
		s = "org"
	}
	return s
}

// checkText adds a field error when s is not valid UTF-8 without control characters, or its length
// in characters is outside [min, max].
func checkText(f FieldErrors, field, s string, min, max int) {
	if !utf8.ValidString(s) {
		f.Add(field, "must be valid UTF-8")
		return
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n < min && min == 1:
		f.Add(field, "is required")
	case n < min:
		f.Add(field, "is too short")
	case n > max:
		f.Add(field, "must be at most "+strconv.Itoa(max)+" characters")
	}
	for _, r := range s {
		if r == 0 || (r < 0x20 && r != '\n' && r != '\r' && r != '\t') {
			f.Add(field, "must not contain control characters")
			return
		}
	}
}

// Package password hashes passwords with argon2id (m=19 MiB, t=2, p=1, the OWASP baseline) and caps
// how many hashes run at once, because each one holds 19 MiB of memory.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"workshop/tenants"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default is the OWASP-recommended baseline.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// Hasher implements tenants.PasswordHasher.
type Hasher struct {
	params Params
	slots  chan struct{}
	dummy  string
}

var _ tenants.PasswordHasher = (*Hasher)(nil)

// New returns a hasher that runs at most concurrent hashes at a time; others wait for a slot or
// their context.
func New(p Params, concurrent int) *Hasher {
	h := &Hasher{params: p, slots: make(chan struct{}, max(1, concurrent))}
	h.dummy = h.encode([]byte("dummy-salt-16byt"), []byte("dummy password for unknown accounts"))
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

func (h *Hasher) encode(salt, password []byte) string {
	key := argon2.IDKey(password, salt, h.params.Time, h.params.Memory, h.params.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.params.Memory, h.params.Time, h.params.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Hash returns the PHC-formatted argon2id hash of password with a random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return h.encode(salt, []byte(password)), nil
}

var errFormat = errors.New("password: unrecognised hash format")

// Verify reports whether password matches hash, and whether hash used other parameters than the
// hasher's (so the caller should store a fresh hash). An empty hash is verified against a dummy
// hash, costing the same work, and never matches.
func (h *Hasher) Verify(ctx context.Context, hash, password string) (bool, bool, error) {
	unknown := hash == ""
	if unknown {
		hash = h.dummy
	}
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	h.release()
	ok := subtle.ConstantTimeCompare(got, key) == 1 && !unknown
	return ok, ok && p != h.params, nil
}

func decode(hash string) (Params, []byte, []byte, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Params{}, nil, nil, errFormat
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errFormat
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, errFormat
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return Params{}, nil, nil, errFormat
	}
	return p, salt, key, nil
}

package password_test

import (
	"context"
	"strings"
	"testing"

	"workshop/tenants/password"
)

var fast = password.Params{Memory: 1024, Time: 1, Threads: 1}

func TestHashFormat(t *testing.T) {
	h, err := password.New(password.Default, 1).Hash(context.Background(), "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || len(strings.Split(h, "$")) != 6 {
		t.Fatalf("hash %q is not PHC argon2id with the OWASP baseline", h)
	}
	h2, _ := password.New(password.Default, 1).Hash(context.Background(), "correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	hs := password.New(fast, 2)
	cases := []string{"short pw", strings.Repeat("ß", 64), strings.Repeat("🙂", 128), strings.Repeat("a", 256), "  spaces matter  "}
	for _, pw := range cases {
		h, err := hs.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok, rehash, err := hs.Verify(ctx, h, pw); !ok || rehash || err != nil {
			t.Fatalf("%q: ok=%v rehash=%v err=%v", pw, ok, rehash, err)
		}
		// Neither truncated nor normalised: a one-character change fails.
		r := []rune(pw)
		for _, wrong := range []string{string(r[:len(r)-1]), pw + "x", strings.TrimSpace(pw)} {
			if wrong == pw {
				continue
			}
			if ok, _, _ := hs.Verify(ctx, h, wrong); ok {
				t.Fatalf("%q verified against the hash of %q", wrong, pw)
			}
		}
	}
}

func TestUnknownAccountsNeverMatch(t *testing.T) {
	hs := password.New(fast, 1)
	for _, pw := range []string{"", "dummy password for unknown accounts", "anything"} {
		if ok, _, err := hs.Verify(context.Background(), "", pw); ok || err != nil {
			t.Fatalf("the empty hash matched %q (err %v)", pw, err)
		}
	}
	if _, _, err := hs.Verify(context.Background(), "$2a$10$bcrypt-looking", "x"); err == nil {
		t.Fatal("a foreign hash format verified without error")
	}
}

func TestRehashWhenParametersChange(t *testing.T) {
	ctx := context.Background()
	old := password.New(password.Params{Memory: 512, Time: 1, Threads: 1}, 1)
	h, err := old.Hash(ctx, "long enough password")
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := password.New(fast, 1).Verify(ctx, h, "long enough password")
	if !ok || !rehash || err != nil {
		t.Fatalf("old parameters: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if _, rehash, _ := password.New(fast, 1).Verify(ctx, h, "wrong"); rehash {
		t.Fatal("a failed verification asks for a rehash")
	}
}

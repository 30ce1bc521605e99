package tenants_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing"
)

// listedPackage is the part of `go list -json` this test reads.
type listedPackage struct {
	ImportPath string
	Name       string
	Imports    []string
	Deps       []string // transitive, without test-only imports
}

// goList lists every package of the module with its imports.
func goList(t *testing.T) map[string]listedPackage {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to check import directions: %v", err)
	}
	root, err := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "list", "-e", "-json=ImportPath,Name,Imports,Deps", "./...")
	cmd.Dir = strings.TrimSpace(string(root))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	if _, ok := pkgs["workshop/tenants"]; !ok {
		t.Fatalf("go list did not list workshop/tenants: %v", keys(pkgs))
	}
	return pkgs
}

func keys(m map[string]listedPackage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// standard reports whether an import path belongs to the standard library: its first element has
// no dot and it is not one of this module's packages.
func standard(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".") && first != "workshop"
}

func under(p, prefix string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }

// TestDependencyDirection keeps the architecture of DESIGN.md §3 and STYLE.md true: imports point
// inward to tenants, which needs only the standard library, and sibling adapters do not know each
// other.
func TestDependencyDirection(t *testing.T) {
	pkgs := goList(t)
	forbid := func(pkg string, deps []string, bad func(dep string) bool, why string) {
		t.Helper()
		for _, d := range deps {
			if bad(d) {
				t.Errorf("%s depends on %s: %s", pkg, d, why)
			}
		}
	}
	for _, p := range pkgs {
		switch {
		case p.ImportPath == "workshop/tenants":
			forbid(p.ImportPath, p.Deps, func(d string) bool { return !standard(d) }, "the domain imports only the standard library")
		case under(p.ImportPath, "workshop/server") && p.ImportPath != "workshop/server/servertest":
			forbid(p.ImportPath, p.Deps, func(d string) bool {
				return under(d, "workshop/tenants/sqlstore") || under(d, "workshop/realtime/redisbroker") ||
					under(d, "github.com/jmoiron/sqlx") || under(d, "github.com/mattn/go-sqlite3") || under(d, "github.com/redis/go-redis")
			}, "the HTTP layer talks to storage and Redis only through tenants and realtime interfaces")
		case under(p.ImportPath, "workshop/tenants/sqlstore"):
			forbid(p.ImportPath, p.Deps, func(d string) bool {
				return under(d, "workshop/realtime") || under(d, "workshop/server") || under(d, "github.com/gin-gonic/gin")
			}, "storage knows nothing of delivery or HTTP")
		case under(p.ImportPath, "workshop/realtime"):
			forbid(p.ImportPath, p.Deps, func(d string) bool {
				return under(d, "github.com/gin-gonic/gin") || under(d, "workshop/server") || under(d, "workshop/tenants/sqlstore")
			}, "the real-time layer does not know gin, the server or the store")
		}
		if under(p.ImportPath, "workshop/tenants") || under(p.ImportPath, "workshop/migrations") || under(p.ImportPath, "workshop/seeds") {
			forbid(p.ImportPath, p.Deps, func(d string) bool {
				return under(d, "github.com/gin-gonic/gin") || under(d, "workshop/server") || under(d, "workshop/web")
			}, "inner packages do not know the HTTP layer")
		}
		// Only the binary (and the test harness that builds the whole app) knows the concrete
		// adapters.
		if p.Name != "main" && p.ImportPath != "workshop/server/servertest" {
			for _, adapter := range []string{"workshop/tenants/sqlstore", "workshop/realtime/redisbroker"} {
				if p.ImportPath != adapter && !under(p.ImportPath, adapter) && contains(p.Imports, adapter) {
					t.Errorf("%s imports the adapter %s; only cmd/workshop wires adapters", p.ImportPath, adapter)
				}
			}
		}
		name := p.Name
		if name == "" {
			name = path.Base(p.ImportPath)
		}
		switch name {
		case "utils", "util", "common", "models", "model", "helpers", "helper", "misc", "shared":
			t.Errorf("package %s is named %q; name packages by what they provide", p.ImportPath, name)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

package sqlstore

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// queryArg maps the functions and methods that take SQL to the position of their query argument.
var queryArg = map[string]int{
	"exec": 0, "get": 2, "selectRows": 1, // this package's helpers
	"Exec": 0, "ExecContext": 1, "Query": 0, "QueryContext": 1, "Queryx": 0, "QueryRow": 0, "QueryRowx": 0,
	"Get": 1, "GetContext": 2, "Select": 1, "SelectContext": 2, "MustExec": 0, "NamedExec": 0, "In": 0, "Rebind": 0,
	"Prepare": 0, "Preparex": 0, "PrepareContext": 1,
}

// TestSQLIsBuiltFromConstants walks the store's source and checks that every query handed to the
// database is made of constant strings (literals and package constants, joined with +), or of local
// variables only ever assigned such strings. User input can then reach SQL only as a bound ? value,
// never as text: no fmt.Sprintf, no concatenated values.
func TestSQLIsBuiltFromConstants(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var parsed []*ast.File
	consts := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, spec := range g.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						consts[n.Name] = true
					}
				}
			}
		}
	}
	if len(parsed) == 0 {
		t.Fatal("no source files found")
	}
	checked := 0
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			safe := safeLocals(fn, consts)
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pos, ok := queryArg[sel.Sel.Name]
				if !ok || pos >= len(call.Args) {
					return true
				}
				arg := call.Args[pos]
				// Rebind(query) wraps the query; look inside it.
				if inner, ok := arg.(*ast.CallExpr); ok {
					if s, ok := inner.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "Rebind" && len(inner.Args) == 1 {
						arg = inner.Args[0]
					}
				}
				checked++
				if !constantSQL(arg, consts, safe) {
					t.Errorf("%s: %s in %s takes a query that is not built from constants", fset.Position(call.Pos()), sel.Sel.Name, fn.Name.Name)
				}
				return true
			})
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && isIdent(sel.X, "fmt") && strings.HasPrefix(sel.Sel.Name, "Sprint") && len(call.Args) > 0 {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok && looksLikeSQL(lit.Value) {
						t.Errorf("%s: fmt.%s formats SQL", fset.Position(call.Pos()), sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
	if checked < 40 {
		t.Fatalf("only %d queries found; the walker is missing calls", checked)
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func looksLikeSQL(s string) bool {
	u := strings.ToUpper(s)
	for _, kw := range []string{"SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE "} {
		if strings.Contains(u, kw) {
			return true
		}
	}
	return false
}

// constantSQL reports whether e is a string built only from literals, package constants, safe
// locals and the function's own query parameter (the helpers that forward a caller's query).
func constantSQL(e ast.Expr, consts, safe map[string]bool) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return x.Kind == token.STRING
	case *ast.Ident:
		return consts[x.Name] || safe[x.Name] || x.Name == "query"
	case *ast.BinaryExpr:
		return x.Op == token.ADD && constantSQL(x.X, consts, safe) && constantSQL(x.Y, consts, safe)
	case *ast.ParenExpr:
		return constantSQL(x.X, consts, safe)
	}
	return false
}

// safeLocals returns the local variables of fn that are only ever assigned constant SQL (or the
// query that sqlx.In returns for a constant query).
func safeLocals(fn *ast.FuncDecl, consts map[string]bool) map[string]bool {
	type assign struct{ rhs ast.Expr }
	assigns := map[string][]assign{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				continue
			}
			var rhs ast.Expr
			switch {
			case len(as.Rhs) == len(as.Lhs):
				rhs = as.Rhs[i]
			case len(as.Rhs) == 1 && i == 0:
				rhs = as.Rhs[0] // q, args, err := sqlx.In(...): the first result is the query
			default:
				rhs = &ast.BadExpr{}
			}
			assigns[id.Name] = append(assigns[id.Name], assign{rhs})
		}
		return true
	})
	safe := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for name, as := range assigns {
			if safe[name] {
				continue
			}
			ok := true
			for _, a := range as {
				rhs := a.rhs
				if call, isCall := rhs.(*ast.CallExpr); isCall {
					if sel, isSel := call.Fun.(*ast.SelectorExpr); isSel && isIdent(sel.X, "sqlx") && sel.Sel.Name == "In" && len(call.Args) > 0 {
						rhs = call.Args[0]
					}
				}
				probe := map[string]bool{}
				for k, v := range safe {
					probe[k] = v
				}
				probe[name] = true // q += "..." refers to itself
				if !constantSQL(rhs, consts, probe) {
					ok = false
					break
				}
			}
			if ok {
				safe[name] = true
				changed = true
			}
		}
	}
	return safe
}

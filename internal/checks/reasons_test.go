package checks

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestKindsDeclareReasons holds every registered kind to its contract: it lists
// the reasons it fails with, each once, none of them the runner's own.
func TestKindsDeclareReasons(t *testing.T) {
	for _, k := range Kinds() {
		if len(k.Reasons) == 0 {
			t.Errorf("kind %s declares no failure reasons: list them in its Kind's Reasons so hint_for keys can be checked", k.Name)
		}
		seen := map[Reason]bool{}
		for _, r := range k.Reasons {
			if seen[r] {
				t.Errorf("kind %s lists reason %q twice", k.Name, r)
			}
			seen[r] = true
			if r == ReasonTimeout {
				t.Errorf("kind %s lists %q, which the runner adds to every kind", k.Name, r)
			}
		}
		if !k.HasReason(string(ReasonTimeout)) || !slices.Contains(k.ReasonNames(), string(ReasonTimeout)) {
			t.Errorf("kind %s: timeout is not among its reasons", k.Name)
		}
	}
}

// TestReasonsAreDeclaredConstants reads the package's source: a failure names
// its reason through a declared Reason constant (or a value computed from
// one), never a string written at the call, and every declared constant is
// listed by some kind. A reason typed only at its call site would escape the
// hint_for check at load time.
func TestReasonsAreDeclaredConstants(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "Failf" && len(n.Args) > 0 {
					if _, lit := n.Args[0].(*ast.BasicLit); lit {
						t.Errorf("%s: Failf with a literal reason; declare it as a Reason constant of the kind", fset.Position(n.Pos()))
					}
				}
			case *ast.AssignStmt:
				if sel, ok := n.Lhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "Reason" {
					if _, lit := n.Rhs[0].(*ast.BasicLit); lit {
						t.Errorf("%s: Reason set to a literal; use a Reason constant", fset.Position(n.Pos()))
					}
				}
			case *ast.ValueSpec:
				if typ, ok := n.Type.(*ast.Ident); ok && typ.Name == "Reason" {
					for i, v := range n.Values {
						if lit, ok := v.(*ast.BasicLit); ok {
							s, _ := strconv.Unquote(lit.Value)
							declared[n.Names[i].Name] = s
						}
					}
				}
			}
			return true
		})
	}
	if len(declared) < 20 {
		t.Fatalf("found only %d Reason constants; the source scan is broken", len(declared))
	}
	for name, value := range declared {
		if Reason(value) == ReasonTimeout {
			continue
		}
		used := slices.ContainsFunc(Kinds(), func(k Kind) bool { return slices.Contains(k.Reasons, Reason(value)) })
		if !used {
			t.Errorf("%s (%q) is declared but no kind lists it in its Reasons", name, value)
		}
	}
}

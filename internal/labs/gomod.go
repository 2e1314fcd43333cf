package labs

import (
	"path/filepath"
	"strings"
)

// ShippedGoMod is the name a lab pack gives the go.mod of its app. A folder
// holding a file named go.mod is a module of its own, and go:embed leaves
// such a folder out of the binary without a word, so the file travels under
// this name and is written as go.mod into the workspace.
const ShippedGoMod = "_go.mod"

// WorkspaceName is the name a file of a lab's starter/ or solution/ folder
// gets in the workspace. Go files travel with a leading underscore too
// (_main.go): the go tool skips such files, so the lab apps shipped inside
// devopsctl's own source tree are never compiled as part of devopsctl, and the
// learner gets main.go.
func WorkspaceName(rel string) string {
	dir, base := filepath.Split(rel)
	switch {
	case base == ShippedGoMod:
		return dir + "go.mod"
	case strings.HasPrefix(base, "_") && strings.HasSuffix(base, ".go") && len(base) > len("_.go"):
		return dir + base[1:]
	}
	return rel
}

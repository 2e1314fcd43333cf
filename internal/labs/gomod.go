package labs

import "path/filepath"

// ShippedGoMod is the name a lab pack gives the go.mod of its app. A folder
// holding a file named go.mod is a module of its own, and go:embed leaves
// such a folder out of the binary without a word, so the file travels under
// this name and is written as go.mod into the workspace.
const ShippedGoMod = "_go.mod"

// WorkspaceName is the name a file of a lab's starter/ or solution/ folder
// gets in the workspace.
func WorkspaceName(rel string) string {
	dir, base := filepath.Split(rel)
	if base == ShippedGoMod {
		return dir + "go.mod"
	}
	return rel
}

// Package labtest starts shipped labs in fresh workspaces for tests, kept apart
// from testenv so that packages labs imports can still use testenv.
package labtest

import (
	"path/filepath"
	"testing"

	"github.com/devopsctl/devopsctl/internal/labs"
)

// ShippedLab returns one of the labs that ship with devopsctl.
func ShippedLab(t testing.TB, id string) *labs.Lab {
	t.Helper()
	cat, err := labs.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	lab, err := cat.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

// Workspace starts lab in a fresh folder, as `lab start` does, and with solved
// copies the lab's solution over the starter files.
func Workspace(t testing.TB, lab *labs.Lab, solved bool) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ws")
	if _, err := labs.Scaffold(lab, dir, false); err != nil {
		t.Fatal(err)
	}
	if solved {
		if err := labs.CopyTree(lab.FS, "solution", dir); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

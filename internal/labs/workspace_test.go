package labs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func testLab(t *testing.T) *Lab {
	t.Helper()
	spec, err := ParseSpec("lab.yaml", []byte("id: demo\ntitle: Demo\nchecks:\n  - id: has-a\n    kind: file_exists\n    hints: [first, second]\n    hint_for: {missing: make a}\n    with: {path: a.txt}\n  - id: has-b\n    kind: file_exists\n    needs: [has-a]\n    hints: [third]\n    with: {path: b.txt}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return &Lab{Spec: spec, FS: fstest.MapFS{
		"README.md":         {Data: []byte("# Demo")},
		"starter/main.go":   {Data: []byte("package main\n")},
		"starter/sub/x.txt": {Data: []byte("x")},
		"solution/a.txt":    {Data: []byte("a")},
		"solution/b.txt":    {Data: []byte("b")},
	}}
}

func TestScaffoldAndFind(t *testing.T) {
	lab := testLab(t)
	dir := filepath.Join(t.TempDir(), "ws")
	if _, err := Scaffold(lab, dir, false); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"main.go", "sub/x.txt", MarkerPath} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("scaffold did not write %s: %v", f, err)
		}
	}
	if _, err := Scaffold(lab, dir, false); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second scaffold: %v, want ErrNotEmpty", err)
	}
	ws, err := FindWorkspace(filepath.Join(dir, "sub"))
	if err != nil || ws.Marker.Lab != "demo" || ws.Dir != dir {
		t.Fatalf("FindWorkspace from a subfolder = %+v, %v", ws, err)
	}
	if _, err := FindWorkspace(t.TempDir()); !errors.Is(err, ErrNoWorkspace) {
		t.Errorf("FindWorkspace(empty) = %v, want ErrNoWorkspace", err)
	}
}

func TestResetBacksUpChangedFiles(t *testing.T) {
	lab := testLab(t)
	dir := t.TempDir()
	if _, err := Scaffold(lab, dir, false); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main // mine\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("mine"), 0o644)
	backup, err := Reset(lab, dir)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "main.go"))
	if string(got) != "package main\n" {
		t.Errorf("main.go not reset: %q", got)
	}
	saved, err := os.ReadFile(filepath.Join(backup, "main.go"))
	if err != nil || !strings.Contains(string(saved), "mine") {
		t.Errorf("the learner's main.go was not backed up: %q, %v", saved, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "extra.txt")); err != nil {
		t.Error("reset removed a file the learner added")
	}
}

func TestDamagedMarker(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".devopsctl"), 0o755)
	os.WriteFile(filepath.Join(dir, MarkerPath), []byte("{nope"), 0o644)
	_, err := FindWorkspace(dir)
	if err == nil || errors.Is(err, ErrNoWorkspace) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged marker: %v", err)
	}
}

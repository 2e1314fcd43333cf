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

// outsideFile is a file of the learner's outside the workspace that nothing
// may write or read through a link.
func outsideFile(t *testing.T) (path string, check func()) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "private.txt")
	if err := os.WriteFile(path, []byte("keep me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, func() {
		t.Helper()
		if got, err := os.ReadFile(path); err != nil || string(got) != "keep me\n" {
			t.Errorf("the file outside the workspace was changed: %q, %v", got, err)
		}
	}
}

func TestStarterFilesNeverGoThroughALink(t *testing.T) {
	for _, how := range []string{"start --force", "reset"} {
		t.Run(how, func(t *testing.T) {
			lab := testLab(t)
			dir := filepath.Join(t.TempDir(), "ws")
			if _, err := Scaffold(lab, dir, false); err != nil {
				t.Fatal(err)
			}
			private, unchanged := outsideFile(t)
			outDir := t.TempDir()
			os.Remove(filepath.Join(dir, "main.go"))
			os.Symlink(private, filepath.Join(dir, "main.go"))
			os.RemoveAll(filepath.Join(dir, "sub"))
			os.Symlink(outDir, filepath.Join(dir, "sub"))

			var backup string
			var err error
			if how == "reset" {
				backup, err = Reset(lab, dir)
			} else {
				var ws *Workspace
				ws, err = Scaffold(lab, dir, true)
				if ws != nil {
					backup = ws.Backup
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			unchanged()
			if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
				t.Errorf("a file was written into the folder a link pointed to: %v", entries)
			}
			for rel, want := range map[string]string{"main.go": "package main\n", "sub/x.txt": "x"} {
				info, err := os.Lstat(filepath.Join(dir, rel))
				got, _ := os.ReadFile(filepath.Join(dir, rel))
				if err != nil || !info.Mode().IsRegular() || string(got) != want {
					t.Errorf("%s is not the starter file again: %v %q", rel, err, got)
				}
			}
			// The links themselves are kept in the backup, still links.
			for _, rel := range []string{"main.go", "sub"} {
				info, err := os.Lstat(filepath.Join(backup, rel))
				if err != nil || info.Mode()&os.ModeSymlink == 0 {
					t.Errorf("the learner's link %s is not in the backup %s: %v", rel, backup, err)
				}
			}
		})
	}
}

func TestStartForceBacksUpEditedFiles(t *testing.T) {
	lab := testLab(t)
	dir := filepath.Join(t.TempDir(), "ws")
	first, err := Scaffold(lab, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main // mine\n"), 0o644)
	ws, err := Scaffold(lab, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if saved, err := os.ReadFile(filepath.Join(ws.Backup, "main.go")); err != nil || !strings.Contains(string(saved), "mine") {
		t.Errorf("start --force did not keep the edited main.go: %q, %v", saved, err)
	}
	if _, err := os.Stat(filepath.Join(ws.Backup, "sub", "x.txt")); err == nil {
		t.Error("an unchanged starter file was backed up")
	}
	if ws.Marker.ID != first.Marker.ID {
		t.Errorf("starting the same lab again changed the workspace id %q to %q", first.Marker.ID, ws.Marker.ID)
	}
	// A second reset within the same second gets a backup folder of its own.
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main // again\n"), 0o644)
	again, err := Reset(lab, dir)
	if err != nil || again == "" || again == ws.Backup {
		t.Fatalf("second backup %q (%v), first %q", again, err, ws.Backup)
	}
	if saved, _ := os.ReadFile(filepath.Join(ws.Backup, "main.go")); !strings.Contains(string(saved), "mine") {
		t.Errorf("the first backup was overwritten: %q", saved)
	}
}

func TestLinkedDevopsctlFolderIsRefused(t *testing.T) {
	lab := testLab(t)
	dir := t.TempDir()
	outDir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("mine"), 0o644)
	os.Symlink(outDir, filepath.Join(dir, ".devopsctl"))
	if _, err := Scaffold(lab, dir, true); !errors.Is(err, ErrLinkOut) {
		t.Fatalf("start --force over a .devopsctl link out of the workspace: %v, want ErrLinkOut", err)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("files were written outside the workspace: %v", entries)
	}
}

func TestLinkedMarkerIsNotRead(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(t.TempDir(), "lab.json")
	os.WriteFile(private, []byte(`{"lab": "secret-lab"}`), 0o600)
	os.Mkdir(filepath.Join(dir, ".devopsctl"), 0o755)
	os.Symlink(private, filepath.Join(dir, MarkerPath))
	ws, err := OpenWorkspace(dir)
	if err == nil || strings.Contains(err.Error(), "secret-lab") {
		t.Fatalf("a marker linked out of the workspace was read: %+v, %v", ws, err)
	}
	if !strings.Contains(err.Error(), "inside the workspace") {
		t.Errorf("the error %q does not say the marker must be inside the workspace", err)
	}
}

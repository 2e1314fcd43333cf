package labs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const packSpec = "id: demo\ntitle: Demo\nchecks:\n  - id: has-a\n    kind: file_exists\n    with: {path: a.txt}\n"

// writePack makes a pack with one lab, demo, and returns the pack folder.
func writePack(t *testing.T) string {
	t.Helper()
	pack := t.TempDir()
	for name, body := range map[string]string{
		"demo/lab.yaml":        packSpec,
		"demo/README.md":       "# Demo\n",
		"demo/starter/main.go": "package main\n",
		"demo/solution/a.txt":  "a",
	} {
		p := filepath.Join(pack, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pack
}

// sparse makes a file of size bytes that takes no room on disk.
func sparse(t *testing.T, p string, size int64) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func TestPackLinksOutOfThePackAreRefused(t *testing.T) {
	private := filepath.Join(t.TempDir(), "id_rsa")
	os.WriteFile(private, []byte("PRIVATE KEY"), 0o600)
	outDir := t.TempDir()
	os.WriteFile(filepath.Join(outDir, "lab.yaml"), []byte(packSpec), 0o644)
	tests := []struct {
		link, target, want string
	}{
		{"demo/starter/id_rsa", private, "demo/starter/id_rsa: is a symlink that leads outside the lab pack"},
		{"demo/solution/a.txt", private, "demo/solution/a.txt: is a symlink that leads outside the lab pack"},
		{"demo/README.md", private, "demo/README.md: is a symlink that leads outside the lab pack"},
		{"demo/starter/conf", outDir, "demo/starter/conf: is a symlink that leads outside the lab pack"},
		{"other", outDir, "other: is a symlink that leads outside the lab pack"},
		{"demo/starter/gone", "no-such-file", "demo/starter/gone: is a symlink to nothing"},
		{"demo/starter/dir", ".", "demo/starter/dir: is a symlink to a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.link, func(t *testing.T) {
			pack := writePack(t)
			os.Remove(filepath.Join(pack, tt.link))
			if err := os.Symlink(tt.target, filepath.Join(pack, tt.link)); err != nil {
				t.Fatal(err)
			}
			_, err := LoadCatalog(pack)
			var se *SpecError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), filepath.Join(pack, tt.want)) {
				t.Fatalf("err = %v, want a *SpecError %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "PRIVATE") {
				t.Errorf("the message shows the link's target: %v", err)
			}
		})
	}
}

func TestPackLinksInsideThePackAreCopiedAsFiles(t *testing.T) {
	pack := writePack(t)
	os.WriteFile(filepath.Join(pack, "shared.txt"), []byte("shared"), 0o644)
	os.Symlink(filepath.Join("..", "..", "shared.txt"), filepath.Join(pack, "demo", "starter", "shared.txt"))
	cat, err := LoadCatalog(pack)
	if err != nil {
		t.Fatal(err)
	}
	lab, _ := cat.Get("demo")
	dir := filepath.Join(t.TempDir(), "ws")
	if _, err := Scaffold(lab, dir, false); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(filepath.Join(dir, "shared.txt"))
	got, _ := os.ReadFile(filepath.Join(dir, "shared.txt"))
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o644 || string(got) != "shared" {
		t.Errorf("shared.txt in the workspace: %v %v %q, want a 0644 copy", info.Mode(), err, got)
	}
}

func TestPackFileCaps(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]int64
		want  string
	}{
		{"lab.yaml", map[string]int64{"demo/lab.yaml": MaxSpecBytes + 1}, "demo/lab.yaml: is 1.0 MiB, over the cap of 1.0 MiB for lab.yaml"},
		{"README", map[string]int64{"demo/README.md": 200 << 20}, "demo/README.md: is 200.0 MiB, over the cap of 1.0 MiB for README.md"},
		{"starter file", map[string]int64{"demo/starter/data.bin": MaxFileBytes + 1}, "demo/starter/data.bin: is 10.0 MiB, over the cap of 10.0 MiB for a lab file"},
		{"whole lab", map[string]int64{
			"demo/starter/1.bin": 9 << 20, "demo/starter/2.bin": 9 << 20, "demo/starter/3.bin": 9 << 20,
			"demo/solution/4.bin": 9 << 20, "demo/solution/5.bin": 9 << 20, "demo/solution/6.bin": 9 << 20,
		}, "demo: the lab's files add up to over 50.0 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pack := writePack(t)
			for name, size := range tt.files {
				sparse(t, filepath.Join(pack, name), size)
			}
			_, err := LoadCatalog(pack)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(pack, tt.want)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestReadmeIsCappedWhenRead(t *testing.T) {
	pack := writePack(t)
	cat, err := LoadCatalog(pack)
	if err != nil {
		t.Fatal(err)
	}
	lab, _ := cat.Get("demo")
	// The README grows after the catalog was loaded.
	sparse(t, filepath.Join(pack, "demo", "README.md"), MaxReadmeBytes+1)
	if _, err := lab.README(); !errors.Is(err, errTooBig) {
		t.Errorf("README() = %v, want it refused as over its cap", err)
	}
}

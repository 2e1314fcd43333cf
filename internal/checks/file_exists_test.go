package checks

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// params parses a `with:` block as lab.yaml would hold it.
func withNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("bad test params %q: %v", src, err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

func runKindAt(t *testing.T, k Kind, with, dir string) Result {
	t.Helper()
	c, err := k.New(withNode(t, with))
	if err != nil {
		t.Fatalf("%s.New(%q): %v", k.Name, with, err)
	}
	return c.Run(context.Background(), &Env{Dir: dir, Progress: io.Discard})
}

// caseInsensitiveFS reports a filesystem (macOS, Windows) where "dockerfile"
// answers to "Dockerfile", so that a case near miss cannot exist.
func caseInsensitiveFS(t *testing.T) bool {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "probe"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := os.Stat(filepath.Join(dir, "PROBE"))
	return err == nil
}

func TestFileExists(t *testing.T) {
	tests := []struct {
		name      string
		workspace string
		with      string
		status    Status
		reason    string
		message   []string
		hint      string
	}{
		{"present", "present", "path: Dockerfile", Pass, "", []string{"Dockerfile exists"}, ""},
		{"present and non-empty", "present", "{path: Dockerfile, non_empty: true}", Pass, "", []string{"Dockerfile exists"}, ""},
		{"nested", "nested", "path: web/Dockerfile", Pass, "", []string{"web/Dockerfile exists"}, ""},
		{"empty allowed", "empty", "path: Dockerfile", Pass, "", []string{"Dockerfile exists (0 bytes)"}, ""},
		{"empty refused", "empty", "{path: Dockerfile, non_empty: true}", Fail, "empty", []string{"Dockerfile exists but is empty"}, "save"},
		{"missing", "missing", "path: Dockerfile", Fail, "missing", []string{"Dockerfile not found in the workspace"}, "create the file Dockerfile"},
		{"missing directory", "missing", "path: web/Dockerfile", Fail, "missing", []string{"web/Dockerfile not found", "directory web does not exist"}, "create the directory web"},
		{"extension", "ext", "path: Dockerfile", Fail, "near-miss", []string{`found "Dockerfile.txt" — the file must be named exactly "Dockerfile", with no extension (rename it: mv Dockerfile.txt Dockerfile)`}, "extensions"},
		{"second extension", "double-ext", "path: Dockerfile", Fail, "near-miss", []string{`found "Dockerfile.dockerfile"`, "mv Dockerfile.dockerfile Dockerfile"}, "extensions"},
		{"typo", "typo", "path: Dockerfile", Fail, "near-miss", []string{`found "Dockerfle"`, "mv Dockerfle Dockerfile"}, "letter by letter"},
		{"directory", "dir", "path: Dockerfile", Fail, "is-directory", []string{"Dockerfile is a directory, not a file"}, "remove or rename"},
		{"case", "case", "path: Dockerfile", Fail, "near-miss", []string{`found "dockerfile"`, "capitalisation", "mv dockerfile Dockerfile"}, "case-sensitive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.workspace == "case" && caseInsensitiveFS(t) {
				t.Skip("the filesystem ignores case")
			}
			r := runKindAt(t, fileExistsKind, tt.with, filepath.Join("testdata", "file_exists", tt.workspace))
			if r.Status != tt.status || r.Reason != tt.reason {
				t.Fatalf("got %s/%q (%s), want %s/%q", r.Status, r.Reason, r.Message, tt.status, tt.reason)
			}
			for _, m := range tt.message {
				if !strings.Contains(r.Message, m) {
					t.Errorf("message %q does not contain %q", r.Message, m)
				}
			}
			if !strings.Contains(r.Hint, tt.hint) {
				t.Errorf("hint %q does not contain %q", r.Hint, tt.hint)
			}
		})
	}
}

func TestFileExistsListsTheWorkspaceWhenNothingIsClose(t *testing.T) {
	r := runKindAt(t, fileExistsKind, "path: Dockerfile", filepath.Join("testdata", "file_exists", "missing"))
	if len(r.Evidence) != 1 || r.Evidence[0] != "the workspace contains: app.py, requirements.txt" {
		t.Errorf("evidence = %q", r.Evidence)
	}
}

func TestFileExistsNearMissesInTempDir(t *testing.T) {
	tests := []struct {
		file, want, message string
	}{
		{"Dockerfile ", "Dockerfile", `without spaces around it (rename it: mv 'Dockerfile ' Dockerfile)`},
		{"app", "app.py", `found "app" — the file must be named exactly "app.py", with the .py extension (rename it: mv app app.py)`},
		{"app.py.txt", "app.py", `ending in .py and nothing after it (rename it: mv app.py.txt app.py)`},
		{"requirement.txt", "requirements.txt", `found "requirement.txt"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			r := runKindAt(t, fileExistsKind, "path: "+tt.want, dir)
			if r.Status != Fail || r.Reason != "near-miss" || !strings.Contains(r.Message, tt.message) {
				t.Errorf("got %s/%q %q, want near-miss containing %q", r.Status, r.Reason, r.Message, tt.message)
			}
		})
	}
}

func TestFileExistsIgnoresDistantNames(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"api", "Makefile", "compose.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"app", "Dockerfile"} {
		if r := runKindAt(t, fileExistsKind, "path: "+want, dir); r.Reason != "missing" {
			t.Errorf("%s: got %s %q, want plain missing", want, r.Reason, r.Message)
		}
	}
}

func TestFileExistsParams(t *testing.T) {
	tests := []struct{ with, err string }{
		{"", "path is required"},
		{"non_empty: true", "path is required"},
		{"path: ../secrets", "outside the workspace"},
		{"path: web/../../x", "outside the workspace"},
		{"path: /etc/passwd", "relative to the workspace"},
		{"path: .", "workspace itself"},
		{"{path: Dockerfile, nonempty: true}", "nonempty"},
	}
	for _, tt := range tests {
		t.Run(tt.with, func(t *testing.T) {
			_, err := fileExistsKind.New(withNode(t, tt.with))
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "file_exists: ") {
				t.Errorf("New(%q) error = %v, want one containing %q", tt.with, err, tt.err)
			}
		})
	}
	if fileExistsKind.NeedsEngine {
		t.Error("file_exists must run without an engine")
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"dockerfile", "dockerfle", 1}, {"dockerfile", "dockerfiel", 2}, {"", "abc", 3}, {"same", "same", 0}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

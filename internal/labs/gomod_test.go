package labs

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// go:embed leaves out, without a word, any folder holding a go.mod: a lab
// whose app shipped one would arrive without its starter files.
func TestNoGoModInLabContent(t *testing.T) {
	err := filepath.WalkDir(filepath.Join("..", "..", "labs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "go.mod" {
			t.Errorf("%s: name it %s; the workspace gets it as go.mod", p, ShippedGoMod)
		}
		// A Go file without its underscore would be compiled as a package of
		// devopsctl itself (go vet ./..., go test ./...).
		if err == nil && strings.HasSuffix(d.Name(), ".go") && !strings.HasPrefix(d.Name(), "_") && filepath.Base(filepath.Dir(p)) != "labs" {
			t.Errorf("%s: name it _%s; the workspace gets it as %s", p, d.Name(), d.Name())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every shipped lab with a Go app gives it a module of its own, with no
// requirements (images build offline) and the Go line of the base image.
func TestShippedAppsAreModules(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	apps := 0
	for _, lab := range cat.Labs() {
		goFiles, _ := fs.Glob(lab.FS, "starter/_*.go")
		if len(goFiles) == 0 {
			continue
		}
		apps++
		t.Run(lab.ID, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ws")
			if _, err := Scaffold(lab, dir, false); err != nil {
				t.Fatal(err)
			}
			mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			if err != nil {
				t.Fatalf("the workspace has no go.mod: %v", err)
			}
			for _, shipped := range append(goFiles, "starter/"+ShippedGoMod) {
				if _, err := os.Stat(filepath.Join(dir, filepath.Base(shipped))); err == nil {
					t.Errorf("%s was copied under its shipped name", shipped)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
				t.Errorf("the workspace has no main.go: %v", err)
			}
			text := string(mod)
			if !strings.Contains(text, "\nmodule ") || !strings.Contains(text, "\ngo 1.26\n") || strings.Contains(text, "require") {
				t.Errorf("go.mod should name a module, say go 1.26 and require nothing:\n%s", text)
			}
		})
	}
	if apps == 0 {
		t.Fatal("no shipped lab has a Go app; the test proves nothing")
	}
}

// A workspace started inside another Go module (the README's first command,
// run from this repository) is not a package of that module, and its app
// still builds on its own without a network.
func TestWorkspaceStaysOutOfTheEnclosingModule(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	lab, err := cat.Get("dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	outer := t.TempDir()
	writeFile(t, filepath.Join(outer, "go.mod"), "module example.com/outer\n\ngo 1.26\n")
	writeFile(t, filepath.Join(outer, "main.go"), "package main\n\nfunc main() {}\n")
	ws := filepath.Join(outer, "dockerfile")
	if _, err := Scaffold(lab, ws, false); err != nil {
		t.Fatal(err)
	}
	goCmd := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=", "GOTOOLCHAIN=local", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
		return string(out)
	}
	if pkgs := goCmd(outer, "list", "./..."); strings.TrimSpace(pkgs) != "example.com/outer" {
		t.Errorf("go list ./... in the enclosing module = %q, want only example.com/outer", pkgs)
	}
	goCmd(ws, "build", "-o", filepath.Join(t.TempDir(), "greeter"), ".")
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWorkspaceName(t *testing.T) {
	for shipped, want := range map[string]string{
		"_go.mod":         "go.mod",
		"_main.go":        "main.go",
		"cmd/_server.go":  filepath.Join("cmd", "server.go"),
		"main.go":         "main.go",
		"_.go":            "_.go",
		"_notes.txt":      "_notes.txt",
		"Dockerfile":      "Dockerfile",
		"sub/_go.mod":     filepath.Join("sub", "go.mod"),
		"_main_test.go":   "main_test.go",
		"greeter.env":     "greeter.env",
		".dockerignore":   ".dockerignore",
		"static/_app.css": filepath.Join("static", "_app.css"),
	} {
		if got := WorkspaceName(filepath.FromSlash(shipped)); got != want {
			t.Errorf("WorkspaceName(%q) = %q, want %q", shipped, got, want)
		}
	}
}

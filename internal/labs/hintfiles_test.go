package labs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/labs"
)

// fileName matches what a hint or a starter comment names as a file: a word
// with an extension, or a Dockerfile.
var fileName = regexp.MustCompile(`(?:^|[\s("'` + "`" + `])((?:\.?[\w-]+/)*(?:\.?[\w-]+\.(?:md|ya?ml|env|go|txt|json|toml)|Dockerfile|\.dockerignore))\b`)

// TestFilesNamedInHintsAreInTheWorkspace proves that every file a lab's hints
// or starter files send the learner to is in a freshly started workspace, or is
// one the learner makes (the solution adds it).
func TestFilesNamedInHintsAreInTheWorkspace(t *testing.T) {
	cat, err := labs.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, lab := range cat.Labs() {
		t.Run(lab.ID, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := labs.Scaffold(lab, dir, false); err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{}
			for _, c := range lab.Checks {
				for i, h := range c.Hints {
					texts[c.ID+" hint "+string(rune('1'+i))] = h
				}
				for reason, h := range c.HintFor {
					texts[c.ID+" hint_for "+reason] = h
				}
			}
			fs.WalkDir(lab.FS, "starter", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					b, _ := fs.ReadFile(lab.FS, p)
					texts[p] = string(b)
				}
				return nil
			})
			// A lab of several services has a folder for each: a file names
			// its neighbours, and a hint may name a file every folder has.
			inAnyFolder := map[string]bool{}
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					inAnyFolder[d.Name()] = true
				}
				return nil
			})
			for where, text := range texts {
				for _, m := range fileName.FindAllStringSubmatch(text, -1) {
					name := m[1]
					if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
						continue
					}
					if rel, ok := strings.CutPrefix(where, "starter/"); ok {
						if _, err := os.Stat(filepath.Join(dir, filepath.Dir(labs.WorkspaceName(rel)), name)); err == nil {
							continue
						}
					} else if !strings.Contains(name, "/") && inAnyFolder[name] {
						continue
					}
					if _, err := fs.Stat(lab.FS, "solution/"+name); err == nil {
						continue
					}
					t.Errorf("%s names %s, which a fresh workspace does not have (%s)", where, name, excerpt(text, name))
				}
			}
		})
	}
}

func excerpt(text, name string) string {
	i := strings.Index(text, name)
	return strings.TrimSpace(text[max(0, i-40):min(len(text), i+len(name)+20)])
}

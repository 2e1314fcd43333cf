package labs_test

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"gopkg.in/yaml.v3"
)

// TestABTestLab proves the ab-test lab can be done and judged: its starter
// leaves the A/B check and the questions failing, its solution passes, and
// each known-wrong variant (the solution with the variant's files over it)
// fails the check its expect.yaml names, for the reason it names.
func TestABTestLab(t *testing.T) {
	lab := labtest.ShippedLab(t, "ab-test")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	starter := (&labs.Runner{Lab: lab, Dir: labtest.Workspace(t, lab, false)}).Run(ctx)
	for _, c := range starter.Checks {
		want := checks.Fail
		if c.ID == "env-file-exists" {
			want = checks.Pass // the starter ships the file, with comments only
		}
		if c.Status != want {
			t.Errorf("starter: %s is %s (%s), want %s", c.ID, c.Status, c.Message, want)
		}
	}

	if solved := (&labs.Runner{Lab: lab, Dir: labtest.Workspace(t, lab, true)}).Run(ctx); !solved.Passed {
		t.Fatalf("solution does not pass: %+v", solved.Checks)
	}

	variants, err := fs.ReadDir(lab.FS, "wrong")
	if err != nil || len(variants) == 0 {
		t.Fatalf("no known-wrong variants: %v", err)
	}
	for _, v := range variants {
		t.Run(v.Name(), func(t *testing.T) {
			dir := labtest.Workspace(t, lab, true)
			var expect struct{ About, Check, Reason string }
			files, _ := fs.ReadDir(lab.FS, path.Join("wrong", v.Name()))
			for _, f := range files {
				data, err := fs.ReadFile(lab.FS, path.Join("wrong", v.Name(), f.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if f.Name() == "expect.yaml" {
					if err := yaml.Unmarshal(data, &expect); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.WriteFile(filepath.Join(dir, f.Name()), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rep := (&labs.Runner{Lab: lab, Dir: dir}).Run(ctx)
			for _, c := range rep.Checks {
				if c.ID == expect.Check {
					if c.Status != checks.Fail || c.Reason != expect.Reason {
						t.Fatalf("%s: %s is %s/%q (%s), want fail/%q", expect.About, c.ID, c.Status, c.Reason, c.Message, expect.Reason)
					}
					return
				}
			}
			t.Fatalf("no check %q in the lab", expect.Check)
		})
	}
}

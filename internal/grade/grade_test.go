package grade

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/submission"
)

// staticLab needs no engine: three files, worth 1, 2 and 0 points.
const staticLab = `
id: static
title: Files in place
checks:
  - id: readme
    kind: file_exists
    with: {path: README.md, non_empty: true}
  - id: config
    kind: file_exists
    points: 2
    needs: [readme]
    with: {path: config.yaml}
  - id: extra
    kind: file_exists
    points: 0
    with: {path: extra.txt}
`

func loadLab(t *testing.T, yaml string) *labs.Lab {
	t.Helper()
	spec, err := labs.ParseSpec("lab.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return &labs.Lab{Spec: spec, FS: os.DirFS(t.TempDir())}
}

func files(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGradeStatic(t *testing.T) {
	lab := loadLab(t, staticLab)
	class := t.TempDir()
	files(t, filepath.Join(class, "full"), "README.md", "config.yaml", "extra.txt")
	files(t, filepath.Join(class, "partial"), "README.md")
	files(t, filepath.Join(class, "needs-first"), "config.yaml")
	// A forged lab.yaml and a marker of another lab change nothing.
	files(t, filepath.Join(class, "forger"), "README.md", "lab.yaml", ".devopsctl/lab.json")
	os.WriteFile(filepath.Join(class, "forger", "lab.yaml"), []byte("id: static\ntitle: T\nchecks:\n  - {id: readme, kind: file_exists, with: {path: README.md}}\n"), 0o644)
	// A link out of the folder is left out and named; the rest is graded.
	files(t, filepath.Join(class, "linker"), "README.md")
	os.Symlink("/etc/hostname", filepath.Join(class, "linker", "config.yaml"))
	files(t, filepath.Join(class, "huge"), "README.md", "a", "b", "c", "d")
	files(t, class, "notes.txt")

	subs, ignored, err := Discover(class)
	if err != nil {
		t.Fatal(err)
	}
	if len(ignored) != 1 || ignored[0].Path != "notes.txt" {
		t.Errorf("ignored = %v, want notes.txt", ignored)
	}
	rep := Grade(context.Background(), Options{Lab: lab, Parallel: 3, Limits: submission.Limits{MaxBytes: 1 << 20, MaxFiles: 4}, TempDir: t.TempDir()}, subs)
	want := map[string]struct {
		verdict string
		score   int
		text    string
	}{
		"full":        {Passed, 3, ""},
		"partial":     {Failed, 1, "config (missing), extra (missing)"},
		"needs-first": {Failed, 0, "readme (missing), extra (missing)"},
		"forger":      {Failed, 1, "config (missing)"},
		"linker":      {Failed, 1, "left out config.yaml: a symlink that leads out of the submission (to /etc/hostname)"},
		"huge":        {Rejected, 0, "too large to grade: it holds more than 4 files"},
	}
	if len(rep.Submissions) != len(want) || rep.MaxScore != 3 {
		t.Fatalf("%d results, max %d; want %d results, max 3", len(rep.Submissions), rep.MaxScore, len(want))
	}
	for _, r := range rep.Submissions {
		w := want[r.Learner]
		if r.Verdict != w.verdict || r.Score != w.score || !strings.Contains(whatFailed(r), w.text) {
			t.Errorf("%s: %s %d/%d %q; want %s %d, saying %q", r.Learner, r.Verdict, r.Score, r.MaxScore, whatFailed(r), w.verdict, w.score, w.text)
		}
		if r.Copy != "" {
			if _, err := os.Stat(r.Copy); !os.IsNotExist(err) {
				t.Errorf("%s: the private copy %s is still there", r.Learner, r.Copy)
			}
		}
	}
}

func TestGradeDeadlineAndInterrupt(t *testing.T) {
	lab := loadLab(t, staticLab)
	class := t.TempDir()
	files(t, filepath.Join(class, "a"), "README.md")
	files(t, filepath.Join(class, "b"), "README.md")
	subs, _, _ := Discover(class)

	rep := Grade(context.Background(), Options{Lab: lab, Parallel: 1, Timeout: time.Nanosecond}, subs)
	for _, r := range rep.Submissions {
		if r.Verdict != TimedOut || !strings.Contains(r.Problem, "did not finish within 1ns") {
			t.Errorf("%s: %s %q, want a timeout", r.Learner, r.Verdict, r.Problem)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep = Grade(ctx, Options{Lab: lab, Parallel: 2}, subs)
	for _, r := range rep.Submissions {
		if r.Verdict != Interrupted || r.Score != 0 {
			t.Errorf("%s: %s %d, want interrupted", r.Learner, r.Verdict, r.Score)
		}
	}
}

func TestGradeSubmissionFiles(t *testing.T) {
	lab := loadLab(t, staticLab)
	ws := t.TempDir()
	files(t, ws, "README.md", "config.yaml")
	class := t.TempDir()
	pack := func(name, labID string) {
		f, err := os.Create(filepath.Join(class, name+submission.Suffix))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := submission.Pack(f, ws, &submission.Manifest{Lab: labID, LabHash: "sha256:old"}, submission.DefaultLimits, ""); err != nil {
			t.Fatal(err)
		}
	}
	pack("kim", "static")
	pack("lee", "other")
	os.WriteFile(filepath.Join(class, "bad"+submission.Suffix), []byte("not gzip"), 0o644)
	subs, _, _ := Discover(class)
	rep := Grade(context.Background(), Options{Lab: lab, Parallel: 2}, subs)
	got := map[string]string{}
	for _, r := range rep.Submissions {
		got[r.Learner] = r.Verdict + " " + whatFailed(r)
	}
	for learner, want := range map[string]string{
		"kim": "failed extra (missing); made with another version of the lab pack",
		"lee": "failed extra (missing); submitted for lab other, graded as lab static",
		"bad": "rejected damaged submission file: it is not a gzip file",
	} {
		if !strings.HasPrefix(got[learner], want) {
			t.Errorf("%s: %q, want %q", learner, got[learner], want)
		}
	}
}

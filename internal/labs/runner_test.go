package labs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/state"
)

func TestRunnerNeedsSkipAndHints(t *testing.T) {
	lab := testLab(t)
	dir := t.TempDir()
	rep := (&Runner{Lab: lab, Dir: dir}).Run(context.Background())
	if rep.Passed || len(rep.Checks) != 2 {
		t.Fatalf("report = %+v", rep)
	}
	a, b := rep.Checks[0], rep.Checks[1]
	if a.Status != checks.Fail || a.Hint != "make a" {
		t.Errorf("has-a = %+v, want fail with the lab's hint for its reason", a)
	}
	if b.Status != checks.Skip || !strings.Contains(b.Message, `"has-a"`) {
		t.Errorf("has-b = %+v, want skip naming its need", b)
	}
	if got := Hints(lab, rep); len(got) != 4 || got[0] != "make a" || got[1] != "first" {
		t.Errorf("hint ladder = %q", got)
	}

	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("b"), 0o644)
	rep = (&Runner{Lab: lab, Dir: dir}).Run(context.Background())
	if !rep.Passed || rep.Summary() != "all 2 checks passed" {
		t.Errorf("report = %+v", rep)
	}
}

func TestRunnerWithoutEngineSkipsDockerChecks(t *testing.T) {
	spec, err := ParseSpec("lab.yaml", []byte("id: d\ntitle: D\nchecks:\n  - {id: f, kind: file_exists, with: {path: Dockerfile}}\n  - {id: b, kind: image_build}\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644)
	rep := (&Runner{Lab: &Lab{Spec: spec}, Dir: dir, EngineErr: errors.New("connection refused")}).Run(context.Background())
	if !rep.EngineMissing || rep.Checks[0].Status != checks.Pass || rep.Checks[1].Status != checks.Skip {
		t.Fatalf("report = %+v", rep)
	}
	if !strings.Contains(rep.Checks[1].Hint, "systemctl start docker") {
		t.Errorf("skip hint = %q, want how to start Docker", rep.Checks[1].Hint)
	}
}

func TestRunnerInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := (&Runner{Lab: testLab(t), Dir: t.TempDir()}).Run(ctx)
	if !rep.Interrupted || rep.Passed {
		t.Errorf("report = %+v, want interrupted", rep)
	}
}

func TestProgressCorruptIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Path: filepath.Join(dir, "progress.json")}
	os.WriteFile(s.Path, []byte("{broken"), 0o644)
	_, err := s.Load()
	var ce *state.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("Load = %v, want *state.CorruptError", err)
	}
	if data, err := os.ReadFile(ce.Backup); err != nil || string(data) != "{broken" {
		t.Errorf("backup %s: %q, %v", ce.Backup, data, err)
	}
	p, err := s.Load()
	if err != nil || len(p.Labs) != 0 {
		t.Errorf("after the backup Load = %+v, %v; want fresh progress", p, err)
	}
}

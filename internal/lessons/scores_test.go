package lessons

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/state"
)

func TestScoresRecordKeepsBestAndLast(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	s, err := LoadScores(dir)
	if err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if len(s.Topics) != 0 {
		t.Fatalf("fresh record has topics: %v", s.Topics)
	}
	steps := []struct {
		correct  int
		wantBest int
		wantLast int
	}{
		{3, 60, 60}, {5, 100, 100}, {2, 100, 40},
	}
	for i, st := range steps {
		at := t0.Add(time.Duration(i) * time.Hour)
		s.Record("iac", Result{Correct: st.correct, Total: 5, Percent: st.correct * 20, Passed: st.correct >= 4}, at)
		if err := s.Save(dir); err != nil {
			t.Fatal(err)
		}
		if s, err = LoadScores(dir); err != nil {
			t.Fatalf("reload after save %d: %v", i, err)
		}
		got := s.Topics["iac"]
		if got.Best.Percent != st.wantBest || got.Last.Percent != st.wantLast || got.Attempts != i+1 || !got.Last.At.Equal(at) {
			t.Errorf("after attempt %d: %+v; want best %d last %d", i+1, got, st.wantBest, st.wantLast)
		}
	}
	if !s.Topics["iac"].Best.At.Equal(t0.Add(time.Hour)) || !s.Topics["iac"].Best.Passed {
		t.Errorf("best attempt lost its time or verdict: %+v", s.Topics["iac"].Best)
	}
}

func TestScoresCorruptFileIsMovedAside(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"not json", "{nope"},
		{"wrong shape", `{"version":1,"topics":{"iac":7}}`},
		{"unknown version", `{"version":0,"topics":{}}`},
		{"null topic", `{"version":1,"topics":{"iac":null}}`},
		{"unknown field", `{"version":1,"topics":{},"extra":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ScoresFile)
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadScores(dir)
			var ce *state.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("error = %v, want a *state.CorruptError", err)
			}
			wantBackup := ce.Backup
			if !strings.HasPrefix(wantBackup, path+".corrupt-") {
				t.Errorf("backup = %s, want %s.corrupt-<time>", wantBackup, path)
			}
			if got, err := os.ReadFile(wantBackup); err != nil || string(got) != tt.body {
				t.Errorf("backup holds %q, %v; want the old file", got, err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("corrupt file still in place: %v", err)
			}
			s, err := LoadScores(dir)
			if err != nil || len(s.Topics) != 0 {
				t.Errorf("next load = %v, %v; want a fresh record", s, err)
			}
		})
	}
}

func TestScoresFromANewerVersionAreRefusedAndKept(t *testing.T) {
	dir := t.TempDir()
	newer := `{"version":2,"topics":{},"streak":3}`
	if err := os.WriteFile(ScoresPath(dir), []byte(newer), 0o644); err != nil {
		t.Fatal(err)
	}
	_, lerr := LoadScores(dir)
	_, rerr := RecordAttempt(dir, "iac", Result{Correct: 1, Total: 1, Percent: 100, Passed: true}, time.Now())
	for _, err := range []error{lerr, rerr} {
		var ve *state.VersionError
		if !errors.As(err, &ve) || ve.Version != 2 {
			t.Errorf("err = %v, want a *state.VersionError for version 2", err)
		}
	}
	if got, _ := os.ReadFile(ScoresPath(dir)); string(got) != newer {
		t.Errorf("the newer file became %q", got)
	}
}

// The test binary doubles as a quiz process: with SCORES_TEST_DIR set it
// records one attempt there.
func TestMain(m *testing.M) {
	if dir := os.Getenv("SCORES_TEST_DIR"); dir != "" {
		if _, err := RecordAttempt(dir, "iac", Result{Correct: 1, Total: 2, Percent: 50}, time.Now()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestParallelQuizzesKeepEveryAttempt(t *testing.T) {
	dir := t.TempDir()
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		if i%2 == 0 {
			wg.Go(func() {
				if _, err := RecordAttempt(dir, "iac", Result{Correct: 2, Total: 2, Percent: 100, Passed: true}, time.Now()); err != nil {
					t.Error(err)
				}
			})
			continue
		}
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "SCORES_TEST_DIR="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("quiz process: %v\n%s", err, out)
			}
		})
	}
	wg.Wait()
	s, err := LoadScores(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Topics["iac"]; got == nil || got.Attempts != n || got.Best.Percent != 100 {
		t.Errorf("scores after %d parallel quizzes: %+v", n, got)
	}
}

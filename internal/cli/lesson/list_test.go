package lesson

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/devopsctl/devopsctl/internal/state"
)

func TestNewCmdListFlags(t *testing.T) {
	tests := []struct {
		args       string
		wantOutput string
		wantCode   int
	}{
		{"", "text", 0},
		{"--output json", "json", 0},
		{"-o json", "json", 0},
		{"--output yaml", "", cmdutil.ExitUsage},
		{"extra", "", -1}, // cobra's own argument error
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *ListOptions
			cmd := NewCmdList(&cmdutil.Factory{IOStreams: ios}, func(o *ListOptions) error { got = o; return nil })
			cmd.SetFlagErrorFunc(cmdutil.FlagError)
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if code := exitCode(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode == 0 && got.Output != tt.wantOutput {
				t.Errorf("Output = %q, want %q", got.Output, tt.wantOutput)
			}
		})
	}
}

func listOpts(t *testing.T, dir string) (*ListOptions, *bytes.Buffer) {
	t.Helper()
	ios, _, out, _ := iostreams.Test()
	return &ListOptions{
		IO:       ios,
		StateDir: func() (string, error) { return dir, nil },
		Now:      func() time.Time { return time.Unix(1700000000, 0) },
	}, out
}

func TestListShowsEveryLessonAndBestScore(t *testing.T) {
	dir := t.TempDir()
	scores, err := lessons.LoadScores(dir)
	if err != nil {
		t.Fatal(err)
	}
	scores.Record("containers", lessons.Result{Correct: 6, Total: 6, Percent: 100, Passed: true}, time.Now())
	scores.Record("iac", lessons.Result{Correct: 2, Total: 6, Percent: 33}, time.Now())
	if err := scores.Save(dir); err != nil {
		t.Fatal(err)
	}
	opts, out := listOpts(t, dir)
	if err := listRun(opts); err != nil {
		t.Fatal(err)
	}
	all, _ := lessons.All()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(all)+1 {
		t.Fatalf("got %d lines, want a header and %d lessons:\n%s", len(lines), len(all), out)
	}
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "BEST QUIZ") {
		t.Errorf("header = %q", lines[0])
	}
	for i, l := range all {
		row := lines[i+1]
		if !strings.HasPrefix(row, l.ID+" ") || !strings.Contains(row, l.Title) || !strings.Contains(row, strings.Join(l.Labs, ", ")) {
			t.Errorf("row %d = %q, want %s with its title and labs", i+1, row, l.ID)
		}
		switch l.ID {
		case "containers":
			if !strings.HasSuffix(row, "100% passed") {
				t.Errorf("containers row = %q, want 100%% passed", row)
			}
		case "iac":
			if !strings.HasSuffix(row, "33%") {
				t.Errorf("iac row = %q, want 33%%", row)
			}
		default:
			if !strings.HasSuffix(row, " -") {
				t.Errorf("untaken quiz row = %q, want -", row)
			}
		}
	}
}

func TestListJSON(t *testing.T) {
	dir := t.TempDir()
	scores, _ := lessons.LoadScores(dir)
	scores.Record("canary", lessons.Result{Correct: 5, Total: 6, Percent: 83, Passed: true}, time.Now())
	if err := scores.Save(dir); err != nil {
		t.Fatal(err)
	}
	opts, out := listOpts(t, dir)
	opts.Output = "json"
	if err := listRun(opts); err != nil {
		t.Fatal(err)
	}
	var items []struct {
		ID       string   `json:"id"`
		Title    string   `json:"title"`
		Labs     []string `json:"labs"`
		Best     *int     `json:"best_percent"`
		Passed   bool     `json:"passed"`
		Attempts int      `json:"attempts"`
	}
	if err := json.Unmarshal(out.Bytes(), &items); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	all, _ := lessons.All()
	if len(items) != len(all) {
		t.Fatalf("%d items, want %d", len(items), len(all))
	}
	for i, it := range items {
		if it.ID != all[i].ID || it.Title != all[i].Title || len(it.Labs) != len(all[i].Labs) {
			t.Errorf("item %d = %+v, want %s", i, it, all[i].ID)
		}
		if it.ID == "canary" {
			if it.Best == nil || *it.Best != 83 || !it.Passed || it.Attempts != 1 {
				t.Errorf("canary = %+v, want best 83 passed after 1 attempt", it)
			}
		} else if it.Best != nil {
			t.Errorf("%s has best %d but no quiz was taken", it.ID, *it.Best)
		}
	}
}

func TestListCorruptScores(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, lessons.ScoresFile), []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts, out := listOpts(t, dir)
	err := listRun(opts)
	if exitCode(err) != cmdutil.ExitUsage {
		t.Fatalf("error = %v, want a usage error", err)
	}
	var corrupt *state.CorruptError
	if !errors.As(err, &corrupt) || !strings.Contains(err.Error(), corrupt.Backup) || !strings.Contains(corrupt.Backup, ".corrupt-") {
		t.Fatalf("error %q does not say where the file went", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed a list anyway:\n%s", out)
	}
	if _, err := os.Stat(corrupt.Backup); err != nil {
		t.Errorf("backup missing: %v", err)
	}
}

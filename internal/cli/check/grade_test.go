package check

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

func TestGradeFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    GradeOptions
		wantErr string
	}{
		{args: []string{"--lab", "x", "--submissions", "class"}, want: GradeOptions{Lab: "x", Submissions: "class", Parallel: 1, Format: "text"}},
		{args: []string{"x", "--submissions", "class", "--parallel", "2", "--format", "JUnit", "--out", "r.xml", "--fail-under", "60", "--timeout", "3m"},
			want: GradeOptions{Lab: "x", Submissions: "class", Parallel: 2, Format: "junit", Out: "r.xml", FailUnder: 60, Timeout: 180e9}},
		{args: []string{"--submissions", "class"}, wantErr: "needs the lab"},
		{args: []string{"a", "--lab", "b", "--submissions", "class"}, wantErr: "two labs"},
		{args: []string{"--lab", "x", "--submissions", "class", "--parallel", "0"}, wantErr: "--parallel 0"},
		{args: []string{"--lab", "x", "--submissions", "class", "--fail-under", "120"}, wantErr: "--fail-under 120"},
		{args: []string{"--lab", "x", "--submissions", "class", "--format", "xml"}, wantErr: "use text, json, junit, csv or markdown"},
		{args: []string{"--lab", "x", "--submissions", "class", "-o", "json"}, wantErr: "--output is not used"},
		{args: []string{"--lab", "x", "--submissions", "class", "--dir", "ws"}, wantErr: "--dir is not used"},
		{args: []string{"--format", "csv"}, wantErr: "--format is for grading"},
		{args: []string{"--parallel", "2"}, wantErr: "--parallel is for grading"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdCheck(&cmdutil.Factory{IOStreams: io}, func(_ context.Context, o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to say %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Grade != tt.want {
				t.Errorf("options %+v, want %+v", got.Grade, tt.want)
			}
		})
	}
}

// packLab is an instructor pack with a lab that needs no engine.
func packLab(t *testing.T) string {
	t.Helper()
	pack := t.TempDir()
	dir := filepath.Join(pack, "files")
	os.MkdirAll(filepath.Join(dir, "starter"), 0o755)
	os.MkdirAll(filepath.Join(dir, "solution"), 0o755)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# Files\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "starter", "notes.txt"), []byte("x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "solution", "answer.txt"), []byte("x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "lab.yaml"), []byte("id: files\ntitle: Files\nchecks:\n  - {id: answer, kind: file_exists, points: 3, with: {path: answer.txt}}\n  - {id: notes, kind: file_exists, with: {path: notes.txt}}\n"), 0o644)
	return pack
}

// Grading writes the report, leaves the instructor's progress alone, and
// maps --fail-under, bad input and a missing engine to their exit codes.
func TestRunGrade(t *testing.T) {
	home := t.TempDir()
	t.Setenv("DEVOPSCTL_HOME", home)
	pack := packLab(t)
	class := t.TempDir()
	for name, files := range map[string][]string{"ada": {"answer.txt", "notes.txt"}, "bob": {"notes.txt"}} {
		os.MkdirAll(filepath.Join(class, name), 0o755)
		for _, f := range files {
			os.WriteFile(filepath.Join(class, name, f), []byte("x\n"), 0o644)
		}
	}
	out := filepath.Join(t.TempDir(), "grades.csv")
	run := func(g GradeOptions, engine bool) (error, string, string) {
		io, _, stdout, stderr := iostreams.Test()
		f := cmdutil.NewFactory("test")
		f.IOStreams = io
		f.LabPaths = []string{pack}
		f.Engine = func() (docker.Engine, error) {
			return &docker.Fake{PingFunc: func(context.Context) (string, error) { return "", errors.New("connection refused") }}, nil
		}
		if g.Parallel == 0 {
			g.Parallel = 2
		}
		if g.Format == "" {
			g.Format = "text"
		}
		err := RunGrade(context.Background(), &Options{IO: io, Factory: f, Grade: g})
		return err, stdout.String(), stderr.String()
	}
	code := func(err error) int {
		var ee *cmdutil.ExitError
		if errors.As(err, &ee) {
			return ee.Code
		}
		if err != nil {
			return -1
		}
		return 0
	}

	err, stdout, stderr := run(GradeOptions{Lab: "files", Submissions: class, Format: "csv", Out: out, FailUnder: 50}, false)
	if code(err) != cmdutil.ExitFailed || !strings.Contains(stderr, "1 learner under 50%: bob (25%)") {
		t.Errorf("fail-under not met: exit %d (%v), stderr %q", code(err), err, stderr)
	}
	if !strings.Contains(stdout, "ada      passed     4/4") {
		t.Errorf("the summary table is not on standard output:\n%s", stdout)
	}
	f, _ := os.Open(out)
	rows, rerr := csv.NewReader(f).ReadAll()
	f.Close()
	if rerr != nil || len(rows) != 3 || rows[1][0] != "ada" || rows[1][2] != "4" || rows[2][2] != "1" {
		t.Errorf("the CSV report = %v, %v", rows, rerr)
	}
	if _, err := os.Stat(filepath.Join(home, "progress.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("grading wrote the instructor's progress (%v)", err)
	}
	if err, _, _ := run(GradeOptions{Lab: "files", Submissions: class, FailUnder: 25}, false); err != nil {
		t.Errorf("fail-under met: %v", err)
	}

	for _, tt := range []struct {
		name string
		g    GradeOptions
		code int
		says string
	}{
		{"unknown lab", GradeOptions{Lab: "filez", Submissions: class}, cmdutil.ExitUsage, "filez"},
		{"no folder", GradeOptions{Lab: "files", Submissions: filepath.Join(class, "nope")}, cmdutil.ExitUsage, "is not a folder"},
		{"empty folder", GradeOptions{Lab: "files", Submissions: t.TempDir()}, cmdutil.ExitUsage, "holds no submissions"},
		{"out in a missing folder", GradeOptions{Lab: "files", Submissions: class, Out: "/nonexistent/r.csv"}, cmdutil.ExitUsage, "does not exist"},
		{"out is a folder", GradeOptions{Lab: "files", Submissions: class, Format: "junit", Out: class}, cmdutil.ExitUsage, "is a folder; give the name of the report file, such as " + filepath.Join(class, "grades.xml")},
		{"no engine for an engine lab", GradeOptions{Lab: "dockerfile", Submissions: class}, cmdutil.ExitEnvironment, "connection refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err, _, _ := run(tt.g, false)
			if code(err) != tt.code || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("exit %d (%v), want %d saying %q", code(err), err, tt.code, tt.says)
			}
		})
	}
}

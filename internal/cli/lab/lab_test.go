package lab

import (
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

func testFactory(t *testing.T) *cmdutil.Factory {
	t.Helper()
	t.Setenv("DEVOPSCTL_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	io, _, _, _ := iostreams.Test()
	f := cmdutil.NewFactory("test")
	f.IOStreams = io
	return f
}

func TestNewCmdStartFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    StartOptions
		wantErr bool
	}{
		{args: []string{"dockerfile"}, want: StartOptions{ID: "dockerfile", Dir: "dockerfile"}},
		{args: []string{"dockerfile", "--dir", "x", "--force", "--no-tui"}, want: StartOptions{ID: "dockerfile", Dir: "x", Force: true, NoTUI: true}},
		{args: []string{}, wantErr: true},
		{args: []string{"a", "b"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *StartOptions
			cmd := NewCmdStart(testFactory(t), func(o *StartOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tt.want.ID || got.Dir != tt.want.Dir || got.Force != tt.want.Force || got.NoTUI != tt.want.NoTUI {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestListRunJSON(t *testing.T) {
	f := testFactory(t)
	io, _, out, _ := iostreams.Test()
	f.IOStreams = io
	if err := listRun(&ListOptions{IO: io, Factory: f, Output: "json"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id": "dockerfile"`, `"status": "not started"`, `"minutes"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestSolutionHeldBackUntilPassed(t *testing.T) {
	f := testFactory(t)
	t.Chdir(t.TempDir())
	err := solutionRun(&SolutionOptions{IO: f.IOStreams, Progress: f.Progress, Resolve: f.ResolveLab, ID: "dockerfile"})
	if err == nil || !strings.Contains(err.Error(), "once you pass") {
		t.Fatalf("err = %v, want the solution held back", err)
	}
	if err := solutionRun(&SolutionOptions{IO: f.IOStreams, Progress: f.Progress, Resolve: f.ResolveLab, ID: "dockerfile", Force: true}); err != nil {
		t.Fatal(err)
	}
}

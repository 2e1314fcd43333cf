package check

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
)

func TestNewCmdCheckFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr bool
	}{
		{args: nil, want: Options{Output: "text"}},
		{args: []string{"dockerfile", "--dir", "ws", "-o", "json", "-q"}, want: Options{ID: "dockerfile", Dir: "ws", Output: "json", Quiet: true}},
		{args: []string{"--output", "yaml"}, wantErr: true},
		{args: []string{"a", "b"}, wantErr: true},
	}
	for _, tt := range tests {
		io, _, _, _ := iostreams.Test()
		var got *Options
		cmd := NewCmdCheck(&cmdutil.Factory{IOStreams: io}, func(_ context.Context, o *Options) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tt.wantErr {
			if err == nil {
				t.Errorf("%v: want an error", tt.args)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.ID != tt.want.ID || got.Dir != tt.want.Dir || got.Output != tt.want.Output || got.Quiet != tt.want.Quiet {
			t.Errorf("%v: options %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

// With no engine answering, the static checks still run, the Docker ones are
// skipped, and the command ends with the environment exit code.
func TestRunWithoutEngine(t *testing.T) {
	t.Setenv("DEVOPSCTL_HOME", t.TempDir())
	io, _, out, _ := iostreams.Test()
	f := cmdutil.NewFactory("test")
	f.IOStreams = io
	f.Engine = func() (docker.Engine, error) {
		return &docker.Fake{PingFunc: func(context.Context) (string, error) { return "", errors.New("connection refused") }}, nil
	}
	dir := labtest.Workspace(t, labtest.ShippedLab(t, "dockerfile"), true)
	err := Run(context.Background(), &Options{IO: io, Factory: f, Resolve: f.ResolveLab, Dir: dir, Output: "json"})
	var ee *cmdutil.ExitError
	if !errors.As(err, &ee) || ee.Code != cmdutil.ExitEnvironment {
		t.Fatalf("err = %v, want exit %d", err, cmdutil.ExitEnvironment)
	}
	var rep struct {
		Lab    string `json:"lab"`
		Dir    string `json:"dir"`
		Passed bool   `json:"passed"`
		Checks []struct {
			ID, Kind, Title, Status, Message, Hint string
			DurationMS                             *int64 `json:"duration_ms"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not the JSON report: %v\n%s", err, out)
	}
	if rep.Lab != "dockerfile" || rep.Dir != dir || rep.Passed {
		t.Errorf("report header = %+v", rep)
	}
	statuses := map[string]string{}
	for _, c := range rep.Checks {
		statuses[c.Kind] = c.Status
		if c.ID == "" || c.Title == "" || c.DurationMS == nil {
			t.Errorf("check %+v lacks a field of the contract", c)
		}
	}
	if statuses["file_exists"] != "pass" || statuses["dockerfile_lint"] != "pass" || statuses["image_build"] != "skip" {
		t.Errorf("statuses = %v", statuses)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("DEVOPSCTL_HOME"), "progress.json")); err != nil {
		t.Errorf("progress not saved: %v", err)
	}
}

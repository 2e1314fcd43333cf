package watchrun

import (
	"context"
	"errors"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

func TestNewCmdWatchRunFlags(t *testing.T) {
	tests := []struct {
		args     []string
		wantRun  string
		wantCode int // 0: runs
	}{
		{args: []string{"--run", "abc123"}, wantRun: "abc123"},
		{args: nil, wantCode: cmdutil.ExitUsage},
		{args: []string{"extra", "--run", "abc"}, wantCode: -1},
	}
	for _, tt := range tests {
		io, _, _, _ := iostreams.Test()
		var got *Options
		cmd := NewCmdWatchRun(&cmdutil.Factory{IOStreams: io}, func(_ context.Context, o *Options) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		switch {
		case tt.wantCode == 0:
			if err != nil || got == nil || got.RunID != tt.wantRun || got.Poll != docker.WatchPoll {
				t.Errorf("%v: err %v, options %+v", tt.args, err, got)
			}
		case tt.wantCode > 0:
			var ee *cmdutil.ExitError
			if !errors.As(err, &ee) || ee.Code != tt.wantCode {
				t.Errorf("%v: err %v, want exit %d", tt.args, err, tt.wantCode)
			}
		default:
			if err == nil {
				t.Errorf("%v: want an error", tt.args)
			}
		}
	}
}

// TestRunEndsWithNothingToWatch: a run that already cleaned up ends the
// watch at its first look.
func TestRunEndsWithNothingToWatch(t *testing.T) {
	eng := &docker.Fake{ListManagedFunc: func(context.Context, map[string]string) (docker.Resources, error) { return docker.Resources{}, nil }}
	err := Run(context.Background(), &Options{Engine: func() (docker.Engine, error) { return eng, nil }, RunID: "r", Poll: docker.WatchPoll})
	if err != nil {
		t.Fatal(err)
	}
}

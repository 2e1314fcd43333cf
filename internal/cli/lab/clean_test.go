package lab

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

// swarmEngine is an engine that also manages Swarm, as *docker.Client does.
type swarmEngine struct {
	*docker.Fake
	*docker.FakeSwarm
}

func (e swarmEngine) RemoveNetwork(ctx context.Context, id string) error {
	return e.Fake.RemoveNetwork(ctx, id)
}

// cleanFakes is an engine holding one labelled container and, on a swarm in the
// given state, the given labelled services; it records what is removed, in order.
func cleanFakes(state string, services []string, removeErr error) (*docker.Fake, *docker.FakeSwarm, *[]string) {
	var calls []string
	eng := &docker.Fake{
		PingFunc: func(context.Context) (string, error) { return "1.41", nil },
		ListManagedFunc: func(_ context.Context, match map[string]string) (docker.Resources, error) {
			calls = append(calls, "list containers "+matchString(match))
			return docker.Resources{Containers: []string{"c1"}}, nil
		},
		RemoveContainerFunc: func(_ context.Context, id string) error { calls = append(calls, "rm "+id); return nil },
	}
	sw := &docker.FakeSwarm{
		SwarmStateFunc: func(context.Context) (docker.SwarmState, error) {
			return docker.SwarmState{LocalState: state, IsManager: state == "active"}, nil
		},
		ListManagedServicesFunc: func(_ context.Context, match map[string]string) ([]string, error) {
			calls = append(calls, "list services "+matchString(match))
			return services, nil
		},
		RemoveServiceFunc: func(_ context.Context, id string) error {
			calls = append(calls, "rm service "+id)
			return removeErr
		},
	}
	return eng, sw, &calls
}

func matchString(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestCleanRemovesSwarmServicesFirst(t *testing.T) {
	tests := []struct {
		name      string
		swarm     bool
		state     string
		all       bool
		lab       string
		removeErr error
		wantOut   string
		wantCalls []string
		wantErr   string
	}{
		{name: "services, then containers", swarm: true, state: "active", all: true,
			wantOut:   "Removed 2 swarm services, 1 container, 0 networks, 0 volumes and 0 images",
			wantCalls: []string{"list services {}", "rm service s1", "rm service s2", "list containers {}", "list containers {}", "rm c1"}},
		{name: "one lab only", swarm: true, state: "active", lab: "bluegreen-vs-rolling",
			wantOut:   "Removed 2 swarm services",
			wantCalls: []string{"list services {io.devopsctl.lab=bluegreen-vs-rolling}", "rm service s1", "rm service s2"}},
		{name: "no swarm: no services to look for", swarm: true, state: "inactive", all: true,
			wantOut:   "Removed 1 container, 0 networks",
			wantCalls: []string{"list containers {}", "list containers {}", "rm c1"}},
		{name: "an engine without swarm", swarm: false, all: true,
			wantOut:   "Removed 1 container, 0 networks",
			wantCalls: []string{"list containers {}", "list containers {}", "rm c1"}},
		{name: "a service that will not go", swarm: true, state: "active", all: true, removeErr: errors.New("service s1 is busy"),
			wantErr:   "clean up the swarm services: service s1 is busy",
			wantCalls: []string{"list services {}", "rm service s1", "rm service s2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng, sw, calls := cleanFakes(tt.state, []string{"s1", "s2"}, tt.removeErr)
			io, _, out, _ := iostreams.Test()
			f := &cmdutil.Factory{IOStreams: io, Engine: func() (docker.Engine, error) {
				if tt.swarm {
					return swarmEngine{eng, sw}, nil
				}
				return eng, nil
			}}
			err := cleanRun(context.Background(), &CleanOptions{IO: io, Factory: f, All: tt.all, Lab: tt.lab, LabSet: tt.lab != "", Yes: true})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q lacks %q", out, tt.wantOut)
			}
			if n := strings.Count(out.String(), "Removed "); strings.HasPrefix(tt.wantOut, "Removed") && n != 1 {
				t.Errorf("output %q says what was removed %d times, want once", out, n)
			}
			if got := *calls; !slices.Equal(got[:min(len(got), len(tt.wantCalls))], tt.wantCalls) {
				t.Errorf("calls %q, want them to start %q", got, tt.wantCalls)
			}
		})
	}
}

func TestCleanFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    CleanOptions
		wantErr string
	}{
		{args: nil, want: CleanOptions{}},
		{args: []string{"--dir", "ws"}, want: CleanOptions{Dir: "ws"}},
		{args: []string{"--all"}, want: CleanOptions{All: true}},
		{args: []string{"--all", "--yes"}, want: CleanOptions{All: true, Yes: true}},
		{args: []string{"--lab", "dockerfile"}, want: CleanOptions{Lab: "dockerfile", LabSet: true}},
		{args: []string{"--lab", ""}, wantErr: "--lab needs a lab id; to remove what devopsctl made for every lab, use --all"},
		{args: []string{"--lab="}, wantErr: "--lab needs a lab id"},
		{args: []string{"--all", "--lab", "dockerfile"}, wantErr: "give --all or --lab, not both"},
		{args: []string{"--all", "--dir", "ws"}, wantErr: "cannot be combined with --all or --lab"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _, _ := iostreams.Test()
			var got *CleanOptions
			cmd := NewCmdClean(&cmdutil.Factory{IOStreams: io}, func(o *CleanOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ee *cmdutil.ExitError
				if !errors.As(err, &ee) || ee.Code != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a usage error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.Factory = nil, nil
			if *got != tt.want {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// TestCleanScope proves which labels each way of calling lab clean matches, and
// that a clean reaching beyond one workspace is confirmed first.
func TestCleanScope(t *testing.T) {
	ws := t.TempDir()
	tests := []struct {
		name      string
		opts      CleanOptions
		tty       bool
		answer    string
		wantMatch string // "" when nothing may be listed
		wantOut   string
		wantErr   string
	}{
		{name: "one workspace", opts: CleanOptions{Dir: ws},
			wantMatch: "{io.devopsctl.workspace=" + ws + "}", wantOut: "made by devopsctl for " + ws},
		{name: "outside a workspace", opts: CleanOptions{},
			wantErr: "this folder is not in a lab workspace"},
		{name: "all, confirmed on a terminal", opts: CleanOptions{All: true}, tty: true, answer: "y\n",
			wantMatch: "{}", wantOut: "Remove everything devopsctl made for every workspace? Checks running there are stopped. [y/N]"},
		{name: "all, declined", opts: CleanOptions{All: true}, tty: true, answer: "\n",
			wantOut: "Nothing removed."},
		{name: "all, no terminal, no --yes", opts: CleanOptions{All: true},
			wantErr: "pass --yes to confirm"},
		{name: "one lab, --yes", opts: CleanOptions{Lab: "dockerfile", LabSet: true, Yes: true},
			wantMatch: "{io.devopsctl.lab=dockerfile}", wantOut: "for lab dockerfile in every workspace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var matches []string
			eng := &docker.Fake{
				PingFunc: func(context.Context) (string, error) { return "1.41", nil },
				ListManagedFunc: func(_ context.Context, match map[string]string) (docker.Resources, error) {
					matches = append(matches, matchString(match))
					return docker.Resources{}, nil
				},
			}
			io, in, out, _ := iostreams.Test()
			io.SetTTY(tt.tty)
			in.WriteString(tt.answer)
			opts := tt.opts
			opts.IO = io
			opts.Factory = &cmdutil.Factory{IOStreams: io, Engine: func() (docker.Engine, error) { return eng, nil }}
			t.Chdir(t.TempDir())
			err := cleanRun(context.Background(), &opts)
			if tt.wantErr != "" {
				var ee *cmdutil.ExitError
				if !errors.As(err, &ee) || ee.Code != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a usage error with %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			for _, m := range matches {
				if m != tt.wantMatch {
					t.Errorf("listed %s, want only %q", m, tt.wantMatch)
				}
			}
			if tt.wantMatch != "" && len(matches) == 0 {
				t.Errorf("nothing was listed, want %s", tt.wantMatch)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q lacks %q", out, tt.wantOut)
			}
			if n := strings.Count(out.String(), "Removed "); strings.HasPrefix(tt.wantOut, "Removed") && n != 1 {
				t.Errorf("output %q says what was removed %d times, want once", out, n)
			}
		})
	}
}

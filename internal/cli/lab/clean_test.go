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
		lab       string
		removeErr error
		wantOut   string
		wantCalls []string
		wantErr   string
	}{
		{name: "services, then containers", swarm: true, state: "active",
			wantOut:   "Removed 2 swarm services, 1 container, 0 networks, 0 volumes and 0 images",
			wantCalls: []string{"list services {}", "rm service s1", "rm service s2", "list containers {}", "list containers {}", "rm c1"}},
		{name: "one lab only", swarm: true, state: "active", lab: "bluegreen-vs-rolling",
			wantOut:   "Removed 2 swarm services",
			wantCalls: []string{"list services {io.devopsctl.lab=bluegreen-vs-rolling}", "rm service s1", "rm service s2"}},
		{name: "no swarm: no services to look for", swarm: true, state: "inactive",
			wantOut:   "Removed 1 container, 0 networks",
			wantCalls: []string{"list containers {}", "list containers {}", "rm c1"}},
		{name: "an engine without swarm", swarm: false,
			wantOut:   "Removed 1 container, 0 networks",
			wantCalls: []string{"list containers {}", "list containers {}", "rm c1"}},
		{name: "a service that will not go", swarm: true, state: "active", removeErr: errors.New("service s1 is busy"),
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
			err := cleanRun(context.Background(), &CleanOptions{IO: io, Factory: f, Lab: tt.lab})
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
			if got := *calls; !slices.Equal(got[:min(len(got), len(tt.wantCalls))], tt.wantCalls) {
				t.Errorf("calls %q, want them to start %q", got, tt.wantCalls)
			}
		})
	}
}

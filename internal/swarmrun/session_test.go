package swarmrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// engineFakes records the calls a run makes on a fake engine and a fake swarm.
type engineFakes struct {
	mu    sync.Mutex
	calls []string
	eng   *docker.Fake
	sw    *docker.FakeSwarm
}

func (f *engineFakes) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *engineFakes) has(call string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Contains(f.calls, call)
}

// newFakes is an engine in the given swarm state, with or without the gateway
// bridge, on which creating the demo service does what createService says.
func newFakes(state docker.SwarmState, gwBefore bool, createService func(ctx context.Context, spec docker.ServiceSpec) (string, error)) *engineFakes {
	f := &engineFakes{}
	gw := gwBefore
	f.eng = &docker.Fake{
		BuildFunc: func(ctx context.Context, req docker.BuildRequest, _ io.Writer) (docker.BuildResult, error) {
			io.Copy(io.Discard, req.Context)
			f.record("build " + req.Tag)
			return docker.BuildResult{ImageID: "sha256:" + req.Tag}, nil
		},
		InspectImageFunc: func(_ context.Context, ref string) (docker.Image, error) {
			if ref != BuildBase {
				return docker.Image{}, docker.ErrNotFound
			}
			return docker.Image{}, nil
		},
		RemoveImageFunc: func(_ context.Context, ref string) error { f.record("rmi " + ref); return nil },
		ListManagedFunc: func(context.Context, map[string]string) (docker.Resources, error) { return docker.Resources{}, nil },
	}
	f.sw = &docker.FakeSwarm{
		SwarmStateFunc: func(context.Context) (docker.SwarmState, error) { return state, nil },
		SwarmInitFunc:  func(context.Context) error { f.record("init"); gw = true; return nil },
		SwarmLeaveFunc: func(_ context.Context, force bool) error {
			if !force {
				return errors.New("a last manager can only leave by force")
			}
			f.record("leave")
			return nil
		},
		NetworkIDFunc: func(_ context.Context, name string) (string, error) {
			if name == gwBridge && gw {
				return "gw-id", nil
			}
			return "", nil
		},
		CreateOverlayNetworkFunc: func(_ context.Context, name string, labels map[string]string) (string, error) {
			if labels[docker.LabelManaged] != "true" || labels[docker.LabelRun] == "" {
				return "", errors.New("network without managed and run labels")
			}
			f.record("network")
			return "net-id", nil
		},
		RemoveNetworkFunc: func(_ context.Context, id string) error { f.record("rm network " + id); return nil },
		CreateServiceFunc: func(ctx context.Context, spec docker.ServiceSpec) (string, error) {
			f.record("service " + spec.Image)
			return createService(ctx, spec)
		},
		RemoveServiceFunc: func(_ context.Context, id string) error { f.record("rm service " + id); return nil },
		ListTasksFunc:     func(context.Context, string) ([]docker.Task, error) { return nil, nil },
	}
	return f
}

func TestRunLeavesEngineAsFound(t *testing.T) {
	inactive := docker.SwarmState{LocalState: "inactive"}
	active := docker.SwarmState{LocalState: "active", IsManager: true}
	failCreate := func(context.Context, docker.ServiceSpec) (string, error) {
		return "", errors.New("create service: no suitable node")
	}
	tests := []struct {
		name      string
		state     docker.SwarmState
		gwBefore  bool
		wantCalls []string
		notCalls  []string
	}{
		{"swarm it made is left, gateway removed", inactive, false,
			[]string{"init", "network", "rm network net-id", "leave", "rm network gw-id", "rmi devopsctl-demo:v1", "rmi devopsctl-demo:v2"}, nil},
		{"gateway that was there stays", inactive, true,
			[]string{"init", "leave", "rm network net-id"}, []string{"rm network gw-id"}},
		{"swarm that was there stays", active, false,
			[]string{"network", "rm network net-id", "rmi devopsctl-demo:v1"}, []string{"init", "leave"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakes(tt.state, tt.gwBefore, failCreate)
			r := &Runner{Engine: f.eng, Swarm: f.sw, LabID: "test", Unlocked: true}
			_, err := r.Run(context.Background(), Scenario{})
			if err == nil || !strings.Contains(err.Error(), "no suitable node") {
				t.Fatalf("err = %v, want the service creation failure", err)
			}
			for _, c := range tt.wantCalls {
				if !f.has(c) {
					t.Errorf("no %q among %q", c, f.calls)
				}
			}
			for _, c := range tt.notCalls {
				if f.has(c) {
					t.Errorf("unexpected %q among %q", c, f.calls)
				}
			}
		})
	}
}

func TestRunRefusesSwarmItCannotManage(t *testing.T) {
	for _, st := range []docker.SwarmState{{LocalState: "active", IsManager: false}, {LocalState: "locked"}, {LocalState: "pending"}} {
		f := newFakes(st, false, nil)
		r := &Runner{Engine: f.eng, Swarm: f.sw, Unlocked: true}
		_, err := r.Run(context.Background(), Scenario{})
		if err == nil || !strings.Contains(err.Error(), "cannot manage") {
			t.Errorf("%+v: err = %v, want a refusal", st, err)
		}
		if len(f.calls) != 0 {
			t.Errorf("%+v: it still did %q", st, f.calls)
		}
	}
}

func TestRunCleansUpWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakes(docker.SwarmState{LocalState: "inactive"}, false, func(context.Context, docker.ServiceSpec) (string, error) {
		// The deploy then waits for tasks that never run; the user presses Ctrl-C.
		time.AfterFunc(300*time.Millisecond, cancel)
		return "svc-id", nil
	})
	r := &Runner{Engine: f.eng, Swarm: f.sw, Unlocked: true}
	_, err := r.Run(ctx, Scenario{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	for _, c := range []string{"rm service svc-id", "rm network net-id", "leave", "rm network gw-id", "rmi devopsctl-demo:v2"} {
		if !f.has(c) {
			t.Errorf("no %q among %q after cancellation", c, f.calls)
		}
	}
}

func TestRunRejectsBadScenarioBeforeTouchingEngine(t *testing.T) {
	f := newFakes(docker.SwarmState{LocalState: "inactive"}, false, nil)
	r := &Runner{Engine: f.eng, Swarm: f.sw, Unlocked: true}
	_, err := r.Run(context.Background(), Scenario{To: V3, BadMode: "slow"})
	if err == nil || !strings.Contains(err.Error(), "rollout scenario") {
		t.Fatalf("err = %v", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("it still did %q", f.calls)
	}
}

// Without the image the demo is compiled in, nothing is built and the message says
// how to make it.
func TestRunWithoutBuildBase(t *testing.T) {
	f := newFakes(docker.SwarmState{LocalState: "inactive"}, false, func(context.Context, docker.ServiceSpec) (string, error) {
		return "", errors.New("no service should be created")
	})
	f.eng.InspectImageFunc = func(context.Context, string) (docker.Image, error) {
		return docker.Image{}, fmt.Errorf("image golang:1.26: %w", docker.ErrNotFound)
	}
	r := &Runner{Engine: f.eng, Swarm: f.sw, LabID: "lab", Unlocked: true}
	_, err := r.Run(context.Background(), Scenario{})
	if !errors.Is(err, ErrNoBuildBase) || !strings.Contains(err.Error(), "scripts/offline-images.sh") {
		t.Fatalf("err = %v, want one saying to run scripts/offline-images.sh", err)
	}
	if f.has("build devopsctl-demo:v1") {
		t.Error("built the demo without its base image")
	}
	if !f.has("init") || !f.has("leave") {
		t.Errorf("calls %v: a swarm made for the run should be left again", f.calls)
	}
}

// A session builds each version once and removes each rollout's services before
// the next one starts.
func TestSessionSharesImagesAndNetwork(t *testing.T) {
	f := newFakes(docker.SwarmState{LocalState: "active", IsManager: true}, true, func(context.Context, docker.ServiceSpec) (string, error) {
		return "", errors.New("create service: no suitable node")
	})
	r := &Runner{Engine: f.eng, Swarm: f.sw, LabID: "lab", Unlocked: true}
	sess, err := r.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := sess.Run(context.Background(), Scenario{Replicas: 2}); err == nil {
			t.Fatal("a failed service creation should fail the run")
		}
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	count := func(call string) int {
		n := 0
		for _, c := range f.calls {
			if c == call {
				n++
			}
		}
		return n
	}
	if count("build devopsctl-demo:v1") != 1 || count("network") != 1 || count("rm network net-id") != 1 || count("service devopsctl-demo:v1") != 2 {
		t.Errorf("calls %v: want one build of each version and one network for two rollouts", f.calls)
	}
}

// A network the engine still lists after its removal is removed again.
func TestRemoveNetworkMakesSure(t *testing.T) {
	removals, lookups := 0, 0
	sw := &docker.FakeSwarm{
		RemoveNetworkFunc: func(context.Context, string) error { removals++; return nil },
		NetworkIDFunc: func(_ context.Context, name string) (string, error) {
			lookups++
			if removals < 2 {
				return "net-id", nil
			}
			return "", nil
		},
	}
	if err := retry(context.Background(), func() error {
		return removeNetwork(context.Background(), sw, "net-id", "devopsctl-rollout-x")
	}); err != nil {
		t.Fatal(err)
	}
	if removals != 2 || lookups != 2 {
		t.Errorf("%d removals and %d lookups, want the network removed again once it was still listed", removals, lookups)
	}
}

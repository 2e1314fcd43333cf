package swarmrun

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

const testLab = "swarmrun-test"

// realRunner connects to the engine; only DEVOPSCTL_SKIP_DOCKER=1 excuses a missing one.
func realRunner(t *testing.T) *Runner {
	t.Helper()
	if os.Getenv("DEVOPSCTL_SKIP_DOCKER") == "1" {
		t.Skip("!!! DEVOPSCTL_SKIP_DOCKER=1: SKIPPING the real Swarm rollout tests; they run only against a Docker engine !!!")
	}
	c, err := docker.New()
	if err != nil {
		t.Fatalf("docker client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx); err != nil {
		t.Fatalf("these tests need a Docker engine (set DEVOPSCTL_SKIP_DOCKER=1 to skip them): %v", err)
	}
	return &Runner{Engine: c, Swarm: c, LabID: testLab, Progress: testWriter{t}}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// engineSnapshot is the part of the engine a run must leave as it found it.
type engineSnapshot struct {
	swarm    string
	gwBridge bool
}

func snapshot(t *testing.T, r *Runner) engineSnapshot {
	t.Helper()
	ctx := context.Background()
	st, err := r.Swarm.SwarmState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := r.Swarm.NetworkID(ctx, gwBridge)
	if err != nil {
		t.Fatal(err)
	}
	return engineSnapshot{swarm: st.LocalState, gwBridge: gw != ""}
}

// assertClean checks that nothing labelled for the test is left and that the swarm
// membership is as it was.
func assertClean(t *testing.T, r *Runner, before engineSnapshot) {
	t.Helper()
	ctx := context.Background()
	if after := snapshot(t, r); after != before {
		t.Errorf("engine state before %+v, after %+v", before, after)
	}
	left, err := r.Engine.ListManaged(ctx, testLab)
	if err != nil {
		t.Fatal(err)
	}
	if !left.Empty() {
		t.Errorf("left behind: %+v", left)
	}
	if st, _ := r.Swarm.SwarmState(ctx); st.Active() {
		svcs, err := r.Swarm.ListManagedServices(ctx, testLab)
		if err != nil {
			t.Fatal(err)
		}
		if len(svcs) > 0 {
			t.Errorf("services left behind: %v", svcs)
		}
	}
}

func logObservation(t *testing.T, obs Observation) {
	t.Helper()
	for _, b := range obs.Buckets {
		t.Logf("%+4ds answers %v failures %v tasks %v", b.Offset, b.Answers, b.Failures, b.Tasks)
	}
	t.Logf("update %s (%s), final image %s, peak serving %d, peak running %d, %d/%d failed, transitions %v",
		obs.UpdateState, obs.UpdateMessage, obs.FinalImage, obs.PeakServing, obs.PeakRunning, obs.Failed, obs.Sent, obs.Transitions)
}

func TestRealRollingUpdate(t *testing.T) {
	r := realRunner(t)
	before := snapshot(t, r)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	obs, err := r.Run(ctx, Scenario{
		Replicas: 4,
		Update:   docker.UpdatePolicy{Parallelism: 1, Delay: time.Second, Order: docker.OrderStartFirst, FailureAction: docker.FailurePause, Monitor: 2 * time.Second},
		From:     V1, To: V2,
		RPS: 20,
	})
	t.Logf("run took %s", time.Since(start))
	if err != nil {
		t.Fatal(err)
	}
	logObservation(t, obs)
	assertClean(t, r, before)
}

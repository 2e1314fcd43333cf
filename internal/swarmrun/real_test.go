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
	left, err := r.Engine.ListManaged(ctx, docker.LabMatch(testLab))
	if err != nil {
		t.Fatal(err)
	}
	if !left.Empty() {
		t.Errorf("left behind: %+v", left)
	}
	if st, _ := r.Swarm.SwarmState(ctx); st.Active() {
		svcs, err := r.Swarm.ListManagedServices(ctx, docker.LabMatch(testLab))
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

// realSession opens one swarm session for a test's rollouts, with the
// leave-it-as-found checks around it. It holds the host lock from the first look at
// the engine to the last, so that a rollout of another package's tests cannot
// change the swarm in between.
func realSession(t *testing.T, ctx context.Context) *Session {
	t.Helper()
	r := realRunner(t)
	release, err := LockHost(ctx, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	r.Unlocked = true
	before := snapshot(t, r)
	sess, err := r.Open(ctx)
	if err != nil {
		release()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer release()
		if err := sess.Close(); err != nil {
			t.Error(err)
		}
		assertClean(t, r, before)
	})
	return sess
}

// runReal runs one scenario in the session and logs what it saw.
func runReal(t *testing.T, ctx context.Context, sess *Session, s Scenario) Observation {
	t.Helper()
	obs, err := sess.Run(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	logObservation(t, obs)
	return obs
}

// settled is the observation's seconds after the engine finished the update and
// its old tasks were gone; the test fails when there are none.
func settled(t *testing.T, obs Observation) []Bucket {
	t.Helper()
	if obs.TimedOut {
		t.Fatalf("the engine had not finished the update (%s) by the deadline %s", obs.UpdateState, obs.Scenario.Duration)
	}
	bs := obs.Settled()
	if len(bs) < 2 {
		t.Fatalf("only %d seconds of traffic after the update settled at %+.1fs", len(bs), obs.SettledAt)
	}
	return bs
}

// TestRealRollouts runs the real rollouts of this package in one swarm session,
// at the same time.
func TestRealRollouts(t *testing.T) {
	// Cancelled only once the parallel rollouts below have finished: this
	// function returns before they start.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	sess := realSession(t, ctx)
	// The rollouts run side by side in the one swarm, as a class's would: each
	// has its own services and traffic, and its own findings.
	t.Run("rolling update", func(t *testing.T) { t.Parallel(); testRealRollingUpdate(t, ctx, sess) })
	t.Run("bad release rolls back", func(t *testing.T) { t.Parallel(); testRealBadReleaseRollsBack(t, ctx, sess) })
	t.Run("erroring release is not caught", func(t *testing.T) { t.Parallel(); testRealErroringReleaseIsNotCaught(t, ctx, sess) })
}

// testRealRollingUpdate is also the agreement test CI relies on: one real run of
// agreementScenario answers both what the engine did and whether the simulation of
// the same settings predicted it.
func testRealRollingUpdate(t *testing.T, ctx context.Context, sess *Session) {
	s := agreementScenario
	replicas := int(s.Replicas)
	obs := runReal(t, ctx, sess, s)

	// Without a HEALTHCHECK the engine puts a task into DNS as soon as its container
	// starts, a few milliseconds before the server listens: now and then a request
	// lands in that gap and is refused. Nothing else may fail.
	refused := 0
	for _, b := range obs.Buckets {
		for cause, n := range b.Failures {
			if cause != "refused" {
				t.Errorf("second %d: %d requests failed with %s; a start-first rolling update should lose none", b.Offset, n, cause)
			}
			refused += n
		}
	}
	if limit := obs.Sent / 100; refused > limit {
		t.Errorf("%d of %d requests were refused, more than the start-up gap explains (%d)", refused, obs.Sent, limit)
	}
	if obs.UpdateState != "completed" || obs.FinalImage != ImageTag(V2) {
		t.Errorf("update ended %q on %s, want completed on %s", obs.UpdateState, obs.FinalImage, ImageTag(V2))
	}
	mixed := 0
	for _, b := range obs.Buckets {
		switch {
		case b.Offset < 0 && b.Answers[V2] > 0:
			t.Errorf("second %d: v2 answered before the update", b.Offset)
		case b.Answers[V1] > 0 && b.Answers[V2] > 0:
			mixed++
		}
	}
	if mixed < 2 {
		t.Errorf("%d seconds had both versions answering; a one-by-one update should mix them for several", mixed)
	}
	if first := obs.Buckets[1]; first.Share(V1) != 1 {
		t.Errorf("before the update v1 had %.2f of the answers, want all", first.Share(V1))
	}
	for _, b := range settled(t, obs) {
		if b.Share(V2) != 1 {
			t.Errorf("second %d, after the update: v2 has %.2f of the answers, want all", b.Offset, b.Share(V2))
		}
	}
	if obs.PeakServing > replicas+1 {
		t.Errorf("%d tasks served at once; start-first with parallelism 1 allows %d", obs.PeakServing, replicas+1)
	}
	if obs.MinServing < replicas {
		t.Errorf("only %d tasks served at one moment; start-first never takes one away before its replacement runs", obs.MinServing)
	}
	assertAgreesWithSimulation(t, obs, V2)
	// The answers should follow the serving tasks, as a simulation that models tasks
	// assumes.
	c := Compare(obs.Timeline(), obs.TaskTimeline(), V2, Tolerance(s.RPS))
	t.Logf("answers vs serving tasks: %+v", c)
	if !c.Agrees() {
		t.Errorf("answers strayed %.2f from the serving tasks' shares at second %d (tolerance %.2f)", c.MaxDiff, c.At, c.Tolerance)
	}
}

func testRealBadReleaseRollsBack(t *testing.T, ctx context.Context, sess *Session) {
	obs := runReal(t, ctx, sess, Scenario{
		Replicas: 4,
		Update: docker.UpdatePolicy{Parallelism: 1, Delay: time.Second, Order: docker.OrderStopFirst,
			FailureAction: docker.FailureRollback, Monitor: 3 * time.Second},
		Rollback: &docker.UpdatePolicy{Parallelism: 0, Order: docker.OrderStopFirst, FailureAction: docker.FailurePause, Monitor: 2 * time.Second},
		From:     V1, To: V3, BadMode: BadCrash,
		RPS: 20,
	})
	if obs.UpdateState != "rollback_completed" || obs.FinalImage != ImageTag(V1) {
		t.Errorf("update ended %q on %s, want rollback_completed on %s", obs.UpdateState, obs.FinalImage, ImageTag(V1))
	}
	for _, b := range obs.Buckets {
		if b.Answers[V3] > 0 {
			t.Errorf("second %d: v3 answered, but it crashes before listening", b.Offset)
		}
	}
	for _, b := range settled(t, obs) {
		if b.Share(V1) != 1 {
			t.Errorf("second %d, after the rollback: v1 has %.2f of the answers, want all", b.Offset, b.Share(V1))
		}
	}
	// v3 never answers, so the old version's share is what tells the runs apart.
	assertAgreesWithSimulation(t, obs, V1)
}

// A release that runs but answers with errors passes the engine's monitor, which
// watches only task states: the update completes and the errors reach the clients.
func testRealErroringReleaseIsNotCaught(t *testing.T, ctx context.Context, sess *Session) {
	obs := runReal(t, ctx, sess, Scenario{
		Replicas: 2,
		Update: docker.UpdatePolicy{Parallelism: 1, Delay: time.Second, Order: docker.OrderStartFirst,
			FailureAction: docker.FailureRollback, Monitor: 2 * time.Second},
		From: V1, To: V3, BadMode: BadErrors,
		RPS: 20,
	})
	if obs.UpdateState != "completed" || obs.FinalImage != ImageTag(V3) {
		t.Errorf("update ended %q on %s, want completed on %s: nothing tells the engine v3 is broken", obs.UpdateState, obs.FinalImage, ImageTag(V3))
	}
	for _, b := range settled(t, obs) {
		rate := float64(b.Failures["status_500"]) / float64(b.Answered()+b.Failed())
		if rate < 0.6 || rate > 0.95 || b.Answers[V1] > 0 {
			t.Errorf("second %d: 500s are %.2f of requests and v1 answered %d; want about 0.8 and none", b.Offset, rate, b.Answers[V1])
		}
	}
	assertAgreesWithSimulation(t, obs, V1)
}

// assertAgreesWithSimulation holds the observed share of a version against the
// simulation of the same scenario, second by second.
func assertAgreesWithSimulation(t *testing.T, obs Observation, version string) {
	t.Helper()
	s := obs.Scenario
	sim, err := Simulate(s)
	if err != nil {
		t.Fatal(err)
	}
	observed, simulated := obs.Timeline(), SimulatedTimeline(sim)
	c := Compare(observed, simulated, version, s.Tolerance())
	for i, o := range observed {
		j := min(max(i-c.Shift, 0), len(simulated)-1)
		t.Logf("%+4ds %s observed %.2f simulated %.2f", i, version, o[version], simulated[j][version])
	}
	t.Logf("observed vs simulated: shift %ds, max diff %.3f at %+ds, mean diff %.3f, tolerance %.3f",
		c.Shift, c.MaxDiff, c.At, c.MeanDiff, c.Tolerance)
	if !c.Agrees() {
		t.Errorf("%s's share in the real rollout strayed %.2f from the simulation of the same settings at second %d (tolerance %.2f)", version, c.MaxDiff, c.At, c.Tolerance)
	}
}

package checks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/rollout"
	"github.com/devopsctl/devopsctl/internal/swarmrun"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// swarmWith is the lab's fixed scenario for the fake cases: the testdata services
// have 4 replicas.
const swarmWith = `{file: compose.yaml, service: web, replicas: 4, requests: 20, min_serving: 3}`

// swarmEngine is an engine that also manages Swarm, as *docker.Client does. Both
// fakes have RemoveNetwork, which has to be chosen by hand.
type swarmEngine struct {
	*docker.Fake
	*docker.FakeSwarm
}

func (e swarmEngine) RemoveNetwork(ctx context.Context, id string) error {
	return e.Fake.RemoveNetwork(ctx, id)
}

// simulatedObservation is what an engine that behaves exactly like the simulator
// would show: each simulated second as a second of traffic.
func simulatedObservation(t *testing.T, s swarmrun.Scenario) swarmrun.Observation {
	t.Helper()
	r, err := swarmrun.Simulate(s)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{rollout.OutcomeCompleted: "completed", rollout.OutcomePaused: "paused", rollout.OutcomeRolledBack: "rollback_completed"}
	obs := swarmrun.Observation{Scenario: s, UpdateState: states[r.Outcome], MinServing: r.MinAvailable, PeakServing: r.PeakInstances, PeakInstances: r.PeakInstances,
		FinishedAt: float64(r.CompleteS), SettledAt: float64(r.CompleteS)}
	for _, tk := range r.Timeline {
		b := swarmrun.Bucket{Offset: tk.T, Answers: map[string]int{}, Failures: map[string]int{}, Tasks: map[string]int{}}
		for _, v := range tk.Versions {
			b.Answers[v.Version] = v.Requests - v.Errors
			b.Tasks[v.Version] = v.Serving
			b.FewestServing += v.Serving
		}
		if tk.Errors > 0 {
			b.Failures["dns"] = tk.Errors
		}
		obs.Sent += tk.Requests
		obs.Failed += tk.Errors
		obs.Buckets = append(obs.Buckets, b)
	}
	return obs
}

func TestSwarmRollout(t *testing.T) {
	tests := []struct {
		name      string
		workspace string
		with      string
		// edit changes what the fake engine observed; nil reports the simulation.
		edit    func(*swarmrun.Observation)
		status  Status
		reason  string
		message []string
	}{
		{"start-first one by one holds", "good", swarmWith, nil, Pass, "",
			[]string{"on a real Swarm (4 tasks, parallelism 1, delay 1s, order start-first), 0 of", "never fewer than 4 tasks were serving"}},
		{"a refused request now and then is allowed", "good", swarmWith, func(o *swarmrun.Observation) {
			o.Buckets[2].Failures["refused"], o.Failed = 1, 1
		}, Pass, "", []string{"1 of"}},
		{"all at once fails requests", "all-at-once", swarmWith, nil, Fail, "requests-failed",
			[]string{"order stop-first), 20 of 200 requests failed while fewer than 3 tasks were serving; the lab allows 2", "second +0: 20 of 20 failed (20 dns)"}},
		{"the lab can allow no failure at all", "good", `{file: compose.yaml, service: web, replicas: 4, max_failed_share: 0.5, max_failed_requests: 0}`,
			func(o *swarmrun.Observation) {
				o.Buckets[2].Failures["refused"], o.Failed = 1, 1
				o.Buckets[1].FewestServing = 3
			},
			Fail, "requests-failed", []string{"1 of", "while fewer than 4 tasks were serving; the lab allows 0"}},
		{"a failure two seconds after capacity dropped is the learner's", "good", `{file: compose.yaml, service: web, replicas: 4, min_serving: 4, max_failed_requests: 0}`,
			func(o *swarmrun.Observation) {
				o.Buckets[4].Failures["refused"], o.Failed = 1, 1
				o.Buckets[2].FewestServing = 3
			},
			Fail, "requests-failed", []string{"1 of"}},
		{"failures while every task served are the engine's", "good", swarmWith, func(o *swarmrun.Observation) {
			o.Buckets[3].Failures["timeout"], o.Failed = 9, 9
		}, Error, "", []string{"9 of", "though at least 3 tasks were serving throughout", "The engine failed them, not your settings", "second +3: 9 of 29 failed (9 timeout)"}},
		{"stop-first pairs leave two serving", "stop-first-pairs", `{file: compose.yaml, service: web, replicas: 4, min_serving: 3}`, nil,
			Fail, "below-min-serving", []string{"only 2 of 4 tasks were serving; the lab asks for at least 3", "second +0: tasks serving v1:2"}},
		{"start-first runs a task too many", "good", `{file: compose.yaml, service: web, replicas: 4, max_instances: 4}`, nil,
			Fail, "over-max-instances", []string{"at one moment 5 tasks were serving or starting; the lab allows at most 4"}},
		{"within max instances", "good", `{file: compose.yaml, service: web, replicas: 4, max_instances: 5}`, nil,
			Pass, "", []string{"never more than 5 serving or starting"}},
		{"an update the engine paused is not the learner's doing", "good", swarmWith, func(o *swarmrun.Observation) {
			o.UpdateState, o.UpdateMessage = "paused", "update paused due to failure or early termination of task x"
		}, Error, "", []string{`the healthy v2 "paused" (update paused due to failure`, "not because of your settings"}},
		{"an engine too slow to finish is not the learner's doing", "good", swarmWith, func(o *swarmrun.Observation) {
			o.UpdateState, o.TimedOut, o.Scenario.Duration = "updating", true, time.Minute
		}, Error, "", []string{`had not finished the update (still "updating") after 1m0s`, "simulation of your settings needs about 22s with tasks starting in 1.0s", "not your doing"}},
		{"the engine strays from the model", "good", swarmWith, func(o *swarmrun.Observation) {
			// v2 answered only half of what its tasks should have taken.
			for _, b := range o.Buckets {
				half := b.Answers[swarmrun.V2] / 2
				b.Answers[swarmrun.V2] -= half
				b.Answers[swarmrun.V1] += half
			}
		}, Pass, "", []string{"strayed 0.50 from the simulation", "not your settings", "answered  50% for real, 100% simulated"}},
		{"an update longer than a real run allows", "too-slow", swarmWith, nil, Fail, "invalid-settings",
			[]string{"more than the 5m0s a real run on this machine allows"}},

		{"replicas differ from the lab", "six-replicas", swarmWith, nil, Fail, "invalid-settings",
			[]string{"compose.yaml asks for 6 replicas, but this lab runs the service with 4"}},
		{"a rollback cannot roll back", "rollback-rollback", swarmWith, nil, Fail, "invalid-settings",
			[]string{"service web cannot be rolled out on Swarm: rollback_config.failure_action cannot be rollback"}},
		{"no such service", "good", `{file: compose.yaml, service: api, replicas: 4}`, nil, Fail, "invalid-settings",
			[]string{`no service "api"; the file defines: web`}},
		{"broken YAML", "badyaml", swarmWith, nil, Fail, "parse-error", []string{"compose.yaml:"}},
		{"no compose file", "missing", swarmWith, nil, Fail, "missing", []string{"compose.yaml not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCheck(t, "swarm_rollout", tt.with).(*swarmRollout)
			env := engineEnv(filepath.Join("testdata", "swarm_rollout", tt.workspace), "swarm-lab", swarmEngine{&docker.Fake{}, &docker.FakeSwarm{}})
			ran := false
			c.run = func(r *swarmrun.Runner, _ context.Context, s swarmrun.Scenario) (swarmrun.Observation, error) {
				ran = true
				if r.Swarm == nil || r.Engine == nil || r.LabID != "swarm-lab" || r.Progress == nil {
					t.Errorf("runner not set up for the env: %+v", r)
				}
				obs := simulatedObservation(t, s)
				if tt.edit != nil {
					tt.edit(&obs)
				}
				return obs, nil
			}
			r := run(t, c, env)
			wantStatus(t, r, tt.status, tt.reason)
			if fileProblem := tt.reason == "parse-error" || tt.reason == "invalid-settings" || tt.reason == "missing"; fileProblem && ran {
				t.Error("a file that cannot be used should not start a real rollout")
			}
			if tt.status == Fail && r.Hint == "" {
				t.Errorf("no hint for %s", tt.reason)
			}
			all := r.Message + "\n" + strings.Join(r.Evidence, "\n")
			for _, m := range tt.message {
				if !strings.Contains(all, m) {
					t.Errorf("message %q (evidence %q) lacks %q", r.Message, r.Evidence, m)
				}
			}
		})
	}
}

func TestSwarmRolloutEngineProblems(t *testing.T) {
	dir := filepath.Join("testdata", "swarm_rollout", "good")
	failing := func(*swarmrun.Runner, context.Context, swarmrun.Scenario) (swarmrun.Observation, error) {
		return swarmrun.Observation{}, errors.New("build image devopsctl-demo:v1: no space left on device")
	}
	tests := []struct {
		name    string
		engine  docker.Engine
		run     realRollout
		message string
	}{
		{"no engine", nil, failing, "no Docker engine"},
		{"engine without swarm", &docker.Fake{}, failing, "cannot manage Swarm services"},
		{"the run fails", swarmEngine{&docker.Fake{}, &docker.FakeSwarm{}}, failing, "could not run: build image devopsctl-demo:v1: no space left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCheck(t, "swarm_rollout", swarmWith).(*swarmRollout)
			c.run = tt.run
			env := engineEnv(dir, "swarm-lab", tt.engine)
			env.EngineErr = errors.New("connection refused")
			r := run(t, c, env)
			if r.Status != Error || !strings.Contains(r.Message, tt.message) {
				t.Errorf("got %s %q, want error with %q", r.Status, r.Message, tt.message)
			}
		})
	}
}

func TestSwarmRolloutParams(t *testing.T) {
	tests := []struct {
		name, with, want string
	}{
		{"no file", `{service: web, replicas: 4}`, "path is required"},
		{"no service", `{file: compose.yaml, replicas: 4}`, "service: name the compose service"},
		{"no replicas", `{file: compose.yaml, service: web}`, "replicas 0"},
		{"too many replicas", `{file: compose.yaml, service: web, replicas: 40}`, "1 to 10 tasks"},
		{"too much traffic", `{file: compose.yaml, service: web, replicas: 4, requests: 1000}`, "requests 1000"},
		{"min serving above replicas", `{file: compose.yaml, service: web, replicas: 4, min_serving: 5}`, "min_serving 5"},
		{"share above 1", `{file: compose.yaml, service: web, replicas: 4, max_failed_share: 2}`, "max_failed_share 2"},
		{"negative count", `{file: compose.yaml, service: web, replicas: 4, max_failed_requests: -1}`, "max_failed_requests -1"},
		{"typo", `{file: compose.yaml, service: web, replicas: 4, min_servng: 3}`, "min_servng"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := swarmRolloutKind.New(withNode(t, tt.with))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// labWith is the real-swarm check of the bluegreen-vs-rolling lab: 10 tasks, 20
// requests a second, at least 8 serving, at most 13, and 1% of requests allowed to
// fail for the moment a task is in the rotation before it listens.
const labWith = `{file: compose.yaml, service: web, replicas: 10, requests: 20, min_serving: 8, max_instances: 13, max_failed_share: 0.01}`

// labCompose is a compose file of the lab's service with the given update_config.
func labCompose(parallelism int, order, delay string) string {
	return fmt.Sprintf("services:\n  web:\n    image: shop-web:2.0\n    deploy:\n      replicas: 10\n      update_config:\n        parallelism: %d\n        order: %s\n        delay: %s\n", parallelism, order, delay)
}

// TestSwarmRolloutReal runs the lab's real check on the engine with several
// update_configs: every one that keeps the lab's limits in the simulation must
// pass, however long it takes, and a wrong one must fail for its reason. The
// rollouts run side by side in one swarm session. (The shipped solution,
// parallelism 2, start-first, 5 s apart, is proven by `lab validate --run`
// over the shipped labs: with it, three correct settings pass for real. Every
// wrong reason is judged on recorded observations above; one wrong setting
// runs for real here, to show that the real check fails too. Each real
// rollout takes a minute or more, so the list is kept to what proves a
// different point.)
func TestSwarmRolloutReal(t *testing.T) {
	// Mostly waiting on the rollouts' pace, it waits beside the other long
	// engine tests of the package.
	t.Parallel()
	eng := testenv.Engine(t)
	t.Cleanup(func() { eng.Close() })
	const lab = "swarm-rollout-check-test"
	tests := []struct {
		name    string
		compose string
		status  Status
		reason  string
	}{
		{"start-first pairs 1s apart", labCompose(2, "start-first", "1s"), Pass, ""},
		{"start-first threes at once", labCompose(3, "start-first", "0s"), Pass, ""},
		{"all at once stop-first", labCompose(0, "stop-first", "0s"), Fail, "requests-failed"},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	// Held from the first look at the swarm to the last, so that a rollout of
	// another package's tests cannot change it in between.
	release, err := swarmrun.LockHost(ctx, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	before, err := eng.SwarmState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	runner := &swarmrun.Runner{Engine: eng, Swarm: eng, LabID: lab, Progress: testLog{t}, Unlocked: true}
	sess, err := runner.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The rollouts run side by side in the one swarm: each has its own services
	// and traffic, and must reach its own verdict.
	t.Run("settings", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(tt.compose), 0o644); err != nil {
					t.Fatal(err)
				}
				c := mustCheck(t, "swarm_rollout", labWith).(*swarmRollout)
				c.run = func(_ *swarmrun.Runner, ctx context.Context, s swarmrun.Scenario) (swarmrun.Observation, error) {
					return sess.Run(ctx, s)
				}
				start := time.Now()
				r := c.Run(ctx, engineEnv(dir, lab, eng))
				t.Logf("%s in %s: %s\n%s", r.Status, time.Since(start).Round(time.Second), r.Message, strings.Join(r.Evidence, "\n"))
				wantStatus(t, r, tt.status, tt.reason)
			})
		}
	})
	if err := sess.Close(); err != nil {
		t.Error(err)
	}
	after, err := eng.SwarmState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after.LocalState != before.LocalState {
		t.Errorf("swarm state %s before the check, %s after", before.LocalState, after.LocalState)
	}
	testenv.NoLeftovers(t, eng, lab)
	if after.Active() {
		if svcs, err := eng.ListManagedServices(context.Background(), docker.LabMatch(lab)); err != nil || len(svcs) > 0 {
			t.Errorf("services left behind: %v (%v)", svcs, err)
		}
	}
}

// testLog shows a check's progress in the test log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var _ io.Writer = testLog{}

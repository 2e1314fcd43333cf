package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/swarmrun"
)

func TestRealRolloutFlags(t *testing.T) {
	tests := []struct {
		args    string
		code    int
		message string
	}{
		{"--engine swarm --strategy swarm", 0, ""},
		{"--engine swarm -s swarm --bad-version crash --replicas 4 --order start-first", 0, ""},
		{"--engine swarm -s swarm --bad-version Errors", 0, ""},
		{"--engine swarm --from compose.yaml web", 0, ""},
		{"--engine sim", 0, ""},
		{"--engine k8s", 2, `--engine "k8s": use sim or swarm`},
		{"--engine swarm", 2, "--engine swarm runs a Docker Swarm service update: use --strategy swarm"},
		{"--engine swarm -s canary", 2, "use --strategy swarm"},
		{"--engine swarm -s swarm --compare", 2, "--compare applies to --engine sim only"},
		{"--engine swarm -s swarm --startup 2", 2, "--startup applies to --engine sim only"},
		{"--engine swarm -s swarm --bad-version 0.2", 2, "crashes on start (crash) or fails 4 requests in 5 (errors)"},
		{"--engine swarm -s swarm --replicas 11", 2, "a real rollout runs 1 to 10 tasks"},
		{"--engine swarm -s swarm --requests 500", 2, "1 to 200 requests a second"},
		{"--engine swarm -s swarm --parallelism -1", 2, "--parallelism cannot be negative"},
		{"--engine swarm -s swarm --output yaml", 2, `--output "yaml": use text or json`},
		{"--engine swarm --from compose.yaml web --order start-first", 2, "change them there"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			err := execute(t, ios, tt.args, func(context.Context, *RolloutOptions) error { return nil })
			if code := exitCode(err); code != tt.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.code)
			}
			if tt.code != 0 && !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q lacks %q", err, tt.message)
			}
		})
	}
}

// observation is a real rollout as a fake engine reports it: 20 requests a second,
// two seconds of baseline, then the new version's answers per second as given.
func observation(s swarmrun.Scenario, answers []int) swarmrun.Observation {
	obs := swarmrun.Observation{Scenario: s, UpdateState: "completed", FinalImage: swarmrun.ImageTag(s.To), MinServing: int(s.Replicas), PeakServing: int(s.Replicas) + 1, PeakRunning: int(s.Replicas) + 2}
	for i := -2; i < len(answers); i++ {
		n := 0
		if i >= 0 {
			n = answers[i]
		}
		k := (n*int(s.Replicas) + 10) / 20 // the tasks that share would take
		b := swarmrun.Bucket{Offset: i,
			Answers:  map[string]int{swarmrun.V1: 20 - n, s.To: n},
			Failures: map[string]int{},
			Tasks:    map[string]int{swarmrun.V1: int(s.Replicas) - k, s.To: k},
		}
		obs.Sent += 20
		obs.Buckets = append(obs.Buckets, b)
	}
	return obs
}

// recorded is v2's answers (of 20) in a real run of 4 replicas, parallelism 1,
// delay 1s, start-first.
var recorded = []int{0, 4, 4, 14, 12, 11, 15, 18, 20, 20, 20, 20, 20, 20, 20}

// fakeReal returns a RealRun that records the scenario it was given and reports
// answers for it.
func fakeReal(got *swarmrun.Scenario, answers []int) RealRun {
	return func(_ context.Context, s swarmrun.Scenario, progress io.Writer) (swarmrun.Observation, error) {
		*got = s
		io.WriteString(progress, "[  0.0s] building demo images\n")
		return observation(s, answers), nil
	}
}

// runReal parses args as the command does and runs the real rollout on real.
func runReal(t *testing.T, args string, real RealRun) (stdout, stderr string, err error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	var opts *RolloutOptions
	if err := execute(t, ios, args, func(_ context.Context, o *RolloutOptions) error { opts = o; return nil }); err != nil {
		t.Fatal(err)
	}
	opts.Real = real
	err = realRolloutRun(context.Background(), opts)
	return out.String(), errOut.String(), err
}

func TestRealRolloutSideBySide(t *testing.T) {
	var got swarmrun.Scenario
	out, errOut, err := runReal(t, "--engine swarm -s swarm --replicas 4 --parallelism 1 --delay 1 --order start-first", fakeReal(&got, recorded))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := docker.UpdatePolicy{Parallelism: 1, Delay: time.Second, Order: docker.OrderStartFirst, FailureAction: docker.FailurePause, Monitor: 5 * time.Second}
	if got.Replicas != 4 || got.Update != want || got.RPS != 20 || got.To != swarmrun.V2 {
		t.Errorf("ran %+v, want 4 replicas of v2 at 20 rps with %+v", got, want)
	}
	for _, w := range []string{
		"Real Swarm rollout v1 -> v2, 4 replicas, parallelism 1, delay 1s, order start-first, failure action pause, monitor 5s; 20 requests/s",
		"v2 real", "v2 simulated",
		"Real:       update completed on devopsctl-demo:v2; 0 of 340 requests failed; at least 4 tasks serving, at most 6 running",
		"Simulated:  completed",
		"Outcome:    both completed",
		"Verdict:    AGREES. v2's share differs by at most 0.10",
		"the tolerance is 0.33",
		"0.17 for tasks that start serving", "plus 0.16, 2.5 standard errors of a share sampled from 3 seconds",
		"at 20 requests/s",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// Second 3: 14 of 20 real, the model has two of four tasks on v2.
	if !regexp.MustCompile(`\+3\s+70%\s+50%`).MatchString(out) {
		t.Errorf("second 3 should read 70%% real next to 50%% simulated:\n%s", out)
	}
	for _, w := range []string{"Real rollout on Docker Swarm: v1 -> v2", "it sends traffic until the engine has finished the update and settled (at most about 1m14s)", "Ctrl-C stops it and cleans up", "building demo images"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
}

func TestRealRolloutJSON(t *testing.T) {
	var got swarmrun.Scenario
	out, _, err := runReal(t, "--engine swarm -s swarm --replicas 4 --delay 1 --order start-first --requests 20 --output json", fakeReal(&got, recorded))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Settings   map[string]any   `json:"settings"`
		Observed   map[string]any   `json:"observed"`
		Simulated  map[string]any   `json:"simulated"`
		Comparison map[string]any   `json:"comparison"`
		Seconds    []map[string]any `json:"seconds"`
		Buckets    []map[string]any `json:"observed_seconds"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Settings["delay_s"] != 1.0 || rep.Settings["order"] != "start-first" || rep.Settings["replicas"] != 4.0 || rep.Settings["task_startup_s"] != 1.0 {
		t.Errorf("settings %v", rep.Settings)
	}
	if _, ok := rep.Observed["timed_out"]; !ok || rep.Observed["settled_at_s"] == nil {
		t.Errorf("observed %v lacks when the update finished and settled", rep.Observed)
	}
	if rep.Comparison["agrees"] != true || rep.Comparison["same_outcome"] != true || rep.Comparison["tolerance"].(float64) < 0.32 || rep.Comparison["version"] != "v2" {
		t.Errorf("comparison %v, want agreement on v2 within 0.33", rep.Comparison)
	}
	if rep.Simulated["outcome"] != "completed" || rep.Simulated["timeline"] == nil {
		t.Errorf("simulation %v lacks its outcome or timeline", rep.Simulated["outcome"])
	}
	if len(rep.Seconds) != len(recorded) || rep.Seconds[3]["observed"] != 0.7 || rep.Seconds[3]["simulated"] != 0.5 {
		t.Errorf("seconds %v, want %d with 0.7 against 0.5 at second 3", rep.Seconds, len(recorded))
	}
	if len(rep.Buckets) != len(recorded)+2 || rep.Observed["update_state"] != "completed" {
		t.Errorf("%d observed seconds (want baseline too: %d), state %v", len(rep.Buckets), len(recorded)+2, rep.Observed["update_state"])
	}
}

func TestRealRolloutDisagreementExitsOne(t *testing.T) {
	var got swarmrun.Scenario
	never := make([]int, 15)
	out, _, err := runReal(t, "--engine swarm -s swarm --replicas 4", fakeReal(&got, never))
	if exitCode(err) != cmdutil.ExitFailed {
		t.Fatalf("exit %d (%v), want 1", exitCode(err), err)
	}
	if !strings.Contains(out, "Verdict:    DISAGREES. v2's share differs by at most 1.00") || !strings.Contains(out, "Outcome:    both completed") {
		t.Errorf("output lacks the disagreement:\n%s", out)
	}
}

func TestRealRolloutMapsSettings(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	compose := "services:\n  web:\n    image: shop:2\n    deploy:\n      replicas: 6\n      update_config:\n        parallelism: 2\n        order: start-first\n        failure_action: rollback\n        monitor: 3s\n      rollback_config:\n        parallelism: 0\n"
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args  string
		check func(t *testing.T, s swarmrun.Scenario)
	}{
		{"--engine swarm --from " + file + " web", func(t *testing.T, s swarmrun.Scenario) {
			want := docker.UpdatePolicy{Parallelism: 2, Order: docker.OrderStartFirst, FailureAction: docker.FailureRollback, Monitor: 3 * time.Second}
			if s.Replicas != 6 || s.Update != want || s.Rollback == nil || s.Rollback.Parallelism != 0 {
				t.Errorf("got %+v (rollback %+v), want 6 replicas with %+v and a rollback of all at once", s, s.Rollback, want)
			}
		}},
		{"--engine swarm --from " + file + " web --replicas 3 --bad-version crash", func(t *testing.T, s swarmrun.Scenario) {
			if s.Replicas != 3 || s.To != swarmrun.V3 || s.BadMode != swarmrun.BadCrash {
				t.Errorf("got %d replicas to %s (%s), want 3 to a crashing v3", s.Replicas, s.To, s.BadMode)
			}
		}},
		{"--engine swarm -s swarm --parallelism 0 --bad-version errors --requests 50", func(t *testing.T, s swarmrun.Scenario) {
			if s.Update.Parallelism != 0 || s.Update.Order != docker.OrderStopFirst || s.To != swarmrun.V3 || s.BadMode != swarmrun.BadErrors || s.RPS != 50 {
				t.Errorf("got %+v, want all at once, stop-first, to an erroring v3 at 50 rps", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			var got swarmrun.Scenario
			runReal(t, tt.args, fakeReal(&got, recorded))
			tt.check(t, got)
		})
	}
}

func TestRealRolloutEngineProblems(t *testing.T) {
	tests := []struct {
		name    string
		engine  func() (docker.Engine, error)
		real    RealRun
		cancel  bool
		code    int
		message string
	}{
		{"no engine answers", func() (docker.Engine, error) {
			return &docker.Fake{PingFunc: func(context.Context) (string, error) { return "", errors.New("connection refused") }}, nil
		}, nil, false, cmdutil.ExitEnvironment, "sudo systemctl start docker"},
		{"engine without swarm", func() (docker.Engine, error) {
			return &docker.Fake{PingFunc: func(context.Context) (string, error) { return "1.41", nil }}, nil
		}, nil, false, cmdutil.ExitEnvironment, "cannot manage Swarm services"},
		{"the run fails", nil, func(context.Context, swarmrun.Scenario, io.Writer) (swarmrun.Observation, error) {
			return swarmrun.Observation{}, errors.New("build image devopsctl-demo:v1: no space left")
		}, false, cmdutil.ExitEnvironment, "real rollout: build image"},
		{"interrupted", nil, func(ctx context.Context, _ swarmrun.Scenario, _ io.Writer) (swarmrun.Observation, error) {
			return swarmrun.Observation{}, ctx.Err()
		}, true, cmdutil.ExitInterrupted, "interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			f := &cmdutil.Factory{IOStreams: ios, Engine: tt.engine}
			var opts *RolloutOptions
			cmd := NewCmdRollout(f, func(_ context.Context, o *RolloutOptions) error { opts = o; return nil })
			cmd.SetArgs(strings.Fields("--engine swarm -s swarm --replicas 2"))
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			opts.Real = tt.real
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancel {
				cancel()
			}
			defer cancel()
			err := realRolloutRun(ctx, opts)
			if exitCode(err) != tt.code || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("exit %d (%v), want %d with %q", exitCode(err), err, tt.code, tt.message)
			}
		})
	}
}

func TestRealRolloutOutcomes(t *testing.T) {
	tests := []struct {
		state, want string
	}{
		{"completed", "Outcome:    both completed"},
		{"rollback_completed", "Outcome:    rolled-back for real, completed in the simulation"},
		{"paused", "Outcome:    paused for real, completed in the simulation"},
		{"updating", "Outcome:    still updating for real, completed in the simulation"},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			var got swarmrun.Scenario
			out, _, _ := runReal(t, "--engine swarm -s swarm --replicas 4", func(ctx context.Context, s swarmrun.Scenario, w io.Writer) (swarmrun.Observation, error) {
				obs, err := fakeReal(&got, recorded)(ctx, s, w)
				obs.UpdateState = tt.state
				return obs, err
			})
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

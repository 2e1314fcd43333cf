package rollout

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// base is a healthy ten-instance service moving from v1 to v2.
func base(n int, st Strategy) Scenario {
	return Scenario{
		Name:     "test",
		Seed:     7,
		Replicas: n,
		From:     Version{Name: "v1", StartupS: 3, ErrorRate: 0.001, LatencyMS: 40},
		To:       Version{Name: "v2", StartupS: 3, ErrorRate: 0.001, LatencyMS: 40},
		Traffic:  Traffic{RPS: 200},
		Strategy: st,
	}
}

func mustSimulate(t *testing.T, sc Scenario) *Result {
	t.Helper()
	r, err := Simulate(sc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// finalVersions counts the instances of each version in the last second.
func finalVersions(r *Result) [2]int {
	last := r.Timeline[len(r.Timeline)-1]
	var out [2]int
	for v, vt := range last.Versions {
		out[v] = vt.Starting + vt.Ready + vt.Crashed
	}
	return out
}

func TestStrategyShapes(t *testing.T) {
	tests := []struct {
		name         string
		n            int
		st           Strategy
		peak, minAv  int
		mixed        bool
		wantComplete bool
	}{
		{"rolling surge 1 unavailable 0", 10,
			Strategy{Kind: KindRolling, Rolling: &Rolling{MaxSurge: Int(1), MaxUnavailable: Int(0)}}, 11, 10, true, true},
		{"rolling defaults 25%", 10, Strategy{Kind: KindRolling}, 13, 8, true, true},
		{"rolling surge 0 unavailable 1", 4,
			Strategy{Kind: KindRolling, Rolling: &Rolling{MaxSurge: Int(0), MaxUnavailable: Int(1)}}, 4, 3, true, true},
		{"blue/green", 10, Strategy{Kind: KindBlueGreen}, 20, 10, false, true},
		{"swarm stop-first parallelism 2 of 6", 6,
			Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{Parallelism: ptr(2)}}}, 6, 4, true, true},
		{"swarm start-first parallelism 2 of 6", 6,
			Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{Parallelism: ptr(2), Order: StartFirst}}}, 8, 6, true, true},
		{"swarm stop-first parallelism 0 takes everything down", 6,
			Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{Parallelism: ptr(0)}}}, 6, 0, false, true},
		{"swarm start-first parallelism 0 doubles", 6,
			Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{Parallelism: ptr(0), Order: StartFirst}}}, 12, 6, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustSimulate(t, base(tt.n, tt.st))
			if r.PeakInstances != tt.peak {
				t.Errorf("peak_instances = %d, want %d", r.PeakInstances, tt.peak)
			}
			if r.MinAvailable != tt.minAv {
				t.Errorf("min_available = %d, want %d", r.MinAvailable, tt.minAv)
			}
			if (r.MixedVersionsS > 0) != tt.mixed {
				t.Errorf("mixed_versions_s = %d, want mixed=%v", r.MixedVersionsS, tt.mixed)
			}
			if r.Completed != tt.wantComplete || r.RolledBack {
				t.Errorf("outcome %s, completed %v, rolled back %v", r.Outcome, r.Completed, r.RolledBack)
			}
			if got := finalVersions(r); got != [2]int{0, tt.n} {
				t.Errorf("final instances by version = %v, want [0 %d]", got, tt.n)
			}
			if r.Requests != int64(200*r.DurationS) {
				t.Errorf("requests = %d over %ds, want 200 per second", r.Requests, r.DurationS)
			}
		})
	}
}

func TestSwarmStopFirstDropsWholeServiceWithParallelismZero(t *testing.T) {
	r := mustSimulate(t, base(6, Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{Parallelism: ptr(0)}}}))
	// Every slot is stopped at once and the new tasks need 3s to start, so
	// those seconds of traffic find no instance at all.
	if r.Dropped != 3*200 {
		t.Errorf("dropped = %d, want %d (3 seconds of traffic)", r.Dropped, 3*200)
	}
}

func TestSwarmDelayAndMonitorShapeTheTimeline(t *testing.T) {
	sc := base(4, Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{DelayS: 10, MonitorS: ptr(15)}}})
	r := mustSimulate(t, sc)
	// parallelism 1: per slot 3s start-up then 10s delay; then one monitor period.
	if want := 4*(3+10) + 15; r.CompleteS != want {
		t.Errorf("complete_s = %d, want %d", r.CompleteS, want)
	}
}

func TestSwarmFailureActions(t *testing.T) {
	crashing := Version{Name: "v2", StartupS: 2, Failure: Failure{CrashOnStart: 1}}
	tests := []struct {
		name        string
		update      UpdateConfig
		outcome     string
		rolledBack  bool
		finalOldMin int
	}{
		{"rollback", UpdateConfig{FailureAction: ActionRollback}, OutcomeRolledBack, true, 6},
		{"pause", UpdateConfig{}, OutcomePaused, false, 5},
		{"continue", UpdateConfig{FailureAction: ActionContinue}, OutcomeCompleted, false, 0},
		{"ratio tolerates one failure of six", UpdateConfig{FailureAction: ActionRollback, MaxFailureRatio: 0.2}, OutcomeRolledBack, true, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := base(6, Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: tt.update}})
			sc.To = crashing
			r := mustSimulate(t, sc)
			if r.Outcome != tt.outcome || r.RolledBack != tt.rolledBack {
				t.Fatalf("outcome %s rolled_back %v, want %s %v; events: %v", r.Outcome, r.RolledBack, tt.outcome, tt.rolledBack, r.Events)
			}
			if got := finalVersions(r); got[0] < tt.finalOldMin {
				t.Errorf("old instances at the end = %d, want at least %d", got[0], tt.finalOldMin)
			}
			if tt.rolledBack && r.RollbackS <= 0 {
				t.Errorf("rollback_s = %d, want a positive time", r.RollbackS)
			}
		})
	}
}

func TestSwarmMaxFailureRatioCountsFailuresOverDirtySlots(t *testing.T) {
	// With 10 slots and ratio 0.2, two failures are tolerated and the third
	// triggers the action: the update must have touched at least 3 slots.
	sc := base(10, Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{FailureAction: ActionPause, MaxFailureRatio: 0.2}}})
	sc.To.Failure.CrashOnStart = 1
	r := mustSimulate(t, sc)
	if r.Outcome != OutcomePaused {
		t.Fatalf("outcome %s, want paused", r.Outcome)
	}
	final := finalVersions(r)
	if final[1] != 3 {
		t.Errorf("new tasks when paused = %d, want 3 (failures 1 and 2 tolerated, 3 > 0.2*10)", final[1])
	}
}

func TestSwarmMonitorWindow(t *testing.T) {
	tests := []struct {
		name     string
		crashAft int
		monitor  int
		outcome  string
	}{
		{"crash inside the monitor window rolls back", 3, 5, OutcomeRolledBack},
		{"crash after the monitor window goes unnoticed", 8, 5, OutcomeCompleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := base(3, Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{FailureAction: ActionRollback, MonitorS: ptr(tt.monitor), DelayS: 10}}})
			sc.To.Failure.CrashAfterS = tt.crashAft
			r := mustSimulate(t, sc)
			if r.Outcome != tt.outcome {
				t.Errorf("outcome %s, want %s; events %v", r.Outcome, tt.outcome, r.Events)
			}
		})
	}
}

func TestSwarmRollbackIsNeverRolledBack(t *testing.T) {
	// The old version crashes too, so the rollback fails; Swarm pauses it.
	sc := base(4, Strategy{Kind: KindSwarm, Swarm: &Swarm{
		Update:   UpdateConfig{FailureAction: ActionRollback},
		Rollback: &UpdateConfig{FailureAction: ActionRollback},
	}})
	sc.To.Failure.CrashOnStart = 1
	sc.From.Failure.CrashOnStart = 1
	r := mustSimulate(t, sc)
	if r.Outcome != OutcomePaused {
		t.Errorf("outcome %s, want paused; events %v", r.Outcome, r.Events)
	}
	if !strings.Contains(eventText(r), "rollback paused") {
		t.Errorf("no 'rollback paused' event in %v", r.Events)
	}
}

func eventText(r *Result) string {
	var b strings.Builder
	for _, e := range r.Events {
		b.WriteString(e.Message + "\n")
	}
	return b.String()
}

func TestRollingCrashingVersionStallsWithoutRollback(t *testing.T) {
	sc := base(10, Strategy{Kind: KindRolling})
	sc.To.Failure.CrashOnStart = 1
	sc.ProgressDeadlineS = 60
	r := mustSimulate(t, sc)
	if r.Outcome != OutcomeStalled || r.RolledBack {
		t.Fatalf("outcome %s rolled_back %v, want stalled", r.Outcome, r.RolledBack)
	}
	// maxUnavailable 2 of 10 keeps 8 old instances serving, however long the
	// new ones crash.
	if r.MinAvailable != 8 {
		t.Errorf("min_available = %d, want 8", r.MinAvailable)
	}
}

func TestManualRollback(t *testing.T) {
	tests := []struct {
		name         string
		st           Strategy
		at           int
		maxRollbackS int
	}{
		{"rolling undo", Strategy{Kind: KindRolling, Rolling: &Rolling{MaxSurge: Int(1), MaxUnavailable: Int(0)}}, 10, 30},
		{"blue/green switches back at once", Strategy{Kind: KindBlueGreen}, 10, 0},
		{"canary abort is immediate", Strategy{Kind: KindCanary, Canary: &Canary{Steps: []CanaryStep{{Weight: 20, PauseS: 60}}}}, 10, 0},
		{"swarm rollback", Strategy{Kind: KindSwarm}, 10, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := base(6, tt.st)
			sc.RollbackAtS = tt.at
			r := mustSimulate(t, sc)
			if !r.RolledBack || r.Outcome != OutcomeRolledBack {
				t.Fatalf("outcome %s rolled_back %v; events %v", r.Outcome, r.RolledBack, r.Events)
			}
			if r.RollbackS > tt.maxRollbackS {
				t.Errorf("rollback_s = %d, want at most %d", r.RollbackS, tt.maxRollbackS)
			}
			if f := finalVersions(r); f != [2]int{6, 0} {
				t.Errorf("final versions %v, want [6 0]", f)
			}
		})
	}
}

func TestBlueGreenAnalysisSwitchesBack(t *testing.T) {
	sc := base(5, Strategy{Kind: KindBlueGreen, BlueGreen: &BlueGreen{PreviewS: 5, Analysis: &Analysis{IntervalS: 5, MinSuccessPercent: 99}}})
	sc.To.ErrorRate = 0.2
	r := mustSimulate(t, sc)
	if !r.RolledBack || r.RollbackS != 0 {
		t.Fatalf("rolled_back %v rollback_s %d, want an instant rollback; events %v", r.RolledBack, r.RollbackS, r.Events)
	}
	if r.PeakInstances != 10 || r.MinAvailable != 5 || r.MixedVersionsS != 0 {
		t.Errorf("peak %d min %d mixed %d, want 10, 5, 0", r.PeakInstances, r.MinAvailable, r.MixedVersionsS)
	}
	// Users met v2 only between the switch and the failed check: one interval.
	if r.Errors < 200*5*15/100 || r.Errors > 200*6*25/100 {
		t.Errorf("errors = %d, want about 5s at 20%% of 200 rps", r.Errors)
	}
}

func TestBlueGreenNeverHealthyAbortsWithoutUserImpact(t *testing.T) {
	sc := base(5, Strategy{Kind: KindBlueGreen})
	sc.To.Failure.CrashOnStart = 1
	sc.ProgressDeadlineS = 30
	r := mustSimulate(t, sc)
	if !r.RolledBack || r.Dropped != 0 || r.MinAvailable != 5 {
		t.Errorf("rolled_back %v dropped %d min_available %d", r.RolledBack, r.Dropped, r.MinAvailable)
	}
}

func canary(steps ...CanaryStep) Strategy {
	return Strategy{Kind: KindCanary, Canary: &Canary{
		Steps:    steps,
		Analysis: &Analysis{IntervalS: 10, MinSuccessPercent: 99, MaxLatencyMS: 200, FailureLimit: 1},
	}}
}

func TestCanary(t *testing.T) {
	steps := []CanaryStep{{Weight: 10, PauseS: 30}, {Weight: 50, PauseS: 30}}
	tests := []struct {
		name    string
		to      Version
		outcome string
	}{
		{"good version is promoted", Version{Name: "v2", StartupS: 3, ErrorRate: 0.001, LatencyMS: 40}, OutcomeCompleted},
		{"erroring version is rolled back", Version{Name: "v2", StartupS: 3, ErrorRate: 0.1, LatencyMS: 40}, OutcomeRolledBack},
		{"slow version is rolled back", Version{Name: "v2", StartupS: 3, ErrorRate: 0.001, LatencyMS: 900}, OutcomeRolledBack},
		{"errors that start late are caught", Version{Name: "v2", StartupS: 3, ErrorRate: 0.001, LatencyMS: 40,
			Failure: Failure{ErrorRate: 0.3, ErrorsAfterS: 20}}, OutcomeRolledBack},
		{"crashing canary aborts at the deadline", Version{Name: "v2", StartupS: 3, Failure: Failure{CrashOnStart: 1}}, OutcomeRolledBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := base(10, canary(steps...))
			sc.To = tt.to
			sc.ProgressDeadlineS = 120
			r := mustSimulate(t, sc)
			if r.Outcome != tt.outcome {
				t.Fatalf("outcome %s, want %s; events:\n%s", r.Outcome, tt.outcome, eventText(r))
			}
			if r.MinAvailable < 10 {
				t.Errorf("min_available = %d; a canary never takes stable capacity away", r.MinAvailable)
			}
			if tt.outcome == OutcomeRolledBack {
				if f := finalVersions(r); f != [2]int{10, 0} {
					t.Errorf("final versions %v, want [10 0]", f)
				}
				if r.RollbackS != 0 {
					t.Errorf("rollback_s = %d; stable kept full size, so going back is instant", r.RollbackS)
				}
			}
		})
	}
}

func TestCanaryTrafficFollowsStepWeights(t *testing.T) {
	sc := base(10, canary(CanaryStep{Weight: 25, PauseS: 20}))
	r := mustSimulate(t, sc)
	for _, tk := range r.Timeline {
		if tk.Phase == "canary" && tk.Versions[1].Serving > 0 && tk.Versions[1].Share != 0.25 {
			t.Fatalf("t=%d canary share %v, want 0.25", tk.T, tk.Versions[1].Share)
		}
	}
	if r.MixedVersionsS < 20 {
		t.Errorf("mixed_versions_s = %d, want at least the 20s pause", r.MixedVersionsS)
	}
}

func TestWeightedBalancerCanaryShare(t *testing.T) {
	// The canary (weight 2) next to three stable servers weighted 2, 4 and 8.
	lb := NewWeightedBalancer([]int{2, 2, 4, 8})
	const requests = 16 * 10_000
	counts := make([]int, 4)
	for range requests {
		counts[lb.Next()]++
	}
	want := []int{2 * 10_000, 2 * 10_000, 4 * 10_000, 8 * 10_000}
	if !reflect.DeepEqual(counts, want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
	if s := lb.Shares()[0]; s != 2.0/16 {
		t.Errorf("canary share %v, want 2/16", s)
	}
	// Smooth: the heaviest server never gets more than two requests in a row.
	lb = NewWeightedBalancer([]int{2, 2, 4, 8})
	run, prev := 0, -1
	for range 160 {
		b := lb.Next()
		if b == prev {
			run++
		} else {
			run = 1
		}
		prev = b
		if run > 2 {
			t.Fatalf("backend %d picked %d times in a row", b, run)
		}
	}
}

func TestWeightedScenarioSharesInBothModes(t *testing.T) {
	for _, mode := range []string{ModePerRequest, ModeAggregate} {
		t.Run(mode, func(t *testing.T) {
			// Four stable instances weighted 2/2/4/8 and nothing to roll out
			// yet: a rollback at t=1 ends it at once, the timeline keeps going.
			sc := base(4, Strategy{Kind: KindBlueGreen})
			sc.To.Failure.CrashOnStart = 1
			sc.ProgressDeadlineS = 100
			sc.Traffic = Traffic{RPS: 160, Balancer: Weighted, Weights: []int{2, 2, 4, 8}, Mode: mode}
			r := mustSimulate(t, sc)
			if r.Requests != 160*int64(r.DurationS) || r.Errors > r.Requests/100+5 {
				t.Errorf("requests %d errors %d", r.Requests, r.Errors)
			}
		})
	}
	lb := NewWeightedBalancer([]int{2, 2, 4, 8})
	carry := make([]float64, 4)
	out := make([]int, 4)
	total := make([]int, 4)
	for range 1000 {
		apportion(7, []float64{2, 2, 4, 8}, carry, out)
		for i, c := range out {
			total[i] += c
		}
	}
	if total[0] != 7000*2/16 || lb.Shares()[0] != 0.125 {
		t.Errorf("aggregate canary count %d of 7000, want exactly %d", total[0], 7000*2/16)
	}
}

func TestPerRequestAndAggregateAgree(t *testing.T) {
	run := func(mode string) *Result {
		sc := base(10, Strategy{Kind: KindRolling})
		sc.From.ErrorRate, sc.To.ErrorRate = 0.01, 0.05
		sc.Traffic = Traffic{RPS: 1000, Mode: mode}
		sc.AfterS = 50
		return mustSimulate(t, sc)
	}
	pr, ag := run(ModePerRequest), run(ModeAggregate)
	if pr.DurationS != ag.DurationS || pr.PeakInstances != ag.PeakInstances || pr.MinAvailable != ag.MinAvailable {
		t.Fatalf("shape differs: per-request %+v, aggregate %+v", pr.Summary, ag.Summary)
	}
	for i := range pr.Timeline {
		a, b := pr.Timeline[i].Versions, ag.Timeline[i].Versions
		for v := range 2 {
			if d := a[v].Requests - b[v].Requests; d < -1 || d > 1 {
				t.Fatalf("t=%d version %d: per-request %d requests, aggregate %d", i, v, a[v].Requests, b[v].Requests)
			}
		}
	}
	rate := func(r *Result) float64 { return float64(r.Errors) / float64(r.Requests) }
	if d := rate(pr) - rate(ag); d < -0.004 || d > 0.004 {
		t.Errorf("error rates differ: per-request %.4f, aggregate %.4f", rate(pr), rate(ag))
	}
}

func TestDeterministicForASeed(t *testing.T) {
	sc := base(20, canary(CanaryStep{Weight: 10, PauseS: 20}, CanaryStep{Weight: 50, PauseS: 20}))
	sc.To.Failure = Failure{SlowStart: 0.5, SlowStartS: 4, CrashOnStart: 0.2}
	sc.To.ErrorRate = 0.004
	a, b := mustSimulate(t, sc), mustSimulate(t, sc)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	sc.Seed++
	c := mustSimulate(t, sc)
	if reflect.DeepEqual(a.Timeline, c.Timeline) {
		t.Error("a different seed gave the very same timeline")
	}
}

func TestSimulateDoesNotChangeTheScenario(t *testing.T) {
	sc := base(4, Strategy{Kind: KindBlueGreen, BlueGreen: &BlueGreen{Analysis: &Analysis{MinSuccessPercent: 90}}})
	mustSimulate(t, sc)
	if sc.Strategy.BlueGreen.ScaleDownDelayS != nil || sc.Strategy.BlueGreen.Analysis.IntervalS != 0 {
		t.Error("Simulate filled defaults into the caller's scenario")
	}
}

func TestResultJSONKeys(t *testing.T) {
	r := mustSimulate(t, base(3, Strategy{Kind: KindRolling}))
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"peak_instances", "min_available", "errors", "mixed_versions_s", "rolled_back", "timeline",
		"complete_s", "rollback_s", "instance_seconds", "outcome"} {
		if _, ok := m[k]; !ok {
			t.Errorf("result JSON lacks %q", k)
		}
	}
	if tl := m["timeline"].([]any); len(tl) != r.DurationS {
		t.Errorf("timeline has %d points, duration %d", len(tl), r.DurationS)
	}
}

func TestScenarioJSONRoundTrip(t *testing.T) {
	in := `{"seed":3,"replicas":4,"from":{"name":"a"},"to":{"name":"b","startup_s":2},
		"traffic":{"rps":50},"strategy":{"kind":"rolling","rolling":{"max_surge":"50%","max_unavailable":0}}}`
	var sc Scenario
	if err := json.Unmarshal([]byte(in), &sc); err != nil {
		t.Fatal(err)
	}
	r := mustSimulate(t, sc)
	if r.PeakInstances != 6 || r.MinAvailable != 4 {
		t.Errorf("peak %d min %d, want 6 and 4 for 50%% surge of 4", r.PeakInstances, r.MinAvailable)
	}
}

func TestScenarioValidation(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Scenario)
		want string
	}{
		{"no replicas", func(s *Scenario) { s.Replicas = 0 }, "replicas is 0"},
		{"unknown kind", func(s *Scenario) { s.Strategy.Kind = "big-bang" }, `"big-bang" is unknown`},
		{"both fences zero", func(s *Scenario) {
			s.Strategy = Strategy{Kind: KindRolling, Rolling: &Rolling{MaxSurge: Int(0), MaxUnavailable: Percent(0)}}
		}, "both 0"},
		{"error rate as percent", func(s *Scenario) { s.To.ErrorRate = 5 }, "use a share from 0 to 1"},
		{"canary without steps", func(s *Scenario) { s.Strategy = Strategy{Kind: KindCanary} }, "no steps"},
		{"canary weight too big", func(s *Scenario) { s.Strategy = canary(CanaryStep{Weight: 150}) }, "weight 150 is out of range"},
		{"swarm bad order", func(s *Scenario) {
			s.Strategy = Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{Order: "sideways"}}}
		}, `order "sideways"`},
		{"swarm bad rollback action", func(s *Scenario) {
			s.Strategy = Strategy{Kind: KindSwarm, Swarm: &Swarm{Rollback: &UpdateConfig{FailureAction: "retry"}}}
		}, "rollback_config"},
		{"bad balancer", func(s *Scenario) { s.Traffic.Balancer = "random" }, `balancer "random"`},
		{"zero weight", func(s *Scenario) { s.Traffic.Weights = []int{1, 0} }, "weight 2 is 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := base(4, Strategy{Kind: KindRolling})
			tt.edit(&sc)
			_, err := Simulate(sc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestBinomialMeans(t *testing.T) {
	e := &engine{}
	e.rng = newRand(1)
	tests := []struct {
		n int
		p float64
	}{{10, 0.3}, {1000, 0.002}, {100000, 0.01}, {5000, 0.9}}
	for _, tt := range tests {
		sum := 0
		const draws = 2000
		for range draws {
			k := binomial(e.rng, tt.n, tt.p)
			if k < 0 || k > tt.n {
				t.Fatalf("binomial(%d, %g) = %d", tt.n, tt.p, k)
			}
			sum += k
		}
		mean, want := float64(sum)/draws, float64(tt.n)*tt.p
		if d := mean - want; d > 0.05*want+0.1 || d < -0.05*want-0.1 {
			t.Errorf("binomial(%d, %g) mean %.3f, want about %.3f", tt.n, tt.p, mean, want)
		}
	}
}

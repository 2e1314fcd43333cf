package swarmrun

import (
	"math"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// ramp is a timeline where version v2 takes over in steps of 1/steps, one step every
// period seconds after lead seconds, for n seconds.
func ramp(lead, period, steps, n int) Timeline {
	tl := make(Timeline, n)
	for i := range tl {
		k := 0
		if i >= lead {
			k = min((i-lead)/period+1, steps)
		}
		share := float64(k) / float64(steps)
		tl[i] = map[string]float64{V1: 1 - share, V2: share}
	}
	return tl
}

// straggler is tl with version v2 given share at second i.
func straggler(tl Timeline, i int, share float64) Timeline {
	tl[i] = map[string]float64{V1: 1 - share, V2: share}
	return tl
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		obs, sim  Timeline
		wantShift int
		wantMax   float64 // checked to 1e-9
		agrees    bool
	}{
		{"identical", ramp(2, 3, 4, 20), ramp(2, 3, 4, 20), 0, 0, true},
		{"simulation reacts sooner: shifted, not penalised", ramp(4, 3, 4, 20), ramp(1, 3, 4, 20), 3, 0, true},
		{"simulation ends early: held at its last value", ramp(2, 3, 4, 30), ramp(2, 3, 4, 16), 0, 0, true},
		// One step (0.25) a second late for three seconds in a row, smoothed over
		// three seconds, is a full step at the middle one.
		// The drift is split: the simulation moves two seconds earlier.
		{"each step a second later than the last", ramp(2, 3, 4, 20), ramp(2, 4, 4, 20), -2, 0.25, true},
		{"half the fleet late", ramp(2, 3, 4, 20), ramp(2, 6, 4, 20), -2, 1.0 / 3, false},
		// A stray answer in the second before the step is not when v2 took its part.
		{"a stray answer does not set the onset", straggler(ramp(3, 3, 4, 20), 2, 0.05), ramp(2, 3, 4, 20), 1, 0.05 / 3, true},
		{"version never answers in either", ramp(99, 3, 4, 10), ramp(99, 3, 4, 10), 0, 0, true},
		// A first step answered by one request in ten reads as a late onset (two
		// seconds late); moving back the two seconds lines the ramps up again.
		{"a faint first step is realigned", straggler(straggler(ramp(2, 3, 4, 20), 2, 0.1), 3, 0.1), ramp(2, 3, 4, 20), 0, 0.10, true},
		{"rolled back in reality, completed in simulation", ramp(99, 3, 4, 20), ramp(2, 3, 4, 20), 2, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Compare(tt.obs, tt.sim, V2, 0.26)
			if c.Shift != tt.wantShift {
				t.Errorf("shift = %d, want %d", c.Shift, tt.wantShift)
			}
			if math.Abs(c.MaxDiff-tt.wantMax) > 1e-9 {
				t.Errorf("max diff = %.3f (at %d), want %.3f", c.MaxDiff, c.At, tt.wantMax)
			}
			if c.Agrees() != tt.agrees {
				t.Errorf("agrees = %t, want %t (%+v)", c.Agrees(), tt.agrees, c)
			}
		})
	}
}

func TestCompareEmptyNeverAgrees(t *testing.T) {
	for _, tl := range [][2]Timeline{{nil, ramp(0, 1, 1, 3)}, {ramp(0, 1, 1, 3), nil}} {
		if c := Compare(tl[0], tl[1], V2, 1); c.Agrees() {
			t.Errorf("an empty timeline agreed: %+v", c)
		}
	}
}

func TestTolerance(t *testing.T) {
	tests := []struct {
		rps    int
		lo, hi float64
	}{
		{20, 0.32, 0.33}, // 0.167 drift + 0.161 sampling
		{100, 0.23, 0.24},
		{0, 0.88, 0.89}, // treated as 1 rps
	}
	for _, tt := range tests {
		if got := Tolerance(tt.rps); got < tt.lo || got > tt.hi {
			t.Errorf("Tolerance(%d) = %.3f, want within [%.2f, %.2f]", tt.rps, got, tt.lo, tt.hi)
		}
	}
	if Tolerance(200) >= Tolerance(20) {
		t.Error("more traffic should allow a tighter tolerance")
	}
}

func TestScenarioTolerance(t *testing.T) {
	one := Tolerance(20)
	tests := []struct {
		name string
		s    Scenario
		want float64
	}{
		{"4 tasks one at a time: the base tolerance", Scenario{Replicas: 4, RPS: 20, Update: docker.UpdatePolicy{Parallelism: 1}}, one},
		{"10 tasks two at a time: a fifth per step, still the base", Scenario{Replicas: 10, RPS: 20, Update: docker.UpdatePolicy{Parallelism: 2}}, one},
		{"2 tasks one at a time: half per step", Scenario{Replicas: 2, RPS: 20, Update: docker.UpdatePolicy{Parallelism: 1}}, one - 2*0.25/3 + 2*0.5/3},
		{"everything at once", Scenario{Replicas: 4, RPS: 20, Update: docker.UpdatePolicy{Parallelism: 0, Order: docker.OrderStopFirst}}, one - 2*0.25/3 + 2*1.0/3},
		{"parallelism above the replicas", Scenario{Replicas: 3, RPS: 20, Update: docker.UpdatePolicy{Parallelism: 9}}, one - 2*0.25/3 + 2*1.0/3},
		{"engine defaults: one at a time", Scenario{Replicas: 2, RPS: 20}, one - 2*0.25/3 + 2*0.5/3},
	}
	for _, tt := range tests {
		if got := tt.s.Tolerance(); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: %.4f, want %.4f", tt.name, got, tt.want)
		}
	}
}

func TestObservationTimelines(t *testing.T) {
	obs := Observation{Buckets: []Bucket{
		{Offset: -1, Answers: map[string]int{V1: 10}, Tasks: map[string]int{V1: 4}},
		{Offset: 0, Answers: map[string]int{V1: 6, V2: 2}, Failures: map[string]int{"refused": 2}, Tasks: map[string]int{V1: 3, V2: 1}},
		{Offset: 1, Answers: map[string]int{V2: 10}, Tasks: map[string]int{}},
	}}
	answers, tasks := obs.Timeline(), obs.TaskTimeline()
	if len(answers) != 2 || len(tasks) != 2 {
		t.Fatalf("timelines start at the update: got %d and %d seconds, want 2", len(answers), len(tasks))
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"answer share counts failures in the total", answers[0][V2], 0.2},
		{"v1 answer share", answers[0][V1], 0.6},
		{"task share", tasks[0][V2], 0.25},
		{"no tasks seen: no share", tasks[1][V2], 0},
		{"all v2", answers[1][V2], 1},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s: got %.3f, want %.3f", c.name, c.got, c.want)
		}
	}
}

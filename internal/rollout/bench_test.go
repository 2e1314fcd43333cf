package rollout

import "testing"

// largeScenario is 10,000 instances under a default Kubernetes rolling update,
// with enough load that the run serves at least a million requests.
func largeScenario() Scenario {
	return Scenario{
		Seed:     42,
		Replicas: 10_000,
		From:     Version{Name: "v1", StartupS: 5, ErrorRate: 0.001, LatencyMS: 40},
		To:       Version{Name: "v2", StartupS: 5, ErrorRate: 0.002, LatencyMS: 35, Failure: Failure{SlowStart: 0.1, SlowStartS: 10, CrashOnStart: 0.01}},
		Traffic:  Traffic{RPS: 20_000},
		Strategy: Strategy{Kind: KindRolling},
		AfterS:   5,
	}
}

func BenchmarkSimulateLarge(b *testing.B) {
	sc := largeScenario()
	for b.Loop() {
		r, err := Simulate(sc)
		if err != nil {
			b.Fatal(err)
		}
		if r.Requests < 1_000_000 || r.PeakInstances < 10_000 {
			b.Fatalf("too small a run: %d requests, peak %d instances", r.Requests, r.PeakInstances)
		}
	}
}

// BenchmarkRandomDraws1M is the yardstick for BenchmarkSimulateLarge: the bare
// cost of one random draw per request, what a per-request simulation of the
// same million requests could not go below.
func BenchmarkRandomDraws1M(b *testing.B) {
	r := newRand(42)
	sink := 0.0
	for b.Loop() {
		for range 1_000_000 {
			sink += r.Float64()
		}
	}
	if sink < 0 {
		b.Fatal("impossible")
	}
}

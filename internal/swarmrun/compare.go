package swarmrun

import "math"

// Timeline is a rollout reduced to version shares: entry i is the i-th second after
// the update started, mapping each version to its share (0..1) of that second's
// requests. Simulated and observed rollouts meet in this form.
type Timeline []map[string]float64

// Timeline is the observation's answer shares from the update's start on.
func (o Observation) Timeline() Timeline {
	var tl Timeline
	for _, b := range o.Buckets {
		if b.Offset < 0 {
			continue
		}
		shares := map[string]float64{}
		for v := range b.Answers {
			shares[v] = b.Share(v)
		}
		tl = append(tl, shares)
	}
	return tl
}

// TaskTimeline is the observation's serving-task shares from the update's start on:
// what the traffic should have seen if every serving task took an equal part.
func (o Observation) TaskTimeline() Timeline {
	var tl Timeline
	for _, b := range o.Buckets {
		if b.Offset < 0 {
			continue
		}
		shares := map[string]float64{}
		if total := sum(b.Tasks); total > 0 {
			for v, n := range b.Tasks {
				shares[v] = float64(n) / float64(total)
			}
		}
		tl = append(tl, shares)
	}
	return tl
}

// SmoothWindow is how many seconds Compare averages over. One second of 20
// requests has a sampling error of up to ±0.11 on a share; three seconds bring it
// to ±0.065 while a one-task step of a small service still shows.
const SmoothWindow = 3

// jitterAllowance covers task start-up jitter: a real task takes from about one to
// two seconds to serve, a model takes a fixed time, and after aligning the start the
// two can drift apart by about a second, a third of a one-task step once smoothed.
const jitterAllowance = 0.10

// Tolerance is how far (absolute share) an observed timeline may stray from a
// simulated one at any second and still agree: the start-up jitter allowance plus
// 2.5 standard errors of a share sampled from SmoothWindow seconds at rps.
func Tolerance(rps int) float64 {
	if rps < 1 {
		rps = 1
	}
	return jitterAllowance + 2.5*0.5/math.Sqrt(float64(SmoothWindow*rps))
}

// Comparison is how an observed timeline and a simulated one differ in the share of
// one version.
type Comparison struct {
	Version string
	// Shift is how many seconds the simulated timeline was moved to start with the
	// observed one: the seconds the version first answered differ by that much.
	Shift int
	// MaxDiff is the largest smoothed share difference, found at observed second At.
	MaxDiff float64
	At      int
	// MeanDiff is the average smoothed share difference.
	MeanDiff  float64
	Tolerance float64
}

// Agrees reports whether the observation stays within tolerance of the simulation.
func (c Comparison) Agrees() bool { return c.MaxDiff <= c.Tolerance }

// Compare holds observed against simulated, for version's share, over the observed
// seconds. The simulated timeline is shifted so that the version first answers at
// the same second in both (the engine's reaction time to the update is not what is
// being compared), held at its last value past its end, and both are smoothed over
// SmoothWindow seconds before the difference is taken.
func Compare(observed, simulated Timeline, version string, tolerance float64) Comparison {
	c := Comparison{Version: version, Tolerance: tolerance}
	if len(observed) == 0 || len(simulated) == 0 {
		c.MaxDiff = math.Inf(1)
		return c
	}
	obsOnset, simOnset := onset(observed, version), onset(simulated, version)
	if obsOnset >= 0 && simOnset >= 0 {
		c.Shift = obsOnset - simOnset
	}
	obs := smooth(shares(observed, version, 0, len(observed)))
	sim := smooth(shares(simulated, version, c.Shift, len(observed)))
	total := 0.0
	for i := range obs {
		d := math.Abs(obs[i] - sim[i])
		total += d
		if d > c.MaxDiff {
			c.MaxDiff, c.At = d, i
		}
	}
	c.MeanDiff = total / float64(len(obs))
	return c
}

// onset is the first second the version answered, or -1.
func onset(tl Timeline, version string) int {
	for i, m := range tl {
		if m[version] > 0 {
			return i
		}
	}
	return -1
}

// shares returns n seconds of the version's share, the timeline moved shift seconds
// later and held at its first and last values beyond its ends.
func shares(tl Timeline, version string, shift, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		j := min(max(i-shift, 0), len(tl)-1)
		out[i] = tl[j][version]
	}
	return out
}

// smooth is a centred moving average over SmoothWindow seconds, narrower at the ends.
func smooth(xs []float64) []float64 {
	half := SmoothWindow / 2
	out := make([]float64, len(xs))
	for i := range xs {
		lo, hi := max(i-half, 0), min(i+half, len(xs)-1)
		total := 0.0
		for _, x := range xs[lo : hi+1] {
			total += x
		}
		out[i] = total / float64(hi-lo+1)
	}
	return out
}

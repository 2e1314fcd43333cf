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

// driftSeconds is how far a real step may lag the model: a new task takes one to
// two seconds to serve, and a replaced task keeps answering for one to two seconds
// after Swarm marks it for shutdown, until the engine's DNS forgets it (both
// measured on this engine). The model has neither delay.
const driftSeconds = 2

// jitterAllowance is what that drift costs a one-task step of a 4-task service once
// smoothed: 2 s of a 0.25 share over a 3 s window, 0.167. Larger services get no
// less.
const jitterAllowance = driftSeconds * 0.25 / SmoothWindow

// Tolerance is how far (absolute share) an observed timeline may stray from a
// simulated one at any second and still agree: the start-up jitter allowance plus
// the sampling allowance at rps. It holds for updates that move at most a quarter
// of the service at once; Scenario.Tolerance widens it for bigger steps.
func Tolerance(rps int) float64 { return jitterAllowance + SamplingAllowance(rps) }

// SamplingAllowance is 2.5 standard errors of a share near one half sampled from
// SmoothWindow seconds at rps.
func SamplingAllowance(rps int) float64 {
	if rps < 1 {
		rps = 1
	}
	return 2.5 * 0.5 / math.Sqrt(float64(SmoothWindow*rps))
}

// JitterAllowance is the drift allowance sized to the scenario's step: a step that
// moves a batch of P of N tasks, late by driftSeconds, is off by P/N for that long,
// 2P/3N once smoothed, which for 2 tasks one at a time, or for everything at once,
// exceeds the allowance of a 4-task service.
func (s Scenario) JitterAllowance() float64 {
	s = s.withDefaults()
	batch := s.Update.Parallelism
	if batch == 0 || batch > s.Replicas {
		batch = s.Replicas
	}
	return max(jitterAllowance, driftSeconds*float64(batch)/float64(s.Replicas)/SmoothWindow)
}

// Tolerance is the tolerance for this scenario's step and load.
func (s Scenario) Tolerance() float64 {
	return s.JitterAllowance() + SamplingAllowance(s.withDefaults().RPS)
}

// Comparison is how an observed timeline and a simulated one differ in the share of
// one version.
type Comparison struct {
	Version string
	// Shift is how many seconds later the simulated timeline was moved to line up
	// with the observed one.
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

// maxRealign is how many seconds either way Compare may move the simulation from
// where the onsets put it.
const maxRealign = 2

// Compare holds observed against simulated, for version's share, over the observed
// seconds. The engine's reaction time to the update is not what is compared, so the
// simulated timeline is moved to line up with the observed one: first so that the
// version takes its part in the same second in both, then by up to maxRealign
// seconds either way where that brings the two closer on average, since the onset
// is read from one noisy second. Past its ends the simulation is held at its first
// and last values, and both are smoothed over SmoothWindow seconds before the
// difference is taken.
//
// The simulation takes its part in the first second it answers at all. The
// observation takes it in the first second it has more than half that share: a
// task joins the rotation at any moment of a second, and one or two requests
// reaching it in its last milliseconds do not mean it served the second.
func Compare(observed, simulated Timeline, version string, tolerance float64) Comparison {
	c := Comparison{Version: version, Tolerance: tolerance}
	if len(observed) == 0 || len(simulated) == 0 {
		c.MaxDiff = math.Inf(1)
		return c
	}
	base := 0
	if simOnset := onset(simulated, version, 0); simOnset >= 0 {
		if obsOnset := onset(observed, version, simulated[simOnset][version]/2); obsOnset >= 0 {
			base = obsOnset - simOnset
		}
	}
	obs := smooth(shares(observed, version, 0, len(observed)))
	best := differ(obs, simulated, version, base)
	// Nearer moves first, so that a tie keeps the smaller correction.
	for d := 1; d <= maxRealign; d++ {
		for _, shift := range []int{base - d, base + d} {
			if cand := differ(obs, simulated, version, shift); cand.MeanDiff < best.MeanDiff-1e-9 {
				best = cand
			}
		}
	}
	best.Version, best.Tolerance = version, tolerance
	return best
}

// differ compares smoothed observed shares with the simulation moved shift seconds
// later.
func differ(obs []float64, simulated Timeline, version string, shift int) Comparison {
	c := Comparison{Shift: shift}
	sim := smooth(shares(simulated, version, shift, len(obs)))
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

// onset is the first second the version's share was above floor, or -1.
func onset(tl Timeline, version string, floor float64) int {
	for i, m := range tl {
		if m[version] > floor {
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

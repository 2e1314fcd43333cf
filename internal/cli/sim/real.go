package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/rollout"
	"github.com/devopsctl/devopsctl/internal/swarmrun"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
)

// Engines accepted by --engine.
const (
	engineSim   = "sim"
	engineSwarm = "swarm"
)

// Bad releases of the real demo, as --bad-version names them with --engine swarm.
var realBadModes = []string{swarmrun.BadCrash, swarmrun.BadErrors}

// realDefaultRPS is the load of a real rollout when --requests is not given: enough
// to see each task's share, little enough for a laptop.
const realDefaultRPS = 20

// realLab labels what a real rollout from the command line leaves on the engine,
// so that `devopsctl lab clean` finds it should the process be killed.
const realLab = "sim-rollout"

// RealRun runs one real rollout, reporting its steps to progress.
type RealRun func(ctx context.Context, s swarmrun.Scenario, progress io.Writer) (swarmrun.Observation, error)

// validateReal refuses what a real rollout cannot do; the strategy is resolved.
func (o *RolloutOptions) validateReal() error {
	if o.Strategy != rollout.KindSwarm {
		return cmdutil.UsageErrorf("--engine swarm runs a Docker Swarm service update: use --strategy swarm, or --from <compose file> <service>")
	}
	for _, n := range []string{"compare", "startup", "speed", "min-success"} {
		if o.set[n] {
			return cmdutil.UsageErrorf("--%s applies to --engine sim only: a real rollout has one strategy, tasks that take what they take to start, and no animation", n)
		}
	}
	if o.BadVersion != "" && !slices.Contains(realBadModes, strings.ToLower(o.BadVersion)) {
		return cmdutil.UsageErrorf("--bad-version %q: with --engine swarm the bad release is the demo's v3, which either crashes on start (crash) or fails 4 requests in 5 (errors)", o.BadVersion)
	}
	switch {
	case o.Parallelism < 0:
		return cmdutil.UsageErrorf("--parallelism cannot be negative (%d)", o.Parallelism)
	case o.DelayS < 0:
		return cmdutil.UsageErrorf("--delay cannot be negative (%d)", o.DelayS)
	case o.Replicas < 1 || o.Replicas > swarmrun.MaxReplicas:
		return cmdutil.UsageErrorf("--replicas %d: a real rollout runs 1 to %d tasks on this machine", o.Replicas, swarmrun.MaxReplicas)
	case o.set["requests"] && (o.Requests < 1 || o.Requests > swarmrun.MaxRPS):
		return cmdutil.UsageErrorf("--requests %d: a real rollout sends 1 to %d requests a second", o.Requests, swarmrun.MaxRPS)
	}
	return nil
}

// realScenario maps the flags, or the compose file, to a real rollout.
func (o *RolloutOptions) realScenario(ctx context.Context) (swarmrun.Scenario, error) {
	scs, err := o.scenarios(ctx)
	if err != nil {
		return swarmrun.Scenario{}, err
	}
	s, err := swarmrun.FromSimulation(scs[0])
	if err != nil {
		return swarmrun.Scenario{}, cmdutil.UsageError(err)
	}
	s.RPS = realDefaultRPS
	if o.set["requests"] {
		s.RPS = o.Requests
	}
	if o.BadVersion != "" {
		s.To, s.BadMode = swarmrun.V3, strings.ToLower(o.BadVersion)
	}
	if err := s.Validate(); err != nil {
		return swarmrun.Scenario{}, cmdutil.UsageError(err)
	}
	if err := s.CheckFits(); err != nil {
		return swarmrun.Scenario{}, cmdutil.UsageError(err)
	}
	return s, nil
}

// engineRun reaches the engine and returns a RealRun on it.
func (o *RolloutOptions) engineRun(ctx context.Context) (RealRun, error) {
	eng, err := cmdutil.ReachEngine(ctx, o.Factory)
	if err != nil {
		return nil, cmdutil.EngineMissing(err)
	}
	sw, ok := eng.(docker.Swarm)
	if !ok {
		return nil, cmdutil.EnvironmentError(errors.New("this Docker engine connection cannot manage Swarm services, so no real rollout can run on it; try --engine sim"))
	}
	return func(ctx context.Context, s swarmrun.Scenario, progress io.Writer) (swarmrun.Observation, error) {
		r := &swarmrun.Runner{Engine: eng, Swarm: sw, LabID: realLab, Progress: progress}
		return r.Run(ctx, s)
	}, nil
}

// realReport is a real rollout next to its simulation.
type realReport struct {
	Scenario   swarmrun.Scenario
	Observed   swarmrun.Observation
	Simulated  *rollout.Result
	Comparison swarmrun.Comparison
	// Rows pair each observed second from the update's start with the simulated
	// second Compare held it against.
	Rows []realRow
}

type realRow struct {
	T         int
	Observed  float64
	Simulated float64
	Failed    int
	Tasks     map[string]int
}

func realRolloutRun(ctx context.Context, opts *RolloutOptions) error {
	s, err := opts.realScenario(ctx)
	if err != nil {
		return err
	}
	run := opts.Real
	if run == nil {
		if run, err = opts.engineRun(ctx); err != nil {
			return err
		}
	}
	errOut := opts.IO.ErrOut
	fmt.Fprintf(errOut, "Real rollout on Docker Swarm: %s\n", describeReal(s))
	limit := s.Duration
	if limit == 0 {
		if limit, err = swarmrun.Deadline(s); err != nil {
			return cmdutil.UsageError(err)
		}
	}
	fmt.Fprintf(errOut, "After building and deploying the demo, it sends traffic until the engine has finished the update and settled (at most about %s); Ctrl-C stops it and cleans up.\n", limit)
	obs, err := run(ctx, s, errOut)
	if ctx.Err() != nil {
		// The runner has removed what it made, and left a swarm it created, by now.
		return cmdutil.ErrInterrupted
	}
	if err != nil {
		return cmdutil.EnvironmentError(fmt.Errorf("real rollout: %w", err))
	}
	rep, err := compareReal(obs)
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		err = writeRealJSON(opts.IO.Out, rep)
	} else {
		err = writeRealPlain(opts.IO.Out, rep)
	}
	if err != nil {
		return err
	}
	if !rep.Comparison.Agrees() {
		return cmdutil.SilentExit(cmdutil.ExitFailed)
	}
	return nil
}

// compareReal simulates the observation's scenario and holds the two against
// each other on the new version's share.
func compareReal(obs swarmrun.Observation) (*realReport, error) {
	s := obs.Scenario
	sim, err := swarmrun.Simulate(s)
	if err != nil {
		return nil, err
	}
	observed, simulated := obs.Timeline(), swarmrun.SimulatedTimeline(sim)
	if len(observed) == 0 {
		return nil, cmdutil.EnvironmentError(errors.New("real rollout: the traffic generator reported no second after the update started; the engine may be too busy, try again"))
	}
	rep := &realReport{Scenario: s, Observed: obs, Simulated: sim,
		Comparison: swarmrun.Compare(observed, simulated, s.To, s.Tolerance())}
	i := 0
	for _, b := range obs.Buckets {
		if b.Offset < 0 {
			continue
		}
		j := min(max(i-rep.Comparison.Shift, 0), len(simulated)-1)
		rep.Rows = append(rep.Rows, realRow{T: b.Offset, Observed: observed[i][s.To], Simulated: simulated[j][s.To], Failed: b.Failed(), Tasks: b.Tasks})
		i++
	}
	return rep, nil
}

// describeReal says in one line what a real rollout does.
func describeReal(s swarmrun.Scenario) string {
	to := s.To
	switch {
	case to == swarmrun.V3 && s.BadMode == swarmrun.BadErrors:
		to += " (fails 4 requests in 5)"
	case to == swarmrun.V3:
		to += " (crashes on start)"
	}
	u := s.Update
	return fmt.Sprintf("v1 -> %s, %d replicas, parallelism %d, delay %s, order %s, failure action %s, monitor %s; %d requests/s",
		to, s.Replicas, u.Parallelism, u.Delay, u.Order, u.FailureAction, u.Monitor, s.RPS)
}

func writeRealPlain(w io.Writer, rep *realReport) error {
	s, obs, sim, c := rep.Scenario, rep.Observed, rep.Simulated, rep.Comparison
	fmt.Fprintf(w, "Real Swarm rollout %s\nnext to its simulation (tasks starting in %ds, as they did: %.1fs)\n\n", describeReal(s), s.SimStartupS(), s.Defaults().TaskStartup.Seconds())
	t := tableprinter.New(w, 0)
	for col := range 4 {
		t.AlignRight(col)
	}
	t.AddRow("second", s.To+" real", s.To+" simulated", "failed", "tasks serving (real)")
	for _, r := range rep.Rows {
		t.AddRow(fmt.Sprintf("%+d", r.T), pct0(r.Observed), pct0(r.Simulated), fmt.Sprint(r.Failed), taskList(r.Tasks))
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("write the comparison: %w", err)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Real:       update %s on %s; %d of %d requests failed; at least %d tasks serving, at most %d running\n",
		orDefault(obs.UpdateState, "not started"), obs.FinalImage, obs.Failed, obs.Sent, obs.MinServing, obs.PeakRunning)
	if obs.TimedOut {
		fmt.Fprintf(w, "            the engine had not finished the update when the traffic stopped, after %s: the machine may be too busy\n", s.Duration)
	} else if obs.SettledAt > 0 {
		fmt.Fprintf(w, "            the engine finished at %+.1fs; its old tasks were gone at %+.1fs\n", obs.FinishedAt, obs.SettledAt)
	}
	fmt.Fprintf(w, "Simulated:  %s after %ds; %d of %d requests failed; at least %d tasks serving, at most %d running\n",
		sim.Outcome, sim.DurationS, sim.Errors, sim.Requests, sim.MinAvailable, sim.PeakInstances)
	if outcome := realOutcome(obs.UpdateState); outcome == sim.Outcome {
		fmt.Fprintf(w, "Outcome:    both %s\n", outcome)
	} else {
		fmt.Fprintf(w, "Outcome:    %s for real, %s in the simulation\n", outcome, sim.Outcome)
	}
	verdict := "AGREES"
	if !c.Agrees() {
		verdict = "DISAGREES"
	}
	_, err := fmt.Fprintf(w, "Verdict:    %s. %s's share differs by at most %.2f (at %+ds) and %.2f on average; the tolerance is %.2f.\n"+
		"            (Shares are smoothed over %d seconds. The tolerance is %.2f for tasks that start serving, and\n"+
		"            stop, up to 2 seconds later than modelled (two thirds of one update step, at least 0.17), plus %.2f, 2.5 standard errors of a share sampled from %d seconds\n"+
		"            at %d requests/s. The simulation was moved %+ds to line up with the real run, where %s first\n"+
		"            took its part: the engine's reaction time is not what is compared.)\n",
		verdict, s.To, c.MaxDiff, c.At, c.MeanDiff, c.Tolerance,
		swarmrun.SmoothWindow, s.JitterAllowance(), swarmrun.SamplingAllowance(s.RPS), swarmrun.SmoothWindow, s.RPS, c.Shift, s.To)
	return err
}

// realOutcome names the engine's final update state as the simulator names
// outcomes.
func realOutcome(state string) string {
	switch state {
	case "completed":
		return rollout.OutcomeCompleted
	case "paused", "rollback_paused":
		return rollout.OutcomePaused
	case "rollback_completed":
		return rollout.OutcomeRolledBack
	case "":
		return "not started"
	}
	return "still " + state
}

func pct0(share float64) string { return fmt.Sprintf("%.0f%%", 100*share) }

func taskList(tasks map[string]int) string {
	var parts []string
	for _, v := range []string{swarmrun.V1, swarmrun.V2, swarmrun.V3} {
		if n := tasks[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", v, n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// The JSON of a real rollout: snake_case like the simulation's, durations in
// seconds.
type (
	realJSON struct {
		Settings   realSettingsJSON   `json:"settings"`
		Observed   observedJSON       `json:"observed"`
		Simulated  *rollout.Result    `json:"simulated"`
		Comparison comparisonJSON     `json:"comparison"`
		Seconds    []realSecondJSON   `json:"seconds"`
		Buckets    []observedSecondJS `json:"observed_seconds"`
	}
	realSettingsJSON struct {
		Replicas        uint64  `json:"replicas"`
		From            string  `json:"from"`
		To              string  `json:"to"`
		BadMode         string  `json:"bad_mode,omitempty"`
		RPS             int     `json:"rps"`
		Parallelism     uint64  `json:"parallelism"`
		DelayS          float64 `json:"delay_s"`
		Order           string  `json:"order"`
		FailureAction   string  `json:"failure_action"`
		MonitorS        float64 `json:"monitor_s"`
		MaxFailureRatio float64 `json:"max_failure_ratio"`
		DurationS       float64 `json:"duration_s"`
		// TaskStartupS is how fast the update's new tasks started: what the
		// simulation was given.
		TaskStartupS float64 `json:"task_startup_s"`
	}
	observedJSON struct {
		UpdateState   string `json:"update_state"`
		UpdateMessage string `json:"update_message,omitempty"`
		FinalImage    string `json:"final_image"`
		Sent          int    `json:"requests"`
		Failed        int    `json:"failed"`
		MinServing    int    `json:"min_serving"`
		PeakServing   int    `json:"peak_serving"`
		PeakRunning   int    `json:"peak_running"`
		// FinishedAtS and SettledAtS count from the update's start; TimedOut says the
		// engine had not finished by the deadline.
		FinishedAtS float64 `json:"finished_at_s"`
		SettledAtS  float64 `json:"settled_at_s"`
		TimedOut    bool    `json:"timed_out"`
	}
	comparisonJSON struct {
		SameOutcome bool    `json:"same_outcome"`
		Version     string  `json:"version"`
		Agrees      bool    `json:"agrees"`
		MaxDiff     float64 `json:"max_diff"`
		AtS         int     `json:"at_s"`
		MeanDiff    float64 `json:"mean_diff"`
		Tolerance   float64 `json:"tolerance"`
		ShiftS      int     `json:"shift_s"`
		SmoothS     int     `json:"smooth_s"`
	}
	realSecondJSON struct {
		T         int     `json:"t"`
		Observed  float64 `json:"observed"`
		Simulated float64 `json:"simulated"`
	}
	observedSecondJS struct {
		T        int            `json:"t"`
		Answers  map[string]int `json:"answers"`
		Failures map[string]int `json:"failures"`
		Tasks    map[string]int `json:"tasks"`
	}
)

func writeRealJSON(w io.Writer, rep *realReport) error {
	s, obs, c := rep.Scenario, rep.Observed, rep.Comparison
	out := realJSON{
		Settings: realSettingsJSON{
			Replicas: s.Replicas, From: s.From, To: s.To, BadMode: s.BadMode, RPS: s.RPS,
			Parallelism: s.Update.Parallelism, DelayS: s.Update.Delay.Seconds(), Order: s.Update.Order,
			FailureAction: s.Update.FailureAction, MonitorS: s.Update.Monitor.Seconds(),
			MaxFailureRatio: s.Update.MaxFailureRatio, DurationS: s.Duration.Seconds(),
			TaskStartupS: s.Defaults().TaskStartup.Seconds(),
		},
		Observed: observedJSON{
			UpdateState: obs.UpdateState, UpdateMessage: obs.UpdateMessage, FinalImage: obs.FinalImage,
			Sent: obs.Sent, Failed: obs.Failed, MinServing: obs.MinServing, PeakServing: obs.PeakServing, PeakRunning: obs.PeakRunning,
			FinishedAtS: obs.FinishedAt, SettledAtS: obs.SettledAt, TimedOut: obs.TimedOut,
		},
		Simulated: rep.Simulated,
		Comparison: comparisonJSON{SameOutcome: realOutcome(obs.UpdateState) == rep.Simulated.Outcome, Version: c.Version, Agrees: c.Agrees(), MaxDiff: c.MaxDiff, AtS: c.At,
			MeanDiff: c.MeanDiff, Tolerance: c.Tolerance, ShiftS: c.Shift, SmoothS: swarmrun.SmoothWindow},
		Seconds: []realSecondJSON{},
		Buckets: []observedSecondJS{},
	}
	for _, r := range rep.Rows {
		out.Seconds = append(out.Seconds, realSecondJSON{T: r.T, Observed: r.Observed, Simulated: r.Simulated})
	}
	for _, b := range obs.Buckets {
		out.Buckets = append(out.Buckets, observedSecondJS{T: b.Offset, Answers: b.Answers, Failures: b.Failures, Tasks: b.Tasks})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write the real rollout as JSON: %w", err)
	}
	return nil
}

package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/rollout"
	"github.com/devopsctl/devopsctl/internal/rollout/view"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// RolloutOptions are the inputs of `sim rollout`.
type RolloutOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	// Engine is sim (the simulator alone) or swarm (a real rollout on the local
	// Docker engine, then its simulation next to it).
	Engine string
	// Real runs the real rollout; nil runs it on the engine the Factory reaches.
	Real RealRun

	Strategy string
	Replicas int
	Requests int
	StartupS int
	Seed     uint64
	// BadVersion is the new version's error rate as typed ("0.2" or "20%").
	BadVersion string

	// Kubernetes rolling update.
	MaxSurge, MaxUnavailable string
	// Swarm update_config.
	Parallelism   int
	Order         string
	DelayS        int
	FailureAction string
	// Canary steps ("10:30,50:30") and the analysis bar shared with blue-green.
	Steps      string
	MinSuccess float64

	From, Service string
	Compare       bool
	Output        string
	Speed         float64

	// set records which flags were given, to refuse those that do not apply.
	set map[string]bool
}

// Strategy names accepted by --strategy, mapped to the simulator's kinds.
var strategyNames = map[string]string{
	"rolling":    rollout.KindRolling,
	"swarm":      rollout.KindSwarm,
	"bluegreen":  rollout.KindBlueGreen,
	"blue-green": rollout.KindBlueGreen,
	"canary":     rollout.KindCanary,
}

// strategyFlagNames are the values --strategy takes; case does not matter.
var strategyFlagNames = []string{"rolling", "swarm", "bluegreen", "blue-green", "canary"}

// flagsOf names the flags that only make sense for one strategy.
var flagsOf = map[string][]string{
	rollout.KindRolling:   {"max-surge", "max-unavailable"},
	rollout.KindSwarm:     {"parallelism", "order", "delay", "failure-action"},
	rollout.KindCanary:    {"steps"},
	rollout.KindBlueGreen: {},
}

// NewCmdRollout builds `sim rollout`.
func NewCmdRollout(f *cmdutil.Factory, runF func(context.Context, *RolloutOptions) error) *cobra.Command {
	opts := &RolloutOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "rollout [<service>]",
		Short: "Replay a rolling, blue/green or canary rollout second by second",
		Long: `Simulate replacing N instances of version v1 with v2 while users keep sending
requests, and watch what they go through: how many instances answer, how many
exist (what you pay for), whether two versions answer at once, how many
requests fail and whether a bad release is caught.

Strategies
  rolling     Kubernetes Deployment, strategy RollingUpdate. New pods are added
              and old ones removed a few at a time, so for a while users reach
              both versions.
                --max-surge        how many pods may exist ABOVE the replica count
                                   during the update (number or %, default 25%,
                                   rounded up): the extra capacity you pay for.
                --max-unavailable  how many of the replicas may be NOT ready
                                   during the update (number or %, default 25%,
                                   rounded down): the capacity you give up.
              Both 0 is refused, as Kubernetes does: nothing could move.
  swarm       Docker Swarm service update (compose deploy.update_config).
                --parallelism      tasks replaced at once (0: all at once)
                --order            stop-first (default: old task stops, then the
                                   new one starts) or start-first (new first,
                                   briefly one extra task)
                --delay            seconds to wait between batches
                --failure-action   pause (default), continue or rollback when
                                   new tasks fail to start
  bluegreen   A complete second stack (green) starts next to the live one
              (blue); once every green instance is ready all traffic switches
              at once. Only one version ever answers, rollback is one switch
              back, and for a while you run twice the instances.
  canary      A few new instances get a small share of the requests (--steps
              weight:seconds, e.g. 10:30,50:30) while an analysis checks their
              success rate; below --min-success the release is rolled back,
              otherwise it is promoted to everyone.

--bad-version makes v2 fail a share of its requests (0.2 or 20%), so you can
see which strategies notice and how many users pay for it.

--from reads replicas and deploy.update_config of one service of a compose
file, and simulates that Swarm update.

Real rollouts
  --engine swarm runs the Swarm update for real on the local Docker engine, then
  simulates the same settings and prints both side by side, second by second:
  the share of requests the new version answered, in reality and in the model.
  It makes the engine a single-node swarm if it is in none (and leaves it again
  afterwards), builds a small demo web service (v1, v2 and a bad v3) with the
  local Go toolchain, deploys --replicas tasks of v1 (at most 10), updates them
  with your settings while a client sends --requests per second (default 20 for
  a real run), records which version answered each request and which failed,
  and removes everything it made. It takes about a minute; Ctrl-C stops it and
  cleans up. Only the swarm strategy (or --from) can run for real.
    --bad-version crash   roll out v3, which exits half a second after it
                          starts: Swarm notices and pauses or rolls back.
    --bad-version errors  roll out v3, which runs but answers 500 to 4
                          requests in 5: Swarm does not notice.
  The verdict says whether the real rollout agrees with the simulation within
  the tolerance it states; the exit status is 1 when it does not.

In a terminal the rollout is animated (space pauses, + and - change speed,
q quits); otherwise a table with one row per second is printed. --output json
prints every second and the summary for scripts.`,
		Example: `  # Kubernetes defaults for 10 replicas: 25% surge, 25% unavailable
  devopsctl sim rollout --replicas 10

  # Never lose capacity: one extra pod at a time
  devopsctl sim rollout --replicas 10 --max-surge 1 --max-unavailable 0

  # The same release fails 20% of requests: which strategy limits the damage?
  devopsctl sim rollout --bad-version 0.2 --compare

  # Blue/green costs twice the instances, but users never see two versions
  devopsctl sim rollout --strategy bluegreen --replicas 6

  # Replay the update_config of the web service in a compose file
  devopsctl sim rollout --from compose.yaml web

  # For scripts
  devopsctl sim rollout --strategy canary --bad-version 5% --output json

  # Run the same update for real on Docker Swarm and hold it against the model
  devopsctl sim rollout --engine swarm --strategy swarm --replicas 4 --order start-first --delay 1
  devopsctl sim rollout --engine swarm --from compose.yaml web --bad-version crash`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.set = map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { opts.set[fl.Name] = true })
			if len(args) == 1 {
				opts.Service = args[0]
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Engine == engineSwarm {
				return realRolloutRun(cmd.Context(), opts)
			}
			return rolloutRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.StringEnumFlag(cmd, &opts.Engine, "engine", "", engineSim, []string{engineSim, engineSwarm}, "sim, or swarm to run the update for real on the local Docker engine and compare")
	cmdutil.StringEnumFlag(cmd, &opts.Strategy, "strategy", "s", "rolling", strategyFlagNames, "How to replace the instances")
	fl.IntVarP(&opts.Replicas, "replicas", "n", 10, "How many instances serve users (N)")
	fl.StringVar(&opts.MaxSurge, "max-surge", "", "rolling: instances allowed above N during the update, a number or % (default 25%)")
	fl.StringVar(&opts.MaxUnavailable, "max-unavailable", "", "rolling: instances of N allowed to be not ready, a number or % (default 25%)")
	fl.IntVar(&opts.Parallelism, "parallelism", 1, "swarm: tasks updated at once, 0 for all")
	cmdutil.StringEnumFlag(cmd, &opts.Order, "order", "", rollout.StopFirst, []string{rollout.StopFirst, rollout.StartFirst}, "swarm: which goes first")
	fl.IntVar(&opts.DelayS, "delay", 0, "swarm: `seconds` between batches")
	cmdutil.StringEnumFlag(cmd, &opts.FailureAction, "failure-action", "", rollout.ActionPause, []string{rollout.ActionPause, rollout.ActionContinue, rollout.ActionRollback}, "swarm: what to do when new tasks fail")
	fl.StringVar(&opts.Steps, "steps", "10:20,50:20", "canary: traffic steps as weight%:seconds, comma-separated")
	fl.Float64Var(&opts.MinSuccess, "min-success", 95, "canary and bluegreen: success `percent` below which the release is rolled back")
	fl.IntVar(&opts.Requests, "requests", 100, "User requests per second")
	fl.IntVar(&opts.StartupS, "startup", 5, "`Seconds` an instance needs to start")
	fl.StringVar(&opts.BadVersion, "bad-version", "", "The new version fails this share of requests (`rate`: 0.2 or 20%); with --engine swarm: crash or errors")
	fl.Uint64Var(&opts.Seed, "seed", 1, "Random seed: the same seed replays the same run")
	fl.StringVar(&opts.From, "from", "", "Read replicas and deploy.update_config of <service> from this compose `file`")
	fl.BoolVar(&opts.Compare, "compare", false, "Run rolling, bluegreen and canary on the same scenario and compare them")
	cmdutil.StringEnumFlag(cmd, &opts.Output, "output", "o", "text", []string{"text", "json"}, "Output format (json for scripts)")
	fl.Float64Var(&opts.Speed, "speed", 4, "Animation: simulated seconds per real second")
	return cmd
}

// validate refuses flags that contradict each other, before anything runs.
func (o *RolloutOptions) validate() error {
	kind := strategyNames[o.Strategy]
	if o.From != "" {
		if o.set["strategy"] && kind != rollout.KindSwarm {
			return cmdutil.UsageErrorf("--from reads a Swarm update_config, so the strategy is swarm; leave out --strategy %s", o.Strategy)
		}
		if o.Service == "" {
			return cmdutil.UsageErrorf("--from needs the service to simulate: devopsctl sim rollout --from %s <service>", o.From)
		}
		kind = rollout.KindSwarm
	} else if o.Service != "" {
		return cmdutil.UsageErrorf("a service name (%q) only makes sense with --from <compose file>", o.Service)
	}
	o.Strategy = kind
	for _, k := range []string{rollout.KindRolling, rollout.KindSwarm, rollout.KindBlueGreen, rollout.KindCanary} {
		applies := k == kind || (o.Compare && k != rollout.KindSwarm)
		for _, n := range flagsOf[k] {
			switch {
			case !o.set[n]:
			case k == rollout.KindSwarm && o.From != "":
				return cmdutil.UsageErrorf("--%s: with --from the update settings come from deploy.update_config in %s; change them there", n, o.From)
			case !applies:
				return cmdutil.UsageErrorf("--%s applies to --strategy %s, not %s", n, strategyFlagName(k), strategyFlagName(kind))
			}
		}
	}
	if o.Engine == engineSwarm {
		return o.validateReal()
	}
	return o.validateSim()
}

// validateSim checks the flags only the simulator reads, against the ranges
// docs/simulator.md gives, so that no value can make a run endless or huge.
func (o *RolloutOptions) validateSim() error {
	for _, r := range []struct {
		flag     string
		val, max int
		min      int
	}{
		{"replicas", o.Replicas, limits.Replicas, 1},
		{"requests", o.Requests, limits.RPS, 0},
		{"startup", o.StartupS, limits.Seconds, 0},
		{"delay", o.DelayS, limits.Seconds, 0},
		{"parallelism", o.Parallelism, limits.Replicas, 0},
	} {
		if r.val < r.min || r.val > r.max {
			return cmdutil.UsageErrorf("--%s is %d; use %d to %d", r.flag, r.val, r.min, r.max)
		}
	}
	if !inRange(o.Speed, limits.MinSpeed, limits.MaxSpeed) {
		return cmdutil.UsageErrorf("--speed is %g; use %g to %g simulated seconds per real second", o.Speed, limits.MinSpeed, limits.MaxSpeed)
	}
	if !inRange(o.MinSuccess, 0, 100) {
		return cmdutil.UsageErrorf("--min-success is %g; use a percentage from 0 to 100", o.MinSuccess)
	}
	if _, err := o.fences(); err != nil {
		return err
	}
	if _, err := o.errorRate(); err != nil {
		return err
	}
	if _, err := o.canarySteps(); err != nil {
		return err
	}
	return nil
}

// limits are the ranges of the simulator's flags and of what --from reads;
// docs/simulator.md lists them.
var limits = struct {
	Replicas, RPS, Seconds, Fence, Steps int
	MinSpeed, MaxSpeed                   float64
	FileBytes                            int64
}{
	Replicas: 1000, RPS: 1_000_000, Seconds: 3600, Fence: 1000, Steps: 20,
	MinSpeed: 0.1, MaxSpeed: 1000,
	FileBytes: rollout.MaxComposeBytes,
}

// fileInRange holds what --from read to the ranges of the flags it stands for.
func fileInRange(file string, sc rollout.Scenario) error {
	if sc.Replicas < 1 || sc.Replicas > limits.Replicas {
		return cmdutil.UsageErrorf("%s: deploy.replicas of %s is %d; the simulator takes 1 to %d", file, sc.Name, sc.Replicas, limits.Replicas)
	}
	for _, u := range []struct {
		key string
		cfg *rollout.UpdateConfig
	}{{"update_config", &sc.Strategy.Swarm.Update}, {"rollback_config", sc.Strategy.Swarm.Rollback}} {
		switch {
		case u.cfg == nil:
		case u.cfg.Parallelism != nil && *u.cfg.Parallelism > limits.Replicas:
			return cmdutil.UsageErrorf("%s: deploy.%s.parallelism of %s is %d; the simulator takes 0 to %d", file, u.key, sc.Name, *u.cfg.Parallelism, limits.Replicas)
		case u.cfg.DelayS > limits.Seconds:
			return cmdutil.UsageErrorf("%s: deploy.%s.delay of %s is %ds; the simulator takes up to %ds", file, u.key, sc.Name, u.cfg.DelayS, limits.Seconds)
		case u.cfg.MonitorS != nil && *u.cfg.MonitorS > limits.Seconds:
			return cmdutil.UsageErrorf("%s: deploy.%s.monitor of %s is %ds; the simulator takes up to %ds", file, u.key, sc.Name, *u.cfg.MonitorS, limits.Seconds)
		}
	}
	return nil
}

// inRange is false for NaN and the infinities, whatever the bounds.
func inRange(v, lo, hi float64) bool { return v >= lo && v <= hi }

func strategyFlagName(kind string) string {
	if kind == rollout.KindBlueGreen {
		return "bluegreen"
	}
	return kind
}

// fences parses --max-surge and --max-unavailable; nil means the Kubernetes default.
func (o *RolloutOptions) fences() (*rollout.Rolling, error) {
	r := &rollout.Rolling{}
	for _, f := range []struct {
		name, val string
		dst       **rollout.IntOrPercent
	}{{"max-surge", o.MaxSurge, &r.MaxSurge}, {"max-unavailable", o.MaxUnavailable, &r.MaxUnavailable}} {
		if f.val == "" {
			continue
		}
		v, err := rollout.ParseIntOrPercent(f.val)
		if err != nil {
			return nil, cmdutil.UsageErrorf("--%s: %v", f.name, err)
		}
		if v.Value < 0 || v.Value > limits.Fence {
			return nil, cmdutil.UsageErrorf("--%s is %s; use 0 to %d, or 0%% to %d%%", f.name, v, limits.Fence, limits.Fence)
		}
		*f.dst = &v
	}
	if err := rollout.ValidateFences(r.MaxSurge, r.MaxUnavailable); err != nil {
		surge, unavail := r.MaxSurge != nil && r.MaxSurge.Value == 0, r.MaxUnavailable != nil && r.MaxUnavailable.Value == 0
		if surge && unavail {
			return nil, cmdutil.UsageErrorf("--max-surge and --max-unavailable cannot both be 0: nothing could ever be replaced (no room for a new pod, and no old pod may go)")
		}
		return nil, cmdutil.UsageError(err)
	}
	return r, nil
}

// errorRate reads --bad-version as a share (0.2) or a percentage (20%).
func (o *RolloutOptions) errorRate() (float64, error) {
	if o.BadVersion == "" {
		return 0, nil
	}
	s := strings.TrimSpace(o.BadVersion)
	num, pct := strings.CutSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err == nil && pct {
		v /= 100
	}
	if err != nil || !inRange(v, 0, 1) {
		return 0, cmdutil.UsageErrorf("--bad-version %q: give the share of requests the new version fails, from 0 to 1 (0.2) or as a percentage (20%%)", o.BadVersion)
	}
	return v, nil
}

// canarySteps reads --steps "10:30,50:30": each step a weight in percent and
// the seconds it is held, both given.
func (o *RolloutOptions) canarySteps() ([]rollout.CanaryStep, error) {
	parts := strings.Split(o.Steps, ",")
	if len(parts) > limits.Steps {
		return nil, cmdutil.UsageErrorf("--steps has %d steps; use 1 to %d", len(parts), limits.Steps)
	}
	var steps []rollout.CanaryStep
	for i, part := range parts {
		w, p, hasPause := strings.Cut(strings.TrimSpace(part), ":")
		weight, werr := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(w), "%"))
		pause, perr := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(p), "s"))
		if !hasPause || werr != nil || perr != nil || weight < 1 || weight > 100 || pause < 1 || pause > limits.Seconds {
			return nil, cmdutil.UsageErrorf("--steps: step %d %q should be weight:seconds, a weight from 1 to 100 held 1 to %d seconds, e.g. 10:30", i+1, part, limits.Seconds)
		}
		steps = append(steps, rollout.CanaryStep{Weight: weight, PauseS: pause})
	}
	return steps, nil
}

// scenarios builds the runs to simulate: the chosen strategy, or with
// --compare every strategy on the same service and traffic.
func (o *RolloutOptions) scenarios(ctx context.Context) ([]rollout.Scenario, error) {
	bad, _ := o.errorRate()
	base := rollout.Scenario{
		Seed:     o.Seed,
		Replicas: o.Replicas,
		From:     rollout.Version{Name: "v1", StartupS: o.StartupS, LatencyMS: 40},
		To:       rollout.Version{Name: "v2", StartupS: o.StartupS, LatencyMS: 40, ErrorRate: bad},
		Traffic:  rollout.Traffic{RPS: o.Requests},
		AfterS:   3,
	}
	var fromFile *rollout.Scenario
	if o.From != "" {
		sc, err := rollout.FromCompose(ctx, o.From, o.Service)
		if err != nil {
			return nil, cmdutil.UsageError(err)
		}
		if err := fileInRange(o.From, sc); err != nil {
			return nil, err
		}
		if !o.set["replicas"] {
			base.Replicas = sc.Replicas
		}
		sc.Replicas, sc.Seed, sc.Traffic, sc.AfterS = base.Replicas, base.Seed, base.Traffic, base.AfterS
		base.From.Name, base.To.Name = sc.From.Name, sc.To.Name
		sc.From, sc.To = base.From, base.To
		fromFile = &sc
	}
	kinds := []string{o.Strategy}
	if o.Compare {
		kinds = []string{rollout.KindRolling, rollout.KindBlueGreen, rollout.KindCanary}
		if o.Strategy == rollout.KindSwarm {
			kinds = append([]string{rollout.KindSwarm}, kinds...)
		}
	}
	out := make([]rollout.Scenario, 0, len(kinds))
	for _, k := range kinds {
		if k == rollout.KindSwarm && fromFile != nil {
			out = append(out, *fromFile)
			continue
		}
		sc := base
		st, err := o.strategy(k)
		if err != nil {
			return nil, err
		}
		sc.Strategy = st
		out = append(out, sc)
	}
	return out, nil
}

func (o *RolloutOptions) strategy(kind string) (rollout.Strategy, error) {
	analysis := &rollout.Analysis{IntervalS: 10, MinSuccessPercent: o.MinSuccess}
	switch kind {
	case rollout.KindRolling:
		r, err := o.fences()
		return rollout.Strategy{Kind: kind, Rolling: r}, err
	case rollout.KindSwarm:
		p := o.Parallelism
		return rollout.Strategy{Kind: kind, Swarm: &rollout.Swarm{Update: rollout.UpdateConfig{
			Parallelism: &p, Order: o.Order, DelayS: o.DelayS, FailureAction: o.FailureAction,
		}}}, nil
	case rollout.KindBlueGreen:
		return rollout.Strategy{Kind: kind, BlueGreen: &rollout.BlueGreen{Analysis: analysis}}, nil
	case rollout.KindCanary:
		steps, err := o.canarySteps()
		return rollout.Strategy{Kind: kind, Canary: &rollout.Canary{Steps: steps, Analysis: analysis}}, err
	}
	return rollout.Strategy{}, fmt.Errorf("strategy %q is unknown", kind)
}

func rolloutRun(ctx context.Context, opts *RolloutOptions) error {
	scs, err := opts.scenarios(ctx)
	if err != nil {
		return err
	}
	runs, err := simulate(ctx, scs)
	if err != nil {
		return err
	}
	switch {
	case opts.Output == "json":
		return writeJSON(opts, runs)
	case opts.IO.CanPrompt():
		return animate(ctx, opts, scs, runs)
	}
	return writePlain(opts, scs, runs)
}

// simulate runs the scenarios away from the caller, so that Ctrl-C ends the
// command at once even while a long simulation is still computing.
func simulate(ctx context.Context, scs []rollout.Scenario) ([]*rollout.Result, error) {
	type outcome struct {
		runs []*rollout.Result
		err  error
	}
	done := make(chan outcome, 1)
	go func() {
		runs := make([]*rollout.Result, 0, len(scs))
		for _, sc := range scs {
			r, err := rollout.Simulate(sc)
			if err != nil {
				done <- outcome{err: cmdutil.UsageError(err)}
				return
			}
			runs = append(runs, r)
		}
		done <- outcome{runs: runs}
	}()
	select {
	case o := <-done:
		return o.runs, o.err
	case <-ctx.Done():
		return nil, cmdutil.ErrInterrupted
	}
}

func writeJSON(opts *RolloutOptions, runs []*rollout.Result) error {
	enc := json.NewEncoder(opts.IO.Out)
	enc.SetIndent("", "  ")
	var v any = runs
	if !opts.Compare {
		v = runs[0]
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write simulation as JSON: %w", err)
	}
	return nil
}

func writePlain(opts *RolloutOptions, scs []rollout.Scenario, runs []*rollout.Result) error {
	w := opts.IO.Out
	if opts.Compare {
		for _, sc := range scs {
			fmt.Fprintln(w, Describe(sc))
		}
		fmt.Fprintln(w)
		_, err := fmt.Fprint(w, view.Compare(runs))
		return err
	}
	r := runs[0]
	fmt.Fprintln(w, Describe(scs[0]))
	fmt.Fprintln(w)
	fmt.Fprint(w, view.Table(r))
	fmt.Fprintln(w)
	fmt.Fprint(w, view.Summary(r))
	fmt.Fprintln(w)
	_, err := fmt.Fprint(w, view.Events(r))
	return err
}

// Describe says in one line what a scenario simulates, in the terms of the
// system it mimics.
func Describe(sc rollout.Scenario) string {
	n := sc.Replicas
	var how string
	st := sc.Strategy
	switch st.Kind {
	case rollout.KindRolling:
		r := rollout.Rolling{}
		if st.Rolling != nil {
			r = *st.Rolling
		}
		surge, unavail, err := rollout.ResolveFenceposts(r.MaxSurge, r.MaxUnavailable, n)
		if err != nil {
			return err.Error()
		}
		how = fmt.Sprintf("Kubernetes rolling update: maxSurge %s = %d extra, maxUnavailable %s = %d may be down",
			fence(r.MaxSurge), surge, fence(r.MaxUnavailable), unavail)
	case rollout.KindSwarm:
		var u rollout.UpdateConfig
		if st.Swarm != nil {
			u = st.Swarm.Update
		}
		p := "1"
		if u.Parallelism != nil {
			p = strconv.Itoa(*u.Parallelism)
		}
		how = fmt.Sprintf("Swarm update: parallelism %s, order %s, delay %ds, failure_action %s",
			p, orDefault(u.Order, rollout.StopFirst), u.DelayS, orDefault(u.FailureAction, rollout.ActionPause))
	case rollout.KindBlueGreen:
		how = "blue/green: a full green stack, then one switch"
	case rollout.KindCanary:
		var steps []string
		for _, s := range stepsOf(st) {
			steps = append(steps, fmt.Sprintf("%d%% for %ds", s.Weight, s.PauseS))
		}
		how = "canary: " + strings.Join(steps, ", ")
	}
	if a := analysisOf(st); a != nil && a.MinSuccessPercent > 0 {
		how += fmt.Sprintf(", rolled back below %g%% success", a.MinSuccessPercent)
	}
	d := fmt.Sprintf("%s; %d replicas, %d requests/s", how, n, sc.Traffic.RPS)
	if sc.To.ErrorRate > 0 {
		d += fmt.Sprintf("; %s fails %g%% of its requests", sc.To.Name, 100*sc.To.ErrorRate)
	}
	return d
}

func stepsOf(st rollout.Strategy) []rollout.CanaryStep {
	if st.Canary == nil {
		return nil
	}
	return st.Canary.Steps
}

func analysisOf(st rollout.Strategy) *rollout.Analysis {
	switch {
	case st.BlueGreen != nil:
		return st.BlueGreen.Analysis
	case st.Canary != nil:
		return st.Canary.Analysis
	}
	return nil
}

func fence(v *rollout.IntOrPercent) string {
	if v == nil {
		return "25%"
	}
	return v.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package swarmrun

import (
	"fmt"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// Scenario is one real rollout: which update, under which settings and load.
type Scenario struct {
	Replicas uint64
	// Update is the update_config. As in the Engine API, parallelism 0 updates every
	// task at once; left entirely zero, it takes the engine's defaults (one at a
	// time, stop-first, pause on failure, 5 s monitor).
	Update docker.UpdatePolicy
	// Rollback is the rollback_config; nil leaves the engine's defaults.
	Rollback *docker.UpdatePolicy
	From, To string // demo versions, e.g. v1 -> v2
	// BadMode is how v3 misbehaves: crash (the default) or errors.
	BadMode string
	RPS     int
	// Duration is the longest traffic may flow, the baseline included: the deadline
	// of the observation, which ends sooner, Settle after the engine reports the
	// update finished and its old tasks gone. Zero picks Deadline with the task
	// start time measured when the demo is deployed.
	Duration time.Duration
	// Baseline is how long traffic flows before the update starts; default 3 s.
	Baseline time.Duration
	// Settle is how long traffic keeps flowing once the update has finished and
	// its old tasks are gone, so that the end state is seen; default 5 s.
	Settle time.Duration
	// TaskStartup is how long a demo task takes here from its creation to running;
	// the simulation of the scenario starts tasks in that time. Run sets it to what
	// it measured; zero assumes DefaultTaskStartup.
	TaskStartup time.Duration
}

// Limits that keep a run small enough for a shared laptop.
const (
	MaxReplicas = 10
	MaxRPS      = 200
	MaxDuration = 5 * time.Minute
)

// withDefaults fills what the caller left zero.
func (s Scenario) withDefaults() Scenario {
	if s.Replicas == 0 {
		s.Replicas = 4
	}
	if s.From == "" {
		s.From = V1
	}
	if s.To == "" {
		s.To = V2
	}
	if s.To == V3 && s.BadMode == "" {
		s.BadMode = BadCrash
	}
	if s.RPS == 0 {
		s.RPS = 20
	}
	if s.Baseline == 0 {
		s.Baseline = 3 * time.Second
	}
	if s.Settle == 0 {
		s.Settle = 5 * time.Second
	}
	if s.TaskStartup == 0 {
		s.TaskStartup = DefaultTaskStartup
	}
	if s.Update == (docker.UpdatePolicy{}) {
		// The engine's own defaults, spelled out so the observation records them.
		s.Update = docker.UpdatePolicy{Parallelism: 1, FailureAction: docker.FailurePause, Monitor: 5 * time.Second, Order: docker.OrderStopFirst}
	}
	if s.Update.Order == "" {
		s.Update.Order = docker.OrderStopFirst
	}
	if s.Update.FailureAction == "" {
		s.Update.FailureAction = docker.FailurePause
	}
	if s.Update.Monitor == 0 {
		s.Update.Monitor = 5 * time.Second
	}
	return s
}

// validate says what is wrong with a scenario, in the learner's terms.
func (s Scenario) validate() error {
	known := map[string]bool{V1: true, V2: true, V3: true}
	switch {
	case s.Replicas > MaxReplicas:
		return fmt.Errorf("replicas %d is more than this laptop-sized run allows (%d)", s.Replicas, MaxReplicas)
	case !known[s.From] || !known[s.To]:
		return fmt.Errorf("versions %q -> %q: the demo has v1, v2 and v3", s.From, s.To)
	case s.From == s.To:
		return fmt.Errorf("from and to are both %s: a rollout needs a new version", s.From)
	case s.To == V3 && s.BadMode != BadCrash && s.BadMode != BadErrors:
		return fmt.Errorf("bad mode %q: want %s or %s", s.BadMode, BadCrash, BadErrors)
	case s.RPS < 1 || s.RPS > MaxRPS:
		return fmt.Errorf("rps %d is out of range 1..%d", s.RPS, MaxRPS)
	case s.Duration != 0 && (s.Duration <= s.Baseline || s.Duration > MaxDuration):
		return fmt.Errorf("duration %s must exceed the %s baseline and be at most %s", s.Duration, s.Baseline, MaxDuration)
	}
	if err := validatePolicy("update_config", s.Update, true); err != nil {
		return err
	}
	if s.Rollback != nil {
		return validatePolicy("rollback_config", *s.Rollback, false)
	}
	return nil
}

func validatePolicy(name string, p docker.UpdatePolicy, canRollback bool) error {
	switch p.Order {
	case "", docker.OrderStopFirst, docker.OrderStartFirst:
	default:
		return fmt.Errorf("%s.order %q: want stop-first or start-first", name, p.Order)
	}
	switch p.FailureAction {
	case "", docker.FailurePause, docker.FailureContinue:
	case docker.FailureRollback:
		if !canRollback {
			return fmt.Errorf("%s.failure_action cannot be rollback: want pause or continue", name)
		}
	default:
		return fmt.Errorf("%s.failure_action %q: want pause, continue or rollback", name, p.FailureAction)
	}
	if p.MaxFailureRatio < 0 || p.MaxFailureRatio > 1 {
		return fmt.Errorf("%s.max_failure_ratio %g: want a fraction between 0 and 1", name, p.MaxFailureRatio)
	}
	if p.Delay < 0 || p.Monitor < 0 {
		return fmt.Errorf("%s: delay and monitor cannot be negative", name)
	}
	return nil
}

// DefaultTaskStartup is how long a replaced task takes to be running when nothing
// was measured: the engine schedules it, creates the container and attaches it to
// the overlay network in about a second on an idle machine.
const DefaultTaskStartup = time.Second

// Expected is how long traffic must flow to see the rollout through with tasks
// that start in s.TaskStartup: the baseline, the simulation of these very settings
// (batches, delays, the monitor period, a rollback) and the settled seconds.
func Expected(s Scenario) (time.Duration, error) {
	s = s.withDefaults()
	sim, err := Simulate(s)
	if err != nil {
		return 0, err
	}
	// The simulation runs simAfterS seconds past the update's end; Settle replaces them.
	d := s.Baseline + time.Duration(sim.DurationS-simAfterS)*time.Second + s.Settle
	return d.Round(time.Second), nil
}

// Deadline is the longest a run of s waits for the engine to finish the update:
// twice what the simulation of the same settings needs, and half a minute more,
// since a loaded machine starts tasks slower than it did when measured. It is at
// most MaxDuration.
func Deadline(s Scenario) (time.Duration, error) {
	d, err := Expected(s)
	if err != nil {
		return 0, err
	}
	return min(2*d+30*time.Second, MaxDuration), nil
}

// CheckFits says whether a real run can see the rollout through: an update whose
// simulation alone lasts longer than MaxDuration (say, a minute's delay between
// ten batches) is refused before anything starts.
func (s Scenario) CheckFits() error {
	d, err := Expected(s)
	if err != nil {
		return err
	}
	if d > MaxDuration {
		return fmt.Errorf("these update settings take about %s to roll out %d tasks (with the delay between batches and the monitor period), more than the %s a real run on this machine allows: shorten delay or monitor, or raise parallelism", d, s.Defaults().Replicas, MaxDuration)
	}
	return nil
}

package swarmrun

import (
	"fmt"
	"math"
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
	// Duration is how long traffic flows, the baseline before the update included;
	// zero picks EstimateDuration.
	Duration time.Duration
	// Baseline is how long traffic flows before the update starts; default 3 s.
	Baseline time.Duration
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
	if s.Duration == 0 {
		s.Duration = EstimateDuration(s)
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
	case s.Duration <= s.Baseline || s.Duration > MaxDuration:
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

// taskStartup is about how long a replaced task takes here to be running: the
// engine schedules it, creates the container, attaches it to the overlay network.
const taskStartup = 1500 * time.Millisecond

// EstimateDuration is enough traffic to see a rollout through: the baseline, the
// batches, the engine's final monitor period and a few settled seconds. A release
// that crashes is caught in its first batch, so pausing stops there and rolling back
// adds one more round of task starts. A release that only answers with errors looks
// healthy to the engine (the demo has no HEALTHCHECK) and rolls through every batch.
func EstimateDuration(s Scenario) time.Duration {
	par := s.Update.Parallelism
	if par == 0 || par > s.Replicas {
		par = s.Replicas
	}
	batches := time.Duration(math.Ceil(float64(s.Replicas) / float64(par)))
	const settle = 5 * time.Second
	batch := taskStartup + s.Update.Delay
	d := s.Baseline + batches*batch + s.Update.Monitor + settle
	if s.To == V3 && s.BadMode == BadCrash {
		switch s.Update.FailureAction {
		case docker.FailurePause:
			d = s.Baseline + batch + s.Update.Monitor + settle
		case docker.FailureRollback:
			rollbackMonitor := 5 * time.Second
			if s.Rollback != nil && s.Rollback.Monitor > 0 {
				rollbackMonitor = s.Rollback.Monitor
			}
			d = s.Baseline + batch + s.Update.Monitor + taskStartup + rollbackMonitor + settle
		}
	}
	return min(d, MaxDuration).Round(time.Second)
}

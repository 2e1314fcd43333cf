package rollout

import (
	"errors"
	"fmt"
)

// maxReplicas keeps a typo from asking for a simulation that never ends.
const maxReplicas = 1_000_000

// withDefaults fills unset fields and rejects settings no real system accepts,
// saying which field is wrong and what would be right.
func (sc *Scenario) withDefaults() error {
	if sc.Replicas < 1 || sc.Replicas > maxReplicas {
		return fmt.Errorf("replicas is %d; use 1 to %d", sc.Replicas, maxReplicas)
	}
	if sc.From.Name == "" {
		sc.From.Name = "v1"
	}
	if sc.To.Name == "" {
		sc.To.Name = "v2"
	}
	for _, v := range []*Version{&sc.From, &sc.To} {
		if err := v.validate(); err != nil {
			return fmt.Errorf("version %s: %w", v.Name, err)
		}
	}
	if err := sc.Traffic.withDefaults(); err != nil {
		return fmt.Errorf("traffic: %w", err)
	}
	if sc.ProgressDeadlineS == 0 {
		sc.ProgressDeadlineS = 600
	}
	if sc.MaxS == 0 {
		sc.MaxS = 3600
	}
	if sc.ProgressDeadlineS < 0 || sc.MaxS < 0 || sc.AfterS < 0 || sc.RollbackAtS < 0 {
		return errors.New("times (progress_deadline_s, max_s, after_s, rollback_at_s) cannot be negative")
	}
	return sc.Strategy.withDefaults(sc.Replicas)
}

func (v *Version) validate() error {
	for _, p := range []struct {
		name string
		val  float64
	}{
		{"error_rate", v.ErrorRate},
		{"failure.crash_on_start", v.Failure.CrashOnStart},
		{"failure.slow_start", v.Failure.SlowStart},
		{"failure.error_rate", v.Failure.ErrorRate},
	} {
		if p.val < 0 || p.val > 1 {
			return fmt.Errorf("%s is %g; use a share from 0 to 1 (0.05 means 5%%)", p.name, p.val)
		}
	}
	if v.StartupS < 0 || v.LatencyMS < 0 || v.Failure.CrashAfterS < 0 || v.Failure.SlowStartS < 0 || v.Failure.ErrorsAfterS < 0 {
		return errors.New("times and latencies cannot be negative")
	}
	return nil
}

func (t *Traffic) withDefaults() error {
	if t.RPS < 0 {
		return fmt.Errorf("rps is %d; use 0 or more", t.RPS)
	}
	switch t.Balancer {
	case "":
		t.Balancer = RoundRobin
	case RoundRobin, Weighted:
	default:
		return fmt.Errorf("balancer %q is unknown; use %q or %q", t.Balancer, RoundRobin, Weighted)
	}
	for i, w := range t.Weights {
		if w < 1 {
			return fmt.Errorf("weight %d is %d; weights must be 1 or more", i+1, w)
		}
	}
	switch t.Mode {
	case "":
		t.Mode = ModeAuto
	case ModeAuto, ModePerRequest, ModeAggregate:
	default:
		return fmt.Errorf("mode %q is unknown; use %q, %q or %q", t.Mode, ModeAuto, ModePerRequest, ModeAggregate)
	}
	return nil
}

// own copies the settings a strategy points to, so filling defaults never
// changes the caller's scenario.
func (s *Strategy) own() {
	if s.Rolling != nil {
		r := *s.Rolling
		s.Rolling = &r
	}
	if s.Swarm != nil {
		w := *s.Swarm
		if w.Rollback != nil {
			rb := *w.Rollback
			w.Rollback = &rb
		}
		s.Swarm = &w
	}
	if s.BlueGreen != nil {
		bg := *s.BlueGreen
		if bg.Analysis != nil {
			a := *bg.Analysis
			bg.Analysis = &a
		}
		s.BlueGreen = &bg
	}
	if s.Canary != nil {
		c := *s.Canary
		c.Steps = append([]CanaryStep(nil), c.Steps...)
		if c.Analysis != nil {
			a := *c.Analysis
			c.Analysis = &a
		}
		s.Canary = &c
	}
}

func (s *Strategy) withDefaults(replicas int) error {
	s.own()
	switch s.Kind {
	case KindRolling:
		if s.Rolling == nil {
			s.Rolling = &Rolling{}
		}
		if s.Rolling.MinReadyS < 0 {
			return errors.New("rolling: min_ready_s cannot be negative")
		}
		if _, _, err := ResolveFenceposts(s.Rolling.MaxSurge, s.Rolling.MaxUnavailable, replicas); err != nil {
			return fmt.Errorf("rolling: %w", err)
		}
	case KindSwarm:
		if s.Swarm == nil {
			s.Swarm = &Swarm{}
		}
		if err := s.Swarm.Update.validate(); err != nil {
			return fmt.Errorf("swarm update_config: %w", err)
		}
		if s.Swarm.Rollback != nil {
			if err := s.Swarm.Rollback.validate(); err != nil {
				return fmt.Errorf("swarm rollback_config: %w", err)
			}
		}
	case KindBlueGreen:
		if s.BlueGreen == nil {
			s.BlueGreen = &BlueGreen{}
		}
		bg := s.BlueGreen
		if bg.ScaleDownDelayS == nil {
			d := 30
			bg.ScaleDownDelayS = &d
		}
		if bg.PreviewS < 0 || *bg.ScaleDownDelayS < 0 {
			return errors.New("blue-green: preview_s and scale_down_delay_s cannot be negative")
		}
		return bg.Analysis.withDefaults("blue-green")
	case KindCanary:
		c := s.Canary
		if c == nil || len(c.Steps) == 0 {
			return errors.New("canary: no steps; add at least one, e.g. {weight: 10, pause_s: 30}")
		}
		for i, st := range c.Steps {
			if st.Weight < 1 || st.Weight > 100 {
				return fmt.Errorf("canary step %d: weight %d is out of range; use 1 to 100 (percent of requests)", i+1, st.Weight)
			}
			if st.PauseS < 0 {
				return fmt.Errorf("canary step %d: pause_s cannot be negative", i+1)
			}
		}
		return c.Analysis.withDefaults("canary")
	case "":
		return fmt.Errorf("strategy kind is empty; use %s, %s, %s or %s", KindRolling, KindSwarm, KindBlueGreen, KindCanary)
	default:
		return fmt.Errorf("strategy kind %q is unknown; use %s, %s, %s or %s", s.Kind, KindRolling, KindSwarm, KindBlueGreen, KindCanary)
	}
	return nil
}

func (u *UpdateConfig) validate() error {
	if u.Parallelism != nil && *u.Parallelism < 0 {
		return errors.New("parallelism cannot be negative (0 means all at once)")
	}
	if u.DelayS < 0 || (u.MonitorS != nil && *u.MonitorS < 0) {
		return errors.New("delay and monitor cannot be negative")
	}
	switch u.FailureAction {
	case "", ActionPause, ActionContinue, ActionRollback:
	default:
		return fmt.Errorf("failure_action %q is unknown; use %s, %s or %s", u.FailureAction, ActionPause, ActionContinue, ActionRollback)
	}
	switch u.Order {
	case "", StopFirst, StartFirst:
	default:
		return fmt.Errorf("order %q is unknown; use %s or %s", u.Order, StopFirst, StartFirst)
	}
	if u.MaxFailureRatio < 0 || u.MaxFailureRatio > 1 {
		return fmt.Errorf("max_failure_ratio is %g; use 0 to 1", u.MaxFailureRatio)
	}
	return nil
}

func (a *Analysis) withDefaults(where string) error {
	if a == nil {
		return nil
	}
	if a.IntervalS == 0 {
		a.IntervalS = 10
	}
	if a.MinRequests == 0 {
		a.MinRequests = 1
	}
	if a.IntervalS < 0 || a.FailureLimit < 0 || a.MinRequests < 0 || a.MaxLatencyMS < 0 {
		return fmt.Errorf("%s analysis: interval_s, failure_limit, min_requests and max_latency_ms cannot be negative", where)
	}
	if a.MinSuccessPercent < 0 || a.MinSuccessPercent > 100 {
		return fmt.Errorf("%s analysis: min_success_percent is %g; use 0 to 100", where, a.MinSuccessPercent)
	}
	return nil
}

package swarmrun

import (
	"fmt"
	"math"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/rollout"
)

// SimStartupS is the scenario's task start time in the simulator's whole seconds:
// rounded, and at least one tick.
func (s Scenario) SimStartupS() int {
	s = s.withDefaults()
	return max(1, int(s.TaskStartup.Round(time.Second)/time.Second))
}

// badErrorRate is the share of requests v3 fails in errors mode: four in five.
const badErrorRate = 0.8

// simAfterS is how long the simulation runs past the update's end. Compare holds a
// timeline at its last value beyond its end, so only a few settled seconds matter.
const simAfterS = 3

// Defaults is the scenario as Run runs it, with what the caller left zero filled in.
func (s Scenario) Defaults() Scenario { return s.withDefaults() }

// Validate says what is wrong with a scenario, with the defaults applied, before
// anything touches the engine.
func (s Scenario) Validate() error { return s.withDefaults().validate() }

// Simulation is the simulated twin of a real scenario: the same replicas,
// update_config and rollback_config, versions that behave like the demo's (v3
// crashes before it serves, or fails four requests in five) and the same load.
func Simulation(s Scenario) rollout.Scenario {
	s = s.withDefaults()
	sw := &rollout.Swarm{Update: updateConfig(s.Update)}
	if s.Rollback != nil {
		rb := updateConfig(*s.Rollback)
		sw.Rollback = &rb
	}
	return rollout.Scenario{
		Name:     fmt.Sprintf("%s -> %s", s.From, s.To),
		Seed:     1,
		Replicas: int(s.Replicas),
		From:     simVersion(s, s.From),
		To:       simVersion(s, s.To),
		Traffic:  rollout.Traffic{RPS: s.RPS},
		Strategy: rollout.Strategy{Kind: rollout.KindSwarm, Swarm: sw},
		AfterS:   simAfterS,
	}
}

// Simulate runs the simulated twin of s.
func Simulate(s Scenario) (*rollout.Result, error) {
	r, err := rollout.Simulate(Simulation(s))
	if err != nil {
		return nil, fmt.Errorf("simulate the same rollout: %w", err)
	}
	return r, nil
}

func simVersion(s Scenario, name string) rollout.Version {
	v := rollout.Version{Name: name, StartupS: s.SimStartupS(), LatencyMS: 1}
	if name != V3 {
		return v
	}
	switch s.BadMode {
	case BadErrors:
		v.ErrorRate = badErrorRate
	default:
		v.Failure.CrashOnStart = 1
	}
	return v
}

// updateConfig writes a policy the way the simulator reads a compose file: whole
// seconds, rounded up so that a short delay does not vanish.
func updateConfig(p docker.UpdatePolicy) rollout.UpdateConfig {
	par := int(min(p.Parallelism, math.MaxInt32))
	monitor := ceilSeconds(p.Monitor)
	return rollout.UpdateConfig{
		Parallelism:     &par,
		DelayS:          ceilSeconds(p.Delay),
		FailureAction:   p.FailureAction,
		MonitorS:        &monitor,
		MaxFailureRatio: p.MaxFailureRatio,
		Order:           p.Order,
	}
}

func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

// SimulatedTimeline reduces a simulated rollout to the shares an observation
// records: a version's share of a second is the requests it answered without error
// over all of that second's requests, as the traffic generator counts them.
func SimulatedTimeline(r *rollout.Result) Timeline {
	tl := make(Timeline, 0, len(r.Timeline))
	for _, tk := range r.Timeline {
		shares := map[string]float64{}
		if tk.Requests > 0 {
			for _, v := range tk.Versions {
				if ok := v.Requests - v.Errors; ok > 0 {
					shares[v.Version] = float64(ok) / float64(tk.Requests)
				}
			}
		}
		tl = append(tl, shares)
	}
	return tl
}

// FromSimulation is the real rollout of a simulated Swarm scenario, such as one
// rollout.FromCompose read from a compose file: its replicas, update_config and
// rollback_config, rolling the demo from v1 to v2. Engine defaults are spelled out
// so that a partial update_config keeps meaning what compose makes of it.
func FromSimulation(sc rollout.Scenario) (Scenario, error) {
	if sc.Strategy.Kind != rollout.KindSwarm || sc.Strategy.Swarm == nil {
		return Scenario{}, fmt.Errorf("a real rollout runs on Swarm, and this is a %s rollout", sc.Strategy.Kind)
	}
	if sc.Replicas < 1 {
		return Scenario{}, fmt.Errorf("replicas %d: a rollout needs at least one task", sc.Replicas)
	}
	s := Scenario{Replicas: uint64(sc.Replicas), From: V1, To: V2}
	s.Update = policy(sc.Strategy.Swarm.Update)
	if rb := sc.Strategy.Swarm.Rollback; rb != nil {
		p := policy(*rb)
		s.Rollback = &p
	}
	return s, nil
}

// policy applies the engine's defaults to an update_config: parallelism 1, pause
// on failure, a 5 s monitor, stop-first.
func policy(u rollout.UpdateConfig) docker.UpdatePolicy {
	p := docker.UpdatePolicy{
		Parallelism:     1,
		Delay:           time.Duration(u.DelayS) * time.Second,
		FailureAction:   u.FailureAction,
		Monitor:         5 * time.Second,
		MaxFailureRatio: u.MaxFailureRatio,
		Order:           u.Order,
	}
	if u.Parallelism != nil && *u.Parallelism >= 0 {
		p.Parallelism = uint64(*u.Parallelism)
	}
	if u.MonitorS != nil && *u.MonitorS >= 0 {
		p.Monitor = time.Duration(*u.MonitorS) * time.Second
	}
	if p.FailureAction == "" {
		p.FailureAction = docker.FailurePause
	}
	if p.Order == "" {
		p.Order = docker.OrderStopFirst
	}
	return p
}

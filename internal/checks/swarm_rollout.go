package checks

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/swarmrun"
	"gopkg.in/yaml.v3"
)

// ReasonRequestsFailed: users' requests failed while too few tasks served.
const ReasonRequestsFailed Reason = "requests-failed"

var swarmRolloutKind = Kind{
	Name:        "swarm_rollout",
	Summary:     "rolls a small demo service from v1 to v2 on a real single-node Docker Swarm with the update_config of a compose service, under steady traffic, and checks failed requests, serving tasks and agreement with the simulation",
	NeedsEngine: true,
	Reasons: []Reason{ReasonMissing, ReasonOutsideWorkspace, ReasonParseError, ReasonInvalidSettings,
		ReasonRequestsFailed, ReasonBelowMinServing, ReasonOverMaxInstances},
	New: newSwarmRollout,
}

// swarmRolloutParams is the `with:` block: the learner's compose service, the
// service size and load the lab fixes, and what the lab allows.
type swarmRolloutParams struct {
	File     string `yaml:"file"`
	Service  string `yaml:"service"`
	Replicas int    `yaml:"replicas"`
	// Requests is the steady load, per second.
	Requests int `yaml:"requests"`
	// MinServing is the fewest tasks that must be serving at every moment.
	MinServing int `yaml:"min_serving"`
	// MaxInstances, when set, is the most tasks that may serve or be starting at
	// one moment.
	MaxInstances int `yaml:"max_instances"`
	// MaxFailedShare is the share of requests allowed to fail. A task joins the DNS
	// rotation a few milliseconds before its server listens (the demo has no
	// HEALTHCHECK), so a request now and then is refused even by a perfect update:
	// the default allows 1% for that.
	MaxFailedShare *float64 `yaml:"max_failed_share"`
	// MaxFailedRequests, when set, also bounds the count.
	MaxFailedRequests *int `yaml:"max_failed_requests"`
}

// defaultMaxFailedShare covers the start-up gap described on MaxFailedShare.
const defaultMaxFailedShare = 0.01

// realRollout runs one real rollout with a runner set up for the env's engine:
// (*swarmrun.Runner).Run, or a stand-in in tests.
type realRollout func(r *swarmrun.Runner, ctx context.Context, s swarmrun.Scenario) (swarmrun.Observation, error)

type swarmRollout struct {
	p   swarmRolloutParams
	rel string
	run realRollout
}

func newSwarmRollout(params *yaml.Node) (Check, error) {
	var p swarmRolloutParams
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	rel, err := workspaceParam(p.File)
	if err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	if p.Requests == 0 {
		p.Requests = 20
	}
	switch {
	case p.Service == "":
		return nil, errors.New("service: name the compose service whose update_config is rolled out, e.g. service: web")
	case p.Replicas < 1 || p.Replicas > swarmrun.MaxReplicas:
		return nil, fmt.Errorf("replicas %d: a real rollout runs 1 to %d tasks", p.Replicas, swarmrun.MaxReplicas)
	case p.Requests < 1 || p.Requests > swarmrun.MaxRPS:
		return nil, fmt.Errorf("requests %d: send 1 to %d a second", p.Requests, swarmrun.MaxRPS)
	case p.MinServing < 0 || p.MinServing > p.Replicas:
		return nil, fmt.Errorf("min_serving %d must be between 0 and replicas (%d)", p.MinServing, p.Replicas)
	case p.MaxInstances != 0 && p.MaxInstances < p.Replicas:
		return nil, fmt.Errorf("max_instances %d must be at least replicas (%d), or left out", p.MaxInstances, p.Replicas)
	case p.MaxFailedShare != nil && (*p.MaxFailedShare < 0 || *p.MaxFailedShare > 1):
		return nil, fmt.Errorf("max_failed_share %g must be between 0 and 1", *p.MaxFailedShare)
	case p.MaxFailedRequests != nil && *p.MaxFailedRequests < 0:
		return nil, fmt.Errorf("max_failed_requests %d cannot be negative", *p.MaxFailedRequests)
	}
	if p.MaxFailedShare == nil {
		share := defaultMaxFailedShare
		p.MaxFailedShare = &share
	}
	return &swarmRollout{p: p, rel: rel, run: (*swarmrun.Runner).Run}, nil
}

func (c *swarmRollout) Run(ctx context.Context, env *Env) Result {
	full, res, ok := learnerFile(env, "swarm_rollout", c.rel)
	if !ok {
		return res
	}
	s, res, ok := c.scenario(ctx, env, full)
	if !ok {
		return res
	}
	if env.Engine == nil {
		return Errorf("swarm_rollout: no Docker engine to run the rollout on (%v)", env.EngineErr)
	}
	sw, isSwarm := env.Engine.(docker.Swarm)
	if !isSwarm {
		return Errorf("swarm_rollout: this engine connection cannot manage Swarm services, so the rollout cannot run for real")
	}
	runner := &swarmrun.Runner{Engine: env.Engine, Swarm: sw, LabID: env.LabID, Progress: env.Progress}
	obs, err := c.run(runner, ctx, s)
	switch {
	case ctx.Err() != nil:
		return Errorf("swarm_rollout: stopped before the rollout finished (%v); what it made has been removed", ctx.Err())
	case err != nil:
		return Errorf("swarm_rollout: the real rollout could not run: %v", err).
			WithHint("This is about the Docker engine, not your settings: `docker info` should answer, and the engine must be free to join or start a single-node swarm.")
	}
	return c.judge(obs)
}

// scenario reads the learner's compose service into a real rollout at the lab's
// size and load. ok is false when the file cannot be used; res says why.
func (c *swarmRollout) scenario(ctx context.Context, env *Env, full string) (s swarmrun.Scenario, res Result, ok bool) {
	sc, res, ok := loadCompose(ctx, env, c.rel, full, c.p.Service)
	if !ok {
		return s, res, false
	}
	var err error
	// The loader cannot tell an absent deploy.replicas from 1.
	if sc.Replicas != 1 && sc.Replicas != c.p.Replicas {
		return s, Failf(ReasonInvalidSettings, "%s asks for %d replicas, but this lab runs the service with %d", c.rel, sc.Replicas, c.p.Replicas).
			WithHint(fmt.Sprintf("Set replicas to %d (or leave it out); the update settings are what you tune here.", c.p.Replicas)), false
	}
	sc.Replicas = c.p.Replicas
	if s, err = swarmrun.FromSimulation(sc); err == nil {
		s.RPS = c.p.Requests
		if err = s.Validate(); err == nil {
			err = s.CheckFits()
		}
	}
	if err != nil {
		return s, Failf(ReasonInvalidSettings, "%s: service %s cannot be rolled out on Swarm: %v", c.rel, c.p.Service, err).
			WithHint("Fix the value the message names in deploy.update_config or deploy.rollback_config."), false
	}
	return s, Result{}, true
}

// judge holds the observation against the lab's limits: what the learner's
// settings decide. What the engine decides (finishing the update of a healthy
// release in time, answering while enough tasks serve) is not the learner's doing:
// when it goes wrong the check says so with status error, not fail. The simulation
// of the same settings, with tasks starting as fast as they did, is shown beside
// the observation; a disagreement is devopsctl's to explain, not the learner's.
func (c *swarmRollout) judge(obs swarmrun.Observation) Result {
	s := obs.Scenario.Defaults()
	settings := fmt.Sprintf("%d tasks, parallelism %d, delay %s, order %s", s.Replicas, s.Update.Parallelism, s.Update.Delay, s.Update.Order)
	allowed := int(*c.p.MaxFailedShare * float64(obs.Sent))
	if c.p.MaxFailedRequests != nil {
		allowed = min(allowed, *c.p.MaxFailedRequests)
	}
	floor := c.p.MinServing
	if floor == 0 {
		floor = int(s.Replicas)
	}
	if blamed := capacityFailures(obs, floor); blamed > allowed {
		return Failf(ReasonRequestsFailed, "on a real Swarm (%s), %d of %d requests failed while fewer than %d tasks were serving; the lab allows %d",
			settings, blamed, obs.Sent, floor, allowed).
			WithHint("A request fails when it finds no task to answer it: too many tasks stopped before their replacements were running.").
			WithEvidence(failedSeconds(obs)...)
	}
	if obs.MinServing < c.p.MinServing {
		return Failf(ReasonBelowMinServing, "on a real Swarm (%s), at one moment only %d of %d tasks were serving; the lab asks for at least %d",
			settings, obs.MinServing, s.Replicas, c.p.MinServing).
			WithHint("With stop-first, each task of a batch stops before its replacement runs: a batch of P leaves N - P serving.").
			WithEvidence(taskSeconds(obs)...)
	}
	if c.p.MaxInstances > 0 && obs.PeakInstances > c.p.MaxInstances {
		return Failf(ReasonOverMaxInstances, "on a real Swarm (%s), at one moment %d tasks were serving or starting; the lab allows at most %d",
			settings, obs.PeakInstances, c.p.MaxInstances).
			WithHint("With start-first, each task of a batch runs next to its replacement for a moment: a batch of P means N + P tasks.").
			WithEvidence(taskSeconds(obs)...)
	}
	if obs.TimedOut {
		expected, _ := swarmrun.Expected(s)
		return Errorf("swarm_rollout: on a real Swarm (%s), the engine had not finished the update (still %q) after %s of traffic, though the simulation of your settings needs about %s with tasks starting in %.1fs. The engine is too slow right now; that is not your doing",
			settings, orNone(obs.UpdateState), s.Duration, expected, s.TaskStartup.Seconds()).
			WithHint("Run the check again when the machine is less busy.").
			WithEvidence(taskSeconds(obs)...)
	}
	if obs.UpdateState != "completed" {
		return Errorf("swarm_rollout: on a real Swarm (%s), the engine ended the update of the healthy v2 %q (%s). v2 answers from its first second, so a task failed on the engine, not because of your settings",
			settings, orNone(obs.UpdateState), orNone(obs.UpdateMessage)).
			WithHint("Run the check again; `docker service ps` during the run shows why a task failed.").
			WithEvidence(taskSeconds(obs)...)
	}
	if obs.Failed > allowed {
		return Errorf("swarm_rollout: on a real Swarm (%s), %d of %d requests failed though at least %d tasks were serving throughout; the lab allows %d. The engine failed them, not your settings",
			settings, obs.Failed, obs.Sent, floor, allowed).
			WithHint("Run the check again when the machine is less busy; the evidence shows each failed request's cause.").
			WithEvidence(failedSeconds(obs)...)
	}
	sim, err := swarmrun.Simulate(s)
	if err != nil {
		return Errorf("swarm_rollout: %v", err)
	}
	simulated := swarmrun.SimulatedTimeline(sim)
	cmp := swarmrun.Compare(obs.Timeline(), simulated, s.To, s.Tolerance())
	evidence := shareSeconds(obs, simulated, cmp)
	limits := fmt.Sprintf("on a real Swarm (%s), %d of %d requests failed, never fewer than %d tasks were serving", settings, obs.Failed, obs.Sent, obs.MinServing)
	if c.p.MaxInstances > 0 {
		limits += fmt.Sprintf(", never more than %d serving or starting", obs.PeakInstances)
	}
	if !cmp.Agrees() {
		return Passf("%s, and the update completed. The real rollout strayed %.2f from the simulation of the same settings at second %d (tolerance %.2f, tasks starting in %ds): that is about devopsctl's model of this engine, not your settings",
			limits, cmp.MaxDiff, cmp.At, cmp.Tolerance, s.SimStartupS()).WithEvidence(evidence...)
	}
	return Passf("%s, and each second's v2 share stayed within %.2f of the simulation (at most %.2f apart, tasks starting in %ds)",
		limits, cmp.Tolerance, cmp.MaxDiff, s.SimStartupS()).WithEvidence(evidence...)
}

// capacityFailures counts the failed requests the learner's settings answer for:
// those of seconds in which, then or in the two seconds before, fewer than floor
// tasks were serving. A client still sends to a task for up to two seconds after
// it left the rotation, until its DNS answer changes.
func capacityFailures(obs swarmrun.Observation, floor int) int {
	n := 0
	for i, b := range obs.Buckets {
		if b.Failed() == 0 {
			continue
		}
		for j := max(i-2, 0); j <= i; j++ {
			if f := obs.Buckets[j].FewestServing; f >= 0 && f < floor {
				n += b.Failed()
				break
			}
		}
	}
	return n
}

// failedSeconds lists the seconds in which requests failed, with their causes.
func failedSeconds(obs swarmrun.Observation) []string {
	var out []string
	for _, b := range obs.Buckets {
		if b.Failed() == 0 {
			continue
		}
		causes := make([]string, 0, len(b.Failures))
		for cause, n := range b.Failures {
			causes = append(causes, fmt.Sprintf("%d %s", n, cause))
		}
		sort.Strings(causes)
		out = append(out, fmt.Sprintf("second %+d: %d of %d failed (%s); tasks serving %s", b.Offset, b.Failed(), b.Answered()+b.Failed(), strings.Join(causes, ", "), tasksOf(b.Tasks)))
	}
	return out
}

// taskSeconds lists the tasks serving in each second of the update.
func taskSeconds(obs swarmrun.Observation) []string {
	var out []string
	for _, b := range obs.Buckets {
		if b.Offset >= 0 {
			out = append(out, fmt.Sprintf("second %+d: tasks serving %s", b.Offset, tasksOf(b.Tasks)))
		}
	}
	return out
}

// shareSeconds puts the observed and the simulated v2 share of each second side by
// side, as Compare aligned them.
func shareSeconds(obs swarmrun.Observation, simulated swarmrun.Timeline, c swarmrun.Comparison) []string {
	var out []string
	i := 0
	for _, b := range obs.Buckets {
		if b.Offset < 0 {
			continue
		}
		j := min(max(i-c.Shift, 0), len(simulated)-1)
		out = append(out, fmt.Sprintf("second %+d: %s answered %3.0f%% for real, %3.0f%% simulated; %d failed; tasks serving %s",
			b.Offset, c.Version, 100*b.Share(c.Version), 100*simulated[j][c.Version], b.Failed(), tasksOf(b.Tasks)))
		i++
	}
	return out
}

func tasksOf(tasks map[string]int) string {
	var parts []string
	for _, v := range []string{swarmrun.V1, swarmrun.V2, swarmrun.V3} {
		if n := tasks[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", v, n))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/devopsctl/devopsctl/internal/rollout"
	"github.com/devopsctl/devopsctl/internal/yamlkeys"
	"gopkg.in/yaml.v3"
)

// Reasons a rollout_sim check fails with, besides the shared ones: one for
// each constraint a release can break.
const (
	ReasonBelowMinAvailable Reason = "below-min-available"
	ReasonTooManyFailures   Reason = "too-many-failures"
	ReasonNotRolledBack     Reason = "not-rolled-back"
	ReasonNotPromoted       Reason = "not-promoted"
)

var rolloutSimKind = Kind{
	Name:        "rollout_sim",
	Summary:     "simulates the rollout settings in a workspace file (compose deploy.update_config, or a rolling/blue-green/canary spec) for each release the lab names and checks the lab's limits second by second",
	NeedsEngine: false,
	Reasons: []Reason{ReasonMissing, ReasonOutsideWorkspace, ReasonParseError, ReasonInvalidSettings,
		ReasonBelowMinServing, ReasonBelowMinAvailable, ReasonOverMaxInstances, ReasonTooManyFailures,
		ReasonNotRolledBack, ReasonNotPromoted},
	New: newRolloutSim,
}

// rolloutSimParams is the `with:` block: the learner's file, the scenario the
// lab fixes (service size, traffic) and the releases to replay with their limits.
type rolloutSimParams struct {
	File string `yaml:"file"`
	// Service, when set, reads File as a compose file and simulates that
	// service's Swarm update; otherwise File is a rollout spec.
	Service string `yaml:"service"`
	// Strategies the learner may choose (rolling, swarm, blue-green, canary);
	// empty allows any.
	Strategies []string         `yaml:"strategies"`
	Replicas   int              `yaml:"replicas"`
	Requests   int              `yaml:"requests"`
	StartupS   *int             `yaml:"startup_s"`
	Seed       uint64           `yaml:"seed"`
	Releases   []releaseParams  `yaml:"releases"`
	Current    *versionBehavior `yaml:"current"`
}

// releaseParams is one new version to roll out and what the lab asks of it.
type releaseParams struct {
	Name        string              `yaml:"name"`
	ErrorRate   float64             `yaml:"error_rate"`
	Constraints rollout.Constraints `yaml:"constraints"`
}

// versionBehavior is how the version users have today behaves.
type versionBehavior struct {
	ErrorRate float64 `yaml:"error_rate"`
}

type rolloutSim struct {
	p   rolloutSimParams
	rel string
}

// Default scenario figures, stated in the lab README where they matter.
const (
	defaultSimReplicas = 10
	defaultSimRequests = 100
	defaultSimStartupS = 5
	defaultSimSeed     = 1
)

func newRolloutSim(params *yaml.Node) (Check, error) {
	var p rolloutSimParams
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	rel, err := workspaceParam(p.File)
	if err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	if len(p.Releases) == 0 {
		return nil, errors.New("releases: list at least one release to simulate, e.g. {name: good release, error_rate: 0.001, constraints: {must_promote: true}}")
	}
	for i, r := range p.Releases {
		if r.Name == "" {
			return nil, fmt.Errorf("release %d has no name", i+1)
		}
		if r.ErrorRate < 0 || r.ErrorRate > 1 {
			return nil, fmt.Errorf("release %s: error_rate %g must be between 0 and 1", r.Name, r.ErrorRate)
		}
	}
	// Lab authors may spell a strategy as learners do ("bluegreen"); compare
	// by the simulator's own kind names.
	for i, s := range p.Strategies {
		kind, ok := specStrategies[s]
		if s == rollout.KindSwarm {
			kind, ok = s, true
		}
		if !ok {
			return nil, fmt.Errorf("strategies: %q is unknown; use rolling, swarm, blue-green or canary", s)
		}
		p.Strategies[i] = kind
	}
	if p.Replicas == 0 {
		p.Replicas = defaultSimReplicas
	}
	if p.Requests == 0 {
		p.Requests = defaultSimRequests
	}
	if p.StartupS == nil {
		d := defaultSimStartupS
		p.StartupS = &d
	}
	if p.Seed == 0 {
		p.Seed = defaultSimSeed
	}
	if p.Current == nil {
		p.Current = &versionBehavior{}
	}
	return &rolloutSim{p: p, rel: rel}, nil
}

func (c *rolloutSim) Run(ctx context.Context, env *Env) Result {
	full, res, ok := learnerFile(env, "rollout_sim", c.rel)
	if !ok {
		return res
	}
	base, res, ok := c.scenario(ctx, env, full)
	if !ok {
		return res
	}
	var summaries []string
	for _, rel := range c.p.Releases {
		sc := base
		sc.Name = rel.Name
		sc.To.ErrorRate = rel.ErrorRate
		r, err := rollout.Simulate(sc)
		if err != nil {
			return Failf(ReasonInvalidSettings, "%s: these settings cannot run: %s", c.rel, cleanScenarioErr(err)).
				WithHint("Fix the value the message names; the lab README lists what each setting means.")
		}
		line := runSummary(rel, r)
		if v := firstViolation(rel.Constraints, r); v != nil {
			return Failf(violationReason(v.Constraint), "%s (%s): %s", rel.Name, behaviour(rel.ErrorRate), v.Message).
				WithEvidence(line).WithEvidence(eventLines(r, v.T)...)
		}
		summaries = append(summaries, line)
	}
	return Passf("%s meets every limit: %s", c.rel, strings.Join(summaries, "; ")).WithEvidence(summaries...)
}

// scenario builds the rollout the learner's file describes, within the lab's
// fixed figures. ok is false when the file cannot be used; res says why.
func (c *rolloutSim) scenario(ctx context.Context, env *Env, full string) (sc rollout.Scenario, res Result, ok bool) {
	var fileReplicas int
	if c.p.Service != "" {
		var res Result
		var ok bool
		if sc, res, ok = loadCompose(ctx, env, c.rel, full, c.p.Service); !ok {
			return sc, res, false
		}
		// The loader cannot tell an absent deploy.replicas from 1.
		if sc.Replicas != 1 {
			fileReplicas = sc.Replicas
		}
	} else {
		data, err := readLearnerFile(env.Dir, c.rel)
		if r, ok := unreadableLearnerFile(c.rel, err); ok {
			return sc, r, false
		}
		if err != nil {
			return sc, Errorf("rollout_sim: read %s: %v", c.rel, err), false
		}
		spec, err := parseRolloutSpec(data)
		if err != nil {
			return sc, Failf(ReasonParseError, "%s:%s", c.rel, err.Error()).
				WithHint("Compare your file with the example in the lab README: indentation, spelling of each key, and a space after every colon."), false
		}
		sc.Strategy, fileReplicas = spec.strategy, spec.Replicas
	}
	if fileReplicas != 0 && fileReplicas != c.p.Replicas {
		return sc, Failf(ReasonInvalidSettings, "%s asks for %d replicas, but this lab runs the service with %d", c.rel, fileReplicas, c.p.Replicas).
			WithHint(fmt.Sprintf("Set replicas to %d (or leave it out); the rollout settings are what you tune here.", c.p.Replicas)), false
	}
	if len(c.p.Strategies) > 0 && !slices.Contains(c.p.Strategies, sc.Strategy.Kind) {
		return sc, Failf(ReasonInvalidSettings, "%s uses a %s rollout, but this check is about %s", c.rel, sc.Strategy.Kind, strings.Join(c.p.Strategies, " or ")).
			WithHint("Change the strategy in the file to the one the lab asks for."), false
	}
	sc.Seed = c.p.Seed
	sc.Replicas = c.p.Replicas
	sc.Traffic = rollout.Traffic{RPS: c.p.Requests}
	sc.From = rollout.Version{Name: "current", StartupS: *c.p.StartupS, ErrorRate: c.p.Current.ErrorRate, LatencyMS: 40}
	sc.To = rollout.Version{Name: "release", StartupS: *c.p.StartupS, LatencyMS: 40}
	return sc, Result{}, true
}

// composeFailure reports a compose file the loader refused, naming the file
// as the learner knows it rather than by its absolute path.
func composeFailure(rel, full string, err error) Result {
	msg := strings.ReplaceAll(err.Error(), full, rel)
	var ce *rollout.ComposeError
	if errors.As(err, &ce) && ce.Pos != "" {
		return Failf(ReasonParseError, "%s", msg).
			WithHint("YAML cares about indentation and about a space after each colon; look at the line named and the one above it.")
	}
	return Failf(ReasonInvalidSettings, "%s", msg).
		WithHint("The message names the setting compose refused; the compose file reference lists the values it accepts.")
}

// firstViolation reports a release that should have been rolled back and was
// not before anything else: its failures and its size follow from that, and
// the fix is the missing rollback, not a tighter limit.
func firstViolation(c rollout.Constraints, r *rollout.Result) *rollout.Violation {
	if c.MustRollBack && !r.RolledBack {
		return rollout.Constraints{MustRollBack: true}.Check(r)
	}
	return c.Check(r)
}

func behaviour(errorRate float64) string {
	if errorRate == 0 {
		return "a healthy version"
	}
	return "fails " + pct(errorRate) + " of its requests"
}

// violationReason names a broken limit the way lab.yaml hint_for keys do.
func violationReason(constraint string) Reason {
	switch constraint {
	case "min_serving":
		return ReasonBelowMinServing
	case "min_available":
		return ReasonBelowMinAvailable
	case "max_instances":
		return ReasonOverMaxInstances
	case "max_failed_requests", "max_failed_share":
		return ReasonTooManyFailures
	case "must_roll_back":
		return ReasonNotRolledBack
	case "must_promote":
		return ReasonNotPromoted
	}
	return Reason(constraint)
}

func runSummary(rel releaseParams, r *rollout.Result) string {
	return fmt.Sprintf("%s: %s after %ds, at most %s, never fewer than %d serving, %d of %s failed",
		rel.Name, r.Outcome, r.DurationS, plural.N(r.PeakInstances, "instance"), r.MinAvailable, r.Errors, plural.N(int(r.Requests), "request"))
}

// eventLines are what happened up to the moment a limit broke (the whole run
// when the limit is about the run as a whole), so the learner sees the cause.
func eventLines(r *rollout.Result, until int) []string {
	var out []string
	for _, e := range r.Events {
		if until >= 0 && e.T > until {
			break
		}
		out = append(out, fmt.Sprintf("t=%ds %s", e.T, e.Message))
	}
	const keep = 8
	if len(out) > keep {
		out = append([]string{"…"}, out[len(out)-keep:]...)
	}
	return out
}

func pct(share float64) string {
	return strconv.FormatFloat(100*share, 'g', 4, 64) + "%"
}

// cleanScenarioErr drops the simulator's scenario label, which names the
// release rather than anything in the learner's file.
func cleanScenarioErr(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, "): "); ok && strings.HasPrefix(msg, "scenario ") {
		return rest
	}
	if i := strings.Index(msg, "\": "); i >= 0 && strings.HasPrefix(msg, "scenario \"") {
		return msg[i+3:]
	}
	return msg
}

// The rollout spec: a small YAML file for the strategies a compose file cannot
// express. Keys follow the simulator's settings (and Kubernetes / Argo Rollouts
// names in snake case).
type rolloutSpec struct {
	Strategy  string         `yaml:"strategy"`
	Replicas  int            `yaml:"replicas"`
	Rolling   *rollingSpec   `yaml:"rolling"`
	BlueGreen *blueGreenSpec `yaml:"blue_green"`
	Canary    *canarySpec    `yaml:"canary"`

	strategy rollout.Strategy
}

type rollingSpec struct {
	MaxSurge       *fenceSpec `yaml:"max_surge"`
	MaxUnavailable *fenceSpec `yaml:"max_unavailable"`
	MinReadyS      int        `yaml:"min_ready_s"`
}

type blueGreenSpec struct {
	PreviewS        int           `yaml:"preview_s"`
	ScaleDownDelayS *int          `yaml:"scale_down_delay_s"`
	Analysis        *analysisSpec `yaml:"analysis"`
}

type canarySpec struct {
	Steps    []canaryStepSpec `yaml:"steps"`
	Analysis *analysisSpec    `yaml:"analysis"`
}

type canaryStepSpec struct {
	Weight int `yaml:"weight"`
	PauseS int `yaml:"pause_s"`
}

type analysisSpec struct {
	IntervalS         int     `yaml:"interval_s"`
	MinSuccessPercent float64 `yaml:"min_success_percent"`
	MaxLatencyMS      float64 `yaml:"max_latency_ms"`
	FailureLimit      int     `yaml:"failure_limit"`
	MinRequests       int     `yaml:"min_requests"`
}

func (a *analysisSpec) analysis() *rollout.Analysis {
	if a == nil {
		return nil
	}
	return &rollout.Analysis{IntervalS: a.IntervalS, MinSuccessPercent: a.MinSuccessPercent,
		MaxLatencyMS: a.MaxLatencyMS, FailureLimit: a.FailureLimit, MinRequests: a.MinRequests}
}

// fenceSpec is a max_surge / max_unavailable value: 3 or "25%".
type fenceSpec struct{ v rollout.IntOrPercent }

func (f *fenceSpec) UnmarshalYAML(n *yaml.Node) error {
	v, err := rollout.ParseIntOrPercent(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %s should be a whole number like 2 or a percentage like 25%%", n.Line, n.Value)
	}
	f.v = v
	return nil
}

func (f *fenceSpec) value() *rollout.IntOrPercent {
	if f == nil {
		return nil
	}
	v := f.v
	return &v
}

// specStrategies maps the names a spec may use to the simulator's kinds.
var specStrategies = map[string]string{
	"rolling":    rollout.KindRolling,
	"blue-green": rollout.KindBlueGreen,
	"bluegreen":  rollout.KindBlueGreen,
	"canary":     rollout.KindCanary,
}

// parseRolloutSpec reads a spec; errors start with the line they are about.
func parseRolloutSpec(data []byte) (*rolloutSpec, error) {
	var s rolloutSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("1: the file is empty; start with a line like `strategy: rolling`")
		}
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) == nil {
			if typo := yamlkeys.Find(&doc, &s); len(typo) > 0 {
				return nil, specTypo(typo[0])
			}
		}
		return nil, yamlProblem(err)
	}
	kind, ok := specStrategies[strings.ToLower(strings.TrimSpace(s.Strategy))]
	if !ok {
		return nil, fmt.Errorf("%d: strategy %q is unknown; use rolling, blue-green or canary", lineOf(data, "strategy"), s.Strategy)
	}
	sections := map[string]bool{rollout.KindRolling: s.Rolling != nil, rollout.KindBlueGreen: s.BlueGreen != nil, rollout.KindCanary: s.Canary != nil}
	keys := map[string]string{rollout.KindRolling: "rolling", rollout.KindBlueGreen: "blue_green", rollout.KindCanary: "canary"}
	for k, present := range sections {
		if present && k != kind {
			return nil, fmt.Errorf("%d: the %s: section has no effect because strategy is %s; remove it or change the strategy", lineOf(data, keys[k]), keys[k], s.Strategy)
		}
	}
	s.strategy = rollout.Strategy{Kind: kind}
	switch kind {
	case rollout.KindRolling:
		r := &rollout.Rolling{}
		if s.Rolling != nil {
			r = &rollout.Rolling{MaxSurge: s.Rolling.MaxSurge.value(), MaxUnavailable: s.Rolling.MaxUnavailable.value(), MinReadyS: s.Rolling.MinReadyS}
		}
		s.strategy.Rolling = r
	case rollout.KindBlueGreen:
		bg := &rollout.BlueGreen{}
		if s.BlueGreen != nil {
			bg = &rollout.BlueGreen{PreviewS: s.BlueGreen.PreviewS, ScaleDownDelayS: s.BlueGreen.ScaleDownDelayS, Analysis: s.BlueGreen.Analysis.analysis()}
		}
		s.strategy.BlueGreen = bg
	case rollout.KindCanary:
		c := &rollout.Canary{}
		if s.Canary != nil {
			for _, st := range s.Canary.Steps {
				c.Steps = append(c.Steps, rollout.CanaryStep{Weight: st.Weight, PauseS: st.PauseS})
			}
			c.Analysis = s.Canary.Analysis.analysis()
		}
		s.strategy.Canary = c
	}
	return &s, nil
}

var (
	yamlLineRe = regexp.MustCompile(`line (\d+): `)
	yamlTypeRe = regexp.MustCompile(` in type \S+`)
)

// yamlProblem turns a YAML error into "line: problem" without Go type names.
func yamlProblem(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	msg = strings.TrimSpace(strings.Split(msg, "\n")[0])
	msg = yamlTypeRe.ReplaceAllString(msg, "")
	if m := yamlLineRe.FindStringSubmatchIndex(msg); m != nil {
		return fmt.Errorf("%s: %s", msg[m[2]:m[3]], msg[m[1]:])
	}
	return fmt.Errorf("1: %s", msg)
}

// specTypo is an unknown key of a spec, "line: problem" like yamlProblem.
func specTypo(u yamlkeys.Unknown) error {
	msg := fmt.Sprintf("%d: field %s not found", u.Line, u.Key)
	if u.Path != "" {
		msg += " in " + u.Path
	}
	if u.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", u.Suggestion)
	}
	return errors.New(msg)
}

// lineOf is the line where a top-level key starts, 1 when it is absent.
func lineOf(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, key+":") {
			return i + 1
		}
	}
	return 1
}

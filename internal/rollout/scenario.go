// Package rollout simulates moving a service from one version to another while it
// keeps answering requests. A Scenario goes in (replicas, the two versions, the
// traffic, a strategy with the settings real systems use) and a Result comes out:
// one timeline point per simulated second and a summary of what users and the
// budget went through. The simulation is pure and deterministic for a seed, so a
// lab check can replay it and a test can pin it.
package rollout

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Strategy kinds.
const (
	KindRolling   = "rolling"    // Kubernetes Deployment RollingUpdate
	KindSwarm     = "swarm"      // Docker Swarm service update
	KindBlueGreen = "blue-green" // a full second stack, then one switch
	KindCanary    = "canary"     // a small share of traffic first, watched
)

// Balancer kinds.
const (
	RoundRobin = "round-robin"
	Weighted   = "weighted"
)

// Traffic modes: per-request follows every request through the balancer;
// aggregate draws per-version counts once per second. Auto picks per-request for
// small loads, where following each request is cheap and exact.
const (
	ModeAuto       = "auto"
	ModePerRequest = "per-request"
	ModeAggregate  = "aggregate"
)

// perRequestLimit is the load (requests per second) up to which auto mode follows
// each request.
const perRequestLimit = 2000

// Scenario is one rollout to simulate. Times are whole seconds: the simulation
// advances one second per tick.
type Scenario struct {
	Name     string   `json:"name,omitempty"`
	Seed     uint64   `json:"seed"`
	Replicas int      `json:"replicas"`
	From     Version  `json:"from"`
	To       Version  `json:"to"`
	Traffic  Traffic  `json:"traffic"`
	Strategy Strategy `json:"strategy"`

	// RollbackAtS, when set, is the second at which an operator asks for a
	// rollback (kubectl rollout undo, docker service rollback, switching back).
	RollbackAtS int `json:"rollback_at_s,omitempty"`
	// ProgressDeadlineS is how long a rollout may go without progress before it
	// is declared stuck (Kubernetes progressDeadlineSeconds; default 600). Blue/green
	// and canary abort and roll back at the deadline; Kubernetes only reports it.
	ProgressDeadlineS int `json:"progress_deadline_s,omitempty"`
	// MaxS bounds the simulated time (default 3600).
	MaxS int `json:"max_s,omitempty"`
	// AfterS keeps simulating this long after the rollout has finished, so a
	// timeline shows the steady state too.
	AfterS int `json:"after_s,omitempty"`
}

// Version describes how one build of the service behaves.
type Version struct {
	Name      string  `json:"name"`
	StartupS  int     `json:"startup_s,omitempty"`  // from creation to ready
	ErrorRate float64 `json:"error_rate,omitempty"` // share of requests that fail, 0..1
	LatencyMS float64 `json:"latency_ms,omitempty"` // mean response time
	Failure   Failure `json:"failure,omitempty"`
}

// Failure injects the ways a new version goes wrong in practice.
type Failure struct {
	// CrashOnStart is the chance (0..1) that a start attempt dies instead of
	// becoming ready; 1 means the version never starts.
	CrashOnStart float64 `json:"crash_on_start,omitempty"`
	// CrashAfterS makes a ready instance die this many seconds after it became
	// ready (0: never), the failure a Swarm monitor window is there to catch.
	CrashAfterS int `json:"crash_after_s,omitempty"`
	// SlowStart is the chance (0..1) that an instance needs SlowStartS more seconds.
	SlowStart  float64 `json:"slow_start,omitempty"`
	SlowStartS int     `json:"slow_start_s,omitempty"`
	// ErrorRate, when above the version's own, is the elevated error rate an
	// instance shows once it has been ready for ErrorsAfterS seconds.
	ErrorRate    float64 `json:"error_rate,omitempty"`
	ErrorsAfterS int     `json:"errors_after_s,omitempty"`
}

// Traffic is the stream of user requests and how the load balancer spreads it.
type Traffic struct {
	RPS      int    `json:"rps"`
	Balancer string `json:"balancer,omitempty"` // round-robin (default) or weighted
	// Weights are the weighted balancer's per-instance weights, handed out in
	// the order each version's instances are created and repeated as needed.
	Weights []int  `json:"weights,omitempty"`
	Mode    string `json:"mode,omitempty"` // auto (default), per-request, aggregate
}

// Strategy names a kind and carries that kind's settings; the settings of the
// other kinds stay nil.
type Strategy struct {
	Kind      string     `json:"kind"`
	Rolling   *Rolling   `json:"rolling,omitempty"`
	Swarm     *Swarm     `json:"swarm,omitempty"`
	BlueGreen *BlueGreen `json:"blue_green,omitempty"`
	Canary    *Canary    `json:"canary,omitempty"`
}

// Rolling holds a Kubernetes Deployment's RollingUpdate settings. Nil fences
// default to 25%, as in Kubernetes.
type Rolling struct {
	MaxSurge       *IntOrPercent `json:"max_surge,omitempty"`
	MaxUnavailable *IntOrPercent `json:"max_unavailable,omitempty"`
	MinReadyS      int           `json:"min_ready_s,omitempty"` // minReadySeconds
}

// Swarm failure actions and update orders, spelled as in a compose file.
const (
	ActionPause    = "pause"
	ActionContinue = "continue"
	ActionRollback = "rollback"
	StopFirst      = "stop-first"
	StartFirst     = "start-first"
)

// Swarm holds a service's update_config and rollback_config.
type Swarm struct {
	Update   UpdateConfig  `json:"update_config"`
	Rollback *UpdateConfig `json:"rollback_config,omitempty"`
}

// UpdateConfig mirrors a compose deploy.update_config (or rollback_config).
// Nil fields take Docker's defaults: parallelism 1, monitor 5s.
type UpdateConfig struct {
	Parallelism     *int    `json:"parallelism,omitempty"` // 0 = all at once
	DelayS          int     `json:"delay_s,omitempty"`
	FailureAction   string  `json:"failure_action,omitempty"` // pause (default), continue, rollback
	MonitorS        *int    `json:"monitor_s,omitempty"`
	MaxFailureRatio float64 `json:"max_failure_ratio,omitempty"`
	Order           string  `json:"order,omitempty"` // stop-first (default), start-first
}

// BlueGreen deploys a full second stack, switches all traffic once it is healthy,
// and keeps the old stack for ScaleDownDelayS so switching back is instant.
type BlueGreen struct {
	PreviewS        int       `json:"preview_s,omitempty"`          // green reachable on a preview address only
	ScaleDownDelayS *int      `json:"scale_down_delay_s,omitempty"` // default 30, as in Argo Rollouts
	Analysis        *Analysis `json:"analysis,omitempty"`           // watched after the switch
}

// Canary shifts a share of traffic to the new version step by step while an
// analysis watches it, then promotes it or rolls it back.
type Canary struct {
	Steps    []CanaryStep `json:"steps"`
	Analysis *Analysis    `json:"analysis,omitempty"`
}

// CanaryStep sends Weight percent of requests to the new version, once enough of
// its instances are ready, and holds there for PauseS seconds.
type CanaryStep struct {
	Weight int `json:"weight"`
	PauseS int `json:"pause_s,omitempty"`
}

// Analysis checks the new version's requests every IntervalS seconds, in the
// manner of Flagger and Argo Rollouts: a check fails when the success rate is
// below MinSuccessPercent or the mean latency above MaxLatencyMS; more than
// FailureLimit failed checks roll the release back.
type Analysis struct {
	IntervalS         int     `json:"interval_s,omitempty"` // default 10
	MinSuccessPercent float64 `json:"min_success_percent,omitempty"`
	MaxLatencyMS      float64 `json:"max_latency_ms,omitempty"`
	FailureLimit      int     `json:"failure_limit,omitempty"`
	MinRequests       int     `json:"min_requests,omitempty"` // fewer: the check is inconclusive
}

// IntOrPercent is an absolute count or a percentage of the replicas, like
// Kubernetes' IntOrString fences. In JSON it is a number or a "25%" string.
type IntOrPercent struct {
	Value   int
	Percent bool
}

// Int and Percent build fence values.
func Int(n int) *IntOrPercent     { return &IntOrPercent{Value: n} }
func Percent(p int) *IntOrPercent { return &IntOrPercent{Value: p, Percent: true} }

// ParseIntOrPercent reads "3" or "25%".
func ParseIntOrPercent(s string) (IntOrPercent, error) {
	s = strings.TrimSpace(s)
	num, pct := strings.CutSuffix(s, "%")
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil {
		return IntOrPercent{}, fmt.Errorf("%q is neither a whole number nor a percentage like \"25%%\"", s)
	}
	return IntOrPercent{Value: n, Percent: pct}, nil
}

func (v IntOrPercent) String() string {
	if v.Percent {
		return strconv.Itoa(v.Value) + "%"
	}
	return strconv.Itoa(v.Value)
}

// MarshalJSON writes a number, or a string for a percentage.
func (v IntOrPercent) MarshalJSON() ([]byte, error) {
	if v.Percent {
		return json.Marshal(v.String())
	}
	return json.Marshal(v.Value)
}

// UnmarshalJSON accepts 3, "3" or "25%".
func (v *IntOrPercent) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*v = IntOrPercent{Value: n}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a number or a percentage like \"25%%\", got %s", b)
	}
	parsed, err := ParseIntOrPercent(s)
	if err != nil {
		return err
	}
	*v = parsed
	return nil
}

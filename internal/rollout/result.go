package rollout

// Outcomes of a simulated rollout.
const (
	OutcomeCompleted  = "completed"   // every instance runs the new version
	OutcomeRolledBack = "rolled-back" // the old version serves alone again
	OutcomePaused     = "paused"      // a Swarm update stopped on failures and waits for a person
	OutcomeStalled    = "stalled"     // no progress before the deadline; nothing was undone
	OutcomeTimeout    = "timeout"     // the simulated time ran out first
)

// Result is what a simulated rollout did: the summary fields sit at the top
// level of its JSON, next to the events and the per-second timeline.
type Result struct {
	Scenario string `json:"scenario,omitempty"`
	Strategy string `json:"strategy"`
	Summary
	Events   []Event `json:"events"`
	Timeline []Tick  `json:"timeline"`
}

// Summary condenses a run into the figures people compare strategies by.
type Summary struct {
	Outcome  string `json:"outcome"`
	Replicas int    `json:"replicas"`
	// PeakInstances is the most instances that existed at once (what you pay
	// for at the worst moment).
	PeakInstances int `json:"peak_instances"`
	// MinAvailable is the fewest instances serving users in any second, and
	// MinAvailableAtS the first second it happened.
	MinAvailable    int   `json:"min_available"`
	MinAvailableAtS int   `json:"min_available_at_s"`
	Requests        int64 `json:"requests"`
	// Errors counts failed requests, including Dropped ones that found no
	// ready instance at all.
	Errors  int64 `json:"errors"`
	Dropped int64 `json:"dropped"`
	// MixedVersionsS counts the seconds in which both versions served users.
	MixedVersionsS int  `json:"mixed_versions_s"`
	Completed      bool `json:"completed"`
	// CompleteS is the second the rollout finished; meaningful when Completed.
	CompleteS  int  `json:"complete_s"`
	RolledBack bool `json:"rolled_back"`
	// RollbackS is how long it took from the decision to roll back until the
	// old version alone served at full strength again; meaningful when RolledBack.
	RollbackS int `json:"rollback_s"`
	// InstanceSeconds sums the instances alive in each second: the cost.
	InstanceSeconds int64 `json:"instance_seconds"`
	DurationS       int   `json:"duration_s"`
}

// Event is a notable moment of the rollout, told in words.
type Event struct {
	T       int    `json:"t"`
	Message string `json:"message"`
}

// Tick is the state at the end of one simulated second.
type Tick struct {
	T     int    `json:"t"`
	Phase string `json:"phase"`
	// Instances exist (starting, ready or crashed); Serving get user traffic;
	// Available are ready, and past minReadySeconds where that applies, whether
	// or not the balancer sends them traffic yet.
	Instances int            `json:"instances"`
	Serving   int            `json:"serving"`
	Available int            `json:"available"`
	Requests  int            `json:"requests"`
	Errors    int            `json:"errors"`
	Dropped   int            `json:"dropped,omitempty"`
	Versions  [2]VersionTick `json:"versions"`
}

// VersionTick is one version's part of a Tick.
type VersionTick struct {
	Version   string  `json:"version"`
	Starting  int     `json:"starting"`
	Ready     int     `json:"ready"`
	Crashed   int     `json:"crashed"`
	Serving   int     `json:"serving"`
	Share     float64 `json:"share"` // of this second's requests
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	LatencyMS float64 `json:"latency_ms"` // mean over this second's requests
}

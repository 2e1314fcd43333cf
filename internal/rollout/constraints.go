package rollout

import "fmt"

// Constraints are what a lab asks of a rollout. Unset fields ask nothing.
type Constraints struct {
	MinServing        *int     `json:"min_serving,omitempty" yaml:"min_serving,omitempty"`
	MinAvailable      *int     `json:"min_available,omitempty" yaml:"min_available,omitempty"`
	MaxInstances      *int     `json:"max_instances,omitempty" yaml:"max_instances,omitempty"`
	MaxFailedRequests *int64   `json:"max_failed_requests,omitempty" yaml:"max_failed_requests,omitempty"`
	MaxFailedShare    *float64 `json:"max_failed_share,omitempty" yaml:"max_failed_share,omitempty"` // 0..1
	MustRollBack      bool     `json:"must_roll_back,omitempty" yaml:"must_roll_back,omitempty"`
	MustPromote       bool     `json:"must_promote,omitempty" yaml:"must_promote,omitempty"`
}

// Violation is the first way a run broke the constraints.
type Violation struct {
	Constraint string `json:"constraint"` // the Constraints field's JSON name
	T          int    `json:"t"`          // second it happened, -1 for the run as a whole
	Message    string `json:"message"`
}

func (v *Violation) Error() string { return v.Message }

// Check returns the first violation in time order, or nil when the run meets
// every constraint. Per-second limits are checked second by second; totals and
// outcomes afterwards.
func (c Constraints) Check(r *Result) *Violation {
	total := r.Replicas
	var failed int64
	var requests int64
	for _, tk := range r.Timeline {
		if c.MinServing != nil && tk.Serving < *c.MinServing {
			return &Violation{"min_serving", tk.T, fmt.Sprintf(
				"at t=%ds only %d of %d instances were serving users; the lab asks for at least %d", tk.T, tk.Serving, total, *c.MinServing)}
		}
		if c.MinAvailable != nil && tk.Available < *c.MinAvailable {
			return &Violation{"min_available", tk.T, fmt.Sprintf(
				"at t=%ds only %d of %d instances were ready; the lab asks for at least %d", tk.T, tk.Available, total, *c.MinAvailable)}
		}
		if c.MaxInstances != nil && tk.Instances > *c.MaxInstances {
			return &Violation{"max_instances", tk.T, fmt.Sprintf(
				"at t=%ds %d instances were running at once; the lab allows at most %d", tk.T, tk.Instances, *c.MaxInstances)}
		}
		failed += int64(tk.Errors)
		requests += int64(tk.Requests)
		if c.MaxFailedRequests != nil && failed > *c.MaxFailedRequests {
			return &Violation{"max_failed_requests", tk.T, fmt.Sprintf(
				"by t=%ds %d requests had failed; the lab allows at most %d", tk.T, failed, *c.MaxFailedRequests)}
		}
	}
	if c.MaxFailedShare != nil && requests > 0 {
		share := float64(failed) / float64(requests)
		if share > *c.MaxFailedShare {
			return &Violation{"max_failed_share", -1, fmt.Sprintf(
				"%.2f%% of requests failed (%d of %d); the lab allows at most %.2f%%", 100*share, failed, requests, 100**c.MaxFailedShare)}
		}
	}
	if c.MustRollBack && !r.RolledBack {
		return &Violation{"must_roll_back", -1, fmt.Sprintf(
			"the rollout ended %s, but the lab expects it to roll back to the old version", outcomeWords(r.Outcome))}
	}
	if c.MustPromote && !r.Completed {
		return &Violation{"must_promote", -1, fmt.Sprintf(
			"the rollout ended %s, but the lab expects the new version to be fully rolled out", outcomeWords(r.Outcome))}
	}
	return nil
}

func outcomeWords(outcome string) string {
	switch outcome {
	case OutcomeCompleted:
		return "with every instance on the new version"
	case OutcomeRolledBack:
		return "rolled back to the old version"
	case OutcomePaused:
		return "paused after failures"
	case OutcomeStalled:
		return "stuck without progress"
	case OutcomeTimeout:
		return "unfinished when the time ran out"
	}
	return "as " + outcome
}

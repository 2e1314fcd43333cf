package rollout

import (
	"fmt"

	"github.com/devopsctl/devopsctl/internal/plural"
)

// analyzer runs an Analysis against the new version's traffic: one check every
// interval over the requests of that interval.
type analyzer struct {
	cfg      *Analysis
	next     int
	failures int
}

// begin starts the analysis clock, typically when the new version first gets
// user traffic, and forgets what came before.
func (a *analyzer) begin(e *engine) {
	if a.cfg == nil {
		return
	}
	a.next = e.t + a.cfg.IntervalS
	e.win[1] = window{}
}

// check runs a due check and reports whether the failure limit is now
// exceeded, with the reason in words.
func (a *analyzer) check(e *engine) (failed bool, reason string) {
	if a.cfg == nil || e.t < a.next {
		return false, ""
	}
	a.next = e.t + a.cfg.IntervalS
	w := e.win[1]
	e.win[1] = window{}
	if w.requests < a.cfg.MinRequests {
		e.eventf("analysis: only %d request(s) reached %s, too few to judge", w.requests, e.sc.To.Name)
		return false, ""
	}
	success := 100 * float64(w.requests-w.errors) / float64(w.requests)
	latency := w.latencySum / float64(w.requests)
	var problem string
	switch {
	case a.cfg.MinSuccessPercent > 0 && success < a.cfg.MinSuccessPercent:
		problem = fmt.Sprintf("success rate %.2f%% is below %.2f%%", success, a.cfg.MinSuccessPercent)
	case a.cfg.MaxLatencyMS > 0 && latency > a.cfg.MaxLatencyMS:
		problem = fmt.Sprintf("mean latency %.0fms is above %.0fms", latency, a.cfg.MaxLatencyMS)
	}
	if problem == "" {
		e.eventf("analysis passed: success rate %.2f%%, mean latency %.0fms over %d requests", success, latency, w.requests)
		return false, ""
	}
	a.failures++
	e.eventf("analysis failed (%s so far, %s allowed): %s", plural.N(a.failures, "failure"), plural.None(a.cfg.FailureLimit, "failure"), problem)
	if a.failures > a.cfg.FailureLimit {
		return true, "analysis failed: " + problem
	}
	return false, ""
}

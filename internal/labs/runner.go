package labs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"io"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
)

// CheckResult is the outcome of one check, as reports show it.
type CheckResult struct {
	ID         string        `json:"id"`
	Kind       string        `json:"kind"`
	Title      string        `json:"title"`
	Status     checks.Status `json:"status"`
	Message    string        `json:"message"`
	Hint       string        `json:"hint"`
	Reason     string        `json:"reason,omitempty"`
	Evidence   []string      `json:"evidence,omitempty"`
	DurationMS int64         `json:"duration_ms"`
}

// Report is the outcome of running a lab's checks on a workspace.
type Report struct {
	Lab    string        `json:"lab"`
	Dir    string        `json:"dir"`
	Passed bool          `json:"passed"`
	Checks []CheckResult `json:"checks"`
	// EngineMissing is set when a check was skipped for want of a Docker engine.
	EngineMissing bool `json:"engine_missing,omitempty"`
	Interrupted   bool `json:"interrupted,omitempty"`
}

// FirstProblem returns the first check that did not pass, or nil.
func (r *Report) FirstProblem() *CheckResult {
	for i := range r.Checks {
		if s := r.Checks[i].Status; s == checks.Fail || s == checks.Error {
			return &r.Checks[i]
		}
	}
	return nil
}

// Counts returns how many checks ended in each status.
func (r *Report) Counts() map[checks.Status]int {
	m := map[checks.Status]int{}
	for _, c := range r.Checks {
		m[c.Status]++
	}
	return m
}

// Runner runs a lab's checks in order on a workspace.
type Runner struct {
	Lab *Lab
	Dir string
	// Engine is nil when no engine answered; EngineErr says why.
	Engine    docker.Engine
	EngineErr error
	// Progress receives live output of slow checks (the build log).
	Progress io.Writer
	// OnStart and OnResult, when set, are called as each check starts and ends.
	OnStart  func(c *CheckSpec)
	OnResult func(c *CheckSpec, r CheckResult)
}

// Default time limits for one check, when lab.yaml gives none.
const (
	DefaultStaticTimeout = 30 * time.Second
	DefaultEngineTimeout = 5 * time.Minute
)

// Run runs every check. A check whose need did not pass is skipped, naming the
// need; a check that needs the engine is skipped when there is none. Whatever
// happens — pass, fail, timeout or cancellation — the containers, networks and
// volumes the run created are removed before Run returns.
func (r *Runner) Run(ctx context.Context) *Report {
	rep := &Report{Lab: r.Lab.ID, Dir: r.Dir, Passed: true}
	progress := r.Progress
	if progress == nil {
		progress = io.Discard
	}
	runID := newRunID()
	if r.Engine != nil {
		release, err := lockWorkspace(ctx, r.Dir, progress)
		if err != nil {
			return r.interrupted(rep)
		}
		defer release()
		defer docker.Cleanup(r.Engine, map[string]string{docker.LabelRun: runID})
	}
	status := map[string]checks.Status{}
	for i := range r.Lab.Checks {
		c := &r.Lab.Checks[i]
		if r.OnStart != nil {
			r.OnStart(c)
		}
		start := time.Now()
		res := r.runOne(ctx, c, status, progress, rep, runID)
		cr := CheckResult{
			ID: c.ID, Kind: c.Kind, Title: c.Title,
			Status: res.Status, Message: res.Message, Reason: res.Reason,
			Hint: hintFor(c, res), Evidence: res.Evidence,
			DurationMS: time.Since(start).Milliseconds(),
		}
		status[c.ID] = res.Status
		rep.Checks = append(rep.Checks, cr)
		if res.Status != checks.Pass {
			rep.Passed = false
		}
		if r.OnResult != nil {
			r.OnResult(c, cr)
		}
	}
	return rep
}

// interrupted reports every check as not run: the run was stopped while it
// waited for its turn.
func (r *Runner) interrupted(rep *Report) *Report {
	rep.Passed = false
	rep.Interrupted = true
	for _, c := range r.Lab.Checks {
		rep.Checks = append(rep.Checks, CheckResult{ID: c.ID, Kind: c.Kind, Title: c.Title, Status: checks.Skip, Message: "not run: the run was interrupted"})
	}
	return rep
}

func (r *Runner) runOne(ctx context.Context, c *CheckSpec, status map[string]checks.Status, progress io.Writer, rep *Report, runID string) checks.Result {
	if ctx.Err() != nil {
		rep.Interrupted = true
		return checks.Skipf("not run: the run was interrupted")
	}
	for _, n := range c.Needs {
		if status[n] != checks.Pass {
			title := n
			if need := r.Lab.Check(n); need != nil {
				title = need.Title
			}
			return checks.Skipf("skipped until %q passes", title)
		}
	}
	if c.NeedsEngine() && r.Engine == nil {
		rep.EngineMissing = true
		return checks.Skipf("skipped: %v", r.EngineErr).
			WithHint(StartDockerHint)
	}
	timeout := time.Duration(c.Timeout)
	if timeout == 0 {
		timeout = DefaultStaticTimeout
		if c.NeedsEngine() {
			timeout = DefaultEngineTimeout
		}
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	env := &checks.Env{
		Dir: r.Dir, LabID: r.Lab.ID,
		Engine: r.Engine, EngineErr: r.EngineErr,
		Progress: progress, Timeout: timeout, RunID: runID,
	}
	res := safeRun(cctx, c.check, env)
	switch {
	case ctx.Err() != nil:
		rep.Interrupted = true
		return checks.Errorf("interrupted; everything this check started on the engine is being removed")
	case errors.Is(cctx.Err(), context.DeadlineExceeded) && res.Status != checks.Pass && !explainsTimeout(res):
		return checks.Failf(checks.ReasonTimeout, "did not finish within %s (%s)", timeout, res.Message).
			WithHint("Something in your workspace takes too long: a build step that waits for the network, or a server that never starts listening.")
	}
	return res
}

// explainsTimeout tells a check's own time-out verdict, which names what was
// still running, from a verdict the deadline cut short.
func explainsTimeout(res checks.Result) bool {
	return res.Status == checks.Fail && res.Reason == string(checks.ReasonBuildTimeout)
}

// safeRun turns a panic inside a check into an error result: a bug in one check
// must not lose the learner's whole report.
func safeRun(ctx context.Context, c checks.Check, env *checks.Env) (res checks.Result) {
	defer func() {
		if p := recover(); p != nil {
			res = checks.Errorf("internal error in this check: %v; please report it", p)
		}
	}()
	return c.Run(ctx, env)
}

func newRunID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// StartDockerHint tells a learner how to get an engine running.
const StartDockerHint = "Start Docker and run the check again: on Linux `sudo systemctl start docker` (or `sudo service docker start`), on macOS and Windows open Docker Desktop and wait until it says it is running. If Docker runs elsewhere, set DOCKER_HOST to its address. `docker version` should show a Server section."

// hintFor picks the hint that fits the failure: the lab's hint for this reason,
// then the check's own, then the first of the lab's general hints.
func hintFor(c *CheckSpec, res checks.Result) string {
	if res.Status == checks.Pass {
		return ""
	}
	if h, ok := c.HintFor[res.Reason]; ok && res.Reason != "" {
		return strings.TrimSpace(h)
	}
	if res.Hint != "" {
		return res.Hint
	}
	if res.Status == checks.Skip {
		return ""
	}
	if len(c.Hints) > 0 {
		return strings.TrimSpace(c.Hints[0])
	}
	return ""
}

// Hints returns the hint ladder for the learner's current state: the hint that
// fits the first problem of the last report first, then the lab's hints for that
// check in order, then the hints of the checks after it.
func Hints(lab *Lab, last *Report) []string {
	var out []string
	seen := map[string]bool{}
	add := func(h string) {
		h = strings.TrimSpace(h)
		if h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	startAt := 0
	if last != nil {
		if p := last.FirstProblem(); p != nil {
			add(p.Hint)
			for i := range lab.Checks {
				if lab.Checks[i].ID == p.ID {
					startAt = i
				}
			}
		}
	}
	for _, c := range lab.Checks[startAt:] {
		for _, h := range c.Hints {
			add(h)
		}
	}
	return out
}

// Summary is one line saying how a run went.
func (r *Report) Summary() string {
	n := r.Counts()
	total := len(r.Checks)
	if r.Passed {
		return plural.All(total, "check") + " passed"
	}
	parts := []string{fmt.Sprintf("%d of %s passed", n[checks.Pass], plural.N(total, "check"))}
	if n[checks.Fail] > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", n[checks.Fail]))
	}
	if n[checks.Error] > 0 {
		parts = append(parts, fmt.Sprintf("%d errored", n[checks.Error]))
	}
	if n[checks.Skip] > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", n[checks.Skip]))
	}
	return strings.Join(parts, ", ")
}

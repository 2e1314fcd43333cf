// Package checks holds the check kinds a lab.yaml can name. A check observes one
// thing about a learner's workspace (a file, a parse, a build, a live HTTP answer)
// and reports it as a Result a beginner can act on. Checks never print: anything
// slow streams its progress to Env.Progress and the caller decides how to show it.
package checks

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/yamlkeys"
	"gopkg.in/yaml.v3"
)

// Status is the verdict of one check.
type Status string

const (
	Pass  Status = "pass"
	Fail  Status = "fail"
	Skip  Status = "skip"
	Error Status = "error"
)

// Result is what a check observed. Message says what happened in words a beginner
// understands; Hint says what to try next; Evidence holds the raw facts behind the
// verdict (findings with file:line, the tail of a build log, a response body).
type Result struct {
	Status   Status
	Message  string
	Hint     string
	Evidence []string
	// Reason names the failure in a stable, machine-friendly way (one of the
	// kind's Reasons, e.g. "no-command", "status-mismatch"), so that a lab can
	// attach a hint to it.
	Reason string
}

// Reason names why a check failed. Each kind declares the reasons it reports
// as constants beside its code and lists them in Kind.Reasons, so that a lab's
// hint_for keys can be checked when the lab loads.
type Reason string

// Reasons that several kinds report.
const (
	ReasonMissing          Reason = "missing"
	ReasonNearMiss         Reason = "near-miss"
	ReasonEmpty            Reason = "empty"
	ReasonIsDirectory      Reason = "is-directory"
	ReasonNotText          Reason = "not-text"
	ReasonOutsideWorkspace Reason = "outside-workspace"
	ReasonTooLarge         Reason = "too-large"
	ReasonNoImage          Reason = "no-image"
	ReasonParseError       Reason = "parse-error"
	ReasonInvalidSettings  Reason = "invalid-settings"
	ReasonBelowMinServing  Reason = "below-min-serving"
	ReasonOverMaxInstances Reason = "over-max-instances"
)

// ReasonTimeout is reported by the runner, for a check of any kind that did
// not finish within its timeout.
const ReasonTimeout Reason = "timeout"

// readReasons are the reasons of any kind that reads a learner's file through
// readLearnerFile.
var readReasons = []Reason{ReasonOutsideWorkspace, ReasonTooLarge}

// Passf, Failf, Skipf and Errorf build Results with a formatted message.
func Passf(format string, a ...any) Result {
	return Result{Status: Pass, Message: fmt.Sprintf(format, a...)}
}

// Failf takes a Reason or a plain string, so that a reason computed elsewhere
// (a Dockerfile rule's id) need not be converted.
func Failf[R ~string](reason R, format string, a ...any) Result {
	return Result{Status: Fail, Reason: string(reason), Message: fmt.Sprintf(format, a...)}
}
func Skipf(format string, a ...any) Result {
	return Result{Status: Skip, Message: fmt.Sprintf(format, a...)}
}
func Errorf(format string, a ...any) Result {
	return Result{Status: Error, Message: fmt.Sprintf(format, a...)}
}

// WithHint returns r with its hint set.
func (r Result) WithHint(h string) Result { r.Hint = h; return r }

// WithEvidence returns r with lines appended to its evidence.
func (r Result) WithEvidence(lines ...string) Result {
	r.Evidence = append(r.Evidence, lines...)
	return r
}

// Env is everything a check may touch. Dir is the learner's workspace; a check
// must not read or write outside it.
type Env struct {
	Dir   string
	LabID string
	// Engine is nil when no Docker engine could be reached; EngineErr then says why.
	Engine    docker.Engine
	EngineErr error
	// Progress receives live output of slow steps (the build log). Never nil.
	Progress io.Writer
	// Timeout bounds any single engine operation a check starts.
	Timeout time.Duration
	// RunID names the run the check is part of; what it creates carries it.
	RunID string
}

// ImageTag is the tag under which the workspace image is built, so that later
// checks of the same run find it without passing state.
func (e *Env) ImageTag() string { return docker.ImageTag(e.LabID, e.Dir) }

// ImageLabels are put on the images a check builds. They leave out the run, so
// that the engine's build cache still holds from one run to the next.
func (e *Env) ImageLabels() map[string]string {
	l := docker.Labels(e.LabID)
	l[docker.LabelWorkspace] = e.Dir
	return l
}

// Labels are put on the containers, networks and volumes a check creates: they
// name the run, whose cleanup removes them.
func (e *Env) Labels() map[string]string {
	l := e.ImageLabels()
	if e.RunID != "" {
		l[docker.LabelRun] = e.RunID
	}
	return l
}

// Check is one configured check, ready to run.
type Check interface {
	Run(ctx context.Context, env *Env) Result
}

// CheckFunc adapts a function to Check.
type CheckFunc func(ctx context.Context, env *Env) Result

func (f CheckFunc) Run(ctx context.Context, env *Env) Result { return f(ctx, env) }

// Kind describes a check kind: its name in lab.yaml, whether it needs the Docker
// engine, and how to build a Check from its parameters.
type Kind struct {
	Name string
	// Summary is one line for `--help` and docs.
	Summary     string
	NeedsEngine bool
	// FindingsOnPass marks a kind whose evidence is advice worth reading even
	// when the check passes, such as the warnings of a lint.
	FindingsOnPass bool
	// Reasons lists every reason a failing check of this kind reports
	// (ReasonTimeout, which the runner adds, aside).
	Reasons []Reason
	// New decodes and validates the `with:` block of a check in lab.yaml.
	New func(params *yaml.Node) (Check, error)
}

// HasReason reports whether the kind reports reason, or reason is the runner's
// timeout.
func (k Kind) HasReason(reason string) bool {
	return reason == string(ReasonTimeout) || slices.Contains(k.Reasons, Reason(reason))
}

// ReasonNames lists the kind's reasons as strings, sorted, timeout included.
func (k Kind) ReasonNames() []string {
	out := []string{string(ReasonTimeout)}
	for _, r := range k.Reasons {
		out = append(out, string(r))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Decode decodes a `with:` block into v, rejecting unknown fields so that a typo
// in lab.yaml is reported instead of silently ignored. A nil node decodes nothing.
func Decode(params *yaml.Node, v any) error {
	if params == nil || params.Kind == 0 {
		return nil
	}
	out, err := yaml.Marshal(params)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytesReader(out))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && err != io.EOF {
		if typo := yamlkeys.Find(params, v); len(typo) > 0 {
			return typoError(typo[0], "with")
		}
		// The decoder names our Go types ("in type checks.containerHTTP"),
		// which mean nothing to a lab author.
		msg := goTypeName.ReplaceAllString(err.Error(), "")
		return fmt.Errorf("line %d: %s", params.Line, strings.TrimPrefix(msg, "yaml: "))
	}
	return nil
}

var goTypeName = regexp.MustCompile(` in type [\w.*]+`)

// typoError says which key is not known, on its own line, and the key that
// was probably meant. The decoder's message has neither the key's line (it
// decodes a copy of the block) nor a suggestion.
func typoError(u yamlkeys.Unknown, top string) error {
	where := top
	if u.Path != "" {
		where += "." + u.Path
	}
	msg := fmt.Sprintf("field %s not found in %s", u.Key, where)
	if u.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", u.Suggestion)
	}
	return &LineError{Line: u.Line, Msg: msg}
}

// LineError is a problem in a check's parameters at a line of lab.yaml; the
// position travels as a field so the loader can report it as file:line.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

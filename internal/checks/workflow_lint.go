package checks

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/pipeline"
	"github.com/devopsctl/devopsctl/internal/plural"
	"github.com/moby/buildkit/util/suggest"
	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

var workflowLintKind = Kind{
	Name:    "workflow_lint",
	Summary: "lints a GitHub Actions workflow with actionlint; every error with file:line:col, the common beginner mistakes explained",
	Reasons: slices.Concat(pipelineFileReasons, []Reason{ReasonPipelineWrongFolder, ReasonLintNeedsMissingJob,
		ReasonLintUnknownTrigger, ReasonLintIndentation, ReasonLintUnknownKey, ReasonLintError}),
	New: newWorkflowLint,
}

// Failure reasons of workflow_lint, beside those of reading the workflow
// (pipelineFileReasons and wrong-folder).
const (
	ReasonLintNeedsMissingJob Reason = "needs-missing-job"
	ReasonLintUnknownTrigger  Reason = "unknown-trigger"
	ReasonLintIndentation     Reason = "indentation"
	ReasonLintUnknownKey      Reason = "unknown-key"
	ReasonLintError           Reason = "lint-error"
)

type workflowLint struct {
	pipelineParams `yaml:",inline"`
}

func newWorkflowLint(params *yaml.Node) (Check, error) {
	c := &workflowLint{}
	if err := Decode(params, c); err != nil {
		return nil, fmt.Errorf("workflow_lint: %w", err)
	}
	if _, err := c.validate(pipeline.WorkflowsDir + "/ci.yml"); err != nil {
		return nil, fmt.Errorf("workflow_lint: %w", err)
	}
	return c, nil
}

// lintFinding is one actionlint error in a beginner's words.
type lintFinding struct {
	line, col int
	reason    Reason
	msg       string
	hint      string
}

func (c *workflowLint) Run(_ context.Context, env *Env) Result {
	rel, data, res := readPipeline(env.Dir, c.Path)
	if res != nil {
		return *res
	}
	findings, err := lintWorkflow(data)
	if err != nil {
		return Errorf("actionlint: %v", err)
	}
	if len(findings) == 0 {
		g, _ := pipeline.ParseGitHub(data)
		n := 0
		if g != nil {
			n = len(g.Jobs)
		}
		return Passf("actionlint found no problem in %s (%s).", rel, plural.N(n, "job"))
	}
	first := findings[0]
	r := Failf(first.reason, "%s:%d:%d: %s", rel, first.line, first.col, first.msg).WithHint(first.hint)
	for _, f := range findings[1:min(len(findings), 10)] {
		r = r.WithEvidence(fmt.Sprintf("%s:%d:%d: %s", rel, f.line, f.col, f.msg))
	}
	if len(findings) > 10 {
		r = r.WithEvidence(fmt.Sprintf("… and %s more", plural.N(len(findings)-10, "problem")))
	}
	return r
}

// lintWorkflow runs actionlint on a workflow held in memory: no project, so no
// configuration or local action is read from around the workspace, and no
// shellcheck or pyflakes process is started.
func lintWorkflow(data []byte) ([]lintFinding, error) {
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{Color: actionlint.ColorOptionKindNever})
	if err != nil {
		return nil, err
	}
	errs, err := l.Lint("<stdin>", data, nil)
	if err != nil {
		return nil, err
	}
	var jobs []string
	if g, _ := pipeline.ParseGitHub(data); g != nil {
		for _, j := range g.Jobs {
			jobs = append(jobs, j.ID.Value)
		}
	}
	var out []lintFinding
	misplaced := map[string]bool{}
	for _, e := range errs {
		f := explain(e, data, jobs)
		if f.reason == ReasonLintIndentation {
			// One key slipped out of its job gives several errors; say it once.
			if misplaced[f.msg] {
				continue
			}
			misplaced[f.msg] = true
		}
		out = append(out, f)
	}
	// A key read as a job explains the errors of the jobs around it.
	slices.SortStableFunc(out, func(a, b lintFinding) int {
		return boolRank(a.reason == ReasonLintIndentation) - boolRank(b.reason == ReasonLintIndentation)
	})
	return out, nil
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

var (
	needsPattern   = regexp.MustCompile(`^job "([^"]+)" needs job "([^"]+)" which does not exist`)
	eventPattern   = regexp.MustCompile(`^unknown Webhook event "([^"]+)"`)
	keyPattern     = regexp.MustCompile(`^unexpected key "([^"]+)" for "([^"]+)" section. expected one of (.*)$`)
	keyAsJob       = regexp.MustCompile(`^"(runs-on|steps|needs|if|name|env|uses|with|strategy|timeout-minutes|continue-on-error|permissions|environment|outputs|services|container|defaults|concurrency)" job `)
	keyAsJobMiss   = regexp.MustCompile(`section is missing in job "(runs-on|steps|needs|if|name|env|uses|with|strategy|timeout-minutes|continue-on-error|permissions|environment|outputs|services|container|defaults|concurrency)"`)
	quotedWord     = regexp.MustCompile(`"([^"]+)"`)
	commonTriggers = []string{"push", "pull_request", "pull_request_target", "workflow_dispatch", "schedule", "release", "merge_group", "workflow_call", "workflow_run"}
)

func explain(e *actionlint.Error, data []byte, jobs []string) lintFinding {
	f := lintFinding{line: e.Line, col: e.Column, reason: ReasonLintError, msg: e.Message,
		hint: "actionlint's message says what it expected at that line; https://docs.github.com/actions has the syntax of each key."}
	msg := e.Message
	switch {
	case strings.HasPrefix(msg, "could not parse as YAML"):
		f.reason = ReasonPipelineSyntax
		line, why := yamlErrorLine(data)
		if line > 0 {
			f.line, f.col = line, 1
		}
		f.msg = "the file is not valid YAML: " + why
		if l := sourceLine(data, f.line); l != "" {
			f.msg += fmt.Sprintf(" (line %d: %s)", f.line, strings.TrimSpace(l))
		}
		f.hint = indentationHint
	case needsPattern.MatchString(msg):
		m := needsPattern.FindStringSubmatch(msg)
		f.reason = ReasonLintNeedsMissingJob
		f.msg = fmt.Sprintf("job %q needs job %q, but this workflow has no job with that id", m[1], m[2])
		if s, ok := suggest.Search(m[2], jobs, false); ok {
			f.msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		f.hint = "needs: lists the ids of other jobs (the keys under jobs:), not their name: and not step names. Jobs are: " + strings.Join(jobs, ", ") + "."
	case eventPattern.MatchString(msg):
		m := eventPattern.FindStringSubmatch(msg)
		f.reason = ReasonLintUnknownTrigger
		f.msg = fmt.Sprintf("%q is not an event GitHub knows, so nothing would ever start this workflow through it", m[1])
		if s, ok := suggest.Search(m[1], commonTriggers, false); ok {
			f.msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		f.hint = "Under on:, name events exactly as GitHub spells them: push, pull_request (with an underscore), workflow_dispatch."
	case keyAsJob.MatchString(msg) || keyAsJobMiss.MatchString(msg):
		m := keyAsJob.FindStringSubmatch(msg)
		if m == nil {
			m = keyAsJobMiss.FindStringSubmatch(msg)
		}
		f.reason = ReasonLintIndentation
		f.msg = fmt.Sprintf("%q is read as a job of its own: it is not indented under its job", m[1])
		f.hint = "Keys of a job (runs-on, steps, needs, if) go two spaces further in than the job's id. " + indentationHint
	case keyPattern.MatchString(msg):
		m := keyPattern.FindStringSubmatch(msg)
		f.reason = ReasonLintUnknownKey
		var keys []string
		for _, q := range quotedWord.FindAllStringSubmatch(m[3], -1) {
			keys = append(keys, q[1])
		}
		f.msg = fmt.Sprintf("%q is not a key of a %s", m[1], m[2])
		if s, ok := suggest.Search(m[1], keys, true); ok {
			f.msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			f.msg += "; it may be indented under the wrong parent"
		}
		f.hint = "Keys are spelled exactly, in lower case with dashes (runs-on, continue-on-error). " + indentationHint
	case looksLikeIndentation(msg):
		f.hint = indentationHint
	}
	return f
}

var yamlErrLine = regexp.MustCompile(`line (\d+): (.*)$`)

// yamlErrorLine finds the line that breaks the YAML. yaml.v3 names the line
// where the broken block starts, often far above the mistake; the first line
// whose addition makes the text unreadable is the one to look at.
func yamlErrorLine(data []byte) (int, string) {
	var v yaml.Node
	err := yaml.Unmarshal(data, &v)
	if err == nil {
		return 0, ""
	}
	why := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
		why = m[2]
	}
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) > 2000 {
		return 0, why
	}
	for k := 1; k <= len(lines); k++ {
		if yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &v) != nil {
			return k, why
		}
	}
	return 0, why
}

func sourceLine(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return excerpt(lines[n-1], 80)
}

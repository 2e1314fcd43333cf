package checks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/dockerfile"
	"gopkg.in/yaml.v3"
)

var dockerfileLintKind = Kind{
	Name:           "dockerfile_lint",
	Summary:        "lint a Dockerfile with BuildKit's parser and rules plus beginner rules; fail_on picks the severity that fails",
	NeedsEngine:    false,
	FindingsOnPass: true,
	Reasons:        dockerfileLintReasons(),
	New:            newDockerfileLint,
}

type dockerfileLintParams struct {
	Path   string   `yaml:"path"`
	FailOn string   `yaml:"fail_on"`
	Ignore []string `yaml:"ignore"`
}

type dockerfileLint struct {
	rel    string
	failOn dockerfile.Severity
	ignore map[string]bool
}

func newDockerfileLint(params *yaml.Node) (Check, error) {
	p := dockerfileLintParams{Path: "Dockerfile", FailOn: string(dockerfile.SeverityError)}
	if err := Decode(params, &p); err != nil {
		return nil, fmt.Errorf("dockerfile_lint: %w", err)
	}
	rel, err := workspaceParam(p.Path)
	if err != nil {
		return nil, fmt.Errorf("dockerfile_lint: %w", err)
	}
	failOn, err := dockerfile.ParseSeverity(p.FailOn)
	if err != nil {
		return nil, fmt.Errorf("dockerfile_lint: fail_on: %w", err)
	}
	ignore := map[string]bool{}
	for _, id := range p.Ignore {
		if !dockerfile.KnownRule(id) {
			return nil, fmt.Errorf("dockerfile_lint: ignore: unknown rule %q (known rules: %s)", id, strings.Join(ruleIDs(), ", "))
		}
		ignore[id] = true
	}
	return &dockerfileLint{rel: rel, failOn: failOn, ignore: ignore}, nil
}

// dockerfileLintReasons are the ids of the linter's rules (the first failing
// finding's rule is the reason) and the reasons of a file that cannot be read.
func dockerfileLintReasons() []Reason {
	out := []Reason{ReasonMissing, ReasonIsDirectory}
	for _, id := range ruleIDs() {
		out = append(out, Reason(id))
	}
	return append(out, readReasons...)
}

func ruleIDs() []string {
	var ids []string
	for _, r := range dockerfile.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

func (c *dockerfileLint) Run(_ context.Context, env *Env) Result {
	if _, err := WorkspacePath(env.Dir, c.rel); err != nil {
		return Errorf("dockerfile_lint: %v", err)
	}
	data, err := readLearnerFile(env.Dir, c.rel)
	if err != nil {
		return c.unreadable(env.Dir, err)
	}
	findings, err := dockerfile.Lint(c.rel, data)
	if err != nil {
		return Errorf("dockerfile_lint: %v", err)
	}
	findings = slices.DeleteFunc(findings, func(f dockerfile.Finding) bool { return c.ignore[f.Rule] })

	evidence := make([]string, len(findings))
	for i, f := range findings {
		evidence[i] = f.String()
	}
	failing := slices.IndexFunc(findings, func(f dockerfile.Finding) bool { return f.Severity.AtLeast(c.failOn) })
	if failing < 0 {
		return c.passed(findings).WithEvidence(evidence...)
	}
	first := findings[failing]
	r := Failf(first.Rule, "%s:%d: %s (%s)", first.File, first.Line, first.Message, tally(findings))
	return r.WithHint(first.Fix).WithEvidence(evidence...)
}

// unreadable turns a read error into a verdict. A missing Dockerfile is the
// learner's next step, not a broken check, so it fails rather than errors.
func (c *dockerfileLint) unreadable(dir string, err error) Result {
	switch {
	case errors.Is(err, fs.ErrNotExist) || isNotDir(err):
		miss := missingFile(dir, c.rel)
		r := miss
		r.Reason = string(ReasonMissing)
		if miss.Reason == string(ReasonNearMiss) {
			r.Message = fmt.Sprintf("%s not found: %s", c.rel, miss.Message)
		}
		return r
	case errors.Is(err, ErrOutsideWorkspace) || errors.Is(err, errTooLarge):
		r, _ := unreadableLearnerFile(c.rel, err)
		return r
	case errors.Is(err, errIsDir):
		return Failf(ReasonIsDirectory, "%s is a directory, not a file", c.rel).
			WithHint(fmt.Sprintf("a Dockerfile is a plain text file; create %s as a file", c.rel))
	default:
		return Errorf("cannot read %s: %v", c.rel, err)
	}
}

var errIsDir = errors.New("is a directory")

func (c *dockerfileLint) passed(findings []dockerfile.Finding) Result {
	name := path.Base(c.rel)
	if len(findings) == 0 {
		return Passf("%s passed lint with no findings", name)
	}
	// The fix of the first remaining finding is the most useful next step
	// even when nothing fails.
	return Passf("%s passed lint with %s", name, tally(findings)).WithHint(findings[0].Fix)
}

// tally counts findings by severity: "1 error, 2 warnings".
func tally(findings []dockerfile.Finding) string {
	var parts []string
	for _, s := range []dockerfile.Severity{dockerfile.SeverityError, dockerfile.SeverityWarning, dockerfile.SeverityInfo} {
		n := 0
		for _, f := range findings {
			if f.Severity == s {
				n++
			}
		}
		switch {
		case n == 0:
		case s == dockerfile.SeverityInfo:
			parts = append(parts, fmt.Sprintf("%d info", n))
		case n == 1:
			parts = append(parts, fmt.Sprintf("1 %s", s))
		default:
			parts = append(parts, fmt.Sprintf("%d %ss", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

// Package pipeline reads CI pipelines as a CI service would: GitHub Actions
// workflows (through actionlint's parser) and GitLab CI files (through yaml.v3
// nodes, keeping lines). It finds the jobs that test, build and deploy, the
// order they run in, and whether deploy is kept to the main branch, by
// evaluating the conditions the service would evaluate. It is pure: bytes in,
// a model out; the checks decide what to tell the learner.
package pipeline

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"
)

// GitHub is a parsed GitHub Actions workflow.
type GitHub struct {
	W *actionlint.Workflow
	// Jobs in the order they appear in the file.
	Jobs []*actionlint.Job
}

// ParseGitHub parses a workflow. Errors are actionlint's syntax errors; the
// workflow is nil only when the YAML itself cannot be read.
func ParseGitHub(data []byte) (*GitHub, []*actionlint.Error) {
	w, errs := actionlint.Parse(data)
	if w == nil {
		return nil, errs
	}
	g := &GitHub{W: w}
	for _, j := range w.Jobs {
		if j != nil && j.ID != nil {
			g.Jobs = append(g.Jobs, j)
		}
	}
	slices.SortFunc(g.Jobs, func(a, b *actionlint.Job) int { return cmp.Compare(line(a.Pos), line(b.Pos)) })
	return g, errs
}

func line(p *actionlint.Pos) int {
	if p == nil {
		return 0
	}
	return p.Line
}

// JobLine is the line a job starts at.
func JobLine(j *actionlint.Job) int {
	if j.ID != nil && j.ID.Pos != nil {
		return j.ID.Pos.Line
	}
	return line(j.Pos)
}

// Trigger returns the webhook event named hook ("push", "pull_request"), or nil.
func (g *GitHub) Trigger(hook string) *actionlint.WebhookEvent {
	for _, e := range g.W.On {
		if w, ok := e.(*actionlint.WebhookEvent); ok && w.Hook != nil && w.Hook.Value == hook {
			return w
		}
	}
	return nil
}

// Job returns the job with the given id.
func (g *GitHub) Job(id string) *actionlint.Job {
	for _, j := range g.Jobs {
		if strings.EqualFold(j.ID.Value, id) {
			return j
		}
	}
	return nil
}

// Runs is the text of every run: step of a job, joined.
func Runs(j *actionlint.Job) []*actionlint.ExecRun {
	var out []*actionlint.ExecRun
	for _, s := range j.Steps {
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
			out = append(out, r)
		}
	}
	return out
}

// Uses is the action a step uses ("actions/checkout@v4"), or "".
func Uses(s *actionlint.Step) string {
	if a, ok := s.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
		return a.Uses.Value
	}
	return ""
}

func jobName(j *actionlint.Job) string {
	n := j.ID.Value
	if j.Name != nil {
		n += " " + j.Name.Value
	}
	return strings.ToLower(n)
}

var (
	dockerBuild = regexp.MustCompile(`\bdocker\s+(buildx\s+|image\s+)?build\b`)
	dockerPush  = regexp.MustCompile(`\bdocker\s+(image\s+)?push\b`)
)

// Roles names the jobs that test, build and deploy ("" when there is none).
type Roles struct{ Test, Build, Deploy string }

// FindRoles picks the jobs by what they do, then by name: the test job is the
// first that runs testCmd (or else one named like "test"), the build job the
// first that builds an image, the deploy job the first named deploy, release
// or publish (or else another job that pushes an image).
func (g *GitHub) FindRoles(testCmd *regexp.Regexp) Roles {
	var r Roles
	r.Test = g.first(func(j *actionlint.Job) bool { return anyRun(j, testCmd) })
	if r.Test == "" {
		r.Test = g.first(func(j *actionlint.Job) bool { return strings.Contains(jobName(j), "test") })
	}
	r.Build = g.first(func(j *actionlint.Job) bool {
		return j.ID.Value != r.Test && (anyRun(j, dockerBuild) || usesBuildAction(j))
	})
	if r.Build == "" {
		r.Build = g.first(func(j *actionlint.Job) bool {
			return j.ID.Value != r.Test && strings.Contains(jobName(j), "build")
		})
	}
	r.Deploy = g.first(func(j *actionlint.Job) bool {
		n := jobName(j)
		return j.ID.Value != r.Test && j.ID.Value != r.Build &&
			(strings.Contains(n, "deploy") || strings.Contains(n, "release") || strings.Contains(n, "publish"))
	})
	if r.Deploy == "" {
		r.Deploy = g.first(func(j *actionlint.Job) bool {
			return j.ID.Value != r.Test && j.ID.Value != r.Build && len(PushedTags(j)) > 0
		})
	}
	return r
}

func (g *GitHub) first(f func(*actionlint.Job) bool) string {
	for _, j := range g.Jobs {
		if f(j) {
			return j.ID.Value
		}
	}
	return ""
}

func anyRun(j *actionlint.Job, re *regexp.Regexp) bool {
	for _, r := range Runs(j) {
		if re.MatchString(r.Run.Value) {
			return true
		}
	}
	return false
}

func usesBuildAction(j *actionlint.Job) bool {
	for _, s := range j.Steps {
		if strings.HasPrefix(Uses(s), "docker/build-push-action") {
			return true
		}
	}
	return false
}

// PushedTags lists what a job pushes to a registry: the arguments of docker
// push, and the tags of docker/build-push-action with push: true.
func PushedTags(j *actionlint.Job) []string {
	var out []string
	for _, s := range j.Steps {
		switch e := s.Exec.(type) {
		case *actionlint.ExecRun:
			if e.Run != nil {
				out = append(out, pushArgs(e.Run.Value)...)
			}
		case *actionlint.ExecAction:
			if e.Uses == nil || !strings.HasPrefix(e.Uses.Value, "docker/build-push-action") {
				continue
			}
			if p := e.Inputs["push"]; p == nil || p.Value == nil || p.Value.Value != "true" {
				continue
			}
			if t := e.Inputs["tags"]; t != nil && t.Value != nil {
				out = append(out, strings.FieldsFunc(t.Value.Value, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' })...)
			} else {
				out = append(out, "(untagged)")
			}
		}
	}
	return out
}

// pushArgs finds the images named by docker push in a script.
func pushArgs(script string) []string {
	var out []string
	for _, l := range strings.Split(script, "\n") {
		loc := dockerPush.FindStringIndex(l)
		if loc == nil {
			continue
		}
		for _, f := range strings.Fields(l[loc[1]:]) {
			if strings.HasPrefix(f, "-") {
				continue
			}
			out = append(out, f)
			break
		}
	}
	return out
}

// PushesLatest reports whether any pushed tag is :latest or has no tag at all
// (which Docker reads as latest).
func PushesLatest(tags []string) (string, bool) {
	for _, t := range tags {
		t = strings.Trim(t, `"'`)
		if strings.HasSuffix(t, ":latest") {
			return t, true
		}
		last := t[strings.LastIndex(t, "/")+1:]
		if t != "(untagged)" && !strings.Contains(last, ":") && !strings.Contains(t, "$") {
			return t, true
		}
	}
	return "", false
}

// NeedsClosure is every job (lower-cased id, as GitHub compares them) that
// must finish before id starts, through needs.
func (g *GitHub) NeedsClosure(id string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(id string) {
		j := g.Job(id)
		if j == nil {
			return
		}
		for _, n := range j.Needs {
			k := strings.ToLower(n.Value)
			if !seen[k] {
				seen[k] = true
				walk(k)
			}
		}
	}
	walk(id)
	return seen
}

// FiresFor reports whether a push or pull_request trigger starts the workflow
// for branch (for a pull request, the branch it goes into).
func FiresFor(ev *actionlint.WebhookEvent, branch string) bool {
	if ev == nil {
		return false
	}
	if ev.Branches == nil && ev.BranchesIgnore == nil {
		// A push filtered on tags alone never starts for a branch.
		return ev.Tags == nil && ev.TagsIgnore == nil
	}
	if ev.BranchesIgnore != nil {
		return !matchesAny(ev.BranchesIgnore.Values, branch)
	}
	return matchesAny(ev.Branches.Values, branch)
}

// matchesAny applies GitHub's branch patterns in order; a later !pattern
// takes a branch out again.
func matchesAny(patterns []*actionlint.String, branch string) bool {
	in := false
	for _, p := range patterns {
		v := p.Value
		neg := strings.HasPrefix(v, "!")
		if globMatch(strings.TrimPrefix(v, "!"), branch) {
			in = !neg
		}
	}
	return in
}

// globMatch is GitHub's filter glob: * matches within a path segment, **
// across them.
func globMatch(pattern, s string) bool {
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				re.WriteString(".*")
				i++
			} else {
				re.WriteString("[^/]*")
			}
		case '?':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	ok, err := regexp.MatchString(re.String(), s)
	return err == nil && ok
}

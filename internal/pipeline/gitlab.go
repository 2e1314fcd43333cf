package pipeline

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// GitLab is a parsed .gitlab-ci.yml, with the line of everything a learner
// may be told about.
type GitLab struct {
	// Stages as written, or GitLab's default when the file names none.
	Stages     []string
	StagesLine int
	Jobs       []*GitLabJob
	// WorkflowRules decide whether a pipeline is created at all.
	WorkflowRules []Rule
}

// GitLabJob is one job, with extends, anchors and merge keys applied and the
// file's default before_script filled in.
type GitLabJob struct {
	Name      string
	Line      int
	Stage     string
	StageLine int
	Script    []ScriptLine
	// ScriptIsList is false for `script: go test ./...` (one string).
	ScriptIsList bool
	ScriptLine   int
	BeforeScript []ScriptLine
	// Needs is nil without a needs: key; an empty needs: [] starts the job at once.
	Needs            []string
	NeedsLine        int
	AllowFailure     bool
	AllowFailureLine int
	Rules            []Rule
	RulesLine        int
	// OnlyLine is the line of only: or except:, 0 without them.
	OnlyLine int
	When     string
	WhenLine int
}

// ScriptLine is one command of a script, at its line.
type ScriptLine struct {
	Text string
	Line int
}

// Rule is one entry of rules:. Changes or Exists conditions are taken as met:
// they depend on files a push changes, which a lab cannot know.
type Rule struct {
	If   string
	When string
	Line int
}

// DefaultStages are GitLab's stages when the file names none.
var DefaultStages = []string{".pre", "build", "test", "deploy", ".post"}

// globalKeys are top-level keys that are not jobs.
var globalKeys = map[string]bool{
	"default": true, "include": true, "before_script": true, "after_script": true, "image": true,
	"services": true, "variables": true, "stages": true, "cache": true, "workflow": true, "spec": true,
}

// SyntaxError is YAML that cannot be read, at a line.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseGitLab reads a GitLab CI file. A file that is not YAML, or whose top is
// not a mapping, is a *SyntaxError.
func ParseGitLab(data []byte) (*GitLab, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		se := &SyntaxError{Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &se.Line)
			se.Msg = m[2]
		}
		return nil, se
	}
	if len(doc.Content) == 0 {
		return nil, &SyntaxError{Line: 1, Msg: "the file is empty"}
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, &SyntaxError{Line: root.Line, Msg: "the file must be a mapping of keys (stages:, job names) to values"}
	}
	top := entries(root)
	g := &GitLab{Stages: DefaultStages}
	if s := top.get("stages"); s != nil {
		g.Stages = nil
		g.StagesLine = s.key.Line
		for _, v := range flatten(s.val) {
			g.Stages = append(g.Stages, v.Value)
		}
	}
	if w := top.get("workflow"); w != nil {
		if r := entries(w.val).get("rules"); r != nil {
			g.WorkflowRules = rules(r.val)
		}
	}
	var defBefore []ScriptLine
	if d := top.get("default"); d != nil {
		if b := entries(d.val).get("before_script"); b != nil {
			defBefore, _ = script(b.val)
		}
	}
	if b := top.get("before_script"); b != nil {
		defBefore, _ = script(b.val)
	}
	for _, e := range top {
		name := e.key.Value
		if globalKeys[name] || strings.HasPrefix(name, ".") || deref(e.val).Kind != yaml.MappingNode {
			continue
		}
		j := &GitLabJob{Name: name, Line: e.key.Line, Stage: "test", BeforeScript: defBefore, When: "on_success"}
		for _, f := range withExtends(top, e.val, 0) {
			j.set(f)
		}
		g.Jobs = append(g.Jobs, j)
	}
	return g, nil
}

func (j *GitLabJob) set(f entry) {
	switch f.key.Value {
	case "stage":
		j.Stage, j.StageLine = deref(f.val).Value, f.key.Line
	case "script":
		j.Script, j.ScriptIsList = script(f.val)
		j.ScriptLine = f.key.Line
	case "before_script":
		j.BeforeScript, _ = script(f.val)
	case "needs":
		j.Needs, j.NeedsLine = []string{}, f.key.Line
		for _, n := range flatten(f.val) {
			j.Needs = append(j.Needs, n.Value)
		}
		if v := deref(f.val); v.Kind == yaml.SequenceNode {
			for _, item := range v.Content {
				if it := deref(item); it.Kind == yaml.MappingNode {
					if jn := entries(it).get("job"); jn != nil {
						j.Needs = append(j.Needs, deref(jn.val).Value)
					}
				}
			}
		}
	case "allow_failure":
		v := deref(f.val)
		// allow_failure: {exit_codes: …} lets some failures pass too.
		j.AllowFailure = v.Kind == yaml.MappingNode || v.Value == "true"
		j.AllowFailureLine = f.key.Line
	case "rules":
		j.Rules, j.RulesLine = rules(f.val), f.key.Line
	case "only", "except":
		j.OnlyLine = f.key.Line
	case "when":
		j.When, j.WhenLine = deref(f.val).Value, f.key.Line
	}
}

// Job returns the job named name.
func (g *GitLab) Job(name string) *GitLabJob {
	for _, j := range g.Jobs {
		if j.Name == name {
			return j
		}
	}
	return nil
}

// StageIndex is the position of stage in the file's stages, or -1.
func (g *GitLab) StageIndex(stage string) int { return slices.Index(g.Stages, stage) }

// Commands is what the job runs: before_script, then script.
func (j *GitLabJob) Commands() []ScriptLine {
	return append(slices.Clone(j.BeforeScript), j.Script...)
}

// FindRoles picks the test job (the first that runs testCmd, else the first
// in the test stage), the build job (the first in the build stage that is not
// the test job) and the deploy job (the first in the deploy stage).
func (g *GitLab) FindRoles(testCmd *regexp.Regexp) Roles {
	var r Roles
	for _, j := range g.Jobs {
		if r.Test == "" && scriptMatches(j.Commands(), testCmd) {
			r.Test = j.Name
		}
	}
	for _, j := range g.Jobs {
		switch {
		case r.Test == "" && j.Stage == "test":
			r.Test = j.Name
		case r.Build == "" && j.Stage == "build" && j.Name != r.Test:
			r.Build = j.Name
		case r.Deploy == "" && j.Stage == "deploy" && j.Name != r.Test:
			r.Deploy = j.Name
		}
	}
	return r
}

func scriptMatches(lines []ScriptLine, re *regexp.Regexp) bool {
	for _, l := range lines {
		if re.MatchString(l.Text) {
			return true
		}
	}
	return false
}

// PushedTags lists the images a job's script pushes.
func (j *GitLabJob) PushedTags() []string {
	var out []string
	for _, l := range j.Commands() {
		out = append(out, pushArgs(l.Text)...)
	}
	return out
}

// WaitsFor reports whether job j starts only after job other finished: by
// needs when j has them (through other jobs' needs too), else by stage order.
func (g *GitLab) WaitsFor(j *GitLabJob, other string) bool {
	o := g.Job(other)
	if o == nil {
		return false
	}
	seen := map[string]bool{}
	var walk func(*GitLabJob) bool
	walk = func(j *GitLabJob) bool {
		if j.Needs == nil {
			return g.StageIndex(o.Stage) < g.StageIndex(j.Stage)
		}
		for _, n := range j.Needs {
			if n == other {
				return true
			}
			if nj := g.Job(n); nj != nil && !seen[n] {
				seen[n] = true
				if walk(nj) {
					return true
				}
			}
		}
		return false
	}
	return walk(j)
}

type entry struct{ key, val *yaml.Node }

type mapping []entry

func (m mapping) get(k string) *entry {
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].key.Value == k {
			return &m[i]
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return deref(n.Content[0])
	}
	return n
}

// entries lists a mapping's keys with `<<` merge keys expanded first, so
// that the mapping's own keys (later in the list) win.
func entries(n *yaml.Node) mapping {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var merged, own mapping
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "<<" {
			for _, m := range flattenNodes(v) {
				merged = append(merged, entries(m)...)
			}
			continue
		}
		own = append(own, entry{k, v})
	}
	return append(merged, own...)
}

// withExtends applies extends: the templates' keys first, then the job's own.
func withExtends(top mapping, job *yaml.Node, depth int) mapping {
	own := entries(job)
	ext := own.get("extends")
	if ext == nil || depth > 10 {
		return own
	}
	var out mapping
	for _, name := range flatten(ext.val) {
		if t := top.get(name.Value); t != nil {
			out = append(out, withExtends(top, t.val, depth+1)...)
		}
	}
	return append(out, own...)
}

func flattenNodes(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return []*yaml.Node{n}
	}
	var out []*yaml.Node
	for _, c := range n.Content {
		out = append(out, flattenNodes(c)...)
	}
	return out
}

// flatten lists the scalars of a value: one for a scalar, every item of a
// (nested) list.
func flatten(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for _, c := range flattenNodes(n) {
		if c.Kind == yaml.ScalarNode {
			out = append(out, c)
		}
	}
	return out
}

func script(n *yaml.Node) ([]ScriptLine, bool) {
	isList := deref(n).Kind == yaml.SequenceNode
	var out []ScriptLine
	for _, c := range flatten(n) {
		out = append(out, ScriptLine{Text: c.Value, Line: c.Line})
	}
	return out, isList
}

func rules(n *yaml.Node) []Rule {
	var out []Rule
	for _, item := range flattenNodes(n) {
		r := Rule{Line: item.Line, When: "on_success"}
		m := entries(item)
		if e := m.get("if"); e != nil {
			r.If = deref(e.val).Value
		}
		if e := m.get("when"); e != nil {
			r.When = deref(e.val).Value
		}
		out = append(out, r)
	}
	return out
}

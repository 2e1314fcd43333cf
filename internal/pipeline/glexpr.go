package pipeline

import (
	"fmt"
	"regexp"
	"strings"
)

// GitLabPipeline is one situation a pipeline runs in, as its predefined
// variables show it.
type GitLabPipeline struct {
	Name string
	Vars map[string]string
}

// Situations every GitLab pipeline meets.
var (
	GLDefaultBranch = GitLabPipeline{Name: "a push to the default branch main", Vars: map[string]string{
		"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_REF_NAME": "main",
		"CI_COMMIT_REF_SLUG": "main", "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_REF_PROTECTED": "true"}}
	GLFeatureBranch = GitLabPipeline{Name: "a push to the branch feature-login", Vars: map[string]string{
		"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature-login", "CI_COMMIT_REF_NAME": "feature-login",
		"CI_COMMIT_REF_SLUG": "feature-login", "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_REF_PROTECTED": "false"}}
	GLMergeRequest = GitLabPipeline{Name: "a merge request from feature-login into main", Vars: map[string]string{
		"CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_REF_NAME": "feature-login",
		"CI_COMMIT_REF_SLUG": "feature-login", "CI_DEFAULT_BRANCH": "main", "CI_MERGE_REQUEST_IID": "7",
		"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature-login", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
		"CI_COMMIT_REF_PROTECTED": "false"}}
)

// Runs reports whether a pipeline is created for p (workflow rules) and job
// is in it, and with which when (on_success, always, manual…). err says
// which condition cannot be read.
func (g *GitLab) Runs(job *GitLabJob, p GitLabPipeline) (bool, string, error) {
	if len(g.WorkflowRules) > 0 {
		ok, when, err := evalRules(g.WorkflowRules, p)
		if err != nil || !ok || when == "never" {
			return false, "", err
		}
	}
	if job.Rules == nil {
		return true, job.When, nil
	}
	ok, when, err := evalRules(job.Rules, p)
	if err != nil || !ok || when == "never" {
		return false, "", err
	}
	return true, when, nil
}

// evalRules is GitLab's rules: the first rule whose if holds decides.
func evalRules(rs []Rule, p GitLabPipeline) (bool, string, error) {
	for _, r := range rs {
		if r.If == "" {
			return true, r.When, nil
		}
		ok, err := EvalGitLab(r.If, p.Vars)
		if err != nil {
			return false, "", fmt.Errorf("line %d: %w", r.Line, err)
		}
		if ok {
			return true, r.When, nil
		}
	}
	return false, "", nil
}

// EvalGitLab evaluates a rules:if expression: $VARS, "strings", /regex/,
// null, == != =~ !~, && || and parentheses. An unset variable is null.
func EvalGitLab(expr string, vars map[string]string) (bool, error) {
	toks, err := lexGitLab(expr)
	if err != nil {
		return false, err
	}
	p := &glParser{toks: toks, vars: vars}
	v, err := p.or()
	if err != nil {
		return false, err
	}
	if p.i < len(p.toks) {
		return false, fmt.Errorf("unexpected %q in %q", p.toks[p.i].text, expr)
	}
	return v.truthy(), nil
}

type glTok struct {
	kind byte // 'v' variable, 's' string, 'r' regex, 'n' null, 'o' operator, '(' ')'
	text string
}

var glLexer = regexp.MustCompile(`^\s*(?:(\$\{?\w+\}?)|("(?:[^"\\]|\\.)*"|'[^']*')|(/(?:[^/\\]|\\.)*/[a-z]*)|(null)\b|(==|!=|=~|!~|&&|\|\|)|([()]))`)

func lexGitLab(s string) ([]glTok, error) {
	var out []glTok
	rest := s
	for strings.TrimSpace(rest) != "" {
		m := glLexer.FindStringSubmatch(rest)
		if m == nil {
			return nil, fmt.Errorf("cannot read %q", strings.TrimSpace(rest))
		}
		rest = rest[len(m[0]):]
		switch {
		case m[1] != "":
			out = append(out, glTok{'v', strings.Trim(m[1], "${}")})
		case m[2] != "":
			out = append(out, glTok{'s', m[2][1 : len(m[2])-1]})
		case m[3] != "":
			out = append(out, glTok{'r', m[3]})
		case m[4] != "":
			out = append(out, glTok{'n', ""})
		case m[5] != "":
			out = append(out, glTok{'o', m[5]})
		default:
			out = append(out, glTok{m[6][0], m[6]})
		}
	}
	return out, nil
}

type glValue struct {
	set   bool // not null
	s     string
	regex bool
	b     *bool // the result of a comparison
}

func (v glValue) truthy() bool {
	if v.b != nil {
		return *v.b
	}
	return v.set && v.s != ""
}

func boolValue(b bool) glValue { return glValue{b: &b} }

type glParser struct {
	toks []glTok
	i    int
	vars map[string]string
}

func (p *glParser) peek(text string) bool {
	return p.i < len(p.toks) && p.toks[p.i].kind == 'o' && p.toks[p.i].text == text
}

func (p *glParser) or() (glValue, error) {
	l, err := p.and()
	for err == nil && p.peek("||") {
		p.i++
		var r glValue
		r, err = p.and()
		l = boolValue(l.truthy() || r.truthy())
	}
	return l, err
}

func (p *glParser) and() (glValue, error) {
	l, err := p.cmp()
	for err == nil && p.peek("&&") {
		p.i++
		var r glValue
		r, err = p.cmp()
		l = boolValue(l.truthy() && r.truthy())
	}
	return l, err
}

func (p *glParser) cmp() (glValue, error) {
	l, err := p.operand()
	if err != nil || p.i >= len(p.toks) || p.toks[p.i].kind != 'o' {
		return l, err
	}
	op := p.toks[p.i].text
	if op == "&&" || op == "||" {
		return l, nil
	}
	p.i++
	r, err := p.operand()
	if err != nil {
		return l, err
	}
	switch op {
	case "==":
		return boolValue(l.set == r.set && l.s == r.s), nil
	case "!=":
		return boolValue(l.set != r.set || l.s != r.s), nil
	}
	pat := r.s
	if !r.regex {
		// A variable may hold the pattern, written /…/.
		if !strings.HasPrefix(pat, "/") {
			return l, fmt.Errorf("the right side of %s must be a /pattern/", op)
		}
	}
	re, err := compileGitLabRegex(pat)
	if err != nil {
		return l, err
	}
	m := l.set && re.MatchString(l.s)
	return boolValue(m == (op == "=~")), nil
}

func compileGitLabRegex(lit string) (*regexp.Regexp, error) {
	end := strings.LastIndex(lit, "/")
	if end <= 0 {
		return nil, fmt.Errorf("%q is not a /pattern/", lit)
	}
	body, flags := lit[1:end], lit[end+1:]
	if strings.Contains(flags, "i") {
		body = "(?i)" + body
	}
	re, err := regexp.Compile(body)
	if err != nil {
		return nil, fmt.Errorf("pattern %s: %v", lit, err)
	}
	return re, nil
}

func (p *glParser) operand() (glValue, error) {
	if p.i >= len(p.toks) {
		return glValue{}, fmt.Errorf("the condition ends too early")
	}
	t := p.toks[p.i]
	p.i++
	switch t.kind {
	case 'v':
		v, ok := p.vars[t.text]
		return glValue{set: ok, s: v}, nil
	case 's':
		return glValue{set: true, s: t.text}, nil
	case 'r':
		return glValue{set: true, s: t.text, regex: true}, nil
	case 'n':
		return glValue{}, nil
	case '(':
		v, err := p.or()
		if err != nil {
			return v, err
		}
		if p.i >= len(p.toks) || p.toks[p.i].kind != ')' {
			return v, fmt.Errorf("a ( is not closed")
		}
		p.i++
		return v, nil
	}
	return glValue{}, fmt.Errorf("unexpected %q", t.text)
}

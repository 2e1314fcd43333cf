package pipeline

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"
)

// GitHubEvent is one situation a workflow can run in, as the github context
// shows it, and whether the jobs a job needs succeeded.
type GitHubEvent struct {
	Name    string // "push to main"
	Event   string // github.event_name
	Ref     string // github.ref
	BaseRef string
	HeadRef string
	// NeedsFailed: a job this one needs failed.
	NeedsFailed bool
}

// Some situations every pipeline meets.
var (
	PushMain    = GitHubEvent{Name: "a push to main", Event: "push", Ref: "refs/heads/main"}
	PushFeature = GitHubEvent{Name: "a push to the branch feature-login", Event: "push", Ref: "refs/heads/feature-login"}
	PullRequest = GitHubEvent{Name: "a pull request from feature-login into main", Event: "pull_request", Ref: "refs/pull/7/merge", BaseRef: "main", HeadRef: "feature-login"}
	MainFailed  = GitHubEvent{Name: "a push to main whose tests fail", Event: "push", Ref: "refs/heads/main", NeedsFailed: true}
)

func (e GitHubEvent) github() map[string]any {
	refName := strings.TrimPrefix(strings.TrimPrefix(e.Ref, "refs/heads/"), "refs/pull/")
	refType := "branch"
	ev := map[string]any{"ref": e.Ref}
	if e.Event == "pull_request" {
		ev = map[string]any{"pull_request": map[string]any{
			"base": map[string]any{"ref": e.BaseRef},
			"head": map[string]any{"ref": e.HeadRef},
		}}
	}
	return map[string]any{
		"event_name": e.Event, "ref": e.Ref, "ref_name": refName, "ref_type": refType,
		"base_ref": e.BaseRef, "head_ref": e.HeadRef, "event": ev,
		"repository": "learner/app", "actor": "learner",
	}
}

// EvalIf evaluates a job's if: condition in a situation, as GitHub would:
// without a status function (success(), always(), failure(), cancelled()) the
// condition also needs every needed job to have succeeded. An empty condition
// is success(). An error means the condition cannot be read.
func EvalIf(cond string, e GitHubEvent) (bool, error) {
	cond = strings.TrimSpace(cond)
	if strings.HasPrefix(cond, "${{") && strings.HasSuffix(cond, "}}") {
		cond = strings.TrimSpace(cond[3 : len(cond)-2])
	}
	if cond == "" {
		return !e.NeedsFailed, nil
	}
	n, perr := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(cond + "}}"))
	if perr != nil {
		return false, fmt.Errorf("%s", perr.Message)
	}
	ev := &ghEval{e: e, ctx: map[string]any{"github": e.github()}}
	v := ev.eval(n)
	if ev.err != nil {
		return false, ev.err
	}
	ok := truthy(v)
	if !ev.status {
		ok = ok && !e.NeedsFailed
	}
	return ok, nil
}

type ghEval struct {
	e      GitHubEvent
	ctx    map[string]any
	status bool // a status function was called
	err    error
}

func (g *ghEval) eval(n actionlint.ExprNode) any {
	switch n := n.(type) {
	case *actionlint.NullNode:
		return nil
	case *actionlint.BoolNode:
		return n.Value
	case *actionlint.IntNode:
		return float64(n.Value)
	case *actionlint.FloatNode:
		return n.Value
	case *actionlint.StringNode:
		return n.Value
	case *actionlint.VariableNode:
		if v, ok := g.ctx[strings.ToLower(n.Name)]; ok {
			return v
		}
		// env, vars, inputs, needs, matrix…: nothing devopsctl can know,
		// and GitHub reads a missing property as null.
		return map[string]any{}
	case *actionlint.ObjectDerefNode:
		return prop(g.eval(n.Receiver), n.Property)
	case *actionlint.IndexAccessNode:
		idx := g.eval(n.Index)
		if s, ok := idx.(string); ok {
			return prop(g.eval(n.Operand), s)
		}
		return nil
	case *actionlint.ArrayDerefNode:
		return nil
	case *actionlint.NotOpNode:
		return !truthy(g.eval(n.Operand))
	case *actionlint.LogicalOpNode:
		l := g.eval(n.Left)
		if n.Kind == actionlint.LogicalOpNodeKindAnd {
			if !truthy(l) {
				return l
			}
			return g.eval(n.Right)
		}
		if truthy(l) {
			return l
		}
		return g.eval(n.Right)
	case *actionlint.CompareOpNode:
		return compare(n.Kind, g.eval(n.Left), g.eval(n.Right))
	case *actionlint.FuncCallNode:
		return g.call(n)
	}
	g.err = fmt.Errorf("unsupported expression")
	return nil
}

func (g *ghEval) call(n *actionlint.FuncCallNode) any {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = g.eval(a)
	}
	str := func(i int) string {
		if i < len(args) {
			return toString(args[i])
		}
		return ""
	}
	switch strings.ToLower(n.Callee) {
	case "success":
		g.status = true
		return !g.e.NeedsFailed
	case "failure":
		g.status = true
		return g.e.NeedsFailed
	case "always":
		g.status = true
		return true
	case "cancelled":
		g.status = true
		return false
	case "contains":
		if arr, ok := args[0].([]any); ok {
			for _, v := range arr {
				if compare(actionlint.CompareOpNodeKindEq, v, args[1]) == true {
					return true
				}
			}
			return false
		}
		return strings.Contains(strings.ToLower(str(0)), strings.ToLower(str(1)))
	case "startswith":
		return strings.HasPrefix(strings.ToLower(str(0)), strings.ToLower(str(1)))
	case "endswith":
		return strings.HasSuffix(strings.ToLower(str(0)), strings.ToLower(str(1)))
	case "format":
		s := str(0)
		for i := 1; i < len(args); i++ {
			s = strings.ReplaceAll(s, fmt.Sprintf("{%d}", i-1), str(i))
		}
		return s
	}
	// toJSON, fromJSON, hashFiles, join: values devopsctl cannot know.
	return nil
}

func prop(v any, name string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	for k, x := range m {
		if strings.EqualFold(k, name) {
			return x
		}
	}
	return nil
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return v
	}
	return ""
}

func toNumber(v any) float64 {
	switch v := v.(type) {
	case nil:
		return 0
	case bool:
		if v {
			return 1
		}
		return 0
	case float64:
		return v
	case string:
		if strings.TrimSpace(v) == "" {
			return 0
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

// compare follows GitHub's rules: strings compare ignoring case, and values of
// different types are compared as numbers.
func compare(k actionlint.CompareOpNodeKind, a, b any) any {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		c := strings.Compare(strings.ToLower(as), strings.ToLower(bs))
		return cmpResult(k, float64(c), 0)
	}
	if k.IsEqualityOp() {
		_, am := a.(map[string]any)
		_, bm := b.(map[string]any)
		if am || bm {
			eq := am && bm
			return eq == (k == actionlint.CompareOpNodeKindEq)
		}
	}
	return cmpResult(k, toNumber(a), toNumber(b))
}

func cmpResult(k actionlint.CompareOpNodeKind, x, y float64) bool {
	switch k {
	case actionlint.CompareOpNodeKindLess:
		return x < y
	case actionlint.CompareOpNodeKindLessEq:
		return x <= y
	case actionlint.CompareOpNodeKindGreater:
		return x > y
	case actionlint.CompareOpNodeKindGreaterEq:
		return x >= y
	case actionlint.CompareOpNodeKindEq:
		return x == y
	case actionlint.CompareOpNodeKindNotEq:
		return x != y
	}
	return false
}

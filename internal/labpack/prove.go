package labpack

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/plural"
)

// CaseKind is what a proof runs the checks on.
type CaseKind string

const (
	Starter  CaseKind = "starter"
	Solution CaseKind = "solution"
	Variant  CaseKind = "wrong"
)

// Case is one workspace to prove: a lab's starter, its solution, or one of its
// known-wrong variants.
type Case struct {
	Lab   *Lab
	Kind  CaseKind
	Wrong *Wrong
}

// Name is how the case is named in output: starter, solution, wrong/<name>.
func (c Case) Name() string {
	if c.Kind == Variant {
		return c.Wrong.Dir()
	}
	return string(c.Kind)
}

// Cases lists what proving lab runs: the starter, the solution, then each
// known-wrong variant.
func Cases(lab *Lab) []Case {
	out := []Case{{Lab: lab, Kind: Starter}, {Lab: lab, Kind: Solution}}
	for _, w := range lab.Wrong {
		out = append(out, Case{Lab: lab, Kind: Variant, Wrong: w})
	}
	return out
}

// Outcome is the verdict on one case.
type Outcome struct {
	Case
	Proven bool
	// EngineMissing: a check needed the engine and none answered, so the case
	// could not be proven either way.
	EngineMissing bool
	// Problems say why the case is not proven, one line each.
	Problems []string
	// Summary is one line on what was observed.
	Summary  string
	Report   *labs.Report
	Duration time.Duration
	// Dir is the workspace the case ran in (removed since); what the engine
	// made for it carries it as its workspace label.
	Dir string
}

// Prover runs cases on real workspaces it makes under TempDir.
type Prover struct {
	Engine    docker.Engine
	EngineErr error
	// Progress receives the checks' live output (the build log). May be nil.
	Progress io.Writer
	// TempDir is where workspaces are made ("" for the system's).
	TempDir string
	// OnStart and OnDone, when set, are called around each case, one call
	// at a time.
	OnStart func(Case)
	OnDone  func(Outcome)
	// Parallel is how many cases are proven at once (1 when unset). Cases
	// mostly wait on the engine (a container's answer, a rollout's pace), so
	// two at a time take little more than one.
	Parallel int
}

// Run proves every case of every lab, in order, and then removes every image
// its workspaces built, however it ends. The workspaces of one run share the
// engine's build cache, so a variant rebuilds only the steps it changes.
func (p *Prover) Run(ctx context.Context, pack []*Lab) []Outcome {
	var cases []Case
	for _, lab := range pack {
		cases = append(cases, Cases(lab)...)
	}
	var (
		mu   sync.Mutex
		dirs []string
		done = make([]bool, len(cases))
		out  = make([]Outcome, len(cases))
	)
	defer func() {
		if p.Engine == nil {
			return
		}
		for _, d := range dirs {
			docker.CleanMatching(p.Engine, map[string]string{docker.LabelWorkspace: d})
		}
	}()
	sem := make(chan struct{}, max(p.Parallel, 1))
	var wg sync.WaitGroup
	for i, c := range cases {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			mu.Lock()
			if p.OnStart != nil {
				p.OnStart(c)
			}
			mu.Unlock()
			o, dir := p.prove(ctx, c)
			mu.Lock()
			defer mu.Unlock()
			if dir != "" {
				dirs = append(dirs, dir)
			}
			if p.OnDone != nil {
				p.OnDone(o)
			}
			out[i], done[i] = o, true
		}()
	}
	wg.Wait()
	// Cases left out by a cancellation are not reported.
	proven := out[:0]
	for i, o := range out {
		if done[i] {
			proven = append(proven, o)
		}
	}
	return proven
}

func (p *Prover) prove(ctx context.Context, c Case) (Outcome, string) {
	start := time.Now()
	o := Outcome{Case: c}
	dir, err := p.workspace(c)
	o.Dir = dir
	if dir != "" {
		defer os.RemoveAll(dir)
	}
	if err != nil {
		o.Problems = []string{fmt.Sprintf("could not make its workspace: %v", err)}
		return o, ""
	}
	lab := c.Lab.Lab
	if c.Kind == Variant {
		lab = onlyFor(lab, c.Wrong.Check)
	}
	runner := &labs.Runner{Lab: lab, Dir: dir, Engine: p.Engine, EngineErr: p.EngineErr, Progress: p.Progress}
	rep := runner.Run(ctx)
	o.Report, o.Duration = rep, time.Since(start)
	judge(&o, rep)
	return o, dir
}

// workspace makes a fresh folder holding what the case is: the starter, with
// the solution copied over it, with the variant's files copied over that and
// its removals done.
func (p *Prover) workspace(c Case) (string, error) {
	dir, err := os.MkdirTemp(p.TempDir, "devopsctl-prove-"+c.Lab.ID+"-")
	if err != nil {
		return "", err
	}
	// The engine labels images with this path; keep it in one spelling.
	if abs, err := filepath.EvalSymlinks(dir); err == nil {
		dir = abs
	}
	fsys := c.Lab.FS
	if err := labs.CopyTree(fsys, "starter", dir); err != nil {
		return dir, err
	}
	if c.Kind == Starter {
		return dir, nil
	}
	if err := labs.CopyTree(fsys, "solution", dir); err != nil {
		return dir, err
	}
	if c.Kind == Solution {
		return dir, nil
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return dir, err
	}
	defer root.Close()
	for _, p := range overlayFiles(fsys, c.Wrong.Dir()) {
		rel := labs.WorkspaceName(strings.TrimPrefix(p, c.Wrong.Dir()+"/"))
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return dir, err
		}
		if d := path.Dir(rel); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return dir, err
			}
		}
		if err := root.WriteFile(rel, data, 0o644); err != nil {
			return dir, err
		}
	}
	for _, r := range c.Wrong.Remove {
		if err := root.RemoveAll(path.Clean(r)); err != nil {
			return dir, err
		}
	}
	return dir, nil
}

// onlyFor is lab cut down to the check id and the checks it needs, in their
// order: a variant is judged by one check, and the others (a real Swarm
// rollout, say) would only cost time.
func onlyFor(lab *labs.Lab, id string) *labs.Lab {
	keep := map[string]bool{id: true}
	for i := len(lab.Checks) - 1; i >= 0; i-- {
		if c := &lab.Checks[i]; keep[c.ID] {
			for _, n := range c.Needs {
				keep[n] = true
			}
		}
	}
	spec := *lab.Spec
	spec.Checks = nil
	for _, c := range lab.Checks {
		if keep[c.ID] {
			spec.Checks = append(spec.Checks, c)
		}
	}
	return &labs.Lab{Spec: &spec, FS: lab.FS}
}

// judge decides whether the report proves the case, and says why not.
func judge(o *Outcome, rep *labs.Report) {
	lab := o.Lab
	for _, r := range rep.Checks {
		spec := lab.Check(r.ID)
		switch {
		case r.Status == checks.Error && !rep.Interrupted:
			o.Problems = append(o.Problems, fmt.Sprintf("check %s could not judge (status error): %s", r.ID, r.Message))
		case r.Status == checks.Fail && spec != nil && !spec.KindInfo().HasReason(r.Reason):
			o.Problems = append(o.Problems, fmt.Sprintf("check %s failed with reason %q, which kind %s does not declare", r.ID, r.Reason, r.Kind))
		}
	}
	if rep.Interrupted {
		o.Problems = append(o.Problems, "interrupted")
		return
	}
	// Without an engine, what ran may still settle the case: a starter that
	// fails a static check fails, whatever the engine would have said.
	if rep.EngineMissing && !settledWithoutEngine(o, rep) {
		o.EngineMissing = true
		o.Problems = append(o.Problems, "needs the Docker engine, and none answered")
		return
	}
	switch o.Kind {
	case Starter:
		if rep.Passed {
			o.Problems = append(o.Problems, "the starter passes every check: it leaves the learner nothing to do")
		} else {
			o.Summary = "fails as it should: " + failures(rep)
		}
	case Solution:
		if !rep.Passed {
			o.Problems = append(o.Problems, "the solution does not pass:")
			for _, r := range rep.Checks {
				if r.Status != checks.Pass {
					o.Problems = append(o.Problems, "  "+describe(r))
				}
			}
		} else {
			o.Summary = "passes " + plural.All(len(rep.Checks), "check")
		}
	case Variant:
		judgeWrong(o, rep)
	}
	o.Proven = len(o.Problems) == 0
}

// settledWithoutEngine reports whether the checks that ran decide the case
// though those needing the engine were skipped.
func settledWithoutEngine(o *Outcome, rep *labs.Report) bool {
	for _, r := range rep.Checks {
		switch {
		case o.Kind == Starter && r.Status == checks.Fail:
			return true
		case o.Kind == Variant && r.ID == o.Wrong.Check && r.Status != checks.Skip:
			return true
		}
	}
	return false
}

func judgeWrong(o *Outcome, rep *labs.Report) {
	w := o.Wrong
	var got *labs.CheckResult
	for i := range rep.Checks {
		if rep.Checks[i].ID == w.Check {
			got = &rep.Checks[i]
		}
	}
	about := ""
	if w.About != "" {
		about = " (" + w.About + ")"
	}
	switch {
	case got == nil:
		o.Problems = append(o.Problems, fmt.Sprintf("check %s did not run", w.Check))
	case got.Status == checks.Pass:
		o.Problems = append(o.Problems, fmt.Sprintf("this known-wrong answer%s passes check %s: %s; the check does not catch it", about, w.Check, got.Message))
	case got.Status == checks.Skip:
		o.Problems = append(o.Problems, fmt.Sprintf("check %s was skipped (%s), so it never judged this answer; the check it needs failed:", w.Check, got.Message))
		for _, r := range rep.Checks {
			if r.Status == checks.Fail || r.Status == checks.Error {
				o.Problems = append(o.Problems, "  "+describe(r))
			}
		}
	case got.Status == checks.Fail && got.Reason != w.Reason:
		o.Problems = append(o.Problems, fmt.Sprintf("check %s fails with reason %s, not %s as %s says: %s", w.Check, got.Reason, w.Reason, filepath.Base(w.File), got.Message))
	case got.Status == checks.Fail:
		o.Summary = fmt.Sprintf("fails %s with %s, as it should", w.Check, w.Reason)
	}
}

// failures lists the failing checks of a report with their reasons.
func failures(rep *labs.Report) string {
	var parts []string
	for _, r := range rep.Checks {
		if r.Status == checks.Fail {
			parts = append(parts, r.ID+" ("+r.Reason+")")
		}
	}
	return strings.Join(parts, ", ")
}

func describe(r labs.CheckResult) string {
	s := fmt.Sprintf("%s: %s", r.ID, r.Status)
	if r.Reason != "" {
		s += " (" + r.Reason + ")"
	}
	s += ": " + r.Message
	for i, e := range r.Evidence {
		if i == 3 {
			s += fmt.Sprintf("\n      … %d more lines", len(r.Evidence)-i)
			break
		}
		s += "\n      " + e
	}
	return s
}

// Package grade grades a class: every learner's submission of one lab, each in
// a private copy with its own deadline and its own run on the engine, a few at
// a time. One hostile submission ends as its own verdict and never stops the
// others. Grading reads the checks only from the lab it is given and writes no
// one's progress.
package grade

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/submission"
)

// Verdicts of one submission.
const (
	Passed      = "passed"      // every check passed
	Failed      = "failed"      // all checks ran; some did not pass
	TimedOut    = "timeout"     // the submission's deadline ended its run
	Rejected    = "rejected"    // it could not be put in a private copy (too large, damaged file)
	Interrupted = "interrupted" // the grading was stopped before it finished
)

// Submission is one learner's work: a folder, or a file made by `submit`.
type Submission struct {
	Learner string
	Path    string
	File    bool
}

// Discover lists the submissions in dir: each subfolder, and each file whose
// name ends in submission.Suffix, sorted by learner. Other entries are
// returned as ignored, with the reason, so that a stray file is mentioned
// rather than silently dropped; a link counts as a link, never followed.
func Discover(dir string) (subs []Submission, ignored []submission.Skipped, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("read submissions folder: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		switch {
		case strings.HasPrefix(name, "."):
			continue
		case e.IsDir():
			subs = append(subs, Submission{Learner: printable(name), Path: p})
		case e.Type().IsRegular() && strings.HasSuffix(name, submission.Suffix):
			subs = append(subs, Submission{Learner: printable(strings.TrimSuffix(name, submission.Suffix)), Path: p, File: true})
		case e.Type()&os.ModeSymlink != 0:
			ignored = append(ignored, submission.Skipped{Path: name, Reason: "a symlink; each submission must be a folder or a file of its own"})
		default:
			ignored = append(ignored, submission.Skipped{Path: name, Reason: "neither a folder nor a file ending in " + submission.Suffix})
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].Learner < subs[j].Learner })
	return subs, ignored, nil
}

// printable keeps a folder name from writing control codes to a terminal or
// a report: they become "?".
func printable(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, name)
}

// Options say how to grade.
type Options struct {
	Lab *labs.Lab
	// Engine is nil when there is none; EngineErr then says why.
	Engine    docker.Engine
	EngineErr error
	// Parallel is how many submissions are graded at once (at least 1).
	Parallel int
	// Timeout is each submission's deadline; 0 is the sum of its checks' limits.
	Timeout time.Duration
	Limits  submission.Limits
	// TempDir holds the private copies ("" is the system's temporary folder).
	TempDir string
	// OnEvent, when set, hears of each submission and check as it starts and
	// ends. It is called from several goroutines, one at a time.
	OnEvent func(Event)
}

// EventKind says what an Event reports.
type EventKind int

const (
	SubmissionStarted EventKind = iota
	CheckStarted
	CheckEnded
	SubmissionEnded
)

// Event is progress: a submission or one of its checks started or ended.
type Event struct {
	Kind    EventKind
	Learner string
	Check   string // the check's title, for CheckStarted and CheckEnded
	Started time.Time
	Result  *Result // for SubmissionEnded
}

// Deadline is the submission deadline Grade uses when Options.Timeout is 0:
// the sum of the checks' own limits, so that a submission may use every one.
func Deadline(lab *labs.Lab) time.Duration {
	var d time.Duration
	for _, c := range lab.Checks {
		t := time.Duration(c.Timeout)
		if t == 0 {
			t = labs.DefaultStaticTimeout
			if c.NeedsEngine() {
				t = labs.DefaultEngineTimeout
			}
		}
		d += t
	}
	return d + 30*time.Second
}

// Grade grades every submission and returns the class report in the order of
// subs. Whatever happens to one submission, the others are graded; when ctx
// is cancelled the ones not finished are reported as interrupted. Every
// private copy is removed, and so is everything the runs made on the engine,
// images included, before Grade returns.
func Grade(ctx context.Context, opts Options, subs []Submission) *Report {
	lab := opts.Lab
	rep := &Report{Lab: lab.ID, Title: lab.Title, MaxScore: MaxScore(lab), Parallel: max(opts.Parallel, 1)}
	for _, c := range lab.Checks {
		rep.Checks = append(rep.Checks, CheckInfo{ID: c.ID, Title: c.Title, Points: c.Worth()})
	}
	rep.LabHash, _ = submission.LabHash(lab)
	rep.Submissions = make([]Result, len(subs))
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = Deadline(lab)
	}
	limits := opts.Limits
	if limits == (submission.Limits{}) {
		limits = submission.DefaultLimits
	}
	tmp, err := os.MkdirTemp(opts.TempDir, "devopsctl-grade-")
	if err != nil {
		for i, s := range subs {
			rep.Submissions[i] = rejected(s, lab, fmt.Sprintf("no private copy could be made: %v", err))
		}
		return rep
	}
	defer os.RemoveAll(tmp)

	g := &grader{opts: opts, lab: lab, timeout: timeout, limits: limits, tmp: tmp, hash: rep.LabHash}
	start := time.Now()
	work := make(chan int)
	var wg sync.WaitGroup
	for range rep.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				rep.Submissions[i] = g.one(ctx, i, subs[i])
			}
		}()
	}
	for i := range subs {
		if ctx.Err() != nil {
			rep.Submissions[i] = interrupted(subs[i], lab)
			continue
		}
		select {
		case work <- i:
		case <-ctx.Done():
			rep.Submissions[i] = interrupted(subs[i], lab)
		}
	}
	close(work)
	wg.Wait()
	rep.DurationMS = time.Since(start).Milliseconds()
	g.removeImages()
	return rep
}

type grader struct {
	opts    Options
	lab     *labs.Lab
	timeout time.Duration
	limits  submission.Limits
	tmp     string
	hash    string

	mu         sync.Mutex // guards workspaces and calls of OnEvent
	workspaces []string
}

func (g *grader) event(e Event) {
	if g.opts.OnEvent == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.opts.OnEvent(e)
}

// one grades a submission in a private copy of its own.
func (g *grader) one(ctx context.Context, i int, s Submission) Result {
	start := time.Now()
	g.event(Event{Kind: SubmissionStarted, Learner: s.Learner, Started: start})
	res := g.run(ctx, i, s)
	res.DurationMS = time.Since(start).Milliseconds()
	g.event(Event{Kind: SubmissionEnded, Learner: s.Learner, Started: start, Result: &res})
	return res
}

func (g *grader) run(ctx context.Context, i int, s Submission) Result {
	if ctx.Err() != nil {
		return interrupted(s, g.lab)
	}
	slot := filepath.Join(g.tmp, fmt.Sprintf("%03d", i))
	if err := os.Mkdir(slot, 0o700); err != nil {
		return rejected(s, g.lab, fmt.Sprintf("no private copy could be made: %v", err))
	}
	defer os.RemoveAll(slot)
	dir := filepath.Join(slot, "ws")
	var notes []string
	var skipped []submission.Skipped
	var err error
	if s.File {
		var m *submission.Manifest
		m, skipped, err = submission.Unpack(s.Path, dir, g.limits)
		if m != nil {
			notes = append(notes, manifestNotes(m, g.lab, g.hash)...)
		}
	} else {
		skipped, err = submission.CopyDir(s.Path, dir, g.limits)
	}
	for _, sk := range skipped {
		notes = append(notes, "left out "+sk.String())
	}
	if err != nil {
		r := rejected(s, g.lab, rejectReason(err))
		r.Notes = append(notes, r.Notes...)
		return r
	}
	// The copy's path labels what the run builds; its images go at the end,
	// so that identical steps of later submissions still hit the build cache.
	g.mu.Lock()
	g.workspaces = append(g.workspaces, dir)
	g.mu.Unlock()

	sctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	started := map[string]time.Time{}
	runner := &labs.Runner{
		Lab: g.lab, Dir: dir,
		Engine: g.opts.Engine, EngineErr: g.opts.EngineErr,
		Progress: io.Discard,
		OnStart: func(c *labs.CheckSpec) {
			started[c.ID] = time.Now()
			g.event(Event{Kind: CheckStarted, Learner: s.Learner, Check: c.Title, Started: started[c.ID]})
		},
		OnResult: func(c *labs.CheckSpec, _ labs.CheckResult) {
			g.event(Event{Kind: CheckEnded, Learner: s.Learner, Check: c.Title, Started: started[c.ID]})
		},
	}
	lr := runner.Run(sctx)
	r := score(s, g.lab, lr)
	r.Copy = dir
	r.Notes = append(r.Notes, notes...)
	switch {
	case ctx.Err() != nil:
		r.Verdict = Interrupted
		r.Problem = "the grading was stopped before this submission was finished"
	case errors.Is(sctx.Err(), context.DeadlineExceeded) && lr.Interrupted:
		r.Verdict = TimedOut
		r.Problem = fmt.Sprintf("did not finish within %s, the deadline of one submission; the checks not reached score nothing", g.timeout)
		// The runner calls the cut check interrupted; here it was the deadline.
		for i := range r.Checks {
			if c := &r.Checks[i]; c.Status == string(checks.Error) && c.Reason == "" {
				c.Reason = "timeout"
				c.Message = fmt.Sprintf("stopped when the submission's deadline of %s ran out", g.timeout)
			}
		}
	}
	return r
}

// removeImages removes what the runs built for the private copies. An image
// another still builds on goes in a later round.
func (g *grader) removeImages() {
	if g.opts.Engine == nil {
		return
	}
	for _, ws := range g.workspaces {
		match := map[string]string{docker.LabelWorkspace: ws}
		for round := 0; round < 3; round++ {
			res, err := docker.CleanMatching(g.opts.Engine, match)
			if err == nil && res.Empty() {
				break
			}
		}
	}
}

// MaxScore is the points of every check of the lab.
func MaxScore(lab *labs.Lab) int {
	n := 0
	for _, c := range lab.Checks {
		n += c.Worth()
	}
	return n
}

// score turns a run's report into the learner's result: the points of the
// checks that passed.
func score(s Submission, lab *labs.Lab, lr *labs.Report) Result {
	r := Result{Learner: s.Learner, Source: s.Path, MaxScore: MaxScore(lab), Verdict: Passed}
	for i, cr := range lr.Checks {
		pts := lab.Checks[i].Worth()
		cg := CheckGrade{ID: cr.ID, Title: cr.Title, Status: string(cr.Status), Reason: cr.Reason, Message: cr.Message, Points: pts, DurationMS: cr.DurationMS}
		if cr.Status == checks.Pass {
			cg.Earned = pts
			r.Score += pts
		} else {
			r.Verdict = Failed
		}
		r.Checks = append(r.Checks, cg)
	}
	r.Percent = percent(r.Score, r.MaxScore)
	return r
}

func percent(score, maxScore int) float64 {
	if maxScore == 0 {
		return 100
	}
	return float64(score) * 100 / float64(maxScore)
}

// notRun is a result whose checks never ran.
func notRun(s Submission, lab *labs.Lab, verdict, problem string) Result {
	r := Result{Learner: s.Learner, Source: s.Path, MaxScore: MaxScore(lab), Verdict: verdict, Problem: problem}
	for _, c := range lab.Checks {
		r.Checks = append(r.Checks, CheckGrade{ID: c.ID, Title: c.Title, Status: string(checks.Skip), Message: "not run", Points: c.Worth()})
	}
	r.Percent = percent(0, r.MaxScore)
	return r
}

func rejected(s Submission, lab *labs.Lab, problem string) Result {
	return notRun(s, lab, Rejected, problem)
}

func interrupted(s Submission, lab *labs.Lab) Result {
	return notRun(s, lab, Interrupted, "the grading was stopped before this submission was started")
}

// rejectReason says why a submission could not be copied, in the words of
// the report.
func rejectReason(err error) string {
	var big *submission.TooLargeError
	var bad *submission.CorruptError
	switch {
	case errors.As(err, &big):
		return "too large to grade: " + big.Error()
	case errors.As(err, &bad):
		return "damaged submission file: " + bad.Err.Error()
	}
	return "could not be copied: " + err.Error()
}

// manifestNotes compares a submission file's manifest with the lab graded.
func manifestNotes(m *submission.Manifest, lab *labs.Lab, hash string) []string {
	var notes []string
	if m.Lab != lab.ID {
		notes = append(notes, fmt.Sprintf("submitted for lab %s, graded as lab %s", m.Lab, lab.ID))
	} else if hash != "" && m.LabHash != hash {
		notes = append(notes, "made with another version of the lab pack")
	}
	return notes
}

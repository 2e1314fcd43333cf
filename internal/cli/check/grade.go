package check

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/grade"
	"github.com/devopsctl/devopsctl/internal/plural"
	"github.com/spf13/cobra"
)

// GradeOptions are the flags of grading a class.
type GradeOptions struct {
	Lab         string
	Submissions string
	Parallel    int
	Format      string
	Out         string
	FailUnder   float64
	Timeout     time.Duration
}

func (g *GradeOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&g.Lab, "lab", "", "Grading: the lab to grade the submissions on")
	f.StringVar(&g.Submissions, "submissions", "", "Grade a class: every subfolder and submission file of this `folder` is one learner")
	f.IntVar(&g.Parallel, "parallel", 1, "Grading: how many submissions are graded at once")
	cmdutil.StringEnumFlag(cmd, &g.Format, "format", "", "text", grade.Formats, "Grading: report format")
	f.StringVar(&g.Out, "out", "", "Grading: write the report to this `file` (default: standard output)")
	f.Float64Var(&g.FailUnder, "fail-under", 0, "Grading: exit 1 when a learner scores under this `percent`")
	f.DurationVar(&g.Timeout, "timeout", 0, "Grading: the deadline of each submission (default: the sum of the lab's check limits)")
}

// gradeOnly are the flags that mean nothing without --submissions.
var gradeOnly = []string{"lab", "parallel", "format", "out", "fail-under", "timeout"}

// validate refuses flags that do not go together, before anything runs.
func (g *GradeOptions) validate(cmd *cobra.Command, opts *Options) error {
	if g.Submissions == "" {
		for _, name := range gradeOnly {
			if cmd.Flags().Changed(name) {
				return cmdutil.UsageErrorf("--%s is for grading a class; give --submissions DIR too, or leave it out", name)
			}
		}
		return nil
	}
	for _, name := range []string{"dir", "output", "quiet"} {
		if cmd.Flags().Changed(name) {
			return cmdutil.UsageErrorf("--%s is not used when grading a class (--submissions); use --format and --out for the report", name)
		}
	}
	switch {
	case g.Lab != "" && opts.ID != "" && g.Lab != opts.ID:
		return cmdutil.UsageErrorf("two labs given: %s and --lab %s; give one", opts.ID, g.Lab)
	case g.Lab == "" && opts.ID == "":
		return cmdutil.UsageErrorf("grading needs the lab: add --lab <id> (devopsctl lab list shows the ids)")
	case g.Parallel < 1 || g.Parallel > 64:
		return cmdutil.UsageErrorf("--parallel %d: give a number from 1 to 64 (the number of CPU cores is a good start)", g.Parallel)
	case g.FailUnder < 0 || g.FailUnder > 100:
		return cmdutil.UsageErrorf("--fail-under %g: give a percent from 0 to 100", g.FailUnder)
	case g.Timeout < 0:
		return cmdutil.UsageErrorf("--timeout %s: give a positive duration such as 5m", g.Timeout)
	}
	if g.Lab == "" {
		g.Lab = opts.ID
	}
	return nil
}

// RunGrade grades every submission and writes the report. Grading never
// records progress: the instructor's own is left as it was.
func RunGrade(ctx context.Context, opts *Options) error {
	g := &opts.Grade
	cat, err := opts.Factory.Catalog()
	if err != nil {
		return err
	}
	lab, err := cat.Get(g.Lab)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if info, err := os.Stat(g.Submissions); err != nil || !info.IsDir() {
		return cmdutil.UsageErrorf("--submissions %s is not a folder; give the folder that holds one subfolder or submission file per learner", g.Submissions)
	}
	subs, ignored, err := grade.Discover(g.Submissions)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if len(subs) == 0 {
		return cmdutil.UsageErrorf("%s holds no submissions: put each learner's work in a subfolder of its own, or a file made by devopsctl submit", g.Submissions)
	}
	if g.Out != "" {
		if info, err := os.Stat(filepath.Dir(g.Out)); err != nil || !info.IsDir() {
			return cmdutil.UsageErrorf("--out %s: the folder %s does not exist", g.Out, filepath.Dir(g.Out))
		}
		if info, err := os.Stat(g.Out); err == nil && info.IsDir() {
			return cmdutil.UsageErrorf("--out %s is a folder; give the name of the report file, such as %s", g.Out, filepath.Join(g.Out, "grades."+reportExt(g.Format)))
		}
	}
	gopts := grade.Options{Lab: lab, Parallel: g.Parallel, Timeout: g.Timeout}
	if lab.NeedsEngine() {
		eng, err := cmdutil.ReachEngine(ctx, opts.Factory)
		if err != nil {
			return cmdutil.EngineMissing(err)
		}
		gopts.Engine = eng
	}
	for _, ig := range ignored {
		fmt.Fprintf(opts.IO.ErrOut, "Not graded: %s\n", ig)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Grading %s on lab %s, %d at a time\n", plural.N(len(subs), "submission"), lab.ID, g.Parallel)
	bar := newProgressView(opts.IO.ErrOut, len(subs), opts.IO.IsStdoutTTY(), opts.IO.TerminalWidth())
	gopts.OnEvent = bar.event
	bar.start()
	rep := grade.Grade(ctx, gopts, subs)
	bar.stop()

	if err := writeReport(opts, rep); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return cmdutil.ErrInterrupted
	}
	if below := rep.Below(g.FailUnder); g.FailUnder > 0 && len(below) > 0 {
		names := make([]string, len(below))
		for i, s := range below {
			names[i] = fmt.Sprintf("%s (%.0f%%)", s.Learner, s.Percent)
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s under %g%%: %s\n", plural.N(len(below), "learner"), g.FailUnder, strings.Join(names, ", "))
		return cmdutil.ErrChecksFailed
	}
	return nil
}

// writeReport writes the report to --out (atomically) or standard output.
// With --out and a machine format, the summary table still goes to the
// terminal, for the person who ran it.
func writeReport(opts *Options, rep *grade.Report) error {
	g := &opts.Grade
	width := 0
	if opts.IO.IsStdoutTTY() {
		width = opts.IO.TerminalWidth()
	}
	if g.Out == "" {
		return grade.Write(opts.IO.Out, rep, g.Format, width)
	}
	var buf bytes.Buffer
	if err := grade.Write(&buf, rep, g.Format, 0); err != nil {
		return err
	}
	if err := writeFileAtomic(g.Out, buf.Bytes()); err != nil {
		return cmdutil.UsageErrorf("write the report to %s: %v", g.Out, err)
	}
	if g.Format != "text" {
		if err := grade.Text(opts.IO.Out, rep, width); err != nil {
			return err
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "Report written to %s\n", g.Out)
	return nil
}

// reportExt is the usual file extension of a report format.
func reportExt(format string) string {
	switch format {
	case "junit":
		return "xml"
	case "markdown":
		return "md"
	case "text":
		return "txt"
	}
	return format
}

func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// progressView shows how grading goes: on a terminal one line redrawn in
// place (a bar, then each learner in progress with its check and time);
// elsewhere a plain line as each submission ends.
type progressView struct {
	out   io.Writer
	total int
	tty   bool
	width int
	bar   progress.Model

	mu      sync.Mutex
	done    int
	running map[string]runningSub
	order   []string
	quit    chan struct{}
	wg      sync.WaitGroup
}

type runningSub struct {
	check   string
	started time.Time
}

func newProgressView(out io.Writer, total int, tty bool, width int) *progressView {
	if width <= 0 {
		width = 80
	}
	bar := progress.New(progress.WithWidth(20), progress.WithoutPercentage(), progress.WithSolidFill("#16a34a"))
	return &progressView{out: out, total: total, tty: tty, width: width, bar: bar, running: map[string]runningSub{}, quit: make(chan struct{})}
}

func (p *progressView) event(e grade.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.Kind {
	case grade.SubmissionStarted:
		p.running[e.Learner] = runningSub{started: e.Started}
		p.order = append(p.order, e.Learner)
	case grade.CheckStarted:
		r := p.running[e.Learner]
		r.check = e.Check
		p.running[e.Learner] = r
	case grade.SubmissionEnded:
		delete(p.running, e.Learner)
		for i, l := range p.order {
			if l == e.Learner {
				p.order = append(p.order[:i], p.order[i+1:]...)
				break
			}
		}
		p.done++
		if p.tty {
			fmt.Fprint(p.out, "\r"+ansi.EraseLineRight)
		}
		r := e.Result
		line := fmt.Sprintf("[%d/%d] %s: %s, %d/%d points, %.1fs", p.done, p.total, r.Learner, r.Verdict, r.Score, r.MaxScore, float64(r.DurationMS)/1000)
		if f := r.Failing(); len(f) > 0 && r.Verdict == grade.Failed {
			line += " (" + strings.Join(f, ", ") + ")"
		}
		if r.Problem != "" {
			line += ": " + r.Problem
		}
		fmt.Fprintln(p.out, ansi.Strip(line))
	}
	if p.tty {
		p.draw()
	}
}

// draw redraws the status line; the caller holds mu.
func (p *progressView) draw() {
	parts := []string{fmt.Sprintf("%s %d/%d", p.bar.ViewAs(float64(p.done)/float64(max(p.total, 1))), p.done, p.total)}
	for _, l := range p.order {
		r := p.running[l]
		check := r.check
		if check == "" {
			check = "copying"
		}
		parts = append(parts, fmt.Sprintf("%s: %s %s", ansi.Strip(l), ansi.Strip(check), time.Since(r.started).Truncate(time.Second)))
	}
	line := ansi.Truncate(strings.Join(parts, " · "), p.width-1, "…")
	fmt.Fprint(p.out, "\r"+line+ansi.EraseLineRight)
}

// start redraws the line every second on a terminal, so the times move.
func (p *progressView) start() {
	if !p.tty {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
}

func (p *progressView) stop() {
	close(p.quit)
	p.wg.Wait()
	if p.tty {
		fmt.Fprint(p.out, "\r"+ansi.EraseLineRight)
	}
}

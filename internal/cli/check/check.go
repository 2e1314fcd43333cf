// Package check holds `devopsctl check`: run a lab's checks on a workspace.
package check

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/report"
	"github.com/spf13/cobra"
)

// Options are the inputs of `check`.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	// Resolve finds the lab and the workspace the check is about.
	Resolve cmdutil.ResolveFunc
	ID      string
	Dir     string
	Output  string
	Quiet   bool
	// Grade holds the flags of grading a class (--submissions).
	Grade GradeOptions
}

// NewCmdCheck builds `check`.
func NewCmdCheck(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "check [<id>]",
		Short: "Check your work: build, run and probe it for real",
		Long: `Run the checks of a lab on its workspace and say, for every step, whether it
passed and what to try when it did not. Without <id>, the lab is the one of the
workspace in --dir (or the current folder, or a parent).

Docker checks build your image on the Docker engine, start a container with
memory, CPU and process limits, ask it for its page, and remove it again.

With --submissions, grade a class instead: each subfolder of DIR, and each
file made by devopsctl submit, is one learner's work, graded in a private copy
with the checks of the lab given by --lab. See docs/grading.md.

Exit status: 0 all passed (or, grading, the report was written and
--fail-under met), 1 a check failed (or --fail-under not met), 2 bad input
(unknown lab, no workspace), 3 no Docker engine (the other checks still run),
130 interrupted.`,
		Example: `  devopsctl check
  devopsctl check dockerfile --dir ./dockerfile
  devopsctl check --output json
  devopsctl check --lab dockerfile --submissions ./class --parallel 2 --format junit --out grades.xml`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteLabIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			if err := opts.Grade.validate(cmd, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Grade.Submissions != "" {
				return RunGrade(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "d", "", "The workspace to check (default: the current folder or a parent)")
	cmdutil.StringEnumFlag(cmd, &opts.Output, "output", "o", "text", []string{"text", "json"}, "Output format")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Do not stream build output")
	opts.Grade.flags(cmd)
	return cmd
}

// Run resolves the lab and workspace, runs the checks, prints the report and
// records progress.
func Run(ctx context.Context, opts *Options) error {
	lab, dir, err := resolve(opts)
	if err != nil {
		return err
	}
	store, _, err := opts.Factory.Progress()
	if err != nil {
		return err
	}
	runner := &labs.Runner{Lab: lab, Dir: dir}
	if lab.NeedsEngine() {
		runner.Engine, runner.EngineErr = cmdutil.ReachEngine(ctx, opts.Factory)
		if runner.EngineErr != nil {
			runner.Engine = nil
		}
	}
	text := opts.Output == "text"
	style := report.Style{Color: opts.IO.ColorEnabled()}
	if text {
		fmt.Fprintf(opts.IO.Out, "Checking lab %s in %s\n", lab.ID, dir)
		runner.OnResult = func(_ *labs.CheckSpec, r labs.CheckResult) { style.CheckLine(opts.IO.Out, r) }
		if !opts.Quiet {
			runner.Progress = &indentWriter{w: opts.IO.ErrOut, prefix: "      │ "}
		}
	}
	rep := runner.Run(ctx)
	if text {
		fmt.Fprintln(opts.IO.Out)
		report.Summary(opts.IO.Out, lab, rep, style)
	} else if err := report.JSON(opts.IO.Out, rep); err != nil {
		return err
	}
	// Only the workspace's own record is changed: a check of another folder
	// is reported but leaves the learner's progress alone.
	err = store.UpdateWorkspace(lab.ID, dir, func(lp *labs.LabProgress) { lp.Record(rep) })
	if errors.Is(err, labs.ErrNotWorkspaceOf) {
		if text {
			fmt.Fprintf(opts.IO.ErrOut, "%s is not a workspace of lab %s, so this check is not recorded in your progress.\n", dir, lab.ID)
		}
		err = nil
	}
	if err != nil {
		return cmdutil.StateError(err)
	}
	switch {
	case rep.Interrupted:
		return cmdutil.ErrInterrupted
	case rep.Passed:
		return nil
	case rep.EngineMissing:
		return cmdutil.SilentExit(cmdutil.ExitEnvironment)
	default:
		return cmdutil.ErrChecksFailed
	}
}

// resolve finds the lab and its workspace folder. With an id and --dir, the
// folder need not be a workspace yet; it must not be another lab's.
func resolve(opts *Options) (*labs.Lab, string, error) {
	lab, ws, err := opts.Resolve(opts.ID, opts.Dir)
	if err != nil {
		return nil, "", err
	}
	dir := mustAbs(cmp.Or(opts.Dir, "."))
	if ws != nil {
		dir = ws.Dir
	}
	if other, err := labs.OpenWorkspace(dir); err == nil && other.Marker.Lab != lab.ID {
		return nil, "", cmdutil.UsageErrorf("%s is a workspace of lab %s, not %s: run devopsctl check %s, or give another --dir", dir, other.Marker.Lab, lab.ID, other.Marker.Lab)
	}
	if info, err := statDir(dir); err != nil || !info {
		return nil, "", cmdutil.UsageErrorf("workspace %s is not a folder", dir)
	}
	return lab, dir, nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// indentWriter prefixes every line written through it, so that build output is
// set apart from the verdicts.
type indentWriter struct {
	w       io.Writer
	prefix  string
	midLine bool
}

func (i *indentWriter) Write(p []byte) (int, error) {
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(p), "\n") {
		if line == "" {
			continue
		}
		if !i.midLine {
			b.WriteString(i.prefix)
		}
		b.WriteString(line)
		i.midLine = !strings.HasSuffix(line, "\n")
	}
	_, err := io.WriteString(i.w, b.String())
	return len(p), err
}

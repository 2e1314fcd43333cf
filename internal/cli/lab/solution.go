package lab

import (
	"fmt"
	"io/fs"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/spf13/cobra"
)

// SolutionOptions are the inputs of `lab solution`.
type SolutionOptions struct {
	IO *iostreams.IOStreams
	// Progress opens the progress store.
	Progress func() (*labs.Store, *labs.Progress, error)
	Resolve  cmdutil.ResolveFunc
	ID       string
	Force    bool
}

// NewCmdSolution builds `lab solution`.
func NewCmdSolution(f *cmdutil.Factory, runF func(*SolutionOptions) error) *cobra.Command {
	opts := &SolutionOptions{IO: f.IOStreams, Progress: f.Progress, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "solution [<id>]",
		Short: "Show a model solution, once you have passed the lab",
		Long: `Show the files of a model solution: the files that differ from the starter.
It is shown once you have passed the lab, to compare with your own; --force
shows it before (instructors, or when you are truly stuck). Without <id>, the
lab is the one of the workspace in the current folder or a parent.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteLabIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return solutionRun(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "Show the solution even though you have not passed the lab yet")
	return cmd
}

func solutionRun(opts *SolutionOptions) error {
	lab, _, err := opts.Resolve(opts.ID, "")
	if err != nil {
		return err
	}
	_, prog, err := opts.Progress()
	if err != nil {
		return err
	}
	if prog.Labs[lab.ID].Status() != "passed" && !opts.Force {
		return cmdutil.UsageErrorf("the solution of lab %s is shown once you pass it (devopsctl check). Try devopsctl lab hint first; --force shows it anyway", lab.ID)
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "Model solution of lab %s (the files that differ from the starter):\n", lab.ID)
	return fs.WalkDir(lab.FS, "solution", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(lab.FS, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n── %s ──\n%s", labs.WorkspaceName(p[len("solution/"):]), data)
		if len(data) > 0 && data[len(data)-1] != '\n' {
			fmt.Fprintln(out)
		}
		return nil
	})
}

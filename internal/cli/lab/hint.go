package lab

import (
	"errors"
	"fmt"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/spf13/cobra"
)

// HintOptions are the inputs of `lab hint`.
type HintOptions struct {
	IO *iostreams.IOStreams
	// Progress opens the progress store.
	Progress func() (*labs.Store, *labs.Progress, error)
	Resolve  cmdutil.ResolveFunc
	ID       string
	All      bool
}

// NewCmdHint builds `lab hint`.
func NewCmdHint(f *cmdutil.Factory, runF func(*HintOptions) error) *cobra.Command {
	opts := &HintOptions{IO: f.IOStreams, Progress: f.Progress, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "hint [<id>]",
		Short: "Show the next hint for where you are stuck",
		Long: `Show one hint at a time. The first hint fits the first problem of your last
"devopsctl check"; each further call shows a more specific one.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteLabIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return hintRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "Show every hint at once")
	return cmd
}

func hintRun(opts *HintOptions) error {
	lab, ws, err := opts.Resolve(opts.ID, "")
	if err != nil {
		return err
	}
	store, prog, err := opts.Progress()
	if err != nil {
		return err
	}
	// Inside a workspace its own record answers; elsewhere, the lab's latest.
	lp := prog.For(lab.ID, ws)
	if lp == nil {
		lp = &labs.LabProgress{}
	}
	ladder := labs.Hints(lab, lp.Last)
	if len(ladder) == 0 {
		fmt.Fprintf(opts.IO.Out, "Lab %s has no hints. Read its instructions again: devopsctl lab start %s --dir <new folder>\n", lab.ID, lab.ID)
		return nil
	}
	if opts.All {
		for i, h := range ladder {
			fmt.Fprintf(opts.IO.Out, "Hint %d of %d: %s\n\n", i+1, len(ladder), h)
		}
		return nil
	}
	current := ""
	if lp.Last != nil {
		if p := lp.Last.FirstProblem(); p != nil {
			current = p.ID
		}
	}
	if current != lp.HintCheck {
		lp.HintCheck, lp.HintsSeen = current, 0
	}
	i := min(max(lp.HintsSeen, 0), len(ladder)-1)
	fmt.Fprintf(opts.IO.Out, "Hint %d of %d: %s\n", i+1, len(ladder), ladder[i])
	if i+1 < len(ladder) {
		fmt.Fprintln(opts.IO.Out, "\nStill stuck? Run devopsctl lab hint again for a more specific one.")
	}
	dir := lp.Dir
	if ws != nil {
		dir = ws.Dir
	}
	if dir == "" {
		return nil // no workspace to remember the hint for
	}
	err = store.UpdateWorkspace(lab.ID, dir, func(q *labs.LabProgress) { q.HintCheck, q.HintsSeen = current, i+1 })
	if errors.Is(err, labs.ErrNotWorkspaceOf) {
		return nil
	}
	return cmdutil.StateError(err)
}

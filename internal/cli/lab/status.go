package lab

import (
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"text/tabwriter"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/report"
	"github.com/spf13/cobra"
)

// StatusOptions are the inputs of `lab status`.
type StatusOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	ID      string
}

// NewCmdStatus builds `lab status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "status [<id>]",
		Short: "Show where you are: in this workspace's lab, or across all labs",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(opts)
		},
	}
	return cmd
}

func statusRun(opts *StatusOptions) error {
	_, prog, err := opts.Factory.Progress()
	if err != nil {
		return err
	}
	if opts.ID == "" {
		if _, err := labs.FindWorkspace("."); err != nil {
			return overallStatus(opts, prog)
		}
	}
	lab, _, err := resolveLab(opts.Factory, opts.ID)
	if err != nil {
		return err
	}
	lp := prog.Labs[lab.ID]
	out := opts.IO.Out
	fmt.Fprintf(out, "Lab %s: %s — %s\n", lab.ID, lab.Title, lp.Status())
	if lp == nil {
		fmt.Fprintf(out, "Start it with: devopsctl lab start %s\n", lab.ID)
		return nil
	}
	if lp.Dir != "" {
		fmt.Fprintf(out, "Workspace: %s\n", lp.Dir)
	}
	if lp.Last == nil {
		fmt.Fprintln(out, "No checks run yet: run devopsctl check in the workspace.")
		return nil
	}
	fmt.Fprintf(out, "Last check: %s (%s so far)\n", lp.Last.Summary(), plural.N(lp.Runs, "run"))
	for _, r := range lp.Last.Checks {
		fmt.Fprintf(out, "  %s %s\n", report.Icon(r.Status), r.Title)
	}
	return nil
}

func overallStatus(opts *StatusOptions, prog *labs.Progress) error {
	cat, err := opts.Factory.Catalog()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LAB\tSTATUS\tLAST CHECK\tWORKSPACE")
	for _, l := range cat.Labs() {
		lp := prog.Labs[l.ID]
		last, dir := "", ""
		if lp != nil {
			dir = lp.Dir
			if lp.Last != nil {
				last = lp.Last.Summary()
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.ID, lp.Status(), last, dir)
	}
	return tw.Flush()
}

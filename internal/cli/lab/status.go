package lab

import (
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/report"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
	"github.com/spf13/cobra"
)

// StatusOptions are the inputs of `lab status`.
type StatusOptions struct {
	IO *iostreams.IOStreams
	// Progress opens the progress store; Catalog loads every lab.
	Progress func() (*labs.Store, *labs.Progress, error)
	Catalog  func() (*labs.Catalog, error)
	// Workspace and Resolve find the workspace and lab the status is about.
	Workspace cmdutil.WorkspaceFunc
	Resolve   cmdutil.ResolveFunc
	ID        string
}

// NewCmdStatus builds `lab status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Progress: f.Progress, Catalog: f.Catalog, Workspace: f.Workspace, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "status [<id>]",
		Short: "Show where you are: in this workspace's lab, or across all labs",
		Long: `Without <id> inside a workspace, show the lab of that workspace; outside
one, a table of every lab. The workspace marker (.devopsctl/lab.json) says which
lab a folder holds, so the lab shows as started even if the progress file was
lost.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteLabIDs(f),
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
	_, prog, err := opts.Progress()
	if err != nil {
		return err
	}
	if opts.ID == "" {
		_, err := opts.Workspace("")
		if cmdutil.NoWorkspace(err) {
			return overallStatus(opts, prog)
		}
		if err != nil {
			return err
		}
	}
	lab, ws, err := opts.Resolve(opts.ID, "")
	if err != nil {
		return err
	}
	lp := prog.For(lab.ID, ws)
	out := opts.IO.Out
	if lp == nil && ws != nil {
		// The marker proves the lab was started here; the progress file, which
		// may have been lost or moved aside, only holds the check results.
		fmt.Fprintf(out, "Lab %s: %s — started %s\n", lab.ID, lab.Title, ws.Marker.Created.Local().Format("2006-01-02"))
		fmt.Fprintf(out, "Workspace: %s\n", ws.Dir)
		fmt.Fprintln(out, "No checks recorded: run devopsctl check here.")
		return nil
	}
	fmt.Fprintf(out, "Lab %s: %s — %s\n", lab.ID, lab.Title, lp.Status())
	if lp == nil {
		fmt.Fprintf(out, "Start it with: devopsctl lab start %s\n", lab.ID)
		return nil
	}
	if ws != nil {
		fmt.Fprintf(out, "Workspace: %s\n", ws.Dir)
	} else if lp.Dir != "" {
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
	cat, err := opts.Catalog()
	if err != nil {
		return err
	}
	t := tableprinter.New(opts.IO.Out, opts.IO.TerminalWidth())
	t.CutOnly(2, 3)
	t.AddRow("LAB", "STATUS", "LAST CHECK", "WORKSPACE")
	for _, l := range cat.Labs() {
		lp := prog.Labs[l.ID]
		last, dir := "", ""
		if lp != nil {
			dir = lp.Dir
			if lp.Last != nil {
				last = lp.Last.Summary()
			}
		}
		t.AddRow(l.ID, string(lp.Status()), last, dir)
	}
	return t.Render()
}

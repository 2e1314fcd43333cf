package lab

import (
	"context"
	"fmt"
	"os"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/report"
	"github.com/devopsctl/devopsctl/internal/tui"
	"github.com/spf13/cobra"
)

// OpenOptions are the inputs of `lab open`.
type OpenOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Resolve cmdutil.ResolveFunc
	Ctx     context.Context
	ID      string
	Dir     string
	NoTUI   bool
}

// NewCmdOpen builds `lab open`.
func NewCmdOpen(f *cmdutil.Factory, runF func(*OpenOptions) error) *cobra.Command {
	opts := &OpenOptions{IO: f.IOStreams, Factory: f, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "open [<id>]",
		Short: "Come back to a lab you started: its steps, instructions and your last results",
		Long: `Open a lab you started before, where you left it. In a terminal this is the
interactive view: the checks run again on every save. Without <id>, the lab is
the one of the workspace in --dir, the current folder or a parent; with <id>,
its workspace is the one recorded when it was started.`,
		Example: `  devopsctl lab open
  devopsctl lab open dockerfile`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteLabIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return openRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "d", "", "The lab's workspace (default: the current folder or a parent, else the one recorded)")
	cmd.Flags().BoolVar(&opts.NoTUI, "no-tui", false, "Print the instructions and last results instead of opening the interactive view")
	return cmd
}

func openRun(opts *OpenOptions) error {
	store, prog, err := opts.Factory.Progress()
	if err != nil {
		return err
	}
	// A lab named by id may come from the instructor pack its recorded
	// workspace was started from; that pack loads without --labs.
	if lp := prog.Labs[opts.ID]; opts.ID != "" && lp != nil && lp.Dir != "" {
		if recorded, err := labs.OpenWorkspace(lp.Dir); err == nil {
			opts.Factory.RememberPack(recorded)
		}
	}
	lab, ws, err := opts.Resolve(opts.ID, opts.Dir)
	if err != nil {
		return err
	}
	cat, err := opts.Factory.Catalog()
	if err != nil {
		return err
	}
	dir, err := workspaceOf(lab, ws, opts.Dir, prog)
	if err != nil {
		return err
	}
	if !opts.IO.CanPrompt() || opts.NoTUI {
		return printOpen(opts.IO, lab, dir, prog.Labs[lab.ID])
	}
	return runTUI(opts.Ctx, opts.Factory, cat, lab, dir, store, prog)
}

// workspaceOf picks the folder to open: the workspace found, when it is this
// lab's, else the one recorded in progress.
func workspaceOf(lab *labs.Lab, ws *labs.Workspace, given string, prog *labs.Progress) (string, error) {
	if ws != nil && ws.Marker.Lab == lab.ID {
		return ws.Dir, nil
	}
	if given != "" {
		return "", cmdutil.UsageErrorf("%s is not a workspace of lab %s (no %s naming it); start the lab there with devopsctl lab start %s --dir %s", given, lab.ID, labs.MarkerPath, lab.ID, given)
	}
	if lp := prog.Labs[lab.ID]; lp != nil && lp.Dir != "" {
		if w, err := labs.OpenWorkspace(lp.Dir); err == nil && w.Marker.Lab == lab.ID {
			return lp.Dir, nil
		}
		return "", cmdutil.UsageErrorf("the workspace of lab %s was %s, and it is gone; start the lab again with devopsctl lab start %s", lab.ID, lp.Dir, lab.ID)
	}
	return "", cmdutil.UsageErrorf("lab %s has not been started here yet: run devopsctl lab start %s", lab.ID, lab.ID)
}

// printOpen is the plain-text form of the lab screen, for pipes and logs.
func printOpen(io *iostreams.IOStreams, lab *labs.Lab, dir string, lp *labs.LabProgress) error {
	readme, err := lab.README()
	if err != nil {
		return err
	}
	text, err := renderREADME(io, readme)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "Lab %s: %s\nYour files are in %s\n\n%s\n", lab.ID, lab.Title, dir, text)
	if lp == nil || lp.Last == nil {
		fmt.Fprintf(io.Out, "Not checked yet: edit the files, then run devopsctl check in %s.\n", dir)
		return nil
	}
	fmt.Fprintln(io.Out, "Your last results:")
	report.Text(io.Out, lab, lp.Last, report.Style{Color: io.ColorEnabled()})
	return nil
}

// runTUI opens the interactive lab screen on the terminal.
func runTUI(ctx context.Context, f *cmdutil.Factory, cat *labs.Catalog, lab *labs.Lab, dir string, store *labs.Store, prog *labs.Progress) error {
	mode, err := tui.ParseWatchMode(os.Getenv(tui.EnvWatch))
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return tui.Run(ctx, tui.Options{
		Lab: lab, Dir: dir, Catalog: cat, Store: store, Progress: prog,
		Engine: func(ctx context.Context) (docker.Engine, error) { return cmdutil.ReachEngine(ctx, f) },
		Watch:  mode, Colour: f.IOStreams.ColorEnabled(),
	}, f.IOStreams.In, f.IOStreams.Out)
}

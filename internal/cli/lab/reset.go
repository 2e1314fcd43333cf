package lab

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/spf13/cobra"
)

// ResetOptions are the inputs of `lab reset`.
type ResetOptions struct {
	IO *iostreams.IOStreams
	// Progress opens the progress store.
	Progress func() (*labs.Store, *labs.Progress, error)
	Resolve  cmdutil.ResolveFunc
	ID       string
	Dir      string
	Yes      bool
}

// NewCmdReset builds `lab reset`.
func NewCmdReset(f *cmdutil.Factory, runF func(*ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{IO: f.IOStreams, Progress: f.Progress, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "reset [<id>]",
		Short: "Put the starter files back and start the lab over",
		Long: `Put the lab's starter files back in its workspace and forget its progress.
Your changed files are first saved under .devopsctl/backup-<time>/ in the
workspace, so nothing you wrote is lost. Files you added are left alone.
Without <id>, the lab is the one of the workspace in --dir, the current folder
or a parent.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteLabIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return resetRun(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	cmd.Flags().StringVarP(&opts.Dir, "dir", "d", "", "The lab's workspace (default: the current folder or a parent, else the one recorded when it was started)")
	return cmd
}

func resetRun(opts *ResetOptions) error {
	lab, ws, err := opts.Resolve(opts.ID, opts.Dir)
	if err != nil {
		return err
	}
	store, prog, err := opts.Progress()
	if err != nil {
		return err
	}
	dir := opts.Dir
	if dir == "" && ws != nil {
		dir = ws.Dir
	}
	if lp := prog.Labs[lab.ID]; dir == "" && lp != nil {
		dir = lp.Dir
	}
	if dir == "" {
		return cmdutil.UsageErrorf("no workspace is known for lab %s: give it with --dir, or start the lab with devopsctl lab start %s", lab.ID, lab.ID)
	}
	if w, err := labs.OpenWorkspace(dir); err != nil || w.Marker.Lab != lab.ID {
		return cmdutil.UsageErrorf("%s is not a workspace of lab %s (no %s naming it); nothing was changed", dir, lab.ID, labs.MarkerPath)
	}
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return cmdutil.UsageErrorf("reset would overwrite the starter files in %s: pass --yes to confirm", dir)
		}
		fmt.Fprintf(opts.IO.Out, "Put the starter files of lab %s back in %s? Your changed files are backed up first. [y/N] ", lab.ID, dir)
		answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(opts.IO.Out, "Nothing changed.")
			return nil
		}
	}
	backup, err := labs.Reset(lab, dir)
	if err != nil {
		return err
	}
	if err := store.UpdateWorkspace(lab.ID, dir, (*labs.LabProgress).Restart); err != nil {
		return cmdutil.StateError(err)
	}
	fmt.Fprintf(opts.IO.Out, "Lab %s is back at its start in %s.\n", lab.ID, dir)
	if backup != "" {
		fmt.Fprintf(opts.IO.Out, "Your previous files are in %s.\n", backup)
	}
	return nil
}

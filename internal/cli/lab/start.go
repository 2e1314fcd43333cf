package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/markdown"
	"github.com/spf13/cobra"
)

// StartOptions are the inputs of `lab start`.
type StartOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	// Workspace finds the workspace the command runs in, for a start without <id>.
	Workspace cmdutil.WorkspaceFunc
	Ctx       context.Context
	ID        string
	Dir       string
	Force     bool
	NoTUI     bool
}

// NewCmdStart builds `lab start`.
func NewCmdStart(f *cmdutil.Factory, runF func(*StartOptions) error) *cobra.Command {
	opts := &StartOptions{IO: f.IOStreams, Factory: f, Workspace: f.Workspace}
	cmd := &cobra.Command{
		Use:   "start [<id>]",
		Short: "Copy a lab's starter files into a new folder and show the instructions",
		Long: `Copy a lab's starter files into a folder (./<id> unless --dir says otherwise)
and mark it as the lab's workspace, so that "devopsctl check" inside it knows
which lab to check. A folder that already has files is left alone unless you
pass --force; then your files that differ from the starter ones are first
moved to .devopsctl/backup-<time>/ in the folder. Without <id>, inside a
workspace, the lab is that workspace's.`,
		Example: `  devopsctl lab start dockerfile
  devopsctl lab start env-vars --dir ~/workshop/env`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteLabIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			opts.Ctx = cmd.Context()
			if err := opts.inferLab(); err != nil {
				return err
			}
			if opts.Dir == "" {
				opts.Dir = opts.ID
			}
			if runF != nil {
				return runF(opts)
			}
			return startRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "d", "", "Folder to create the workspace in (default ./<id>)")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "Write the starter files into a folder that is not empty")
	cmd.Flags().BoolVar(&opts.NoTUI, "no-tui", false, "Print the instructions instead of opening the interactive view")
	return cmd
}

// inferLab takes the lab of the workspace the command runs in when no id is
// given; that workspace is then the folder to start in.
func (opts *StartOptions) inferLab() error {
	if opts.ID != "" {
		return nil
	}
	ws, err := opts.Workspace(opts.Dir)
	if cmdutil.NoWorkspace(err) {
		return cmdutil.UsageErrorf("name the lab to start: devopsctl lab start <id> (devopsctl lab list shows the ids)")
	}
	if err != nil {
		return err
	}
	opts.ID, opts.Dir = ws.Marker.Lab, ws.Dir
	opts.Factory.RememberPack(ws)
	return nil
}

func startRun(opts *StartOptions) error {
	cat, err := opts.Factory.Catalog()
	if err != nil {
		return err
	}
	lab, err := cat.Get(opts.ID)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	store, prog, err := opts.Factory.Progress()
	if err != nil {
		return err
	}
	if !opts.Force {
		if err := startedThere(lab, opts.Dir); err != nil {
			return err
		}
	}
	ws, err := labs.Scaffold(lab, opts.Dir, opts.Force)
	if errors.Is(err, labs.ErrNotEmpty) {
		return cmdutil.UsageError(err)
	}
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(ws.Dir)
	if ws.Backup != "" {
		fmt.Fprintf(opts.IO.ErrOut, "Your files that differed from the starter ones were moved to %s.\n", ws.Backup)
	}
	if err := store.UpdateWorkspace(lab.ID, abs, func(*labs.LabProgress) {}); err != nil {
		return cmdutil.StateError(err)
	}
	if prog, err = store.Load(); err != nil {
		return cmdutil.StateError(err)
	}
	if opts.IO.CanPrompt() && !opts.NoTUI {
		return runTUI(opts.Ctx, opts.Factory, cat, lab, abs, store, prog)
	}
	return printInstructions(opts.IO, lab, abs)
}

// startedThere refuses to start in a folder that already is a workspace, and
// says how to come back to it instead.
func startedThere(lab *labs.Lab, dir string) error {
	ws, err := labs.OpenWorkspace(dir)
	switch {
	case errors.Is(err, labs.ErrNoWorkspace):
		return nil
	case err != nil:
		return cmdutil.UsageError(err)
	case ws.Marker.Lab == lab.ID:
		return cmdutil.UsageErrorf("lab %s is already started in %s: come back to it with devopsctl lab open --dir %s, put its starter files back with devopsctl lab reset %s --dir %s, or write them over your files with --force", lab.ID, dir, dir, lab.ID, dir)
	default:
		return cmdutil.UsageErrorf("%s is the workspace of lab %s: open it with devopsctl lab open --dir %s, or start lab %s in another folder with --dir", dir, ws.Marker.Lab, dir, lab.ID)
	}
}

func printInstructions(io *iostreams.IOStreams, lab *labs.Lab, dir string) error {
	readme, err := lab.README()
	if err != nil {
		return err
	}
	text, err := renderREADME(io, readme)
	if err != nil {
		return err
	}
	out := io.Out
	fmt.Fprintf(out, "Started lab %s: %s\nYour files are in %s\n\n", lab.ID, lab.Title, dir)
	fmt.Fprintf(out, "%s\n\n", text)
	rel := dir
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, dir); err == nil {
			rel = r
		}
	}
	fmt.Fprintf(out, "Next: cd %s, edit the files, then run devopsctl check.\n", rel)
	return nil
}

// readmeWidth wraps the instructions when stdout is no terminal, and bounds
// them on a wide one: long lines are hard to read, but the READMEs' command
// examples with their comments need about 90 columns.
const readmeWidth = 100

// renderREADME draws the instructions for a terminal or a pipe: headings,
// lists and code blocks without their markdown markers, colour only when on.
func renderREADME(io *iostreams.IOStreams, readme string) (string, error) {
	width := readmeWidth
	if w := io.TerminalWidth(); w > 0 {
		width = min(w, readmeWidth)
	}
	out, err := markdown.Render(readme, max(width, 40), io.ColorEnabled())
	if err != nil {
		return "", err
	}
	return strings.Trim(out, "\n"), nil
}

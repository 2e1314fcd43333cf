// Package lab holds the `devopsctl lab` commands: list, start, status, hint,
// reset, solution, clean, and new and validate for lab authors.
package lab

import (
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdLab groups the lab verbs.
func NewCmdLab(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab <command>",
		Short: "List, start and manage hands-on labs",
		Long: `A lab is a small exercise with starter files and checks that run for real.
Start one, edit the files, and run "devopsctl check" until every step passes.`,
		Args: cmdutil.GroupArgs,
		RunE: cmdutil.GroupRun,
	}
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdStart(f, nil))
	cmd.AddCommand(NewCmdOpen(f, nil))
	cmd.AddCommand(NewCmdStatus(f, nil))
	cmd.AddCommand(NewCmdHint(f, nil))
	cmd.AddCommand(NewCmdReset(f, nil))
	cmd.AddCommand(NewCmdSolution(f, nil))
	cmd.AddCommand(NewCmdClean(f, nil))
	cmd.AddCommand(NewCmdNew(f, nil))
	cmd.AddCommand(NewCmdValidate(f, nil))
	cmd.AddCommand(NewCmdBundle(f, nil))
	cmd.AddCommand(NewCmdLoad(f, nil))
	return cmd
}

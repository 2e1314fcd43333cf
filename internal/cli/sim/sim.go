// Package sim holds `devopsctl sim`: simulations that show what a setting
// does before anyone tries it on a real cluster.
package sim

import (
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdSim builds `sim` and its verbs.
func NewCmdSim(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim <command>",
		Short: "Simulate deployments and watch what users would go through",
		Long: `Simulations replay a deployment second by second without touching a cluster:
which instances exist, which ones answer users, how the traffic splits and how
many requests fail. Change a setting, run it again, and see the difference.`,
		Args: cmdutil.GroupArgs,
		RunE: cmdutil.GroupRun,
	}
	cmd.AddCommand(NewCmdRollout(f, nil))
	return cmd
}

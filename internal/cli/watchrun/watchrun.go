// Package watchrun holds the hidden command a run starts beside itself to
// bound the lifetime of its containers (internal/watchdog).
package watchrun

import (
	"context"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/watchdog"
	"github.com/spf13/cobra"
)

// Options are the inputs of the watch.
type Options struct {
	Engine func() (docker.Engine, error)
	RunID  string
	Poll   time.Duration
}

// NewCmdWatchRun builds the hidden watch command.
func NewCmdWatchRun(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Engine: f.Engine, Poll: docker.WatchPoll}
	cmd := &cobra.Command{
		Use:    watchdog.Command + " --run <id>",
		Short:  "Remove a run's containers when their lease ends",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.RunID == "" {
				return cmdutil.UsageErrorf("--run is required")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.RunID, "run", "", "The run `id` whose containers to watch")
	return cmd
}

// Run watches until nothing of the run is left on the engine.
func Run(ctx context.Context, opts *Options) error {
	eng, err := opts.Engine()
	if err != nil {
		return cmdutil.EnvironmentError(err)
	}
	if err := docker.WatchRun(ctx, eng, opts.RunID, opts.Poll); err != nil {
		return cmdutil.EnvironmentError(err)
	}
	return nil
}

package lab

import (
	"context"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// CleanOptions are the inputs of `lab clean`.
type CleanOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Lab     string
}

// NewCmdClean builds `lab clean`.
func NewCmdClean(f *cmdutil.Factory, runF func(*CleanOptions) error) *cobra.Command {
	opts := &CleanOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove everything devopsctl made on the Docker engine",
		Long: `Remove every swarm service, container, network, volume and image that
devopsctl created on the Docker engine (they carry the label
io.devopsctl.managed=true). Your workspace files and progress are not touched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return cleanRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lab, "lab", "", "Only remove what was made for this lab")
	return cmd
}

func cleanRun(ctx context.Context, opts *CleanOptions) error {
	eng, err := cmdutil.ReachEngine(ctx, opts.Factory)
	if err != nil {
		return cmdutil.EngineMissing(err)
	}
	// Services go first: while one exists, the engine replaces the containers of
	// its tasks as fast as CleanAll removes them.
	services := 0
	if sw, ok := eng.(docker.Swarm); ok {
		if services, err = cleanServices(sw, opts.Lab); err != nil {
			return fmt.Errorf("clean up the swarm services: %w", err)
		}
	}
	removed, err := docker.CleanAll(eng, opts.Lab)
	if err != nil {
		return fmt.Errorf("clean up the engine: %w", err)
	}
	what := ""
	if services > 0 {
		what = plural.N(services, "swarm service") + ", "
	}
	fmt.Fprintf(opts.IO.Out, "Removed %s%s, %s, %s and %s made by devopsctl.\n", what, plural.N(len(removed.Containers), "container"),
		plural.N(len(removed.Networks), "network"), plural.N(len(removed.Volumes), "volume"), plural.N(len(removed.Images), "image"))
	return nil
}

// cleanServices removes the swarm services devopsctl made (for one lab, or all)
// and says how many went.
func cleanServices(sw docker.Swarm, lab string) (int, error) {
	c := &countingSwarm{Swarm: sw}
	err := docker.CleanupSwarm(c, docker.LabMatch(lab))
	return c.removed, err
}

// countingSwarm counts the services it removes.
type countingSwarm struct {
	docker.Swarm
	removed int
}

func (c *countingSwarm) RemoveService(ctx context.Context, id string) error {
	err := c.Swarm.RemoveService(ctx, id)
	if err == nil {
		c.removed++
	}
	return err
}

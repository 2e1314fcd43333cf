package lab

import (
	"context"
	"fmt"

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
		Long: `Remove every container, network, volume and image that devopsctl created on
the Docker engine (they carry the label io.devopsctl.managed=true). Your
workspace files and progress are not touched.`,
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
		return cmdutil.EnvironmentError(err)
	}
	removed, err := docker.CleanAll(eng, opts.Lab)
	if err != nil {
		return fmt.Errorf("clean up the engine: %w", err)
	}
	fmt.Fprintf(opts.IO.Out, "Removed %d containers, %d networks, %d volumes and %d images made by devopsctl.\n",
		len(removed.Containers), len(removed.Networks), len(removed.Volumes), len(removed.Images))
	return nil
}

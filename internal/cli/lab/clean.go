package lab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/plural"
	"github.com/spf13/cobra"
)

// CleanOptions are the inputs of `lab clean`.
type CleanOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	// Dir is the workspace whose resources go (default: the one the current
	// folder is in).
	Dir string
	// All removes every devopsctl resource on the engine; Lab every resource of
	// one lab, whichever workspace made it. Both reach other learners' runs, so
	// they are confirmed on a terminal and need Yes elsewhere.
	All    bool
	Lab    string
	LabSet bool
	Yes    bool
}

// NewCmdClean builds `lab clean`.
func NewCmdClean(f *cmdutil.Factory, runF func(*CleanOptions) error) *cobra.Command {
	opts := &CleanOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove what devopsctl made on the Docker engine for this workspace",
		Long: `Remove the swarm services, containers, networks, volumes and images that
devopsctl created on the Docker engine for the workspace you are in (or the one
given with --dir). They carry the label io.devopsctl.managed=true and the
workspace's path. Other workspaces' resources, and checks running in them, are
left alone.

--lab removes what was made for one lab in any workspace, and --all removes
everything devopsctl made on the engine, other learners' running checks
included; both ask first on a terminal and need --yes elsewhere. Your workspace
files and progress are never touched.`,
		Example: `  devopsctl lab clean
  devopsctl lab clean --dir ~/labs/dockerfile
  devopsctl lab clean --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.LabSet = cmd.Flags().Changed("lab")
			if opts.LabSet && strings.TrimSpace(opts.Lab) == "" {
				return cmdutil.UsageErrorf("--lab needs a lab id; to remove what devopsctl made for every lab, use --all")
			}
			if opts.All && opts.LabSet {
				return cmdutil.UsageErrorf("--all already includes every lab: give --all or --lab, not both")
			}
			if (opts.All || opts.LabSet) && cmd.Flags().Changed("dir") {
				return cmdutil.UsageErrorf("--dir names one workspace; it cannot be combined with --all or --lab")
			}
			if runF != nil {
				return runF(opts)
			}
			return cleanRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "The workspace `folder` to clean up after (default: the one you are in)")
	cmd.Flags().StringVar(&opts.Lab, "lab", "", "Remove what was made for this `lab` in every workspace")
	cmd.Flags().BoolVar(&opts.All, "all", false, "Remove everything devopsctl made on the engine, for every workspace")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask before --all or --lab")
	return cmd
}

func cleanRun(ctx context.Context, opts *CleanOptions) error {
	eng, err := cmdutil.ReachEngine(ctx, opts.Factory)
	if err != nil {
		return cmdutil.EngineMissing(err)
	}
	match, scope, err := cleanScope(opts)
	if err != nil {
		return err
	}
	if ok, err := confirmClean(opts, scope); !ok || err != nil {
		return err
	}
	// Services go first: while one exists, the engine replaces the containers of
	// its tasks as fast as CleanMatching removes them.
	services := 0
	if sw, ok := eng.(docker.Swarm); ok {
		if services, err = cleanServices(sw, match); err != nil {
			return fmt.Errorf("clean up the swarm services: %w", err)
		}
	}
	removed, err := docker.CleanMatching(eng, match)
	if err != nil {
		return fmt.Errorf("clean up the engine: %w", err)
	}
	what := ""
	if services > 0 {
		what = plural.N(services, "swarm service") + ", "
	}
	fmt.Fprintf(opts.IO.Out, "Removed %s%s, %s, %s and %s made by devopsctl %s.\n", what, plural.N(len(removed.Containers), "container"),
		plural.N(len(removed.Networks), "network"), plural.N(len(removed.Volumes), "volume"), plural.N(len(removed.Images), "image"), scope)
	return nil
}

// cleanScope turns the flags into the labels to match and words for them.
func cleanScope(opts *CleanOptions) (map[string]string, string, error) {
	switch {
	case opts.All:
		return nil, "for every workspace", nil
	case opts.LabSet:
		return docker.LabMatch(opts.Lab), fmt.Sprintf("for lab %s in every workspace", opts.Lab), nil
	}
	dir := opts.Dir
	if dir == "" {
		ws, err := labs.FindWorkspace(".")
		if errors.Is(err, labs.ErrNoWorkspace) {
			return nil, "", cmdutil.UsageErrorf("this folder is not in a lab workspace, so there is nothing of its own to clean: run lab clean inside a workspace, name one with --dir, or remove everything devopsctl made with --all")
		}
		if err != nil {
			return nil, "", cmdutil.UsageError(err)
		}
		dir = ws.Dir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", cmdutil.UsageErrorf("resolve %s: %v", dir, err)
	}
	return map[string]string{docker.LabelWorkspace: abs}, "for " + abs, nil
}

// confirmClean asks before a clean that reaches beyond one workspace.
func confirmClean(opts *CleanOptions, scope string) (bool, error) {
	if !(opts.All || opts.LabSet) || opts.Yes {
		return true, nil
	}
	if !opts.IO.CanPrompt() {
		return false, cmdutil.UsageErrorf("this removes what devopsctl made %s, stopping checks other learners may be running: pass --yes to confirm", scope)
	}
	fmt.Fprintf(opts.IO.Out, "Remove everything devopsctl made %s? Checks running there are stopped. [y/N] ", scope)
	answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		fmt.Fprintln(opts.IO.Out, "Nothing removed.")
		return false, nil
	}
	return true, nil
}

// cleanServices removes the swarm services devopsctl made that match and says
// how many went.
func cleanServices(sw docker.Swarm, match map[string]string) (int, error) {
	c := &countingSwarm{Swarm: sw}
	err := docker.CleanupSwarm(c, match)
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

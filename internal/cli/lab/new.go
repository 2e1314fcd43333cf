package lab

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labpack"
	"github.com/spf13/cobra"
)

// NewOptions are the inputs of `lab new`.
type NewOptions struct {
	IO  *iostreams.IOStreams
	ID  string
	Dir string
}

// NewCmdNew builds `lab new`.
func NewCmdNew(f *cmdutil.Factory, runF func(*NewOptions) error) *cobra.Command {
	opts := &NewOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "new <id>",
		Short: "Write a new lab to start a lab pack from",
		Long: `Write a small, complete lab into a new folder: lab.yaml, README.md, starter/,
solution/ and two known-wrong variants under wrong/. It loads as it is, and
"devopsctl lab validate --run" proves it; change it into your own lab from there.
The lab.yaml reference is docs/authoring.md.`,
		Example: `  devopsctl lab new static-site
  devopsctl lab new static-site --dir my-pack/static-site`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if opts.Dir == "" {
				opts.Dir = opts.ID
			}
			if runF != nil {
				return runF(opts)
			}
			return newRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "The `folder` to write the lab into (default: <id>); its name should be the id when it sits in a pack")
	return cmd
}

func newRun(opts *NewOptions) error {
	if err := labpack.New(opts.Dir, opts.ID); err != nil {
		if errors.Is(err, labpack.ErrExists) {
			return cmdutil.UsageError(err)
		}
		return cmdutil.UsageError(fmt.Errorf("lab new: %w", err))
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "Wrote lab %s in %s.\n", opts.ID, opts.Dir)
	if base := filepath.Base(filepath.Clean(opts.Dir)); base != opts.ID {
		fmt.Fprintf(out, "Note: in a pack, a lab's folder is named as its id; rename %s to %s before you put it in one.\n", base, opts.ID)
	}
	fmt.Fprintf(out, "Next: edit %s, then prove it with: devopsctl lab validate %s --run\n", filepath.Join(opts.Dir, "lab.yaml"), opts.Dir)
	return nil
}

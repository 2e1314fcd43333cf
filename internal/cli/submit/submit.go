// Package submit holds `devopsctl submit`: pack a workspace into one file to
// hand in.
package submit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/plural"
	"github.com/devopsctl/devopsctl/internal/submission"
	"github.com/spf13/cobra"
)

// Options are the inputs of `submit`.
type Options struct {
	IO       *iostreams.IOStreams
	Resolve  cmdutil.ResolveFunc
	Progress func() (*labs.Store, *labs.Progress, error)
	Version  string
	Dir      string
	Out      string
	// Now stamps the manifest; tests fix it.
	Now func() time.Time
}

// NewCmdSubmit builds `submit`.
func NewCmdSubmit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Resolve: f.ResolveLab, Progress: f.Progress, Version: f.Version, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "submit",
		Short: "Pack your lab workspace into one file to hand in",
		Long: `Pack the files of the lab workspace (this folder, a parent, or --dir) into one
file, with your last check results, a fingerprint of the lab and the devopsctl
version. Hand that file in: your instructor grades it with
devopsctl check --lab <id> --submissions <folder>.

Links that lead out of the workspace are left out (and named), and the
workspace may hold at most 256 MB in 20,000 files.

Exit status: 0 written, 2 no workspace or the workspace is too large.`,
		Example: `  devopsctl submit
  devopsctl submit --out ~/handin/ada.submission.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "d", "", "The workspace to pack (default: the current folder or a parent)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "The `file` to write (default: <lab>"+submission.Suffix+" in the current folder)")
	return cmd
}

// Run packs the workspace.
func Run(opts *Options) error {
	lab, ws, err := opts.Resolve("", opts.Dir)
	if err != nil {
		return err
	}
	if ws == nil {
		return cmdutil.UsageErrorf("no workspace of lab %s here; run devopsctl submit inside the lab's folder, or give --dir", lab.ID)
	}
	hash, err := submission.LabHash(lab)
	if err != nil {
		return err
	}
	m := &submission.Manifest{Lab: lab.ID, LabHash: hash, Version: opts.Version, Created: opts.Now().UTC().Truncate(time.Second)}
	if _, prog, err := opts.Progress(); err == nil {
		if lp := prog.For(lab.ID, ws); lp != nil {
			m.LastCheck = lp.Last
		}
	}
	out := opts.Out
	if out == "" {
		out = lab.ID + submission.Suffix
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	dir, err := filepath.Abs(ws.Dir)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return cmdutil.UsageErrorf("write %s: %v", out, err)
	}
	defer os.Remove(f.Name())
	err = submission.Pack(f, dir, m, submission.DefaultLimits, out)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var big *submission.TooLargeError
	if errors.As(err, &big) {
		return cmdutil.UsageErrorf("the workspace %s is too large to hand in: %v; move big files (build output, downloads) out of it", dir, big)
	}
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return cmdutil.UsageError(err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return cmdutil.UsageErrorf("write %s: %v", out, err)
	}
	for _, s := range m.Skipped {
		fmt.Fprintf(opts.IO.ErrOut, "Left out %s\n", s)
	}
	last := "no check run yet"
	if m.LastCheck != nil {
		last = "last check: " + m.LastCheck.Summary()
	}
	fmt.Fprintf(opts.IO.Out, "Packed %s of lab %s (%s) into %s\n", plural.Of(m.Files, "entry", "entries"), lab.ID, last, out)
	return nil
}

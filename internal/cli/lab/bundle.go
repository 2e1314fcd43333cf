package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/kit"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/plural"
	"github.com/spf13/cobra"
)

// BundleOptions are the inputs of `lab bundle`.
type BundleOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Out     string
	IDs     []string
}

// NewCmdBundle builds `lab bundle`.
func NewCmdBundle(f *cmdutil.Factory, runF func(*BundleOptions) error) *cobra.Command {
	opts := &BundleOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "bundle --out <file> [<lab>...]",
		Short: "Save the images and labs of a workshop into one file, for machines without network",
		Long: `Save into one file every image the chosen labs need (the bases their solutions
build FROM, and the images their checks start), plus the files of labs that come
from instructor packs. Shipped labs are in every devopsctl, so only their images
go in. Without lab ids, every lab devopsctl knows goes in.

Carry the file to each machine and run "devopsctl lab load <file>" there: no
registry or network is needed. The file is also an archive "docker load" reads.`,
		Example: `  devopsctl lab bundle --out kit.tar
  devopsctl lab bundle --out kit.tar dockerfile env-vars
  devopsctl --labs ./my-pack lab bundle --out kit.tar my-lab`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(opts.Out) == "" {
				return cmdutil.UsageErrorf("--out needs the file to write the kit to, e.g. --out kit.tar")
			}
			opts.IDs = args
			if runF != nil {
				return runF(opts)
			}
			return bundleRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "O", "", "The kit `file` to write (required)")
	cmd.ValidArgsFunction = cmdutil.CompleteLabIDs(f)
	return cmd
}

func bundleRun(ctx context.Context, opts *BundleOptions) error {
	cat, err := opts.Factory.Catalog()
	if err != nil {
		return err
	}
	chosen := cat.Labs()
	if len(opts.IDs) > 0 {
		chosen = nil
		for _, id := range opts.IDs {
			l, err := cat.Get(id)
			if err != nil {
				return cmdutil.UsageError(err)
			}
			chosen = append(chosen, l)
		}
	}
	eng, ws, err := workshopEngine(ctx, opts.Factory)
	if err != nil {
		return err
	}
	dir := filepath.Dir(opts.Out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(opts.Out)+".*.part")
	if err != nil {
		return cmdutil.UsageError(fmt.Errorf("cannot write the kit in %s: %w", dir, err))
	}
	// A kit is written whole or not at all: an interrupted or failed write
	// leaves no file that looks like a kit.
	defer os.Remove(tmp.Name())
	prog := newProgress(opts.IO)
	m, err := kit.Write(ctx, tmp, chosen, kit.WriteOptions{Engine: eng, Archive: ws, Version: opts.Factory.Version, Progress: prog.update})
	prog.done()
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write the kit: %w", cerr)
	}
	if err != nil {
		var me *kit.MissingImagesError
		if errors.As(err, &me) {
			return cmdutil.EnvironmentError(err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	// CreateTemp made it private; a kit is made to be handed round.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write the kit: %w", err)
	}
	if err := os.Rename(tmp.Name(), opts.Out); err != nil {
		return fmt.Errorf("write the kit: %w", err)
	}
	var size int64
	if info, err := os.Stat(opts.Out); err == nil {
		size = info.Size()
	}
	refs := make([]string, 0, len(m.Images))
	for _, i := range m.Images {
		refs = append(refs, i.Ref)
	}
	fmt.Fprintf(opts.IO.Out, "Wrote %s (%s): %s, %s%s.\n", opts.Out, humanBytes(size),
		plural.N(len(m.Labs), "lab"), plural.N(len(m.Images), "image"), listed(refs))
	fmt.Fprintf(opts.IO.Out, "On each machine, run: devopsctl lab load %s\n", filepath.Base(opts.Out))
	return nil
}

func listed(refs []string) string {
	if len(refs) == 0 {
		return ""
	}
	return " (" + strings.Join(refs, ", ") + ")"
}

// workshopEngine reaches the engine and the calls that move images as files.
func workshopEngine(ctx context.Context, f *cmdutil.Factory) (docker.Engine, docker.Workshop, error) {
	eng, err := cmdutil.ReachEngine(ctx, f)
	if err != nil {
		return nil, nil, cmdutil.EngineMissing(err)
	}
	ws, ok := eng.(docker.Workshop)
	if !ok {
		return nil, nil, cmdutil.EnvironmentError(errors.New("this Docker engine client cannot save or load images"))
	}
	return eng, ws, nil
}

// LoadOptions are the inputs of `lab load`.
type LoadOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	File    string
	// LabsDir is where pack labs are installed (default labs.InstalledDir()).
	LabsDir string
}

// NewCmdLoad builds `lab load`.
func NewCmdLoad(f *cmdutil.Factory, runF func(*LoadOptions) error) *cobra.Command {
	opts := &LoadOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "load <kit file>",
		Short: "Load a workshop kit made by lab bundle: its images and labs, with no network",
		Long: `Load a kit that "devopsctl lab bundle" made: its images go into the Docker
engine and the labs of instructor packs are installed into the labs folder of
devopsctl's state folder, where every command finds them without --labs. A lab
installed before under the same id is replaced.

Nothing is downloaded. The kit is checked before anything is installed: a file
that is not a kit, or holds a path out of its folder, a link or an oversized
file, is refused (exit 2).`,
		Example: `  devopsctl lab load kit.tar
  devopsctl lab list`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return loadRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func loadRun(ctx context.Context, opts *LoadOptions) error {
	info, err := os.Stat(opts.File)
	if err != nil {
		return cmdutil.UsageError(fmt.Errorf("cannot read the kit: %w", err))
	}
	if !info.Mode().IsRegular() {
		return cmdutil.UsageErrorf("%s is not a file; give the kit file that lab bundle wrote", opts.File)
	}
	labsDir := opts.LabsDir
	if labsDir == "" {
		if labsDir, err = labs.InstalledDir(); err != nil {
			return cmdutil.EnvironmentError(err)
		}
	}
	eng, ws, err := workshopEngine(ctx, opts.Factory)
	if err != nil {
		return err
	}
	prog := newProgress(opts.IO)
	res, err := kit.Load(ctx, opts.File, kit.LoadOptions{Engine: eng, Archive: ws, LabsDir: labsDir, Progress: prog.update})
	prog.done()
	if err != nil {
		var ke *kit.Error
		switch {
		case errors.As(err, &ke):
			return cmdutil.UsageError(err)
		case ctx.Err() != nil:
			return ctx.Err()
		}
		return err
	}
	m := res.Manifest
	refs := make([]string, 0, len(m.Images))
	for _, i := range m.Images {
		refs = append(refs, i.Ref)
	}
	fmt.Fprintf(opts.IO.Out, "Loaded %s%s.\n", plural.N(len(refs), "image"), listed(refs))
	if len(res.Installed) > 0 {
		fmt.Fprintf(opts.IO.Out, "Installed %s into %s: %s.\n", plural.N(len(res.Installed), "lab"), labsDir, strings.Join(res.Installed, ", "))
	}
	ids := make([]string, 0, len(m.Labs))
	for _, l := range m.Labs {
		ids = append(ids, l.ID)
	}
	if len(ids) > 0 {
		fmt.Fprintf(opts.IO.Out, "Ready offline: %s. Start one with: devopsctl lab start %s\n", strings.Join(ids, ", "), ids[0])
	}
	return nil
}

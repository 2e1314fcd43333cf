// Package doctor holds `devopsctl doctor`: is this machine ready for the labs?
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/doctor"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
	"github.com/spf13/cobra"
)

// Options are the inputs of `doctor`.
type Options struct {
	IO     *iostreams.IOStreams
	Output string
	// Env is the machine to look at.
	Env func() *doctor.Env
}

// NewCmdDoctor builds `doctor`.
func NewCmdDoctor(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Env: func() *doctor.Env {
		return doctor.SystemEnv(f.Version, f.Engine, f.Catalog)
	}}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that this machine is ready for the labs, and say how to fix what is not",
		Long: `Check what the labs need of this machine: a Docker engine that answers (and
its version), free disk for the state folder and the engine's data, the ports
the labs publish, the base images the labs build on, and a state folder devopsctl
can write. Each problem comes with its fix.

Exit status 0 when the labs can run (warnings allowed), 3 when something must be
fixed first.`,
		Example: `  devopsctl doctor
  devopsctl doctor -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.StringEnumFlag(cmd, &opts.Output, "output", "o", "text", []string{"text", "json"}, "Output format")
	return cmd
}

// report is the JSON form of a doctor run.
type report struct {
	Healthy  bool             `json:"healthy"`
	Findings []doctor.Finding `json:"findings"`
}

// Run runs the probes and prints what they found.
func Run(ctx context.Context, opts *Options) error {
	fs := doctor.Run(ctx, opts.Env())
	if ctx.Err() != nil {
		return ctx.Err()
	}
	healthy := doctor.Healthy(fs)
	if opts.Output == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report{Healthy: healthy, Findings: fs}); err != nil {
			return err
		}
	} else if err := writeText(opts.IO, fs, healthy); err != nil {
		return err
	}
	if !healthy {
		return cmdutil.SilentExit(cmdutil.ExitEnvironment)
	}
	return nil
}

func writeText(io *iostreams.IOStreams, fs []doctor.Finding, healthy bool) error {
	width := 0
	if io.IsStdoutTTY() {
		width = io.TerminalWidth()
	}
	t := tableprinter.New(io.Out, width)
	t.CutOnly(2)
	t.AddRow("CHECK", "STATUS", "DETAIL")
	for _, f := range fs {
		t.AddRow(f.Check, mark(io, f.Status), f.Detail)
	}
	if err := t.Render(); err != nil {
		return err
	}
	var fixes []string
	for _, f := range fs {
		if f.Fix != "" && f.Status != doctor.OK {
			fixes = append(fixes, fmt.Sprintf("  %s: %s", f.Check, f.Fix))
		}
	}
	if len(fixes) > 0 {
		fmt.Fprintf(io.Out, "\nTo fix:\n%s\n", strings.Join(fixes, "\n"))
	}
	if healthy {
		fmt.Fprintln(io.Out, "\nReady for the labs.")
	} else {
		fmt.Fprintln(io.Out, "\nNot ready: fix the failed checks above, then run devopsctl doctor again.")
	}
	return nil
}

// mark is a status as a word, coloured when colour is on: a word, not only a
// colour, so that it reads the same without one.
func mark(io *iostreams.IOStreams, s doctor.Status) string {
	if !io.ColorEnabled() {
		return string(s)
	}
	code := map[doctor.Status]string{doctor.OK: "32", doctor.Warn: "33", doctor.Fail: "31", doctor.Skip: "2"}[s]
	return "\033[" + code + "m" + string(s) + "\033[0m"
}

// Package version holds `devopsctl version`.
package version

import (
	"encoding/json"
	"fmt"

	"github.com/devopsctl/devopsctl/internal/buildinfo"
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// Options are the inputs of `version`.
type Options struct {
	IO     *iostreams.IOStreams
	Output string
	Info   func() buildinfo.Info
}

// NewCmdVersion builds `version`.
func NewCmdVersion(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Info: buildinfo.Get}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show the version of devopsctl, the commit it was built from and when",
		Long: `Show the version of devopsctl, the commit it was built from and when, and the
Go version and platform it was built for. Put it in a bug report.`,
		Example: `  devopsctl version
  devopsctl version -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.StringEnumFlag(cmd, &opts.Output, "output", "o", "text", []string{"text", "json"}, "Output format")
	return cmd
}

// Run prints the build's info.
func Run(opts *Options) error {
	in := opts.Info()
	if opts.Output == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	_, err := fmt.Fprintf(opts.IO.Out, "devopsctl %s\n%s %s\n", in, in.GoVersion, in.Platform)
	return err
}

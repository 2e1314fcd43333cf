// Package man holds the hidden `devopsctl man` command, which writes a man
// page for every command. Release builds run it, so the pages always match
// the commands they describe.
package man

import (
	"fmt"
	"os"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// Options are the inputs of `man`.
type Options struct {
	IO  *iostreams.IOStreams
	Dir string
}

// NewCmdMan builds `man`.
func NewCmdMan(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:    "man --dir <folder>",
		Short:  "Write the man pages of every command into a folder",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(opts.Dir) == "" {
				return cmdutil.UsageErrorf("--dir needs the folder to write the man pages into")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Root(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "The `folder` to write the pages into (made if missing)")
	return cmd
}

// Run writes one page per visible command of root into opts.Dir, in section 1.
func Run(root *cobra.Command, opts *Options) error {
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return cmdutil.UsageError(fmt.Errorf("make %s: %w", opts.Dir, err))
	}
	// No "auto generated" history line; the header's month comes from
	// SOURCE_DATE_EPOCH when set, so release pages are reproducible.
	root.DisableAutoGenTag = true
	escapeAngles(root)
	header := &doc.GenManHeader{Title: "DEVOPSCTL", Section: "1", Source: "devopsctl", Manual: "devopsctl manual"}
	if err := doc.GenManTree(root, header, opts.Dir); err != nil {
		return fmt.Errorf("write the man pages: %w", err)
	}
	fmt.Fprintf(opts.IO.Out, "Wrote the man pages into %s\n", opts.Dir)
	return nil
}

// escapeAngles keeps placeholders such as <lab> in the pages: the pages are
// written as markdown first, where <lab> reads as an HTML tag and vanishes.
// Examples are code blocks, which keep it as it is.
func escapeAngles(c *cobra.Command) {
	r := strings.NewReplacer("<", `\<`, ">", `\>`)
	c.Use = r.Replace(c.Use)
	c.Short = r.Replace(c.Short)
	c.Long = r.Replace(c.Long)
	for _, sub := range c.Commands() {
		escapeAngles(sub)
	}
}

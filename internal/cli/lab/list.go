package lab

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// ListOptions are the inputs of `lab list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Output  string
}

// NewCmdList builds `lab list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs, with your progress",
		Args:  cobra.NoArgs,
		Example: `  devopsctl lab list
  devopsctl lab list --output json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmdutil.StringEnumFlag(cmd, &opts.Output, "output", "o", "text", []string{"text", "json"}, "Output format")
	return cmd
}

type listedLab struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Difficulty string `json:"difficulty"`
	Minutes    int    `json:"minutes"`
	Status     string `json:"status"`
	Source     string `json:"source"`
}

func listRun(opts *ListOptions) error {
	cat, err := opts.Factory.Catalog()
	if err != nil {
		return err
	}
	_, prog, err := opts.Factory.Progress()
	if err != nil {
		return err
	}
	var rows []listedLab
	for _, l := range cat.Labs() {
		rows = append(rows, listedLab{
			ID: l.ID, Title: l.Title, Difficulty: l.Difficulty, Minutes: l.Minutes,
			Status: prog.Labs[l.ID].Status(), Source: l.Source,
		})
	}
	if opts.Output == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tLEVEL\tTIME\tSTATUS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d min\t%s\n", r.ID, r.Title, r.Difficulty, r.Minutes, r.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, "\nStart one with: devopsctl lab start <id>")
	return nil
}

package lab

import (
	"encoding/json"
	"fmt"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
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
	if err := writeLabTable(opts.IO, rows); err != nil {
		return fmt.Errorf("write lab list: %w", err)
	}
	fmt.Fprintln(opts.IO.Out, "\nStart one with: devopsctl lab start <id>")
	return nil
}

// writeLabTable lines the labs up in columns. On a terminal too narrow for
// the longest title, titles are cut rather than wrapped, so the columns stay
// in line; piped output keeps every title whole.
func writeLabTable(io *iostreams.IOStreams, rows []listedLab) error {
	t := tableprinter.New(io.Out, io.TerminalWidth())
	t.CutOnly(1)
	t.AddRow("ID", "TITLE", "LEVEL", "TIME", "STATUS")
	for _, r := range rows {
		t.AddRow(r.ID, r.Title, r.Difficulty, fmt.Sprintf("%d min", r.Minutes), statusMark(r.Status)+" "+r.Status)
	}
	return t.Render()
}

// statusMark lets progress be seen at a glance down the status column.
func statusMark(status string) string {
	switch status {
	case "passed":
		return "✓"
	case "in progress":
		return "•"
	}
	return "·"
}

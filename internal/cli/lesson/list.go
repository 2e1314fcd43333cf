package lesson

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/devopsctl/devopsctl/internal/state"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
	"github.com/spf13/cobra"
)

// ListOptions is what `lesson list` needs.
type ListOptions struct {
	IO       *iostreams.IOStreams
	StateDir func() (string, error)
	Now      func() time.Time
	Output   string
}

// NewCmdList returns `lesson list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, StateDir: state.Dir, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the lessons, their labs and your best quiz scores",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmdutil.StringEnumFlag(cmd, &opts.Output, "output", "o", "text", []string{"text", "json"}, "Output format (json for scripts)")
	return cmd
}

// listItem is one lesson in `--output json`.
type listItem struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Labs    []string `json:"labs"`
	// Best is the best quiz percentage, absent until the quiz has been taken.
	Best     *int `json:"best_percent,omitempty"`
	Passed   bool `json:"passed"`
	Attempts int  `json:"attempts"`
}

func listRun(opts *ListOptions) error {
	all, err := lessons.All()
	if err != nil {
		return fmt.Errorf("load lessons: %w", err)
	}
	scores, _, err := loadScores(opts.StateDir)
	if err != nil {
		return err
	}
	items := make([]listItem, len(all))
	for i, l := range all {
		items[i] = listItem{ID: l.ID, Title: l.Title, Summary: l.Summary, Labs: append([]string{}, l.Labs...)}
		if t, ok := scores.Topics[l.ID]; ok {
			best := t.Best.Percent
			items[i].Best, items[i].Passed, items[i].Attempts = &best, t.Best.Passed, t.Attempts
		}
	}
	if opts.Output == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(items); err != nil {
			return fmt.Errorf("write lesson list: %w", err)
		}
		return nil
	}
	tw := tableprinter.New(opts.IO.Out, opts.IO.TerminalWidth())
	tw.CutOnly(1)
	tw.AddRow("ID", "TITLE", "LABS", "BEST QUIZ")
	for _, it := range items {
		labs := strings.Join(it.Labs, ", ")
		if labs == "" {
			labs = "-"
		}
		best := "-"
		if it.Best != nil {
			best = fmt.Sprintf("%d%%", *it.Best)
			if it.Passed {
				best += " passed"
			}
		}
		tw.AddRow(it.ID, it.Title, labs, best)
	}
	if err := tw.Render(); err != nil {
		return fmt.Errorf("write lesson list: %w", err)
	}
	if opts.IO.IsStdoutTTY() {
		fmt.Fprintln(opts.IO.Out, "\nRead one with `devopsctl lesson <id>`; test yourself with `devopsctl lesson quiz <id>`.")
	}
	return nil
}

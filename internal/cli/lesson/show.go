package lesson

import (
	"fmt"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/spf13/cobra"
)

// plainWidth is the wrap width when the output is not a terminal.
const plainWidth = 80

// ShowOptions is what `lesson show` needs.
type ShowOptions struct {
	IO    *iostreams.IOStreams
	Topic string
	// Resolve finds the lab of the workspace the command runs in, whose first
	// lesson is shown when no topic is given.
	Resolve cmdutil.ResolveFunc
	// Pager shows a lesson full screen; it is only used on a terminal.
	Pager func(io *iostreams.IOStreams, l *lessons.Lesson) error
}

// NewCmdShow returns `lesson show <topic>`.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Pager: runPager, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "show [<topic>]",
		Short: "Read a lesson (in a pager with / search on a terminal)",
		Long: `Read a lesson. Without <topic>, inside a lab's workspace, the lesson is the
first one the lab links to.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeTopics,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Topic = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	return cmd
}

func showRun(opts *ShowOptions) error {
	if opts.Topic == "" {
		topic, err := workspaceTopic(opts.Resolve)
		if err != nil {
			return err
		}
		opts.Topic = topic
	}
	l, err := getLesson(opts.Topic)
	if err != nil {
		return err
	}
	if opts.IO.CanPrompt() {
		return opts.Pager(opts.IO, l)
	}
	out, err := lessons.Render(l, plainWidth, opts.IO.ColorEnabled())
	if err != nil {
		return err
	}
	if _, err := fmt.Fprint(opts.IO.Out, out); err != nil {
		return fmt.Errorf("write lesson %s: %w", l.ID, err)
	}
	return nil
}

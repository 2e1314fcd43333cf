// Package lesson is the `devopsctl lesson` command: list the concept lessons,
// read one (in a pager on a terminal), and take its quiz.
package lesson

import (
	"errors"
	"fmt"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/devopsctl/devopsctl/internal/state"
	"github.com/moby/buildkit/util/suggest"
	"github.com/spf13/cobra"
)

// NewCmdLesson returns the lesson command with its verbs. `lesson <topic>` is
// a shortcut for `lesson show <topic>`, since reading is what people do most.
func NewCmdLesson(f *cmdutil.Factory) *cobra.Command {
	show := &ShowOptions{IO: f.IOStreams, Pager: runPager, Resolve: f.ResolveLab}
	cmd := &cobra.Command{
		Use:   "lesson [<topic>]",
		Short: "Read the concept lessons and take their quizzes",
		Long: "Short lessons on the ideas behind DevOps, each pointing to the labs that\n" +
			"practise it and each with a quiz whose score is kept.",
		Example: "  devopsctl lesson list\n" +
			"  devopsctl lesson containers\n" +
			"  devopsctl lesson quiz containers",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeTopics,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			show.Topic = args[0]
			return showRun(show)
		},
	}
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdShow(f, nil))
	quiz := NewCmdQuiz(f, nil)
	quiz.ValidArgsFunction = completeTopics
	cmd.AddCommand(quiz)
	return cmd
}

// getLesson finds a shipped lesson, turning an unknown id into a usage error
// that lists the known ones.
func getLesson(id string) (*lessons.Lesson, error) {
	l, err := lessons.Get(id)
	var nf *lessons.NotFoundError
	if errors.As(err, &nf) {
		if m, ok := suggest.Search(id, nf.Known, false); ok {
			return nil, cmdutil.UsageErrorf("unknown lesson %q (did you mean %s?); try one of: %s; see devopsctl lesson list", id, m, strings.Join(nf.Known, ", "))
		}
		return nil, cmdutil.UsageError(nf)
	}
	if err != nil {
		return nil, fmt.Errorf("load lessons: %w", err)
	}
	return l, nil
}

// workspaceTopic is the first lesson linked by the lab of the workspace the
// command runs in.
func workspaceTopic(resolve cmdutil.ResolveFunc) (string, error) {
	lab, _, err := resolve("", "")
	if cmdutil.NoWorkspace(err) {
		return "", cmdutil.UsageErrorf("name the lesson to show: devopsctl lesson show <topic> (devopsctl lesson list shows the topics), or run it inside a lab's workspace")
	}
	if err != nil {
		return "", err
	}
	if len(lab.Lessons) == 0 {
		return "", cmdutil.UsageErrorf("lab %s links to no lesson; name one: devopsctl lesson show <topic> (see devopsctl lesson list)", lab.ID)
	}
	return lab.Lessons[0], nil
}

// completeTopics completes a lesson topic as the first argument.
func completeTopics(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	all, err := lessons.All()
	if err != nil || len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	topics := make([]string, 0, len(all))
	for _, l := range all {
		topics = append(topics, l.ID+"\t"+l.Title)
	}
	return topics, cobra.ShellCompDirectiveNoFileComp
}

// loadScores reads the quiz scores. A corrupt file has been moved aside by
// then; saying so and stopping with a usage error lets the learner see what
// happened instead of silently losing their record.
func loadScores(stateDir func() (string, error)) (*lessons.Scores, string, error) {
	dir, err := stateDir()
	if err != nil {
		return nil, "", cmdutil.EnvironmentError(err)
	}
	s, err := lessons.LoadScores(dir)
	var corrupt *state.CorruptError
	if errors.As(err, &corrupt) {
		return nil, "", cmdutil.UsageError(corrupt)
	}
	if err != nil {
		return nil, "", cmdutil.StateError(err)
	}
	return s, dir, nil
}

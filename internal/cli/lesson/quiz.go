package lesson

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/devopsctl/devopsctl/internal/state"
	"github.com/spf13/cobra"
)

// QuizOptions is what `lesson quiz` needs.
type QuizOptions struct {
	IO       *iostreams.IOStreams
	StateDir func() (string, error)
	Now      func() time.Time
	Topic    string
	// Answers is the --answers flag: one entry per question, separated by
	// commas; a multi-choice entry joins its letters with + ("a,b+d,c").
	Answers    string
	AnswersSet bool
}

// NewCmdQuiz returns `lesson quiz <topic>`.
func NewCmdQuiz(f *cmdutil.Factory, runF func(*QuizOptions) error) *cobra.Command {
	opts := &QuizOptions{IO: f.IOStreams, StateDir: state.Dir, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "quiz <topic>",
		Short: "Take a lesson's quiz; your best and last scores are kept",
		Long: "Asks each question in turn and explains the answer. Type the letter of\n" +
			"your choice; where several choices are right, type them all (a,c).\n" +
			"Exits 0 when you pass, 1 when you do not.",
		Example: "  devopsctl lesson quiz containers\n" +
			"  devopsctl lesson quiz containers --answers b,a,b,c,b,a+d",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			opts.AnswersSet = cmd.Flags().Changed("answers")
			if runF != nil {
				return runF(opts)
			}
			return quizRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Answers, "answers", "", "answer every question at once, e.g. `a,c,b` (join letters of a multi-choice answer with +)")
	return cmd
}

func quizRun(opts *QuizOptions) error {
	l, err := getLesson(opts.Topic)
	if err != nil {
		return err
	}
	var scripted []lessons.Answer
	if opts.AnswersSet {
		if scripted, err = parseAnswerList(l, opts.Answers); err != nil {
			return err
		}
	}
	// Read the record before asking anything: a corrupt file should stop the
	// learner before they answer, not after.
	_, dir, err := loadScores(opts.StateDir)
	if err != nil {
		return err
	}

	out := opts.IO.Out
	mark := newMarker(opts.IO.ColorEnabled())
	answers, err := askAll(opts, l, scripted, mark)
	if err != nil {
		return err
	}
	res := lessons.Grade(l.Quiz, answers)
	topic, err := lessons.RecordAttempt(dir, l.ID, res, opts.Now())
	if err != nil {
		return cmdutil.StateError(err)
	}
	verdict := mark.good("passed")
	if !res.Passed {
		verdict = mark.bad("not passed yet")
	}
	fmt.Fprintf(out, "\nScore: %d/%d (%d%%), %s (pass mark %d%%). Best so far: %d%%.\n",
		res.Correct, res.Total, res.Percent, verdict, res.PassPercent, topic.Best.Percent)
	if !res.Passed {
		fmt.Fprintf(out, "Reread the lesson with `devopsctl lesson %s` and try again.\n", l.ID)
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Silent: true}
	}
	if len(l.Labs) > 0 {
		fmt.Fprintf(out, "Now practise it: `devopsctl lab start %s`.\n", l.Labs[0])
	}
	return nil
}

// askAll puts every question, takes its answer from scripted (--answers) or
// from the learner, and says at once whether it was right and why.
func askAll(opts *QuizOptions, l *lessons.Lesson, scripted []lessons.Answer, mark marker) ([]lessons.Answer, error) {
	out, n := opts.IO.Out, len(l.Quiz.Questions)
	fmt.Fprintf(out, "Quiz: %s (%d questions, pass mark %d%%)\n", l.Title, n, l.Quiz.Pass())
	in := bufio.NewReader(opts.IO.In)
	answers := make([]lessons.Answer, n)
	for i, q := range l.Quiz.Questions {
		fmt.Fprintf(out, "\n%d/%d. %s\n", i+1, n, q.Prompt)
		for c, choice := range q.Choices {
			fmt.Fprintf(out, "   %s) %s\n", lessons.Letter(c), choice)
		}
		var err error
		if scripted != nil {
			answers[i] = scripted[i]
			fmt.Fprintf(out, "Your answer: %s\n", answers[i])
		} else if answers[i], err = ask(in, out, q, !opts.IO.IsStdinTTY()); errors.Is(err, errInputEnded) {
			return nil, cmdutil.UsageErrorf("quiz %s: input ended at question %d of %d; answer every question, or pass --answers", l.ID, i+1, n)
		} else if err != nil {
			return nil, fmt.Errorf("quiz %s: question %d: %w", l.ID, i+1, err)
		}
		if q.IsCorrect(answers[i]) {
			fmt.Fprintln(out, mark.good("Correct."))
		} else {
			fmt.Fprintln(out, mark.bad("Not quite: the answer is "+describeKey(q)+"."))
		}
		fmt.Fprintf(out, "   %s\n", q.Explanation)
	}
	return answers, nil
}

// parseAnswerList reads --answers. Any mistake is a usage error naming the
// question, since a script cannot be asked again.
func parseAnswerList(l *lessons.Lesson, s string) ([]lessons.Answer, error) {
	parts := strings.Split(s, ",")
	n := len(l.Quiz.Questions)
	if len(parts) != n {
		return nil, cmdutil.UsageErrorf("--answers has %d answers but quiz %s has %d questions; give one per question, e.g. --answers %s",
			len(parts), l.ID, n, strings.TrimSuffix(strings.Repeat("a,", n), ","))
	}
	answers := make([]lessons.Answer, n)
	for i, p := range parts {
		a, err := lessons.ParseAnswer(l.Quiz.Questions[i], p)
		if err != nil {
			return nil, cmdutil.UsageErrorf("--answers: question %d: %w", i+1, err)
		}
		answers[i] = a
	}
	return answers, nil
}

var errInputEnded = errors.New("input ended")

// ask reads one answer from in, asking again until it is a valid one. Input
// that ends first is errInputEnded: there is nobody left to answer.
// With echo on, the answer read is written after the prompt: piped input is
// not shown by a terminal, and the transcript should read like a dialogue.
func ask(in *bufio.Reader, out io.Writer, q lessons.Question, echo bool) (lessons.Answer, error) {
	prompt := "Your answer: "
	if q.Multi {
		prompt = "Your answer (all that apply, e.g. a,c): "
	}
	for {
		fmt.Fprint(out, prompt)
		line, err := in.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && strings.TrimSpace(line) != "") {
			if errors.Is(err, io.EOF) {
				fmt.Fprintln(out)
				return nil, errInputEnded
			}
			return nil, fmt.Errorf("read answer: %w", err)
		}
		if echo {
			fmt.Fprintln(out, strings.TrimSpace(line))
		}
		a, perr := lessons.ParseAnswer(q, line)
		if perr == nil {
			return a, nil
		}
		fmt.Fprintf(out, "%v\n", perr)
	}
}

// describeKey names the right choices in full: "b) the text of b".
func describeKey(q lessons.Question) string {
	parts := make([]string, 0, len(q.Answer))
	for _, i := range q.Key() {
		parts = append(parts, fmt.Sprintf("%s) %s", lessons.Letter(i), q.Choices[i]))
	}
	return strings.Join(parts, " and ")
}

// marker colours verdicts when colour is on, and leaves them plain otherwise.
type marker struct{ colour bool }

func newMarker(colour bool) marker { return marker{colour: colour} }

func (m marker) good(s string) string { return m.paint("32", s) }
func (m marker) bad(s string) string  { return m.paint("31", s) }

func (m marker) paint(code, s string) string {
	if !m.colour {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

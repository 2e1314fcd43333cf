package lesson

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
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
	// Seed orders the choices. The command draws a new one for every
	// attempt; --seed fixes it (SeedSet), and tests set it directly.
	Seed    uint64
	SeedSet bool
}

// NewCmdQuiz returns `lesson quiz <topic>`.
func NewCmdQuiz(f *cmdutil.Factory, runF func(*QuizOptions) error) *cobra.Command {
	opts := &QuizOptions{IO: f.IOStreams, StateDir: state.Dir, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "quiz <topic>",
		Short: "Take a lesson's quiz; your best and last scores are kept",
		Long: "Asks each question in turn, with its choices in a new order every time.\n" +
			"Type the letter of your choice; where several choices are right, type\n" +
			"them all (a,c). At the end you see your score and, for every question,\n" +
			"the right answer and why. Exits 0 when you pass, 1 when you do not.\n\n" +
			"--seed fixes the order, so that --answers can answer a known order in a\n" +
			"script; such a run is graded but not added to your scores.",
		Example: "  devopsctl lesson quiz containers\n" +
			"  devopsctl lesson quiz containers --seed 7 --answers b,a,b,c,b,a+d",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			opts.AnswersSet = cmd.Flags().Changed("answers")
			opts.SeedSet = cmd.Flags().Changed("seed")
			if !opts.SeedSet {
				opts.Seed = rand.Uint64()
			}
			if runF != nil {
				return runF(opts)
			}
			return quizRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Answers, "answers", "", "answer every question at once, e.g. `a,c,b` (join letters of a multi-choice answer with +); needs --seed")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 0, "put the choices in the order this `number` gives, the same every time (for scripts; not added to your scores)")
	return cmd
}

func quizRun(opts *QuizOptions) error {
	l, err := getLesson(opts.Topic)
	if err != nil {
		return err
	}
	if opts.AnswersSet && !opts.SeedSet {
		return cmdutil.UsageErrorf("--answers needs --seed: the choices are shuffled for every attempt, so letters only name a choice in a fixed order (e.g. --seed 1 --answers ...)")
	}
	quiz := orderFor(l.Quiz, opts.Seed)
	var scripted []lessons.Answer
	if opts.AnswersSet {
		if scripted, err = parseAnswerList(l.ID, quiz, opts.Answers); err != nil {
			return err
		}
	}
	// Read the record before asking anything: a corrupt file should stop the
	// learner before they answer, not after.
	scores, dir, err := loadScores(opts.StateDir)
	if err != nil {
		return err
	}
	var before lessons.TopicScore
	if t := scores.Topics[l.ID]; t != nil {
		before = *t
	}

	out := opts.IO.Out
	mark := newMarker(opts.IO.ColorEnabled())
	answers, err := askAll(opts, l, quiz, scripted)
	if err != nil {
		return err
	}
	res := lessons.Grade(quiz, answers)
	verdict := mark.good("passed")
	if !res.Passed {
		verdict = mark.bad("not passed yet")
	}
	fmt.Fprintf(out, "\nScore: %d/%d (%d%%), %s (pass mark %d%%).\n", res.Correct, res.Total, res.Percent, verdict, res.PassPercent)
	// A fixed order can be replayed with the letters the review below gives
	// away, so only shuffled attempts count.
	if opts.SeedSet {
		fmt.Fprintln(out, "A run with --seed is not added to your scores: its order can be replayed.")
	} else {
		// Recorded under the scores file's lock: another attempt may have
		// finished while this one was being answered.
		topic, err := lessons.RecordAttempt(dir, l.ID, res, opts.Now())
		if err != nil {
			return cmdutil.StateError(err)
		}
		fmt.Fprintln(out, attemptLine(before, topic))
	}
	writeReview(out, quiz, res, mark)

	if !res.Passed {
		fmt.Fprintf(out, "\nReread the lesson with `devopsctl lesson %s` and try again: the choices will be in a new order.\n", l.ID)
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Silent: true}
	}
	if len(l.Labs) > 0 {
		fmt.Fprintf(out, "\nNow practise it: `devopsctl lab start %s`.\n", l.Labs[0])
	}
	return nil
}

// orderFor is the quiz with its choices in the order seed gives.
func orderFor(q lessons.Quiz, seed uint64) lessons.Quiz {
	return q.Shuffle(rand.New(rand.NewPCG(seed, seed)))
}

// attemptLine counts the attempts and compares with the record before this one.
func attemptLine(before lessons.TopicScore, now *lessons.TopicScore) string {
	if before.Attempts == 0 {
		return "First attempt."
	}
	return fmt.Sprintf("Attempt %d. Last time: %d%%. Best so far: %d%%.", now.Attempts, before.Last.Percent, now.Best.Percent)
}

// askAll puts every question and takes its answer from scripted (--answers)
// or from the learner. Nothing is marked yet: a verdict after each question
// would give away the right letter before the quiz is over.
func askAll(opts *QuizOptions, l *lessons.Lesson, quiz lessons.Quiz, scripted []lessons.Answer) ([]lessons.Answer, error) {
	out, n := opts.IO.Out, len(quiz.Questions)
	fmt.Fprintf(out, "Quiz: %s (%d questions, pass mark %d%%)\n", l.Title, n, quiz.Pass())
	in := bufio.NewReader(opts.IO.In)
	answers := make([]lessons.Answer, n)
	for i, q := range quiz.Questions {
		fmt.Fprintf(out, "\n%d/%d. %s\n", i+1, n, q.Prompt)
		for c, choice := range q.Choices {
			fmt.Fprintf(out, "   %s) %s\n", lessons.Letter(c), choice)
		}
		var err error
		if scripted != nil {
			answers[i] = scripted[i]
			fmt.Fprintf(out, "Your answer: %s\n", answers[i])
		} else if answers[i], err = ask(in, out, q, !opts.IO.IsStdinTTY()); errors.Is(err, errInputEnded) {
			return nil, cmdutil.UsageErrorf("quiz %s: input ended at question %d of %d; answer every question, or pass --seed and --answers", l.ID, i+1, n)
		} else if err != nil {
			return nil, fmt.Errorf("quiz %s: question %d: %w", l.ID, i+1, err)
		}
	}
	return answers, nil
}

// writeReview goes over every question once the quiz is graded: the
// learner's answer, the right one when it differs, and why.
func writeReview(out io.Writer, quiz lessons.Quiz, res lessons.Result, mark marker) {
	for i, q := range quiz.Questions {
		r := res.Questions[i]
		verdict := mark.good("✓ right")
		if !r.Correct {
			verdict = mark.bad("✗ wrong")
		}
		fmt.Fprintf(out, "\n%d. %s  %s\n", i+1, q.Prompt, verdict)
		fmt.Fprintf(out, "   Your answer:  %s\n", describe(q, r.Given))
		if !r.Correct {
			fmt.Fprintf(out, "   Right answer: %s\n", describe(q, r.Key))
		}
		fmt.Fprintf(out, "   Why: %s\n", r.Explanation)
	}
}

// parseAnswerList reads --answers. Any mistake is a usage error naming the
// question, since a script cannot be asked again.
func parseAnswerList(id string, quiz lessons.Quiz, s string) ([]lessons.Answer, error) {
	parts := strings.Split(s, ",")
	n := len(quiz.Questions)
	if len(parts) != n {
		return nil, cmdutil.UsageErrorf("--answers has %d answers but quiz %s has %d questions; give one per question, e.g. --answers %s",
			len(parts), id, n, strings.TrimSuffix(strings.Repeat("a,", n), ","))
	}
	answers := make([]lessons.Answer, n)
	for i, p := range parts {
		a, err := lessons.ParseAnswer(quiz.Questions[i], p)
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

// describe names the chosen choices in full: "b) the text of b", or says
// there was no answer.
func describe(q lessons.Question, a lessons.Answer) string {
	if len(a) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(a))
	for _, i := range a {
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

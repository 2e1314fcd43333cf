package lesson

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/devopsctl/devopsctl/internal/state"
)

func TestNewCmdQuizFlags(t *testing.T) {
	tests := []struct {
		args        string
		wantTopic   string
		wantAnswers string
		wantSet     bool
		wantErr     bool
	}{
		{"iac", "iac", "", false, false},
		{"iac --answers a,b+c,d", "iac", "a,b+c,d", true, false},
		{"iac --answers=", "iac", "", true, false},
		{"", "", "", false, true},
		{"iac canary", "", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *QuizOptions
			cmd := NewCmdQuiz(&cmdutil.Factory{IOStreams: ios}, func(o *QuizOptions) error { got = o; return nil })
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if got.Topic != tt.wantTopic || got.Answers != tt.wantAnswers || got.AnswersSet != tt.wantSet {
				t.Errorf("options = %q %q set=%v; want %q %q set=%v", got.Topic, got.Answers, got.AnswersSet, tt.wantTopic, tt.wantAnswers, tt.wantSet)
			}
		})
	}
}

var quizNow = time.Date(2025, 4, 2, 9, 30, 0, 0, time.UTC)

func quizOpts(t *testing.T, dir, topic, input string) (*QuizOptions, *bytes.Buffer) {
	t.Helper()
	ios, in, out, _ := iostreams.Test()
	in.WriteString(input)
	return &QuizOptions{
		IO:       ios,
		StateDir: func() (string, error) { return dir, nil },
		Now:      func() time.Time { return quizNow },
		Topic:    topic,
	}, out
}

// answerLine writes answers the way --answers takes them.
func answerLine(as []lessons.Answer) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, ",")
}

func keyOf(q lessons.Quiz) []lessons.Answer {
	out := make([]lessons.Answer, len(q.Questions))
	for i, qu := range q.Questions {
		out[i] = qu.Key()
	}
	return out
}

// wrongOf picks another choice for every question, so none is right.
func wrongOf(q lessons.Quiz) []lessons.Answer {
	out := make([]lessons.Answer, len(q.Questions))
	for i, qu := range q.Questions {
		k := qu.Key()
		out[i] = lessons.Answer{(k[0] + 1) % len(qu.Choices)}
		if qu.Multi && len(k) > 1 {
			out[i] = k[:1]
		}
	}
	return out
}

func TestQuizEveryTopicPassesAndFails(t *testing.T) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		t.Run(l.ID, func(t *testing.T) {
			dir := t.TempDir()
			opts, out := quizOpts(t, dir, l.ID, "")
			opts.Answers, opts.AnswersSet = answerLine(keyOf(l.Quiz)), true
			if err := quizRun(opts); err != nil {
				t.Fatalf("the key does not pass: %v\n%s", err, out)
			}
			n := len(l.Quiz.Questions)
			if got := strings.Count(out.String(), "Correct."); got != n {
				t.Errorf("%d answers marked correct, want %d", got, n)
			}
			if !strings.Contains(out.String(), "passed") {
				t.Errorf("no pass verdict:\n%s", out)
			}

			opts, out = quizOpts(t, dir, l.ID, "")
			opts.Answers, opts.AnswersSet = answerLine(wrongOf(l.Quiz)), true
			err := quizRun(opts)
			if exitCode(err) != cmdutil.ExitFailed {
				t.Fatalf("wrong answers: error = %v, want exit 1", err)
			}
			if ee := err.(*cmdutil.ExitError); !ee.Silent {
				t.Errorf("a failed quiz should exit quietly; its report is printed already")
			}
			if got := strings.Count(out.String(), "Not quite"); got != n {
				t.Errorf("%d answers marked wrong, want %d", got, n)
			}
			for _, q := range l.Quiz.Questions {
				if !strings.Contains(out.String(), q.Explanation) {
					t.Errorf("explanation %q not shown", q.Explanation)
				}
			}

			s, err := lessons.LoadScores(dir)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Topics[l.ID]
			if got == nil || got.Best.Percent != 100 || got.Last.Percent != 0 || got.Attempts != 2 || !got.Last.At.Equal(quizNow) {
				t.Errorf("saved score = %+v, want best 100, last 0, 2 attempts", got)
			}
		})
	}
}

func TestQuizInteractive(t *testing.T) {
	l, err := lessons.Get("scaling")
	if err != nil {
		t.Fatal(err)
	}
	key := keyOf(l.Quiz)
	// The key with the last two answers swapped for wrong ones: 3 of 5.
	twoWrong := append(append([]lessons.Answer{}, key[:3]...), wrongOf(l.Quiz)[3:]...)
	tests := []struct {
		name      string
		input     string
		wantCode  int
		wantOut   []string
		wantSaved bool
	}{
		{
			name:      "all right",
			input:     answerLines(key),
			wantOut:   []string{"Score: 5/5 (100%)", "Now practise it: `devopsctl lab start bluegreen-vs-rolling`"},
			wantSaved: true,
		},
		{
			name:      "bad input is asked again",
			input:     "z\n\nb,c\n" + answerLines(key),
			wantOut:   []string{"Your answer: z\n", `"z" is not a choice; type a letter from a to d`, "no answer: type one letter", "has one right choice", "Score: 5/5"},
			wantSaved: true,
		},
		{
			name:      "last line without a newline",
			input:     strings.TrimSuffix(answerLines(key), "\n"),
			wantOut:   []string{"Score: 5/5"},
			wantSaved: true,
		},
		{
			name:      "two wrong fails",
			input:     answerLines(twoWrong),
			wantCode:  cmdutil.ExitFailed,
			wantOut:   []string{"Score: 3/5 (60%), not passed yet (pass mark 70%)", "devopsctl lesson scaling"},
			wantSaved: true,
		},
		{
			name:     "input ends early",
			input:    answerLines(key[:2]),
			wantCode: cmdutil.ExitUsage,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			opts, out := quizOpts(t, dir, "scaling", tt.input)
			err := quizRun(opts)
			if code := exitCode(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d\n%s", code, err, tt.wantCode, out)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if tt.wantCode == cmdutil.ExitUsage && !strings.Contains(err.Error(), "input ended at question 3 of 5") {
				t.Errorf("error = %v, want it to name the question", err)
			}
			_, statErr := os.Stat(filepath.Join(dir, lessons.ScoresFile))
			if saved := statErr == nil; saved != tt.wantSaved {
				t.Errorf("scores saved = %v, want %v", saved, tt.wantSaved)
			}
		})
	}
}

func answerLines(as []lessons.Answer) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.String() + "\n")
	}
	return b.String()
}

func TestQuizBadAnswersFlag(t *testing.T) {
	tests := []struct {
		name    string
		answers string
		want    string
	}{
		{"too few", "b,a", "--answers has 2 answers but quiz scaling has 5 questions; give one per question, e.g. --answers a,a,a,a,a"},
		{"too many", "b,a,b,b,b,a", "has 6 answers"},
		{"not a choice", "b,a,b,q,b", `--answers: question 4: "q" is not a choice`},
		{"empty entry", "b,a,,b,b", "--answers: question 3: no answer"},
		{"two on a single-choice question", "b,a+b,b,b,b", "question 2: \"a+b\": this question has one right choice"},
		{"empty flag", "", "has 1 answers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			opts, out := quizOpts(t, dir, "scaling", "")
			opts.Answers, opts.AnswersSet = tt.answers, true
			err := quizRun(opts)
			if exitCode(err) != cmdutil.ExitUsage {
				t.Fatalf("error = %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("asked questions despite bad --answers:\n%s", out)
			}
		})
	}
}

func TestQuizCorruptScoresFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, lessons.ScoresFile)
	if err := os.WriteFile(path, []byte(`{"version":1,"topics":`), 0o644); err != nil {
		t.Fatal(err)
	}
	opts, out := quizOpts(t, dir, "iac", "")
	opts.Answers, opts.AnswersSet = answerLine(keyOf(mustGet(t, "iac").Quiz)), true
	err := quizRun(opts)
	if exitCode(err) != cmdutil.ExitUsage {
		t.Fatalf("error = %v, want a usage error (exit 2)", err)
	}
	var corrupt *state.CorruptError
	if !errors.As(err, &corrupt) {
		t.Fatalf("error %v is not a *state.CorruptError", err)
	}
	backup := corrupt.Backup
	if !strings.HasPrefix(backup, path+".corrupt-") || !strings.Contains(err.Error(), backup) {
		t.Errorf("error %q does not name a backup beside %s", err, path)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Errorf("backup missing: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("quiz ran on a corrupt record:\n%s", out)
	}
	// The next run starts a fresh record.
	opts, _ = quizOpts(t, dir, "iac", "")
	opts.Answers, opts.AnswersSet = answerLine(keyOf(mustGet(t, "iac").Quiz)), true
	if err := quizRun(opts); err != nil {
		t.Fatalf("run after backup: %v", err)
	}
}

func mustGet(t *testing.T, id string) *lessons.Lesson {
	t.Helper()
	l, err := lessons.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestQuizColour(t *testing.T) {
	for _, colour := range []bool{false, true} {
		opts, out := quizOpts(t, t.TempDir(), "scaling", "")
		opts.IO.SetColorEnabled(colour)
		opts.Answers, opts.AnswersSet = answerLine(keyOf(mustGet(t, "scaling").Quiz)), true
		if err := quizRun(opts); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), "\x1b[32mCorrect.\x1b[0m"); got != colour {
			t.Errorf("colour %v: green verdict present = %v", colour, got)
		}
		if !colour && strings.Contains(out.String(), "\x1b") {
			t.Errorf("escape codes with colour off")
		}
	}
}

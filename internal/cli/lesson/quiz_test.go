package lesson

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
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
		wantSeed    uint64 // 0: any seed drawn for the attempt
		wantErr     bool
	}{
		{"iac", "iac", "", false, 0, false},
		{"iac --seed 7 --answers a,b+c,d", "iac", "a,b+c,d", true, 7, false},
		{"iac --seed 7 --answers=", "iac", "", true, 7, false},
		{"iac --seed 9", "iac", "", false, 9, false},
		{"iac --answers a,b+c,d", "iac", "a,b+c,d", true, 0, false},
		{"iac --seed x", "", "", false, 0, true},
		{"", "", "", false, 0, true},
		{"iac canary", "", "", false, 0, true},
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
			if tt.wantSeed != 0 && (got.Seed != tt.wantSeed || !got.SeedSet) {
				t.Errorf("seed = %d (set %v), want %d fixed", got.Seed, got.SeedSet, tt.wantSeed)
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var quizNow = time.Date(2025, 4, 2, 9, 30, 0, 0, time.UTC)

// quizSeed is the order the tests' quizzes are taken in.
const quizSeed = 42

func quizOpts(t *testing.T, dir, topic, input string) (*QuizOptions, *bytes.Buffer) {
	t.Helper()
	ios, in, out, _ := iostreams.Test()
	in.WriteString(input)
	return &QuizOptions{
		IO:       ios,
		StateDir: func() (string, error) { return dir, nil },
		Now:      func() time.Time { return quizNow },
		Topic:    topic,
		Seed:     quizSeed,
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

// shownTo is the quiz as the learner sees it under the tests' seed.
func shownTo(l *lessons.Lesson) lessons.Quiz { return orderFor(l.Quiz, quizSeed) }

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
			// Typed in, not --answers: a run with a fixed --seed is not recorded.
			opts, out := quizOpts(t, dir, l.ID, answerLines(keyOf(shownTo(l))))
			if err := quizRun(opts); err != nil {
				t.Fatalf("the key does not pass: %v\n%s", err, out)
			}
			n := len(l.Quiz.Questions)
			if got := strings.Count(out.String(), "✓ right"); got != n {
				t.Errorf("%d answers marked right, want %d", got, n)
			}
			if !strings.Contains(out.String(), fmt.Sprintf("Score: %d/%d (100%%)", n, n)) {
				t.Errorf("no full score:\n%s", out)
			}
			if !strings.Contains(out.String(), "passed") {
				t.Errorf("no pass verdict:\n%s", out)
			}

			opts, out = quizOpts(t, dir, l.ID, answerLines(wrongOf(shownTo(l))))
			err := quizRun(opts)
			if exitCode(err) != cmdutil.ExitFailed {
				t.Fatalf("wrong answers: error = %v, want exit 1", err)
			}
			if ee := err.(*cmdutil.ExitError); !ee.Silent {
				t.Errorf("a failed quiz should exit quietly; its report is printed already")
			}
			if got := strings.Count(out.String(), "✗ wrong"); got != n {
				t.Errorf("%d answers marked wrong, want %d", got, n)
			}
			if !strings.Contains(out.String(), fmt.Sprintf("Score: 0/%d (0%%), not passed yet", n)) {
				t.Errorf("no failing score:\n%s", out)
			}
			assertReview(t, out.String(), shownTo(l), wrongOf(shownTo(l)))

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
	key := keyOf(shownTo(l))
	// The key with the last two answers swapped for wrong ones: 3 of 5.
	twoWrong := append(append([]lessons.Answer{}, key[:3]...), wrongOf(shownTo(l))[3:]...)
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
			opts.SeedSet = true
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
	opts.Answers, opts.AnswersSet = answerLine(keyOf(shownTo(mustGet(t, "iac")))), true
	opts.SeedSet = true
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
	opts.Answers, opts.AnswersSet = answerLine(keyOf(shownTo(mustGet(t, "iac")))), true
	opts.SeedSet = true
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
		opts.Answers, opts.AnswersSet = answerLine(keyOf(shownTo(mustGet(t, "scaling")))), true
		opts.SeedSet = true
		if err := quizRun(opts); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), "\x1b[32m✓ right\x1b[0m"); got != colour {
			t.Errorf("colour %v: green verdict present = %v", colour, got)
		}
		if !colour && strings.Contains(out.String(), "\x1b") {
			t.Errorf("escape codes with colour off")
		}
	}
}

// assertReview checks the result screen goes over every question: the
// answer given, the right one where it differs, and the explanation.
func assertReview(t *testing.T, out string, quiz lessons.Quiz, given []lessons.Answer) {
	t.Helper()
	review := out[strings.Index(out, "\nScore: "):]
	for i, q := range quiz.Questions {
		block := review[strings.Index(review, fmt.Sprintf("\n%d. %s", i+1, q.Prompt)):]
		if next := strings.Index(block[1:], fmt.Sprintf("\n%d. ", i+2)); next >= 0 {
			block = block[:next+1]
		}
		wants := []string{"Your answer:  " + describe(q, given[i]), "Why: " + q.Explanation}
		if !q.IsCorrect(given[i]) {
			wants = append(wants, "Right answer: "+describe(q, q.Key()))
		}
		for _, want := range wants {
			if !strings.Contains(block, want) {
				t.Errorf("review of question %d lacks %q:\n%s", i+1, want, block)
			}
		}
	}
}

// TestQuizKeepsTheKeyUntilTheEnd answers wrongly and checks that nothing
// before the score says which choice was right.
func TestQuizKeepsTheKeyUntilTheEnd(t *testing.T) {
	l := mustGet(t, "scaling")
	opts, out := quizOpts(t, t.TempDir(), "scaling", answerLines(wrongOf(shownTo(l))))
	if err := quizRun(opts); exitCode(err) != cmdutil.ExitFailed {
		t.Fatalf("error = %v, want exit 1", err)
	}
	asked := out.String()[:strings.Index(out.String(), "\nScore: ")]
	for _, q := range shownTo(l).Questions {
		for _, tell := range []string{q.Explanation, "Right answer", "right", "wrong", "Correct", "Not quite"} {
			if strings.Contains(asked, tell) {
				t.Errorf("%q shown before the quiz ended:\n%s", tell, asked)
			}
		}
	}
	assertReview(t, out.String(), shownTo(l), wrongOf(shownTo(l)))
}

// TestQuizOrderFollowsTheSeed shows the same quiz under two seeds: the
// choices come in another order, the letters that are right change with them.
func TestQuizOrderFollowsTheSeed(t *testing.T) {
	l := mustGet(t, "containers")
	shown := func(seed uint64) string {
		opts, out := quizOpts(t, t.TempDir(), "containers", "")
		opts.Seed = seed
		opts.Answers, opts.AnswersSet = answerLine(keyOf(orderFor(l.Quiz, seed))), true
		opts.SeedSet = true
		if err := quizRun(opts); err != nil {
			t.Fatalf("seed %d: the key does not pass: %v\n%s", seed, err, out)
		}
		return out.String()[:strings.Index(out.String(), "\nScore: ")]
	}
	one, two := shown(1), shown(2)
	if one == two {
		t.Errorf("seeds 1 and 2 showed the same quiz:\n%s", one)
	}
	if again := shown(1); again != one {
		t.Errorf("seed 1 showed two orders")
	}
	if answerLine(keyOf(orderFor(l.Quiz, 1))) == answerLine(keyOf(orderFor(l.Quiz, 2))) {
		t.Errorf("the right letters do not change with the seed")
	}
}

// TestQuizRetakes takes a quiz three times as the command does, each with a
// seed of its own, and follows the record: every attempt counted, the best
// kept, the last one compared.
func TestQuizRetakes(t *testing.T) {
	dir := t.TempDir()
	l := mustGet(t, "scaling")
	var seeds []uint64
	take := func(answer func(lessons.Quiz) []lessons.Answer) string {
		t.Helper()
		ios, in, out, _ := iostreams.Test()
		var opts *QuizOptions
		cmd := NewCmdQuiz(&cmdutil.Factory{IOStreams: ios}, func(o *QuizOptions) error {
			opts = o
			in.WriteString(answerLines(answer(orderFor(l.Quiz, o.Seed))))
			return quizRun(o)
		})
		cmd.SetArgs([]string{"scaling"})
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		_ = cmd.Execute() // a failed quiz is an error; the output says how it went
		if opts == nil {
			t.Fatal("the command did not run")
		}
		seeds = append(seeds, opts.Seed)
		return out.String()
	}
	// The command reads the real state directory; point it at the test's.
	t.Setenv("DEVOPSCTL_HOME", dir)

	first := take(keyOf)
	second := take(wrongOf)
	third := take(func(q lessons.Quiz) []lessons.Answer {
		return append(keyOf(q)[:4:4], wrongOf(q)[4])
	})
	if !strings.Contains(first, "First attempt.") {
		t.Errorf("first attempt:\n%s", first)
	}
	if !strings.Contains(second, "Attempt 2. Last time: 100%. Best so far: 100%.") {
		t.Errorf("second attempt:\n%s", second)
	}
	if !strings.Contains(third, "Attempt 3. Last time: 0%. Best so far: 100%.") {
		t.Errorf("third attempt:\n%s", third)
	}
	if seeds[0] == seeds[1] || seeds[1] == seeds[2] {
		t.Errorf("a retake kept the order of the attempt before: seeds %v", seeds)
	}
	s, err := lessons.LoadScores(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Topics["scaling"]
	if got == nil || got.Attempts != 3 || got.Best.Percent != 100 || got.Last.Percent != 80 {
		t.Errorf("record = %+v, want 3 attempts, best 100, last 80", got)
	}
}

func TestQuizAnswersNeedASeed(t *testing.T) {
	opts, out := quizOpts(t, t.TempDir(), "scaling", "")
	opts.Answers, opts.AnswersSet = "a,a,a,a,a", true
	err := quizRun(opts)
	if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--answers needs --seed") {
		t.Fatalf("error = %v, want a usage error asking for --seed", err)
	}
	if out.Len() != 0 {
		t.Errorf("asked questions anyway:\n%s", out)
	}
}

// TestQuizFixedSeedNotRecorded: an order that can be replayed does not count.
func TestQuizFixedSeedNotRecorded(t *testing.T) {
	dir := t.TempDir()
	opts, out := quizOpts(t, dir, "scaling", "")
	opts.Answers, opts.AnswersSet = answerLine(keyOf(shownTo(mustGet(t, "scaling")))), true
	opts.SeedSet = true
	if err := quizRun(opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "not added to your scores") {
		t.Errorf("the run does not say it is not recorded:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, lessons.ScoresFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a fixed-seed run wrote the scores file (stat: %v)", err)
	}
}

// TestQuizResultGolden keeps the look of a whole quiz, asked and reviewed.
// Run with -update to rewrite it after an intended change.
func TestQuizResultGolden(t *testing.T) {
	l := mustGet(t, "scaling")
	key, wrong := keyOf(shownTo(l)), wrongOf(shownTo(l))
	opts, out := quizOpts(t, t.TempDir(), "scaling", answerLines([]lessons.Answer{key[0], wrong[1], key[2], key[3], wrong[4]}))
	if err := quizRun(opts); exitCode(err) != cmdutil.ExitFailed {
		t.Fatalf("error = %v, want exit 1", err)
	}
	file := filepath.Join("testdata", "quiz-scaling.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli/lesson -run TestQuizResultGolden -update to create it)", err)
	}
	if out.String() != string(want) {
		t.Errorf("quiz differs from %s (rerun with -update if intended)\n--- got ---\n%s--- want ---\n%s", file, out, want)
	}
}

package lessons

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var (
	single = Question{Prompt: "?", Choices: []string{"w", "x", "y", "z"}, Answer: AnswerKey{2}, Explanation: "e"}
	multi  = Question{Prompt: "?", Choices: []string{"w", "x", "y", "z"}, Answer: AnswerKey{3, 0}, Multi: true, Explanation: "e"}
)

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name    string
		q       Question
		in      string
		want    Answer
		wantErr string
	}{
		{"single letter", single, "c", Answer{2}, ""},
		{"upper case and spaces", single, "  C \n", Answer{2}, ""},
		{"single gets two", single, "a,b", nil, "has one right choice"},
		{"past the last choice", single, "e", nil, `"e" is not a choice; type a letter from a to d`},
		{"not a letter", single, "1", nil, "is not a choice"},
		{"word", single, "abc", nil, "is not a choice"},
		{"empty", single, "", nil, "type one letter from a to d"},
		{"multi with commas", multi, "d,a", Answer{0, 3}, ""},
		{"multi with plus", multi, "a+d", Answer{0, 3}, ""},
		{"multi with spaces and repeats", multi, "a d a", Answer{0, 3}, ""},
		{"multi one letter", multi, "b", Answer{1}, ""},
		{"multi empty", multi, " ", nil, "every right choice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAnswer(tt.q, tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseAnswer(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("ParseAnswer(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	quizOf := func(n int, pass int) Quiz {
		q := Quiz{PassPercent: pass}
		for range n {
			q.Questions = append(q.Questions, single)
		}
		return q
	}
	right, wrong := Answer{2}, Answer{0}
	answers := func(nRight, nWrong int) []Answer {
		var a []Answer
		for range nRight {
			a = append(a, right)
		}
		for range nWrong {
			a = append(a, wrong)
		}
		return a
	}
	tests := []struct {
		name        string
		quiz        Quiz
		answers     []Answer
		wantCorrect int
		wantPercent int
		wantPassed  bool
	}{
		{"all right", quizOf(5, 0), answers(5, 0), 5, 100, true},
		{"all wrong", quizOf(5, 0), answers(0, 5), 0, 0, false},
		{"exactly the default mark", quizOf(10, 0), answers(7, 3), 7, 70, true},
		{"just under the default mark", quizOf(10, 0), answers(6, 4), 6, 60, false},
		// 4/6 is 66.7%: rounding must not lift it over 70.
		{"two thirds fails", quizOf(6, 0), answers(4, 2), 4, 66, false},
		{"five sixths passes", quizOf(6, 0), answers(5, 1), 5, 83, true},
		{"own pass mark", quizOf(4, 50), answers(2, 2), 2, 50, true},
		{"missing answers count as wrong", quizOf(4, 0), answers(3, 0), 3, 75, true},
		{"no answers", quizOf(4, 0), nil, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Grade(tt.quiz, tt.answers)
			if r.Correct != tt.wantCorrect || r.Percent != tt.wantPercent || r.Passed != tt.wantPassed || r.Total != len(tt.quiz.Questions) {
				t.Errorf("Grade = %d/%d %d%% passed=%v; want %d correct %d%% passed=%v",
					r.Correct, r.Total, r.Percent, r.Passed, tt.wantCorrect, tt.wantPercent, tt.wantPassed)
			}
			if len(r.Questions) != len(tt.quiz.Questions) {
				t.Errorf("got %d question results, want %d", len(r.Questions), len(tt.quiz.Questions))
			}
		})
	}
}

func TestGradeMulti(t *testing.T) {
	tests := []struct {
		name  string
		given Answer
		want  bool
	}{
		{"exact", Answer{0, 3}, true},
		{"exact in another order", Answer{3, 0}, true},
		{"only part", Answer{0}, false},
		{"one too many", Answer{0, 1, 3}, false},
		{"nothing", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Grade(Quiz{Questions: []Question{multi}}, []Answer{tt.given})
			if r.Questions[0].Correct != tt.want {
				t.Errorf("%v graded %v, want %v", tt.given, r.Questions[0].Correct, tt.want)
			}
			if got := r.Questions[0].Key.String(); got != "a+d" {
				t.Errorf("key = %s, want a+d", got)
			}
			if r.Questions[0].Explanation != "e" {
				t.Errorf("explanation not carried over")
			}
		})
	}
}

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// TestShuffleKeepsTheKey shuffles every shipped quiz and checks each answer
// key still names the same choice texts, and that the original is untouched.
func TestShuffleKeepsTheKey(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		before := fmt.Sprint(l.Quiz)
		for seed := range uint64(5) {
			s := l.Quiz.Shuffle(seeded(seed))
			if len(s.Questions) != len(l.Quiz.Questions) || s.PassPercent != l.Quiz.PassPercent {
				t.Fatalf("%s: shuffle changed the quiz's shape", l.ID)
			}
			for i, q := range s.Questions {
				orig := l.Quiz.Questions[i]
				if q.Prompt != orig.Prompt || q.Explanation != orig.Explanation || q.Multi != orig.Multi {
					t.Errorf("%s question %d: shuffle changed more than the choices", l.ID, i+1)
				}
				if !slices.Equal(slices.Sorted(slices.Values(q.Choices)), slices.Sorted(slices.Values(orig.Choices))) {
					t.Errorf("%s question %d: choices %q are not a reordering of %q", l.ID, i+1, q.Choices, orig.Choices)
				}
				if !slices.Equal(choiceTexts(q, q.Key()), choiceTexts(orig, orig.Key())) {
					t.Errorf("%s question %d, seed %d: key names %q, want %q", l.ID, i+1, seed, choiceTexts(q, q.Key()), choiceTexts(orig, orig.Key()))
				}
			}
		}
		if fmt.Sprint(l.Quiz) != before {
			t.Errorf("%s: Shuffle changed the lesson's own quiz", l.ID)
		}
	}
}

func choiceTexts(q Question, a Answer) []string {
	var out []string
	for _, i := range a {
		out = append(out, q.Choices[i])
	}
	slices.Sort(out)
	return out
}

func TestShuffleFollowsTheSeed(t *testing.T) {
	l, err := Get("containers")
	if err != nil {
		t.Fatal(err)
	}
	orders := func(seed uint64) string {
		var b strings.Builder
		for _, q := range l.Quiz.Shuffle(seeded(seed)).Questions {
			fmt.Fprintln(&b, q.Choices)
		}
		return b.String()
	}
	if orders(1) != orders(1) {
		t.Error("one seed gave two orders")
	}
	if orders(1) == orders(2) {
		t.Errorf("seeds 1 and 2 gave the same order:\n%s", orders(1))
	}
	keyLetters := func(seed uint64) string {
		var parts []string
		for _, q := range l.Quiz.Shuffle(seeded(seed)).Questions {
			parts = append(parts, q.Key().String())
		}
		return strings.Join(parts, ",")
	}
	if keyLetters(1) == keyLetters(2) {
		t.Errorf("the right letters are the same under two seeds: %s", keyLetters(1))
	}
}

package checks

import (
	"path/filepath"
	"strings"
	"testing"
)

const answersWith = `
file: answers.yaml
questions:
  - id: needs-2n
    question: Which strategy needs 2N instances?
    accept: [blue-green]
    nudge: Which one starts a whole second copy?
  - id: mixed-versions
    question: Which strategy serves two versions at once?
    accept: [rolling, rolling update]
    nudge: Which one replaces a few instances at a time?
  - id: peak-pods
    question: 10 replicas, maxSurge 3, maxUnavailable 2. Most pods at once?
    accept: ["13", thirteen]
    nudge: Surge is counted on top of the replicas.
`

func TestAnswers(t *testing.T) {
	tests := []struct {
		workspace string
		reason    string // "" passes
		message   []string
		evidence  []string
	}{
		{"right", "", []string{"all 3 answers in answers.yaml are right"}, nil},
		{"wrong", "wrong-answer", []string{"2 of 3 answers in answers.yaml are not right yet: needs-2n, peak-pods"},
			[]string{`needs-2n: "rolling" is not it. Which strategy needs 2N instances? Which one starts a whole second copy?`,
				`peak-pods: "12" is not it.`}},
		{"blank", "unanswered", []string{"2 of 3 questions in answers.yaml have no answer yet: mixed-versions, peak-pods"},
			[]string{"mixed-versions: no answer yet. Which strategy serves two versions at once?"}},
		{"empty", "unanswered", []string{"3 of 3 questions"}, nil},
		{"badyaml", "parse-error", []string{"answers.yaml:"}, nil},
		{"list", "parse-error", []string{"answers.yaml:2: the answer to needs-2n should be a single word"}, nil},
		{"missing", "missing", []string{"answers.yaml not found"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.workspace, func(t *testing.T) {
			r := runKindAt(t, answersKind, answersWith, filepath.Join("testdata", "answers", tt.workspace))
			if tt.reason == "" {
				wantStatus(t, r, Pass, "")
			} else {
				wantStatus(t, r, Fail, tt.reason)
				if r.Hint == "" {
					t.Errorf("no hint")
				}
			}
			for _, m := range tt.message {
				if !strings.Contains(r.Message, m) {
					t.Errorf("message %q lacks %q", r.Message, m)
				}
			}
			all := strings.Join(r.Evidence, "\n")
			for _, m := range tt.evidence {
				if !strings.Contains(all, m) {
					t.Errorf("evidence %q lacks %q", all, m)
				}
			}
		})
	}
}

// A wrong answer is named and nudged, but the accepted answers never appear.
func TestAnswersNeverRevealTheAnswer(t *testing.T) {
	r := runKindAt(t, answersKind, answersWith, filepath.Join("testdata", "answers", "wrong"))
	text := strings.ToLower(r.Message + "\n" + r.Hint + "\n" + strings.Join(r.Evidence, "\n"))
	for _, secret := range []string{"blue-green", "bluegreen", "13", "thirteen"} {
		if strings.Contains(text, secret) {
			t.Errorf("the report reveals %q:\n%s", secret, text)
		}
	}
}

func TestNormalizeAnswer(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Blue/Green", "bluegreen"},
		{" blue - green ", "bluegreen"},
		{"ROLLING update.", "rollingupdate"},
		{"13", "13"},
		{"--", ""},
	}
	for _, tt := range tests {
		if got := normalizeAnswer(tt.in); got != tt.want {
			t.Errorf("normalizeAnswer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAnswersParams(t *testing.T) {
	tests := []struct{ name, with, want string }{
		{"no file", `{questions: [{id: a, question: q, accept: [x]}]}`, "path is required"},
		{"no questions", `{file: a.yaml}`, "list at least one"},
		{"no id", `{file: a.yaml, questions: [{question: q, accept: [x]}]}`, "question 1 has no id"},
		{"duplicate id", `{file: a.yaml, questions: [{id: a, question: q, accept: [x]}, {id: a, question: q, accept: [y]}]}`, `"a" is used twice`},
		{"no question text", `{file: a.yaml, questions: [{id: a, accept: [x]}]}`, "no question text"},
		{"nothing accepted", `{file: a.yaml, questions: [{id: a, question: q}]}`, "accepts no answer"},
		{"blank accepted answer", `{file: a.yaml, questions: [{id: a, question: q, accept: ["--"]}]}`, "no letters or digits"},
		{"unknown field", `{file: a.yaml, questions: [{id: a, question: q, accept: [x], answer: x}]}`, "answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := answersKind.New(withNode(t, tt.with))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

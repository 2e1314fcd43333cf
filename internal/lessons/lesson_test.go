package lessons

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const goodMD = "# Good\n\nText. Practise with `devopsctl lab start alpha`.\n"

const goodYAML = `id: good
title: Good
summary: A lesson that loads.
order: 1
labs: [alpha]
quiz:
  questions:
    - question: Pick b.
      choices: [one, two]
      answer: b
      explanation: Because.
    - question: Pick a and c.
      multi: true
      choices: [one, two, three]
      answer: [a, c]
      explanation: Because.
`

func fsWith(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, body := range files {
		m["content/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

func TestLoadGood(t *testing.T) {
	ls, err := Load(fsWith(map[string]string{"good.md": goodMD, "good.yaml": goodYAML}), "content")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 {
		t.Fatalf("got %d lessons, want 1", len(ls))
	}
	l := ls[0]
	if l.ID != "good" || l.Markdown != goodMD || l.File != "content/good.yaml" {
		t.Errorf("loaded %+v", l)
	}
	q := l.Quiz.Questions
	if q[0].Line != 8 || q[1].Line != 12 {
		t.Errorf("question lines = %d, %d; want 8, 12", q[0].Line, q[1].Line)
	}
	if got := q[1].Key().String(); got != "a+c" {
		t.Errorf("multi key = %s, want a+c", got)
	}
	if l.Quiz.Pass() != DefaultPassPercent {
		t.Errorf("pass mark = %d, want the default %d", l.Quiz.Pass(), DefaultPassPercent)
	}
}

func TestLoadRejects(t *testing.T) {
	edit := func(old, new string) string { return strings.Replace(goodYAML, old, new, 1) }
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"answer past the choices", map[string]string{"good.md": goodMD, "good.yaml": edit("answer: b", "answer: d")},
			"content/good.yaml:8: question 1: answer d points past the last choice b"},
		{"answer not a letter", map[string]string{"good.md": goodMD, "good.yaml": edit("answer: b", "answer: 2")},
			`answer "2" is not a single letter`},
		{"two answers on a single-choice question", map[string]string{"good.md": goodMD, "good.yaml": edit("answer: b", "answer: [a, b]")},
			"question 1: has 2 answers; set multi: true"},
		{"no explanation", map[string]string{"good.md": goodMD, "good.yaml": edit("      explanation: Because.\n    - question: Pick a", "    - question: Pick a")},
			"question 1: the explanation is empty"},
		{"one choice", map[string]string{"good.md": goodMD, "good.yaml": edit("choices: [one, two]\n", "choices: [one]\n")},
			"question 1: has 1 choices"},
		{"id differs from the file name", map[string]string{"good.md": goodMD, "good.yaml": edit("id: good", "id: other")},
			`id "other" does not match the file name`},
		{"text missing", map[string]string{"good.yaml": goodYAML},
			"the lesson text good.md is missing"},
		{"metadata missing", map[string]string{"good.md": goodMD, "good.yaml": goodYAML, "orphan.md": "# x\n"},
			"content/orphan.md: no orphan.yaml beside it"},
		{"unknown field", map[string]string{"good.md": goodMD, "good.yaml": edit("order: 1", "order: 1\ncolour: red")},
			"field colour not found"},
		{"lab listed but never mentioned", map[string]string{"good.md": "# Good\n", "good.yaml": goodYAML},
			"lab \"alpha\" is listed but the text never says"},
		{"lab mentioned but not listed", map[string]string{"good.md": goodMD + "And `devopsctl lab start beta`.\n", "good.yaml": goodYAML},
			"the text points to lab \"beta\"; add it to labs:"},
		{"link to a missing lesson", map[string]string{"good.md": goodMD + "See `devopsctl lesson nope`.\n", "good.yaml": goodYAML},
			"the text points to lesson \"nope\""},
		{"duplicate order", map[string]string{"good.md": goodMD, "good.yaml": goodYAML,
			"twin.md": goodMD, "twin.yaml": edit("id: good", "id: twin")},
			"order 1 is already used by"},
		{"no questions", map[string]string{"good.md": goodMD, "good.yaml": strings.SplitAfter(goodYAML, "quiz:\n")[0] + "  questions: []\n"},
			"the quiz has no questions"},
		{"pass mark out of range", map[string]string{"good.md": goodMD, "good.yaml": edit("quiz:\n", "quiz:\n  pass_percent: 120\n")},
			"pass_percent 120 must be between 1 and 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fsWith(tt.files), "content")
			if err == nil {
				t.Fatalf("loaded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestGetUnknownNamesKnownLessons(t *testing.T) {
	_, err := Get("cicd")
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("Get(cicd) error = %v, want a *NotFoundError", err)
	}
	msg := err.Error()
	for _, want := range []string{`unknown lesson "cicd"`, "ci-cd", "containers", "devopsctl lesson list"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	l, err := Get("ci-cd")
	if err != nil || l.ID != "ci-cd" {
		t.Errorf("Get(ci-cd) = %v, %v", l, err)
	}
}

func TestCheckLabs(t *testing.T) {
	ls := []*Lesson{{ID: "a", File: "a.yaml", Labs: []string{"x", "y"}}}
	errs := CheckLabs(ls, []string{"x"})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `a.yaml: lab "y" does not exist`) {
		t.Errorf("CheckLabs = %v", errs)
	}
	if errs := CheckLabs(ls, []string{"x", "y"}); len(errs) != 0 {
		t.Errorf("CheckLabs with both known = %v", errs)
	}
}

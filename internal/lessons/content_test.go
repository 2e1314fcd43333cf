package lessons

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	labcontent "github.com/devopsctl/devopsctl/labs"
	"gopkg.in/yaml.v3"
)

// shippedLabs lists the lab folders that hold a lab.yaml.
func shippedLabs(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(labcontent.FS, ".")
	if err != nil {
		t.Fatalf("read embedded labs: %v", err)
	}
	var ids []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(labcontent.FS, path.Join(e.Name(), "lab.yaml")); err == nil {
			ids = append(ids, e.Name())
		}
	}
	return ids
}

func TestContentLoadsAndValidates(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatalf("shipped lessons do not load:\n%v", err)
	}
	// Every concept the course promises must have its lesson.
	want := []string{"devops", "ci-cd", "containers", "dockerfiles", "microservices",
		"deployments", "canary", "iac", "monitoring", "scaling"}
	var got []string
	for _, l := range all {
		got = append(got, l.ID)
	}
	for _, id := range want {
		if !slices.Contains(got, id) {
			t.Errorf("lesson %q is missing; have %v", id, got)
		}
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Order >= all[i].Order {
			t.Errorf("lessons not sorted by order: %s (%d) before %s (%d)", all[i-1].ID, all[i-1].Order, all[i].ID, all[i].Order)
		}
	}
}

func TestContentShape(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		t.Run(l.ID, func(t *testing.T) {
			// Short enough to read in one sitting, long enough to teach.
			if n := strings.Count(l.Markdown, "\n"); n < 60 || n > 150 {
				t.Errorf("%s.md has %d lines; keep a lesson between 60 and 150", l.ID, n)
			}
			if n := len(l.Quiz.Questions); n < 4 || n > 6 {
				t.Errorf("quiz has %d questions; keep it between 4 and 6", n)
			}
			if !strings.Contains(l.Markdown, "devopsctl lesson quiz "+l.ID) {
				t.Errorf("%s.md does not point to its own quiz (`devopsctl lesson quiz %s`)", l.ID, l.ID)
			}
			if len(l.Labs) == 0 {
				t.Errorf("%s links no lab to practise it", l.ID)
			}
		})
	}
}

func TestContentRenders(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		t.Run(l.ID, func(t *testing.T) {
			plain, err := Render(l, 80, false)
			if err != nil {
				t.Fatalf("plain render: %v", err)
			}
			if strings.Contains(plain, "\x1b") {
				t.Errorf("plain render carries escape codes")
			}
			if !strings.Contains(plain, l.Title) {
				t.Errorf("plain render lacks the title %q", l.Title)
			}
			for i, line := range strings.Split(plain, "\n") {
				if w := len([]rune(line)); w > 80 {
					t.Errorf("plain line %d is %d runes wide, wrap is 80: %q", i+1, w, line)
				}
			}
			colour, err := Render(l, 80, true)
			if err != nil {
				t.Fatalf("colour render: %v", err)
			}
			if !strings.Contains(colour, "\x1b[") {
				t.Errorf("colour render carries no escape codes")
			}
		})
	}
}

// Labs link back to lessons in their lab.yaml; those links must land too.
func TestLabsLinkToExistingLessons(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, lab := range shippedLabs(t) {
		file := path.Join(lab, "lab.yaml")
		raw, err := fs.ReadFile(labcontent.FS, file)
		if err != nil {
			t.Fatal(err)
		}
		var spec struct {
			Lessons []string `yaml:"lessons"`
		}
		if err := yaml.Unmarshal(raw, &spec); err != nil {
			t.Errorf("labs/%s: %v", file, err)
			continue
		}
		for _, id := range spec.Lessons {
			if !slices.ContainsFunc(all, func(l *Lesson) bool { return l.ID == id }) {
				t.Errorf("labs/%s links lesson %q, which does not exist", file, id)
			}
		}
	}
}

func TestContentLabsExist(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range CheckLabs(all, shippedLabs(t)) {
		t.Error(err)
	}
}

// wrongAnswers picks a wrong answer for every question: the next choice for
// a single-choice question, the key less one pick (or plus one) for a multi.
func wrongAnswers(q Quiz) []Answer {
	out := make([]Answer, len(q.Questions))
	for i, qu := range q.Questions {
		key := qu.Key()
		switch {
		case !qu.Multi:
			out[i] = Answer{(key[0] + 1) % len(qu.Choices)}
		case len(key) > 1:
			out[i] = key[:len(key)-1]
		default:
			out[i] = Answer{(key[0] + 1) % len(qu.Choices), key[0]}
		}
	}
	return out
}

func keyAnswers(q Quiz) []Answer {
	out := make([]Answer, len(q.Questions))
	for i, qu := range q.Questions {
		out[i] = qu.Key()
	}
	return out
}

func TestEveryQuizCanBePassedAndFailed(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		t.Run(l.ID, func(t *testing.T) {
			pass := Grade(l.Quiz, keyAnswers(l.Quiz))
			if !pass.Passed || pass.Correct != pass.Total || pass.Percent != 100 {
				t.Errorf("the answer key does not pass: %+v", pass)
			}
			fail := Grade(l.Quiz, wrongAnswers(l.Quiz))
			if fail.Passed || fail.Correct != 0 {
				t.Errorf("all-wrong answers do not fail: %+v", fail)
			}
			for i, qr := range fail.Questions {
				if qr.Explanation == "" {
					t.Errorf("question %d has no explanation to show", i+1)
				}
			}
		})
	}
}

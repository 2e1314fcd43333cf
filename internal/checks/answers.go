package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"io"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Reasons an answers check fails with, besides the shared ones.
const (
	ReasonWrongAnswer Reason = "wrong-answer"
	ReasonUnanswered  Reason = "unanswered"
)

var answersKind = Kind{
	Name:        "answers",
	Summary:     "the learner's answers file (question id: answer) holds the expected answers; wrong ones get a nudge, never the answer",
	NeedsEngine: false,
	Reasons:     append([]Reason{ReasonMissing, ReasonParseError, ReasonWrongAnswer, ReasonUnanswered}, readReasons...),
	New:         newAnswers,
}

type answersParams struct {
	File      string           `yaml:"file"`
	Questions []questionParams `yaml:"questions"`
}

// questionParams is one question: Accept lists every answer counted as right
// (compared ignoring case, spaces and punctuation); Nudge points a learner
// with a wrong answer in the right direction without giving it away.
type questionParams struct {
	ID       string   `yaml:"id"`
	Question string   `yaml:"question"`
	Accept   []string `yaml:"accept"`
	Nudge    string   `yaml:"nudge"`
}

type answers struct {
	rel       string
	questions []questionParams
}

func newAnswers(params *yaml.Node) (Check, error) {
	var p answersParams
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	rel, err := workspaceParam(p.File)
	if err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	if len(p.Questions) == 0 {
		return nil, errors.New("questions: list at least one {id, question, accept, nudge}")
	}
	seen := map[string]bool{}
	for i, q := range p.Questions {
		switch {
		case q.ID == "":
			return nil, fmt.Errorf("question %d has no id", i+1)
		case seen[q.ID]:
			return nil, fmt.Errorf("question id %q is used twice", q.ID)
		case q.Question == "":
			return nil, fmt.Errorf("question %s has no question text", q.ID)
		case len(q.Accept) == 0:
			return nil, fmt.Errorf("question %s accepts no answer; list them under accept", q.ID)
		}
		for _, a := range q.Accept {
			if normalizeAnswer(a) == "" {
				return nil, fmt.Errorf("question %s: accepted answer %q has no letters or digits", q.ID, a)
			}
		}
		seen[q.ID] = true
	}
	return &answers{rel: rel, questions: p.Questions}, nil
}

func (c *answers) Run(_ context.Context, env *Env) Result {
	_, res, ok := learnerFile(env, "answers", c.rel)
	if !ok {
		return res
	}
	data, err := readLearnerFile(env.Dir, c.rel)
	if r, ok := unreadableLearnerFile(c.rel, err); ok {
		return r
	}
	if err != nil {
		return Errorf("answers: read %s: %v", c.rel, err)
	}
	given, perr := readAnswers(data)
	if perr != nil {
		return Failf(ReasonParseError, "%s:%s", c.rel, perr.Error()).
			WithHint("Each line is `question-id: your answer`, with a space after the colon; put an answer with a colon or # in quotes.")
	}
	var wrong, unanswered []string
	var evidence []string
	for _, q := range c.questions {
		a, ok := given[q.ID]
		switch {
		case !ok || normalizeAnswer(a) == "":
			unanswered = append(unanswered, q.ID)
			evidence = append(evidence, fmt.Sprintf("%s: no answer yet. %s", q.ID, q.Question))
		case !accepted(q, a):
			wrong = append(wrong, q.ID)
			evidence = append(evidence, fmt.Sprintf("%s: %q is not it. %s %s", q.ID, a, q.Question, q.Nudge))
		}
	}
	n := len(c.questions)
	switch {
	case len(wrong) > 0:
		r := Failf(ReasonWrongAnswer, "%d of %s in %s %s not right yet: %s", len(wrong), plural.N(n, "answer"), c.rel, plural.Be(len(wrong)), strings.Join(wrong, ", ")).WithEvidence(evidence...)
		return r.WithHint(c.nudge(wrong[0]))
	case len(unanswered) > 0:
		return Failf(ReasonUnanswered, "%d of %s in %s %s no answer yet: %s", len(unanswered), plural.N(n, "question"), c.rel, hasHave(len(unanswered)), strings.Join(unanswered, ", ")).
			WithEvidence(evidence...).
			WithHint(fmt.Sprintf("Write your answer after the colon, e.g. `%s: your answer`, and save the file.", unanswered[0]))
	}
	return Passf("%s in %s %s right", plural.All(n, "answer"), c.rel, plural.Be(n))
}

func (c *answers) nudge(id string) string {
	for _, q := range c.questions {
		if q.ID == id && q.Nudge != "" {
			return q.Nudge
		}
	}
	return "Read the question again and the part of the README it is about."
}

// readAnswers reads `id: answer` lines. Errors start with the line number.
func readAnswers(data []byte) (map[string]string, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return map[string]string{}, nil
		}
		return nil, yamlProblem(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return map[string]string{}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%d: expected lines of `question-id: answer`", root.Line)
	}
	out := map[string]string{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%d: the answer to %s should be a single word, name or number, not a list or a block", v.Line, k.Value)
		}
		if v.Tag == "!!null" {
			continue
		}
		out[k.Value] = strings.TrimSpace(v.Value)
	}
	return out, nil
}

func accepted(q questionParams, answer string) bool {
	got := normalizeAnswer(answer)
	for _, a := range q.Accept {
		if normalizeAnswer(a) == got {
			return true
		}
	}
	return false
}

// normalizeAnswer keeps letters and digits, lower-cased, so that
// "Blue/Green", "blue-green" and "bluegreen" are one answer.
func normalizeAnswer(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

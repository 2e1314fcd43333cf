package lessons

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Answer is the set of choice indexes a learner picked for one question.
type Answer []int

// ParseAnswer reads what a learner typed for q: one letter, or for a multi
// question several letters separated by commas, spaces or plus signs
// ("a,c", "a c", "a+c"). The error says what is accepted.
func ParseAnswer(q Question, s string) (Answer, error) {
	last := Letter(len(q.Choices) - 1)
	fields := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool {
		return r == ',' || r == '+' || r == ' ' || r == '\t'
	})
	if len(fields) == 0 {
		if q.Multi {
			return nil, fmt.Errorf("no answer: type the letters of every right choice, e.g. a,%s", last)
		}
		return nil, fmt.Errorf("no answer: type one letter from a to %s", last)
	}
	if !q.Multi && len(fields) > 1 {
		return nil, fmt.Errorf("%q: this question has one right choice; type one letter from a to %s", s, last)
	}
	var a Answer
	for _, f := range fields {
		i, ok := letterIndex(f)
		if !ok || i >= len(q.Choices) {
			return nil, fmt.Errorf("%q is not a choice; type a letter from a to %s", f, last)
		}
		if !slices.Contains(a, i) {
			a = append(a, i)
		}
	}
	slices.Sort(a)
	return a, nil
}

// String writes the answer the way it is typed: "b" or "a+c".
func (a Answer) String() string {
	parts := make([]string, len(a))
	for i, c := range a {
		parts[i] = Letter(c)
	}
	return strings.Join(parts, "+")
}

// Key is the question's right answer, sorted.
func (q Question) Key() Answer { return Answer(slices.Sorted(slices.Values(q.Answer))) }

// IsCorrect reports whether a picks exactly the right choices.
func (q Question) IsCorrect(a Answer) bool {
	return slices.Equal(Answer(slices.Sorted(slices.Values(a))), q.Key())
}

// QuestionResult is how one answer fared.
type QuestionResult struct {
	Correct     bool
	Given       Answer
	Key         Answer
	Explanation string
}

// Result is a graded quiz.
type Result struct {
	Correct     int
	Total       int
	Percent     int
	PassPercent int
	Passed      bool
	Questions   []QuestionResult
}

// Grade marks answers against the quiz's key, in question order. A question
// with no answer counts as wrong; a multi question is right only when exactly
// the right choices are picked, since partly right is not yet understood.
func Grade(q Quiz, answers []Answer) Result {
	r := Result{Total: len(q.Questions), PassPercent: q.Pass()}
	for i, qu := range q.Questions {
		var given Answer
		if i < len(answers) {
			given = Answer(slices.Sorted(slices.Values(answers[i])))
		}
		ok := qu.IsCorrect(given)
		if ok {
			r.Correct++
		}
		r.Questions = append(r.Questions, QuestionResult{Correct: ok, Given: given, Key: qu.Key(), Explanation: qu.Explanation})
	}
	if r.Total > 0 {
		r.Percent = r.Correct * 100 / r.Total
	}
	r.Passed = r.Total > 0 && r.Correct*100 >= r.PassPercent*r.Total
	return r
}

// Shuffle returns a copy of q in which every question offers its choices in
// an order drawn from r, its answer key following its choices; q is left as
// it is. Questions keep their order, since a lesson's quiz builds up. Letters
// typed against the copy are graded against the copy.
func (q Quiz) Shuffle(r *rand.Rand) Quiz {
	out := Quiz{PassPercent: q.PassPercent, Questions: make([]Question, len(q.Questions))}
	for i, qu := range q.Questions {
		order := r.Perm(len(qu.Choices)) // new position -> old index
		moved := make([]int, len(order)) // old index -> new position
		choices := make([]string, len(order))
		for to, from := range order {
			choices[to] = qu.Choices[from]
			moved[from] = to
		}
		key := make(AnswerKey, len(qu.Answer))
		for j, a := range qu.Answer {
			key[j] = moved[a]
		}
		qu.Choices, qu.Answer = choices, key
		out.Questions[i] = qu
	}
	return out
}

// Package lessons holds devopsctl's concept lessons: short markdown texts, each
// with a quiz. It loads them from the embedded content folder, validates them,
// renders them for a terminal, grades quiz answers and keeps quiz scores.
package lessons

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// content holds one <id>.md (the lesson text) and one <id>.yaml (its metadata
// and quiz) per lesson. Keeping the quiz beside the text, not inside it, lets
// the markdown stay plain markdown that any viewer can show.
//
//go:embed content/*.md content/*.yaml
var content embed.FS

// Lesson is one concept lesson.
type Lesson struct {
	ID      string   `yaml:"id"`
	Title   string   `yaml:"title"`
	Summary string   `yaml:"summary"`
	Order   int      `yaml:"order"`
	Labs    []string `yaml:"labs"`
	Quiz    Quiz     `yaml:"quiz"`

	// Markdown is the lesson text; File is the metadata file named in messages.
	Markdown string `yaml:"-"`
	File     string `yaml:"-"`
}

// DefaultPassPercent is the pass mark of a quiz that does not set its own.
const DefaultPassPercent = 70

// Quiz is a lesson's set of questions.
type Quiz struct {
	// PassPercent is the share of correct answers needed to pass, 1 to 100.
	PassPercent int        `yaml:"pass_percent"`
	Questions   []Question `yaml:"questions"`
}

// Question is one quiz question. Multi questions want every correct choice
// and nothing else; the others have exactly one correct choice.
type Question struct {
	Prompt      string    `yaml:"question"`
	Choices     []string  `yaml:"choices"`
	Answer      AnswerKey `yaml:"answer"`
	Multi       bool      `yaml:"multi"`
	Explanation string    `yaml:"explanation"`
	Line        int       `yaml:"-"`
}

// AnswerKey is a set of choice indexes (0 for a). In YAML it is written as
// letters: `answer: b` or `answer: [a, c]`.
type AnswerKey []int

func (k *AnswerKey) UnmarshalYAML(n *yaml.Node) error {
	var letters []string
	switch n.Kind {
	case yaml.ScalarNode:
		letters = []string{n.Value}
	case yaml.SequenceNode:
		if err := n.Decode(&letters); err != nil {
			return fmt.Errorf("line %d: answer: %w", n.Line, err)
		}
	default:
		return fmt.Errorf("line %d: answer must be a letter (b) or a list of letters ([a, c])", n.Line)
	}
	key := make(AnswerKey, 0, len(letters))
	for _, l := range letters {
		i, ok := letterIndex(strings.TrimSpace(l))
		if !ok {
			return fmt.Errorf("line %d: answer %q is not a single letter a-z", n.Line, l)
		}
		key = append(key, i)
	}
	*k = key
	return nil
}

// Letter names a choice index the way the learner types it.
func Letter(i int) string { return string(rune('a' + i)) }

func letterIndex(s string) (int, bool) {
	if len(s) != 1 {
		return 0, false
	}
	c := s[0] | 0x20 // lower case
	if c < 'a' || c > 'z' {
		return 0, false
	}
	return int(c - 'a'), true
}

// Pass is the quiz's pass mark in percent.
func (q Quiz) Pass() int {
	if q.PassPercent == 0 {
		return DefaultPassPercent
	}
	return q.PassPercent
}

var (
	loadOnce   sync.Once
	loaded     []*Lesson
	errLoading error
)

// All returns the shipped lessons in teaching order. The content is embedded,
// so an error here means a broken build; it is still returned, not panicked on.
func All() ([]*Lesson, error) {
	loadOnce.Do(func() { loaded, errLoading = Load(content, "content") })
	return loaded, errLoading
}

// NotFoundError is an unknown lesson id; it carries the ids that do exist.
type NotFoundError struct {
	ID    string
	Known []string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("unknown lesson %q; try one of: %s; see devopsctl lesson list",
		e.ID, strings.Join(e.Known, ", "))
}

// Get returns the shipped lesson with the given id.
func Get(id string) (*Lesson, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		if l.ID == id {
			return l, nil
		}
	}
	known := make([]string, len(all))
	for i, l := range all {
		known[i] = l.ID
	}
	return nil, &NotFoundError{ID: id, Known: known}
}

// Load reads every <id>.yaml and its <id>.md from dir in fsys, validates each
// lesson and returns them sorted by order. Every problem found is reported,
// not just the first, so a content author fixes them in one pass.
func Load(fsys fs.FS, dir string) ([]*Lesson, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read lessons folder %s: %w", dir, err)
	}
	var (
		lessons  []*Lesson
		errs     []error
		mdSeen   = map[string]bool{}
		yamlSeen = map[string]bool{}
	)
	for _, e := range entries {
		name := e.Name()
		switch path.Ext(name) {
		case ".md":
			mdSeen[strings.TrimSuffix(name, ".md")] = true
		case ".yaml":
			yamlSeen[strings.TrimSuffix(name, ".yaml")] = true
			l, err := loadOne(fsys, dir, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			lessons = append(lessons, l)
		}
	}
	for stem := range mdSeen {
		if yamlSeen[stem] {
			continue
		}
		errs = append(errs, fmt.Errorf("%s: no %s.yaml beside it: add one with id, title, summary, order, labs and quiz",
			path.Join(dir, stem+".md"), stem))
	}
	if len(errs) == 0 {
		errs = append(errs, Validate(lessons)...)
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(errs...)
	}
	slices.SortStableFunc(lessons, func(a, b *Lesson) int { return a.Order - b.Order })
	return lessons, nil
}

func loadOne(fsys fs.FS, dir, name string) (*Lesson, error) {
	file := path.Join(dir, name)
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	l := &Lesson{File: file}
	if err := dec.Decode(l); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// A second pass over the node tree gives each question its line number,
	// which the struct decode throws away.
	if err := yaml.Unmarshal(raw, &doc); err == nil {
		setQuestionLines(&doc, l)
	}
	stem := strings.TrimSuffix(name, ".yaml")
	md, err := fs.ReadFile(fsys, path.Join(dir, stem+".md"))
	if err != nil {
		return nil, fmt.Errorf("%s: the lesson text %s.md is missing: %w", file, stem, err)
	}
	l.Markdown = string(md)
	if l.ID != stem {
		return nil, fmt.Errorf("%s: id %q does not match the file name; rename the file or set id: %s", file, l.ID, stem)
	}
	return l, nil
}

func setQuestionLines(doc *yaml.Node, l *Lesson) {
	questions := lookup(lookup(doc, "quiz"), "questions")
	if questions == nil || questions.Kind != yaml.SequenceNode {
		return
	}
	for i, q := range questions.Content {
		if i < len(l.Quiz.Questions) {
			l.Quiz.Questions[i].Line = q.Line
		}
	}
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var (
	idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	// labLink is how lesson text tells the learner to practise in a lab.
	labLink = regexp.MustCompile("devopsctl lab start ([a-z0-9][a-z0-9-]*)")
	// lessonLink is how lesson text sends the learner to another lesson.
	lessonLink = regexp.MustCompile("devopsctl lesson (?:quiz |show )?([a-z0-9][a-z0-9-]*)")
)

// Validate checks lessons for everything a learner would trip over: missing
// fields, clashing ids or orders, quiz answer keys that point at no choice,
// and lab links in the text that the labs list does not name (or the other
// way round). Whether the labs exist is CheckLabs's job.
func Validate(lessons []*Lesson) []error {
	var errs []error
	ids := map[string]string{}
	orders := map[int]string{}
	for _, l := range lessons {
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: "+format, append([]any{l.File}, a...)...))
		}
		if !idPattern.MatchString(l.ID) {
			fail("id %q must be lower-case letters, digits and dashes", l.ID)
		}
		if prev, ok := ids[l.ID]; ok {
			fail("id %q is already used by %s", l.ID, prev)
		}
		ids[l.ID] = l.File
		if l.Order <= 0 {
			fail("order must be a positive number")
		} else if prev, ok := orders[l.Order]; ok {
			fail("order %d is already used by %s", l.Order, prev)
		}
		orders[l.Order] = l.File
		if strings.TrimSpace(l.Title) == "" {
			fail("title is empty")
		}
		if strings.TrimSpace(l.Summary) == "" {
			fail("summary is empty")
		}
		if strings.TrimSpace(l.Markdown) == "" {
			fail("the lesson text is empty")
		}
		errs = append(errs, validateLabLinks(l)...)
		errs = append(errs, validateQuiz(l)...)
	}
	for _, l := range lessons {
		for _, m := range lessonLink.FindAllStringSubmatch(l.Markdown, -1) {
			if _, ok := ids[m[1]]; !ok && m[1] != "list" {
				errs = append(errs, fmt.Errorf("%s: the text points to lesson %q, which does not exist", l.File, m[1]))
			}
		}
	}
	return errs
}

func validateLabLinks(l *Lesson) []error {
	var errs []error
	inText := map[string]bool{}
	for _, m := range labLink.FindAllStringSubmatch(l.Markdown, -1) {
		inText[m[1]] = true
	}
	for _, lab := range l.Labs {
		if !inText[lab] {
			errs = append(errs, fmt.Errorf("%s: lab %q is listed but the text never says `devopsctl lab start %s`", l.File, lab, lab))
		}
		delete(inText, lab)
	}
	for lab := range inText {
		errs = append(errs, fmt.Errorf("%s: the text points to lab %q; add it to labs:", l.File, lab))
	}
	return errs
}

func validateQuiz(l *Lesson) []error {
	var errs []error
	q := l.Quiz
	if len(q.Questions) == 0 {
		errs = append(errs, fmt.Errorf("%s: the quiz has no questions", l.File))
	}
	if q.PassPercent < 0 || q.PassPercent > 100 {
		errs = append(errs, fmt.Errorf("%s: pass_percent %d must be between 1 and 100", l.File, q.PassPercent))
	}
	for i, qu := range q.Questions {
		fail := func(format string, a ...any) {
			where := fmt.Sprintf("%s:%d: question %d: ", l.File, qu.Line, i+1)
			errs = append(errs, fmt.Errorf(where+format, a...))
		}
		if strings.TrimSpace(qu.Prompt) == "" {
			fail("the question text is empty")
		}
		if strings.TrimSpace(qu.Explanation) == "" {
			fail("the explanation is empty; say why the answer is right")
		}
		if len(qu.Choices) < 2 || len(qu.Choices) > 26 {
			fail("has %d choices; give between 2 and 26", len(qu.Choices))
		}
		seen := map[string]bool{}
		for _, c := range qu.Choices {
			if strings.TrimSpace(c) == "" {
				fail("a choice is empty")
			}
			if seen[c] {
				fail("choice %q appears twice", c)
			}
			seen[c] = true
		}
		switch {
		case len(qu.Answer) == 0:
			fail("no answer key")
		case !qu.Multi && len(qu.Answer) != 1:
			fail("has %d answers; set multi: true or keep one", len(qu.Answer))
		}
		dup := map[int]bool{}
		for _, a := range qu.Answer {
			if a >= len(qu.Choices) {
				fail("answer %s points past the last choice %s", Letter(a), Letter(len(qu.Choices)-1))
			}
			if dup[a] {
				fail("answer %s is listed twice", Letter(a))
			}
			dup[a] = true
		}
	}
	return errs
}

// CheckLabs reports every lab a lesson links to that is not among known.
func CheckLabs(lessons []*Lesson, known []string) []error {
	var errs []error
	for _, l := range lessons {
		for _, lab := range l.Labs {
			if !slices.Contains(known, lab) {
				errs = append(errs, fmt.Errorf("%s: lab %q does not exist (known: %s)", l.File, lab, strings.Join(known, ", ")))
			}
		}
	}
	return errs
}

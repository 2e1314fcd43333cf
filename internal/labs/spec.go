// Package labs is the lab engine: it loads lab definitions (lab.yaml), finds them
// in the embedded catalog and in instructor packs, scaffolds workspaces, runs a
// lab's checks in order and keeps the learner's progress.
package labs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/yamlkeys"
	"github.com/moby/buildkit/util/suggest"
	"gopkg.in/yaml.v3"
)

// Spec is a lab as lab.yaml defines it.
type Spec struct {
	// Version is the lab.yaml format version; absent means 1.
	Version    int      `yaml:"version"`
	ID         string   `yaml:"id"`
	Title      string   `yaml:"title"`
	Summary    string   `yaml:"summary"`
	Difficulty string   `yaml:"difficulty"`
	Minutes    int      `yaml:"minutes"`
	Order      int      `yaml:"order"`
	Next       string   `yaml:"next"`
	Lessons    []string `yaml:"lessons"`
	// Learned is shown when the lab is finished: what the learner can now do.
	Learned []string    `yaml:"learned"`
	Checks  []CheckSpec `yaml:"checks"`

	// Source says where the lab came from ("embedded" or a pack path); File is the
	// lab.yaml path used in messages.
	Source string `yaml:"-"`
	File   string `yaml:"-"`
}

// CheckSpec is one check of a lab.
type CheckSpec struct {
	ID    string   `yaml:"id"`
	Title string   `yaml:"title"`
	Kind  string   `yaml:"kind"`
	Needs []string `yaml:"needs"`
	// Hints is a ladder: general first, then more specific.
	Hints []string `yaml:"hints"`
	// HintFor maps a failure reason a check reports to the hint that fits it.
	HintFor map[string]string `yaml:"hint_for"`
	Timeout Duration          `yaml:"timeout"`
	// Points is what the check is worth when a class is graded (default 1).
	Points *int      `yaml:"points"`
	With   yaml.Node `yaml:"with"`
	Line   int       `yaml:"-"`

	// hintLines holds the line of each hint_for key, for messages.
	hintLines map[string]int
	check     checks.Check
	kind      checks.Kind
}

// Worth is the check's points: what lab.yaml gives, or 1.
func (c *CheckSpec) Worth() int {
	if c.Points == nil {
		return 1
	}
	return *c.Points
}

// NeedsEngine reports whether the check needs the Docker engine.
func (c *CheckSpec) NeedsEngine() bool { return c.kind.NeedsEngine }

// KindInfo is the registered kind of the check: its reasons, its summary.
func (c *CheckSpec) KindInfo() checks.Kind { return c.kind }

// Duration is a time.Duration written as "90s" or "2m" in lab.yaml.
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 90s or 2m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

var (
	idPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	difficulties = []string{"beginner", "intermediate", "advanced"}
)

// SpecError is an invalid lab.yaml: it names the file and line.
type SpecError struct {
	File string
	Line int
	Msg  string
}

func (e *SpecError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ParseSpec decodes and validates a lab.yaml, building each check from the
// registry so that a wrong kind or parameter is found at load time, not mid-run.
func ParseSpec(file string, data []byte) (*Spec, error) {
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SpecError{File: file, Msg: "the file is empty"}
		}
		return nil, yamlError(file, err)
	}
	if err := decodeStrict(&root, &s); err != nil {
		if typo := yamlkeys.Find(&root, &s); len(typo) > 0 {
			return nil, typoError(file, typo[0])
		}
		return nil, yamlError(file, err)
	}
	s.File = file
	if err := s.checkVersion(&root); err != nil {
		return nil, err
	}
	if err := s.bindChecks(root); err != nil {
		return nil, err
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func decodeStrict(n *yaml.Node, v any) error {
	out, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(out))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// typoError is an unknown key of lab.yaml, at its line, with the key that was
// probably meant.
func typoError(file string, u yamlkeys.Unknown) error {
	msg := fmt.Sprintf("field %s not found", u.Key)
	if u.Path != "" {
		msg += " in " + u.Path
	}
	if u.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", u.Suggestion)
	}
	return &SpecError{File: file, Line: u.Line, Msg: msg}
}

// bindChecks records each check's line in the file, for messages, and gives
// each check its with: block as it stands in the file, so that the lines a
// kind reports are the file's (the strict decode works on a copy).
func (s *Spec) bindChecks(root yaml.Node) error {
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "checks" {
			continue
		}
		for j, item := range doc.Content[i+1].Content {
			if j >= len(s.Checks) {
				break
			}
			s.Checks[j].Line = item.Line
			for k := 0; k+1 < len(item.Content); k += 2 {
				switch item.Content[k].Value {
				case "with":
					s.Checks[j].With = *item.Content[k+1]
				case "hint_for":
					hf := item.Content[k+1]
					s.Checks[j].hintLines = map[string]int{}
					for h := 0; h+1 < len(hf.Content); h += 2 {
						s.Checks[j].hintLines[hf.Content[h].Value] = hf.Content[h].Line
					}
				}
			}
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+):`)

func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		msg = strings.TrimSpace(strings.Replace(msg, m[0], "", 1))
	}
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	return &SpecError{File: file, Line: line, Msg: strings.TrimSpace(msg)}
}

func (s *Spec) validate() error {
	bad := func(line int, format string, a ...any) error {
		return &SpecError{File: s.File, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	if !idPattern.MatchString(s.ID) {
		return bad(0, "id %q must be lower-case letters, digits and dashes", s.ID)
	}
	if s.Title == "" {
		return bad(0, "lab %s has no title", s.ID)
	}
	if s.Difficulty == "" {
		s.Difficulty = "beginner"
	}
	if !slices.Contains(difficulties, s.Difficulty) {
		return bad(0, "difficulty %q must be one of %s", s.Difficulty, strings.Join(difficulties, ", "))
	}
	if len(s.Checks) == 0 {
		return bad(0, "lab %s has no checks", s.ID)
	}
	seen := map[string]bool{}
	for i := range s.Checks {
		c := &s.Checks[i]
		if !idPattern.MatchString(c.ID) {
			return bad(c.Line, "check id %q must be lower-case letters, digits and dashes", c.ID)
		}
		if seen[c.ID] {
			return bad(c.Line, "check id %q is used twice", c.ID)
		}
		for _, n := range c.Needs {
			if !seen[n] {
				return bad(c.Line, "check %s needs %q, which is not a check listed before it", c.ID, n)
			}
		}
		seen[c.ID] = true
		if c.Points != nil && *c.Points < 0 {
			return bad(c.Line, "check %s has points %d; points must be 0 or more", c.ID, *c.Points)
		}
		if c.Title == "" {
			c.Title = c.ID
		}
		kind, ok := checks.Lookup(c.Kind)
		if !ok {
			return bad(c.Line, "check %s has unknown kind %q (known: %s)", c.ID, c.Kind, strings.Join(checks.Names(), ", "))
		}
		with := &c.With
		if with.Kind == 0 {
			with = nil
		}
		chk, err := kind.New(with)
		var at *checks.LineError
		if errors.As(err, &at) {
			return bad(at.Line, "check %s (%s): %s", c.ID, c.Kind, at.Msg)
		}
		if err != nil {
			line := c.Line
			if with != nil {
				line = with.Line
			}
			return bad(line, "check %s (%s): %v", c.ID, c.Kind, err)
		}
		if err := c.checkHintFor(s.File, kind); err != nil {
			return err
		}
		c.kind, c.check = kind, chk
	}
	return nil
}

// CurrentVersion is the lab.yaml format this devopsctl reads.
const CurrentVersion = 1

// checkVersion applies the default version and refuses one from a newer
// devopsctl, whose fields this one would misread.
func (s *Spec) checkVersion(root *yaml.Node) error {
	line := yamlkeys.Line(root, "version")
	switch {
	case s.Version == 0 && line == 0:
		s.Version = CurrentVersion
	case s.Version < 1:
		return &SpecError{File: s.File, Line: line, Msg: fmt.Sprintf("version %d is not a lab.yaml version: write version: %d", s.Version, CurrentVersion)}
	case s.Version > CurrentVersion:
		return &SpecError{File: s.File, Line: line, Msg: fmt.Sprintf("version %d is newer than this devopsctl reads (version %d): upgrade devopsctl to load this lab", s.Version, CurrentVersion)}
	}
	return nil
}

// checkHintFor refuses a hint_for key that is not a reason the check's kind
// reports: such a hint could never be shown. A kind that declares no reasons
// cannot be checked, and its keys are taken as they are.
func (c *CheckSpec) checkHintFor(file string, kind checks.Kind) error {
	if len(kind.Reasons) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(c.HintFor))
	for _, key := range keys {
		if kind.HasReason(key) {
			continue
		}
		line := c.hintLines[key]
		if line == 0 {
			line = c.Line
		}
		known := kind.ReasonNames()
		msg := fmt.Sprintf("check %s (%s): hint_for key %q is not a reason %s reports", c.ID, c.Kind, key, c.Kind)
		if m, ok := suggest.Search(key, known, true); ok {
			msg += fmt.Sprintf(" (did you mean %s?)", m)
		}
		msg += "; its reasons are " + strings.Join(known, ", ")
		return &SpecError{File: file, Line: line, Msg: msg}
	}
	return nil
}

// Check returns the check with the given id, or nil.
func (s *Spec) Check(id string) *CheckSpec {
	for i := range s.Checks {
		if s.Checks[i].ID == id {
			return &s.Checks[i]
		}
	}
	return nil
}

// NeedsEngine reports whether any check needs the Docker engine.
func (s *Spec) NeedsEngine() bool {
	for i := range s.Checks {
		if s.Checks[i].NeedsEngine() {
			return true
		}
	}
	return false
}

// Package dockerfile lints a Dockerfile the way a patient reviewer would for a
// beginner: it parses with BuildKit's own parser, runs BuildKit's lint rules that
// need nothing but the file, and adds beginner rules in the spirit of hadolint
// (a final stage with no command, ADD where COPY fits, floating base tags, root).
//
// Lint is pure: bytes in, findings out. Checks, the image build and the TUI all
// share it so a learner sees the same words everywhere.
package dockerfile

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Severity ranks a finding. A lab decides from which severity on a finding fails.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// AtLeast reports whether s is as severe as min or more.
func (s Severity) AtLeast(min Severity) bool { return s.rank() >= min.rank() }

// ParseSeverity accepts "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want error, warning or info)", s)
	}
	return sev, nil
}

// Finding is one problem at one line of the Dockerfile.
type Finding struct {
	Rule     string
	Severity Severity
	File     string
	Line     int
	Message  string
	// Fix is one line telling the learner what to change.
	Fix string
}

// String renders the finding the way compilers do, so editors can jump to it.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s [%s]", f.File, f.Line, f.Severity, f.Message, f.Rule)
}

// Lint parses data (the contents of the Dockerfile called name) and returns every
// finding, sorted by line. A file that cannot be parsed yields a single finding
// (not-text, empty, syntax or no-from) rather than an error: to a learner a broken
// Dockerfile is something to fix, not a crash. The error is reserved for a
// failure of the parser itself.
func Lint(name string, data []byte) (findings []Finding, err error) {
	defer func() {
		// The parser is third-party code fed with whatever a learner saved; it
		// must not take the whole program down.
		if r := recover(); r != nil {
			findings, err = nil, fmt.Errorf("%s: the Dockerfile parser failed unexpectedly (%v); check the file for unusual characters", name, r)
		}
	}()
	l := &checker{file: name}
	l.lint(data)
	slices.SortStableFunc(l.findings, func(a, b Finding) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(b.Severity.rank(), a.Severity.rank())
	})
	return l.findings, nil
}

type checker struct {
	file     string
	findings []Finding
}

func (l *checker) add(rule string, sev Severity, line int, msg, fix string) {
	l.findings = append(l.findings, Finding{Rule: rule, Severity: sev, File: l.file, Line: max(line, 1), Message: msg, Fix: fix})
}

func (l *checker) lint(data []byte) {
	if l.notText(data) {
		return
	}
	if isBlank(data) {
		l.add(RuleEmpty, SeverityError, 1, "the Dockerfile is empty: it has no instructions",
			"start it with a base image, e.g. FROM python:3.12-slim, then COPY your code and set a CMD")
		return
	}
	if n := overlongLine(data); n > 0 {
		l.add(RuleSyntax, SeverityError, n, fmt.Sprintf("line %d is longer than Docker accepts (%d characters)", n, maxLine),
			"split the instruction over several lines, ending each but the last with \\")
		return
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		l.syntax(err)
		return
	}
	if !l.startsWithFrom(res.AST) {
		return
	}
	bk := newBuildkitRules(l, data)
	stages, metaArgs, err := instructions.Parse(res.AST, bk.lint)
	if err != nil {
		l.syntax(err)
		return
	}
	bk.run(res, stages, metaArgs)
	l.builderRules(res.AST)
	l.beginnerRules(stages)
}

// maxLine is the longest line BuildKit's parser reads; past it the parser
// reports the line before the long one.
const maxLine = 65535

func overlongLine(data []byte) int {
	n := 0
	for line := range bytes.Lines(data) {
		n++
		if len(bytes.TrimRight(line, "\r\n")) > maxLine {
			return n
		}
	}
	return 0
}

// isBlank reports a file holding only whitespace and comments, which the parser
// calls "file with no instructions"; "empty" is the word a beginner expects.
func isBlank(data []byte) bool {
	for line := range bytes.Lines(data) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			return false
		}
	}
	return true
}

func (l *checker) syntax(err error) {
	line, msg := 1, err.Error()
	var le *parser.LocationError
	if errors.As(err, &le) {
		if len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
		}
		if inner := le.Unwrap(); inner != nil {
			msg = inner.Error()
		}
	}
	l.add(RuleSyntax, SeverityError, line, "Docker cannot parse this line: "+msg,
		"compare the line with the Dockerfile reference: INSTRUCTION arguments, one instruction per line, long lines continued with a trailing \\")
}

// startsWithFrom reports a Dockerfile whose first instruction (ARG aside) is a
// FROM. BuildKit's own message for this ("no build stage in current context")
// does not tell a beginner what is missing.
func (l *checker) startsWithFrom(ast *parser.Node) bool {
	last := 1
	for _, n := range ast.Children {
		last = n.StartLine
		switch strings.ToLower(n.Value) {
		case "from":
			return true
		case "arg":
			continue
		}
		l.add(RuleNoFrom, SeverityError, n.StartLine,
			fmt.Sprintf("%s comes before any FROM: every Dockerfile must start from a base image", strings.ToUpper(n.Value)),
			"add a FROM line above it, e.g. FROM python:3.12-slim")
		return false
	}
	l.add(RuleNoFrom, SeverityError, last, "the Dockerfile has no FROM instruction, so there is no image to build",
		"add a FROM line naming a base image, e.g. FROM python:3.12-slim")
	return false
}

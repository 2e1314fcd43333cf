package pipeline

import (
	"regexp"
	"strings"
)

// Swallow is a piece of a script that turns a failing command into success.
type Swallow struct {
	Line int    // 0-based line of the script
	Text string // the part of the line that does it
	Why  string
}

var swallows = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`\|\|\s*(true|:)`), "`|| true` turns any failure before it into success"},
	{regexp.MustCompile(`\|\|\s*(echo|printf)\b[^;&|]*`), "`|| echo` prints a message when the tests fail, and that print succeeds, so the step does too"},
	{regexp.MustCompile(`\|\|\s*exit\s+0\b`), "`|| exit 0` ends the step with success when the tests fail"},
	{regexp.MustCompile(`\|\|\s*[\w./-]+[^;&|]*`), "`|| command` runs another command when the tests fail, and the step takes its success instead"},
	{regexp.MustCompile(`;\s*exit\s+0\b`), "`; exit 0` makes the step succeed whatever the tests said"},
	{regexp.MustCompile(`(^|&&)\s*exit\s+0\s*$`), "`exit 0` at the end makes the step succeed whatever the tests said"},
	{regexp.MustCompile(`\bset\s+\+e\b`), "`set +e` tells the shell to carry on after a failing command"},
	{regexp.MustCompile(`(^|;|\n)\s*true\s*$`), "a last `true` makes the step succeed whatever came before it (with `;`)"},
}

// Swallows finds the places in a script that hide a failure.
func Swallows(script string) []Swallow {
	var out []Swallow
	for i, line := range strings.Split(script, "\n") {
		for _, s := range swallows {
			if m := s.re.FindString(line); m != "" {
				out = append(out, Swallow{Line: i, Text: strings.TrimSpace(m), Why: s.why})
				break
			}
		}
	}
	return out
}

// OnlyEchoes reports whether every command of a script just prints text
// (echo, printf, true, :, comments), so it cannot fail.
func OnlyEchoes(script string) bool {
	for _, line := range strings.Split(script, "\n") {
		l := strings.TrimSpace(line)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Fields(l)[0]
		switch f {
		case "echo", "printf", "true", ":", "cat":
			continue
		}
		return false
	}
	return true
}

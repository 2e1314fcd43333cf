package labs

import (
	"regexp"
	"strings"
)

// authorHeading marks the part of a lab README that speaks to the people who
// run or write the lab, not to the learner: a level-2 heading "For
// instructors" (or "For authors"). It runs to the next level-1 or level-2
// heading, or to the end.
var authorHeading = regexp.MustCompile(`(?i)^##\s+for\s+(instructors|authors|lab authors)\s*#*\s*$`)

// LearnerText is a README without its author-only sections. Headings inside
// fenced code blocks are text, not headings.
func LearnerText(readme string) string {
	lines := strings.SplitAfter(readme, "\n")
	var out strings.Builder
	skipping, fence := false, ""
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if fence == "" {
			if isHeading(t) {
				skipping = authorHeading.MatchString(t)
			}
			if f := fenceOf(t); f != "" {
				fence = f
			}
		} else if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
			fence = ""
			if !skipping {
				out.WriteString(l)
			}
			continue
		}
		if !skipping {
			out.WriteString(l)
		}
	}
	return strings.TrimRight(out.String(), "\n") + "\n"
}

// isHeading is a level-1 or level-2 ATX heading.
func isHeading(t string) bool {
	return strings.HasPrefix(t, "# ") || strings.HasPrefix(t, "## ") || t == "#" || t == "##"
}

// fenceOf is the fence a line opens ("```" or "~~~", or longer), if any.
func fenceOf(t string) string {
	for _, c := range []string{"`", "~"} {
		if strings.HasPrefix(t, c+c+c) {
			n := len(t) - len(strings.TrimLeft(t, c))
			return strings.Repeat(c, n)
		}
	}
	return ""
}

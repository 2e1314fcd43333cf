package lessons

import (
	"fmt"
	"strings"

	"github.com/devopsctl/devopsctl/internal/markdown"
)

// minWidth keeps word wrapping sane on a tiny or unknown terminal.
const minWidth = 40

// Render turns a lesson's markdown into terminal text wrapped at width. With
// colour off the output carries no escape codes and can be piped or diffed.
func Render(l *Lesson, width int, colour bool) (string, error) {
	out, err := markdown.Render(l.Markdown, max(width, minWidth), colour)
	if err != nil {
		return "", fmt.Errorf("lesson %s (%s): %w", l.ID, l.File, err)
	}
	if !colour {
		// No blank lines around the document, so piped output diffs cleanly.
		out = strings.Trim(out, "\n") + "\n"
	}
	return out, nil
}

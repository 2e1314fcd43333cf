package lessons

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/muesli/termenv"
)

// minWidth keeps word wrapping sane on a tiny or unknown terminal.
const minWidth = 40

// Render turns a lesson's markdown into terminal text wrapped at width. With
// colour off it uses glamour's no-terminal style and the ASCII colour profile,
// so the output carries no escape codes and can be piped or diffed.
func Render(l *Lesson, width int, colour bool) (string, error) {
	if width < minWidth {
		width = minWidth
	}
	style, profile := plainStyle(), termenv.Ascii
	if colour {
		// A fixed dark style, not glamour's auto style: auto queries the
		// terminal's background, which stalls when stdin is a pager's input.
		style, profile = styles.DarkStyleConfig, termenv.TrueColor
	}
	r, err := glamour.NewTermRenderer(
		glamour.WithStyles(style),
		glamour.WithColorProfile(profile),
		glamour.WithWordWrap(width),
	)
	if err != nil {
		return "", fmt.Errorf("render lesson %s: %w", l.ID, err)
	}
	out, err := r.Render(l.Markdown)
	if err != nil {
		return "", fmt.Errorf("render lesson %s (%s): %w", l.ID, l.File, err)
	}
	if !colour {
		out = trimLines(out)
	}
	return out, nil
}

// plainStyle is glamour's no-terminal style without the ** and * markers
// around bold and italic text: glamour puts them around every source line of
// a span, so a bold phrase wrapped in the markdown came out as "**a ****b**".
func plainStyle() ansi.StyleConfig {
	s := styles.NoTTYStyleConfig
	s.Strong.BlockPrefix, s.Strong.BlockSuffix = "", ""
	s.Emph.BlockPrefix, s.Emph.BlockSuffix = "", ""
	return s
}

// trimLines drops the padding glamour adds to reach the wrap width, and the
// blank lines around the document, so piped output diffs cleanly.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n") + "\n"
}

// Package markdown draws lessons and lab instructions for a terminal with
// glamour, in one look shared by every screen that shows them.
package markdown

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/muesli/termenv"
)

// Render wraps src at width cells. With colour off it uses glamour's
// no-terminal style and the ASCII profile, so the text carries no escape
// codes and can be piped or diffed; trailing padding is trimmed from every
// line. With colour it uses a fixed dark style: glamour's auto style queries
// the terminal's background, which stalls while a program reads the keyboard.
func Render(src string, width int, colour bool) (string, error) {
	style, profile := Style(colour), termenv.Ascii
	if colour {
		profile = termenv.ANSI256
	}
	r, err := glamour.NewTermRenderer(
		glamour.WithStyles(style),
		glamour.WithColorProfile(profile),
		glamour.WithWordWrap(width),
	)
	if err != nil {
		return "", fmt.Errorf("markdown renderer: %w", err)
	}
	out, err := r.Render(src)
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	if !colour {
		out = trimLines(out)
	}
	return out, nil
}

// Style is the glamour style for colour on or off. Headings lose the #
// markers both base styles print: a learner reads a heading, not its
// markdown; the blank lines around it and, with colour, its colour set it
// apart. Without colour, bold and italic text also lose the ** and * glamour
// would repeat at every source line a span crosses.
func Style(colour bool) ansi.StyleConfig {
	s := styles.NoTTYStyleConfig
	if colour {
		s = styles.DarkStyleConfig
	}
	for _, h := range []*ansi.StyleBlock{&s.H2, &s.H3, &s.H4, &s.H5, &s.H6} {
		h.Prefix = ""
	}
	if colour {
		return s
	}
	s.H1.Prefix = ""
	s.Strong.BlockPrefix, s.Strong.BlockSuffix = "", ""
	s.Emph.BlockPrefix, s.Emph.BlockSuffix = "", ""
	return s
}

func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

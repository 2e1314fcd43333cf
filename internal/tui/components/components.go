// Package components holds the pieces the lab screen is built from: the list
// of steps, the build log, the lab picker and the document pager. Each is pure:
// state in, text out, no I/O.
package components

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Styles are the looks components use, built by the caller on its renderer.
type Styles struct {
	Pass, Fail, Skip, Pending, Running lipgloss.Style
	Selected, Dim, Title               lipgloss.Style
}

// Fit cuts or pads s to exactly height lines of exactly width cells, so that
// panes placed side by side line up whatever their content.
func Fit(s string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = FitLine(l, width)
	}
	return strings.Join(lines, "\n")
}

// FitLine cuts or pads one line to width cells.
func FitLine(l string, width int) string {
	l = strings.TrimRight(l, "\r")
	if w := ansi.StringWidth(l); w > width {
		l = ansi.Truncate(l, width, "…")
	}
	if w := ansi.StringWidth(l); w < width {
		l += strings.Repeat(" ", width-w)
	}
	return l
}

// Wrap word-wraps s to width cells and indents every line by indent spaces.
func Wrap(s string, width, indent int) string {
	w := width - indent
	if w < 10 {
		w = 10
	}
	pad := strings.Repeat(" ", indent)
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		for _, wl := range strings.Split(ansi.Wrap(l, w, ""), "\n") {
			out = append(out, pad+wl)
		}
	}
	return strings.Join(out, "\n")
}

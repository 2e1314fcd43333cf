// Package view turns a simulated rollout into text: one frame of the timeline
// at a given width (what the terminal animation shows each second), the plain
// per-second table, the summary and the side-by-side comparison. Everything
// here is a pure function of a rollout.Result, so it can be golden-tested.
package view

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Style decides how the glyphs look. Without colour, versions and states are
// told apart by glyph shape alone, so the frame still reads on a plain
// terminal or in a log.
type Style struct {
	color    bool
	versions [2]lipgloss.Style
	idle     [2]lipgloss.Style
	crashed  lipgloss.Style
	errors   lipgloss.Style
	dim      lipgloss.Style
	bold     lipgloss.Style
}

// NewStyle returns a Style with or without colour. The colour profile is
// fixed (256 colours) rather than detected, so the same frame always renders
// to the same bytes.
func NewStyle(color bool) Style {
	r := lipgloss.NewRenderer(io.Discard)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	s := Style{color: color}
	s.versions[0] = r.NewStyle().Foreground(lipgloss.Color("33")) // blue: the version users have today
	s.versions[1] = r.NewStyle().Foreground(lipgloss.Color("42")) // green: the release
	s.idle[0] = r.NewStyle().Foreground(lipgloss.Color("24"))     // darker blue
	s.idle[1] = r.NewStyle().Foreground(lipgloss.Color("29"))     // darker green
	s.crashed = r.NewStyle().Foreground(lipgloss.Color("196"))    // red
	s.errors = r.NewStyle().Foreground(lipgloss.Color("203"))     // soft red
	s.dim = r.NewStyle().Foreground(lipgloss.Color("244"))        // grey
	s.bold = r.NewStyle().Bold(true)
	return s
}

// Color reports whether the style emits colour.
func (s Style) Color() bool { return s.color }

// Glyphs of an instance's state. Serving instances are solid; ready ones the
// balancer does not send users to (a green stack before the switch) are
// shaded; starting ones are light; crashed ones are crosses.
const (
	glyphServing  = "█"
	glyphIdle     = "▒"
	glyphStarting = "░"
	glyphCrashed  = "x"
)

// trafficGlyph draws a version's share in the traffic bar: with colour both
// are solid blocks, without colour the new version is dark-shaded so the
// split stays visible.
func (s Style) trafficGlyph(v int) string {
	if v == 1 && !s.color {
		return "▓"
	}
	return glyphServing
}

// Dim and Bold style text around the frames (titles, status lines).
func (s Style) Dim(text string) string  { return s.dim.Render(text) }
func (s Style) Bold(text string) string { return s.bold.Render(text) }

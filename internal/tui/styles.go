package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/devopsctl/devopsctl/internal/tui/components"
)

// styles are built on one renderer, so a run without colour (NO_COLOR, a
// golden test) gets no escape codes at all. Colours are fixed ANSI numbers:
// adaptive colours would query the terminal's background while bubbletea
// reads the keyboard.
type styles struct {
	header  lipgloss.Style
	rule    lipgloss.Style
	focused lipgloss.Style
	dim     lipgloss.Style
	bold    lipgloss.Style
	note    lipgloss.Style
	warn    lipgloss.Style
	good    lipgloss.Style
	comp    components.Styles
}

func newStyles(r *lipgloss.Renderer) styles {
	s := r.NewStyle()
	green, red, yellow, grey, cyan := lipgloss.Color("2"), lipgloss.Color("1"), lipgloss.Color("3"), lipgloss.Color("8"), lipgloss.Color("6")
	return styles{
		header:  s.Bold(true),
		rule:    s.Foreground(grey),
		focused: s.Foreground(cyan).Bold(true),
		dim:     s.Foreground(grey),
		bold:    s.Bold(true),
		note:    s.Foreground(cyan),
		warn:    s.Foreground(yellow),
		good:    s.Foreground(green).Bold(true),
		comp: components.Styles{
			Pass:     s.Foreground(green),
			Fail:     s.Foreground(red),
			Skip:     s.Foreground(yellow),
			Pending:  s.Foreground(grey),
			Running:  s.Foreground(cyan),
			Selected: s.Reverse(true),
			Dim:      s.Foreground(grey),
			Title:    s.Bold(true),
		},
	}
}

// helpStyles recolours the help bubble with the session's renderer.
func helpStyles(st styles) help.Styles {
	return help.Styles{
		ShortKey:       st.bold,
		ShortDesc:      st.dim,
		ShortSeparator: st.dim,
		Ellipsis:       st.dim,
		FullKey:        st.bold,
		FullDesc:       st.dim,
		FullSeparator:  st.dim,
	}
}

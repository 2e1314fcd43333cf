package lesson

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/devopsctl/devopsctl/internal/tui/components"
	"github.com/muesli/termenv"
)

// runPager shows a lesson full screen, in the pager the lab screen uses,
// until the learner quits.
func runPager(io *iostreams.IOStreams, l *lessons.Lesson) error {
	colour := io.ColorEnabled()
	render := func(width int) (string, error) { return lessons.Render(l, width, colour) }
	m := pagerProgram{pager: components.NewPager(l.Title, render, "quit", pagerStyles(colour))}
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithInput(io.In), tea.WithOutput(io.Out))
	final, err := p.Run()
	if err != nil {
		return fmt.Errorf("show lesson %s: %w", l.ID, err)
	}
	if fm, ok := final.(pagerProgram); ok && fm.pager.Err() != nil {
		return fm.pager.Err()
	}
	return nil
}

// pagerProgram runs the pager on its own: closing it ends the program.
type pagerProgram struct{ pager components.Pager }

func (m pagerProgram) Init() tea.Cmd { return nil }

func (m pagerProgram) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case components.ClosedMsg:
		return m, tea.Quit
	case tea.KeyMsg:
		if msg.Type == tea.KeyCtrlC {
			return m, tea.Quit
		}
	}
	var cmd tea.Cmd
	m.pager, cmd = m.pager.Update(msg)
	if m.pager.Err() != nil {
		return m, tea.Quit
	}
	return m, cmd
}

func (m pagerProgram) View() string { return m.pager.View() }

// pagerStyles are fixed ANSI colours, or none: adaptive colours would query
// the terminal's background while the pager reads the keyboard.
func pagerStyles(colour bool) components.Styles {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	if colour {
		r.SetColorProfile(termenv.ANSI)
	}
	s := r.NewStyle()
	return components.Styles{Title: s.Bold(true), Dim: s.Foreground(lipgloss.Color("8"))}
}

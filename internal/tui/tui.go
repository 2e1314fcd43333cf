package tui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Run shows the lab TUI on a terminal until the learner quits. Before it
// returns, a running check is cancelled and has removed what it created on
// the engine. A line saying where the lab stands is printed after the screen
// is restored.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	if opts.Renderer == nil {
		opts.Renderer = lipgloss.NewRenderer(out)
		if !opts.Colour {
			opts.Renderer.SetColorProfile(termenv.Ascii)
		}
	}
	m := New(opts)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithInput(in), tea.WithOutput(out), tea.WithContext(ctx))
	_, err := p.Run()
	m.stop()
	fmt.Fprintln(out, m.farewell())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return ctx.Err()
	}
	return fmt.Errorf("lab screen: %w", err)
}

// farewell is the line left on the terminal after the screen closes.
func (m *labScreen) farewell() string {
	state := "not checked yet"
	if m.last != nil {
		state = m.last.Summary()
	}
	return fmt.Sprintf("Lab %s: %s. Your files are in %s; come back with devopsctl lab open %s.", m.lab.ID, state, m.dir, m.lab.ID)
}

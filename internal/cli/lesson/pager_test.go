package lesson

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/lessons"
	"github.com/devopsctl/devopsctl/internal/tui/components"
)

// TestPagerProgramShowsAndQuits runs the lesson pager the way `lesson show`
// does on a terminal: the lesson drawn, q or ctrl+c ends the program.
func TestPagerProgramShowsAndQuits(t *testing.T) {
	l, err := lessons.Get("containers")
	if err != nil {
		t.Fatal(err)
	}
	render := func(w int) (string, error) { return lessons.Render(l, w, false) }
	var m tea.Model = pagerProgram{pager: components.NewPager(l.Title, render, "quit", pagerStyles(false))}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	view := m.View()
	if strings.Contains(view, "\x1b[") {
		t.Errorf("escape codes with colour off:\n%q", view)
	}
	for _, want := range []string{l.Title, "q quit", "/ search"} {
		if !strings.Contains(ansi.Strip(view), want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	for _, k := range []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("q")}, {Type: tea.KeyCtrlC}} {
		next, cmd := m.Update(k)
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		// q closes the pager; the program turns that into quitting.
		msg := cmd()
		if _, ok := msg.(components.ClosedMsg); ok {
			_, cmd = next.Update(msg)
			msg = cmd()
		}
		if _, ok := msg.(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit: %T", k, msg)
		}
	}
}

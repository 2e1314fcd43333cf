package components

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// Pager shows a long document full screen: a model solution or a lesson.
type Pager struct {
	Title  string
	Styles Styles
	vp     viewport.Model
	close  key.Binding
}

// NewPager shows body in width x height, the title on the first line.
func NewPager(title, body string, width, height int, st Styles) Pager {
	vp := viewport.New(width, max(height-2, 1))
	vp.KeyMap = ScrollKeys()
	vp.SetContent(body)
	return Pager{Title: title, Styles: st, vp: vp, close: key.NewBinding(key.WithKeys("esc", "q"))}
}

// ScrollKeys are the viewport keys that do not clash with the lab screen's
// letters (the default map takes h, l, b, d and u).
func ScrollKeys() viewport.KeyMap {
	return viewport.KeyMap{
		PageDown: key.NewBinding(key.WithKeys("pgdown", " ")),
		PageUp:   key.NewBinding(key.WithKeys("pgup")),
		Down:     key.NewBinding(key.WithKeys("down", "j")),
		Up:       key.NewBinding(key.WithKeys("up", "k")),
	}
}

// SetSize follows the terminal.
func (p *Pager) SetSize(width, height int) {
	p.vp.Width, p.vp.Height = width, max(height-2, 1)
}

// Update scrolls, or closes on esc or q.
func (p Pager) Update(msg tea.Msg) (Pager, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, p.close) {
		return p, func() tea.Msg { return ClosedMsg{} }
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return p, cmd
}

// View renders the title, the visible part of the document and a footer.
func (p Pager) View() string {
	head := FitLine(p.Styles.Title.Render(p.Title), p.vp.Width)
	foot := FitLine(p.Styles.Dim.Render("↑/↓ scroll · esc back"), p.vp.Width)
	return head + "\n" + Fit(p.vp.View(), p.vp.Width, p.vp.Height) + "\n" + foot
}

package components

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
)

// PickItem is one lab in the picker.
type PickItem struct {
	ID, Title, Detail string
	Done              bool
}

// PickedMsg is sent when an item is chosen; ClosedMsg when the picker is left.
type PickedMsg struct{ ID string }
type ClosedMsg struct{}

// Picker lets the learner choose a lab.
type Picker struct {
	Items  []PickItem
	Cursor int
	Styles Styles
	keys   pickerKeys
}

type pickerKeys struct{ up, down, choose, close key.Binding }

// NewPicker starts with the cursor on the item with id current.
func NewPicker(items []PickItem, current string, st Styles) Picker {
	p := Picker{Items: items, Styles: st, keys: pickerKeys{
		up:     key.NewBinding(key.WithKeys("up", "k")),
		down:   key.NewBinding(key.WithKeys("down", "j")),
		choose: key.NewBinding(key.WithKeys("enter")),
		close:  key.NewBinding(key.WithKeys("esc", "q", "l")),
	}}
	for i, it := range items {
		if it.ID == current {
			p.Cursor = i
		}
	}
	return p
}

// Update moves the cursor, or chooses or closes.
func (p Picker) Update(msg tea.Msg) (Picker, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	switch {
	case key.Matches(k, p.keys.up):
		p.Cursor = max(p.Cursor-1, 0)
	case key.Matches(k, p.keys.down):
		p.Cursor = min(p.Cursor+1, len(p.Items)-1)
	case key.Matches(k, p.keys.choose) && len(p.Items) > 0:
		id := p.Items[p.Cursor].ID
		return p, func() tea.Msg { return PickedMsg{ID: id} }
	case key.Matches(k, p.keys.close):
		return p, func() tea.Msg { return ClosedMsg{} }
	}
	return p, nil
}

// View renders the list in width x height, keeping the cursor in sight.
// The columns line up in terminal cells, wide titles included; a title too
// long for the width is cut so that the details stay in view.
func (p Picker) View(width, height int) string {
	head := []string{p.Styles.Title.Render("Labs"), p.Styles.Dim.Render("↑/↓ choose · enter open · esc back"), ""}
	room := max(height-len(head), 1)
	first := 0
	if p.Cursor >= room {
		first = p.Cursor - room + 1
	}
	rows := p.rows(width - 2) // the mark and its space
	lines := head
	for i := first; i < len(p.Items) && i < first+room; i++ {
		it := p.Items[i]
		mark := p.Styles.Pending.Render("·")
		if it.Done {
			mark = p.Styles.Pass.Render("✓")
		}
		line := FitLine(mark+" "+rows[i], width)
		if i == p.Cursor {
			line = p.Styles.Selected.Render(line)
		}
		lines = append(lines, line)
	}
	return Fit(strings.Join(lines, "\n"), width, height)
}

// rows lays every item out as id, title and dimmed detail in aligned
// columns, over all items so that scrolling does not move the columns.
func (p Picker) rows(width int) []string {
	var b strings.Builder
	t := tableprinter.New(&b, width)
	t.CutOnly(1)
	for _, it := range p.Items {
		t.AddRow(it.ID, it.Title, p.Styles.Dim.Render(it.Detail))
	}
	if err := t.Render(); err != nil {
		return make([]string, len(p.Items)) // a strings.Builder does not fail
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

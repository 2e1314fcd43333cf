package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every binding of the lab screen; the help bubble lists them.
type keyMap struct {
	Check    key.Binding
	Hint     key.Binding
	Next     key.Binding
	List     key.Binding
	Reset    key.Binding
	Solution key.Binding
	Lesson   key.Binding
	Cancel   key.Binding
	Log      key.Binding
	Focus    key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Help     key.Binding
	Quit     key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Check:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check now")),
		Hint:     key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Next:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next lab")),
		List:     key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "lab list")),
		Reset:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset files")),
		Solution: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "solution")),
		Lesson:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open lesson")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel check")),
		Log:      key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "build log")),
		Focus:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "switch pane")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the one-line help of the status bar.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Check, k.Hint, k.Next, k.List, k.Help, k.Quit}
}

// FullHelp is what `?` shows, in columns narrow enough for 80 cells. The
// scroll keys move the pane in focus: the results, until tab switches to
// the instructions.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Check, k.Cancel, k.Hint, k.Solution, k.Lesson},
		{k.Next, k.List, k.Reset, k.Log, k.Focus},
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Top, k.Bottom, k.Help, k.Quit},
	}
}

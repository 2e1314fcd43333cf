package components

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// pagerKeys are the pager's own keys; scrolling keys come from the viewport.
type pagerKeys struct {
	Search key.Binding
	Next   key.Binding
	Prev   key.Binding
	Top    key.Binding
	Bottom key.Binding
	Scroll key.Binding
	Help   key.Binding
	Clear  key.Binding
	Close  key.Binding
}

func newPagerKeys(closeHelp string) pagerKeys {
	return pagerKeys{
		Search: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
		Prev:   key.NewBinding(key.WithKeys("N")),
		Top:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "top/bottom")),
		Bottom: key.NewBinding(key.WithKeys("G", "end")),
		// Scroll is only documentation: the viewport handles these keys.
		Scroll: key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓ space b", "scroll")),
		Help:   key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Clear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		// esc closes too once no search is left to clear.
		Close: key.NewBinding(key.WithKeys("q"), key.WithHelp("q", closeHelp)),
	}
}

func (k pagerKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Scroll, k.Search, k.Next, k.Help, k.Close}
}

func (k pagerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Scroll, k.Top},
		{k.Search, k.Next, k.Clear},
		{k.Help, k.Close},
	}
}

// chromeLines is the space below the text: the status line and the help line.
const chromeLines = 2

// Highlights: reverse video for every match, and reverse bold yellow for the
// one the pager jumped to. Plain SGR codes, so they show even without colour.
const (
	hlMatch   = "\x1b[7m"
	hlCurrent = "\x1b[1;7;33m"
	hlReset   = "\x1b[0m"
)

// Pager is a less-like reader for a long document, a lesson or a model
// solution: scroll, / to search, n and N to move between matches. The
// document is drawn again for every width, since glamour wraps text itself.
// q, or esc with no search to clear, sends ClosedMsg; the screen that opened
// the pager decides what closing means.
type Pager struct {
	title  string
	render func(width int) (string, error)

	vp viewport.Model
	// input is the search being typed after /. A plain rune buffer: the
	// search needs no cursor movement, so no text-input widget is pulled in.
	input []rune
	help  help.Model
	keys  pagerKeys
	ready bool

	lines []string // rendered, may carry colour codes
	plain []string // the same lines without escape codes, for searching

	searching bool
	query     *regexp.Regexp
	matches   []int // line numbers that match query
	current   int   // index into matches
	notice    string
	err       error
}

// NewPager shows what render draws for a width; closeHelp is what q is
// said to do ("quit", "back"). Its help keys take st's looks.
func NewPager(title string, render func(width int) (string, error), closeHelp string, st Styles) Pager {
	h := help.New()
	h.Styles = help.Styles{
		ShortKey: st.Title, ShortDesc: st.Dim, ShortSeparator: st.Dim, Ellipsis: st.Dim,
		FullKey: st.Title, FullDesc: st.Dim, FullSeparator: st.Dim,
	}
	return Pager{title: title, render: render, help: h, keys: newPagerKeys(closeHelp), current: -1}
}

// Err is why the document could not be drawn, if it could not.
func (m Pager) Err() error { return m.err }

// SetSize draws the document for a new terminal size.
func (m *Pager) SetSize(width, height int) {
	if m.render != nil { // the zero Pager has nothing to draw
		*m = m.resize(width, height)
	}
}

// Update takes the window size and keys.
func (m Pager) Update(msg tea.Msg) (Pager, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.resize(msg.Width, msg.Height), nil
	case tea.KeyMsg:
		if m.searching {
			return m.updateSearch(msg)
		}
		return m.updateKeys(msg)
	}
	return m, nil
}

// resize re-renders the document for the new width and keeps the reader
// near where they were.
func (m Pager) resize(width, height int) Pager {
	// Leave a column free: some terminals wrap a line that fills the width.
	text, err := m.render(width - 1)
	if err != nil {
		m.err = err
		return m
	}
	var ratio float64
	if m.ready {
		ratio = m.vp.ScrollPercent()
	}
	m.lines = strings.Split(strings.TrimRight(text, "\n"), "\n")
	m.plain = make([]string, len(m.lines))
	for i, l := range m.lines {
		m.plain[i] = ansi.Strip(l)
	}
	if !m.ready {
		m.vp = viewport.New(width, max(1, height-chromeLines))
		m.ready = true
	}
	m.vp.Width, m.vp.Height = width, max(1, height-chromeLines)
	m.help.Width = width
	m.findMatches()
	m.refresh()
	m.vp.SetYOffset(int(ratio * float64(max(0, len(m.lines)-m.vp.Height))))
	return m
}

func closed() tea.Msg { return ClosedMsg{} }

func (m Pager) updateKeys(msg tea.KeyMsg) (Pager, tea.Cmd) {
	m.notice = ""
	switch {
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.Clear) && m.query == nil:
		return m, closed
	case key.Matches(msg, m.keys.Search):
		m.searching = true
		m.input = nil
		return m, nil
	case key.Matches(msg, m.keys.Next):
		m.step(1)
		return m, nil
	case key.Matches(msg, m.keys.Prev):
		m.step(-1)
		return m, nil
	case key.Matches(msg, m.keys.Top):
		m.vp.GotoTop()
		return m, nil
	case key.Matches(msg, m.keys.Bottom):
		m.vp.GotoBottom()
		return m, nil
	case key.Matches(msg, m.keys.Clear):
		m.search("")
		return m, nil
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m, nil
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

func (m Pager) updateSearch(msg tea.KeyMsg) (Pager, tea.Cmd) {
	switch msg.Type {
	case tea.KeyEsc:
		m.searching = false
		return m, nil
	case tea.KeyEnter:
		m.searching = false
		m.search(string(m.input))
		return m, nil
	case tea.KeyBackspace:
		if len(m.input) > 0 {
			m.input = m.input[:len(m.input)-1]
		}
	case tea.KeyRunes, tea.KeySpace:
		m.input = append(m.input[:len(m.input):len(m.input)], msg.Runes...)
	}
	return m, nil
}

// search looks for q (case-insensitive, literal) and jumps to the first match
// at or below the top of the screen, the way less does.
func (m *Pager) search(q string) {
	if q == "" {
		m.query, m.matches, m.current = nil, nil, -1
		m.refresh()
		return
	}
	m.query = regexp.MustCompile("(?i)" + regexp.QuoteMeta(q))
	m.findMatches()
	if len(m.matches) == 0 {
		m.notice = fmt.Sprintf("no match for %q", q)
		m.refresh()
		return
	}
	m.current = 0
	for i, line := range m.matches {
		if line >= m.vp.YOffset {
			m.current = i
			break
		}
	}
	m.jump()
}

func (m *Pager) findMatches() {
	m.matches = nil
	if m.query == nil {
		return
	}
	for i, l := range m.plain {
		if m.query.MatchString(l) {
			m.matches = append(m.matches, i)
		}
	}
	if m.current >= len(m.matches) {
		m.current = len(m.matches) - 1
	}
}

// step moves to the next (1) or previous (-1) match, wrapping around.
func (m *Pager) step(dir int) {
	if len(m.matches) == 0 {
		if m.query != nil {
			m.notice = "no matches"
		} else {
			m.notice = "search first with /"
		}
		return
	}
	m.current = (m.current + dir + len(m.matches)) % len(m.matches)
	m.jump()
}

// jump scrolls so the current match sits a little below the top, keeping a
// line of context above it.
func (m *Pager) jump() {
	m.refresh()
	m.vp.SetYOffset(max(0, m.matches[m.current]-1))
}

// refresh rebuilds the viewport content with matches highlighted. A matching
// line is shown without its colours: its escape codes would break up the
// highlight, and the highlight is what the reader is looking for.
func (m *Pager) refresh() {
	shown := make([]string, len(m.lines))
	copy(shown, m.lines)
	for i, line := range m.matches {
		style := hlMatch
		if i == m.current {
			style = hlCurrent
		}
		shown[line] = m.query.ReplaceAllStringFunc(m.plain[line], func(s string) string {
			return style + s + hlReset
		})
	}
	y := m.vp.YOffset
	m.vp.SetContent(strings.Join(shown, "\n"))
	m.vp.SetYOffset(y)
}

func (m Pager) View() string {
	if m.err != nil {
		return m.err.Error() + "\n"
	}
	if !m.ready {
		return "\n  loading…"
	}
	return Fit(m.vp.View(), m.vp.Width, m.vp.Height) + "\n" + m.statusLine() + "\n" + m.help.View(m.keys)
}

func (m Pager) statusLine() string {
	if m.searching {
		return "/" + string(m.input) + "█"
	}
	parts := []string{m.title, fmt.Sprintf("%3.f%%", m.vp.ScrollPercent()*100)}
	switch {
	case m.notice != "":
		parts = append(parts, m.notice)
	case m.query != nil && len(m.matches) > 0:
		parts = append(parts, fmt.Sprintf("match %d/%d", m.current+1, len(m.matches)))
	}
	return ansi.Truncate(strings.Join(parts, "  ·  "), m.vp.Width, "…")
}

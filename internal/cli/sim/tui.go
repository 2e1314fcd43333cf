package sim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/rollout"
	"github.com/devopsctl/devopsctl/internal/rollout/view"
)

// keyMap is every key the animation answers, shown by the help line.
type keyMap struct {
	Pause, Faster, Slower, Step, End, Restart, Quit key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Pause:   key.NewBinding(key.WithKeys(" ", "p"), key.WithHelp("space", "pause")),
		Faster:  key.NewBinding(key.WithKeys("+", "=", "up"), key.WithHelp("+", "faster")),
		Slower:  key.NewBinding(key.WithKeys("-", "_", "down"), key.WithHelp("-", "slower")),
		Step:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "next second")),
		End:     key.NewBinding(key.WithKeys("e", "end"), key.WithHelp("e", "jump to end")),
		Restart: key.NewBinding(key.WithKeys("r", "home"), key.WithHelp("r", "replay")),
		Quit:    key.NewBinding(key.WithKeys("q", "esc", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Pause, k.Faster, k.Slower, k.Step, k.End, k.Restart, k.Quit}
}
func (k keyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// speeds are the simulated seconds shown per real second.
var speeds = []float64{0.5, 1, 2, 4, 8, 16, 32}

// tickMsg advances the animation. gen tells ticks of an older chain (before a
// pause or a speed change) from the current one, so only one chain runs.
type tickMsg struct{ gen int }

// model animates one or more runs over the same seconds.
type model struct {
	runs   []*rollout.Result
	titles []string
	t      int
	last   int
	speed  int
	gen    int
	paused bool
	width  int
	style  view.Style
	keys   keyMap
	help   help.Model
}

func newModel(scs []rollout.Scenario, runs []*rollout.Result, speed float64, style view.Style) model {
	m := model{runs: runs, style: style, keys: newKeyMap(), help: help.New(), width: 80}
	for i, r := range runs {
		m.last = max(m.last, len(r.Timeline)-1)
		m.titles = append(m.titles, Describe(scs[i]))
	}
	m.speed = len(speeds) - 1
	for i, s := range speeds {
		if s >= speed {
			m.speed = i
			break
		}
	}
	return m
}

func (m model) done() bool { return m.t >= m.last }

func (m model) tick() tea.Cmd {
	gen := m.gen
	return tea.Tick(time.Duration(float64(time.Second)/speeds[m.speed]), func(time.Time) tea.Msg { return tickMsg{gen} })
}

func (m model) Init() tea.Cmd { return m.tick() }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
		m.help.Width = msg.Width
	case tickMsg:
		if msg.gen != m.gen || m.paused || m.done() {
			return m, nil
		}
		m.t++
		if m.done() {
			return m, nil
		}
		return m, m.tick()
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(msg, m.keys.Pause):
		m.paused = !m.paused
	case key.Matches(msg, m.keys.Faster):
		m.speed = min(m.speed+1, len(speeds)-1)
	case key.Matches(msg, m.keys.Slower):
		m.speed = max(m.speed-1, 0)
	case key.Matches(msg, m.keys.Step):
		m.paused = true
		m.t = min(m.t+1, m.last)
		return m, nil
	case key.Matches(msg, m.keys.End):
		m.t = m.last
		return m, nil
	case key.Matches(msg, m.keys.Restart):
		m.t, m.paused = 0, false
	default:
		return m, nil
	}
	// A new chain replaces the running one, so a speed change applies now
	// and a resumed animation does not run twice as fast.
	m.gen++
	if m.paused || m.done() {
		return m, nil
	}
	return m, m.tick()
}

func (m model) View() string {
	var b strings.Builder
	b.WriteString(m.frames())
	b.WriteString("\n\n")
	if m.done() {
		if len(m.runs) == 1 {
			b.WriteString(view.Summary(m.runs[0]))
		} else {
			b.WriteString(view.Compare(m.runs))
		}
		b.WriteString("\n")
	}
	state := fmt.Sprintf("speed %gx", speeds[m.speed])
	switch {
	case m.done():
		state = "finished"
	case m.paused:
		state += ", paused"
	}
	b.WriteString(m.style.Dim(state) + "  " + m.help.View(m.keys) + "\n")
	return b.String()
}

// frames draws each run at the current second: one above the other when
// there is one, side by side when several fit, stacked otherwise.
func (m model) frames() string {
	width := max(m.width, view.MinWidth)
	n := len(m.runs)
	if n == 1 {
		return m.style.Bold(fitTitle(m.titles[0], width)) + "\n" + view.Frame(m.runs[0], m.t, width, m.style)
	}
	const gap = 2
	col := (width - gap*(n-1)) / n
	if col < view.MinWidth {
		blocks := make([]string, n)
		for i, r := range m.runs {
			blocks[i] = m.style.Bold(fitTitle(m.titles[i], width)) + "\n" + view.Frame(r, m.t, width, m.style)
		}
		return strings.Join(blocks, "\n\n")
	}
	cols := make([]string, 0, 2*n-1)
	for i, r := range m.runs {
		if i > 0 {
			cols = append(cols, strings.Repeat(" ", gap))
		}
		frame := m.style.Bold(fitTitle(r.Strategy, col)) + "\n" + view.Frame(r, m.t, col, m.style)
		cols = append(cols, lipgloss.NewStyle().Width(col).Render(frame))
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func fitTitle(s string, width int) string {
	if len([]rune(s)) <= width {
		return s
	}
	return string([]rune(s)[:width-1]) + "…"
}

// animate plays the runs in the terminal until they end and the learner
// quits, then leaves the last screen (with the summary) in place.
func animate(ctx context.Context, opts *RolloutOptions, scs []rollout.Scenario, runs []*rollout.Result) error {
	m := newModel(scs, runs, opts.Speed, view.NewStyle(opts.IO.ColorEnabled()))
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(opts.IO.In), tea.WithOutput(opts.IO.Out))
	if _, err := p.Run(); err != nil {
		if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
			return cmdutil.ErrInterrupted
		}
		return fmt.Errorf("animate the rollout: %w", err)
	}
	return nil
}

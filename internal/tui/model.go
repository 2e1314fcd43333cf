// Package tui is the learner's terminal interface to a lab: its steps with live
// status, the instructions, the results with hints, and a watch on the
// workspace that re-runs the checks on every save. The root Model routes
// messages to the screen in front (the lab, the lab picker, a document pager);
// all I/O happens in tea.Cmd funcs.
package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/tui/components"
	"github.com/muesli/termenv"
)

// Options configure one TUI session.
type Options struct {
	Lab *labs.Lab
	// Dir is the lab's workspace.
	Dir     string
	Catalog *labs.Catalog
	// Store saves progress as steps pass; nil keeps it in memory only.
	Store    *labs.Store
	Progress *labs.Progress
	// Engine reaches the Docker engine for labs that need it.
	Engine    EngineFunc
	Watch     WatchMode
	Debounce  time.Duration
	PollEvery time.Duration
	Colour    bool
	// Renderer draws the styles; nil makes one for the output, without colour
	// unless Colour is set.
	Renderer *lipgloss.Renderer
	// Now is the clock; tests fix it so elapsed times are stable.
	Now func() time.Time
}

type screen int

const (
	screenLab screen = iota
	screenPicker
	screenPager
)

// Default size until the terminal tells its own.
const (
	defaultWidth  = 80
	defaultHeight = 24
)

// Model is the root model. It owns the terminal's size and which screen is
// in front, and routes to them: the lab screen, the lab picker, the pager.
// The lab screen is embedded so that its state reads as the model's.
type Model struct {
	*labScreen
	width, height int
	screen        screen
	picker        components.Picker
	pager         components.Pager
}

// labScreen is the lab in front: steps, instructions, results, the build
// log and the run and watch behind them.
type labScreen struct {
	opts Options
	s    *session
	st   styles
	keys keyMap
	help help.Model
	spin spinner.Model

	width, height int
	confirmReset  bool

	lab      *labs.Lab
	dir      string
	readme   string
	readmeOK bool
	// rendered is the README as glamour drew it, for renderedWidth.
	rendered      string
	renderedWidth int
	instr         viewport.Model
	results       viewport.Model
	focusResults  bool
	log           components.Log
	logMode       logMode

	watchID     int
	watchCancel context.CancelFunc
	watchMode   WatchMode
	watchNote   string

	runID      int
	running    bool
	cancelRun  context.CancelFunc
	pendingRun bool
	cancelling bool
	current    string
	started    map[string]time.Time
	live       map[string]labs.CheckResult
	// last is the last complete run; lastFromDisk marks one loaded from the
	// progress file, shown until the first run of this session ends.
	last         *labs.Report
	lastFromDisk bool
	engine       docker.Engine

	hint     string
	note     string
	quitting bool
	switchTo *labOpenedMsg
}

// logMode decides when the build log is on screen.
type logMode int

const (
	logAuto logMode = iota // while a run prints output
	logShown
	logHidden
)

// New builds the model for opts.Lab in opts.Dir.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.PollEvery <= 0 {
		opts.PollEvery = DefaultPollEvery
	}
	if opts.Watch == "" {
		opts.Watch = WatchNotify
	}
	if opts.Progress == nil {
		opts.Progress = &labs.Progress{Version: 1, Labs: map[string]*labs.LabProgress{}}
	}
	if opts.Renderer == nil {
		opts.Renderer = lipgloss.NewRenderer(nil)
		opts.Renderer.SetColorProfile(termenv.Ascii)
	}
	st := newStyles(opts.Renderer)
	m := &labScreen{
		opts: opts, s: newSession(), st: st, keys: newKeyMap(),
		help: help.New(), spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.comp.Running)),
		width: defaultWidth, height: defaultHeight,
		instr: viewport.New(defaultWidth, 1), results: viewport.New(defaultWidth, 1),
		log: components.NewLog(500),
		// The results are what a learner scrolls most: the scroll keys move
		// them until tab turns to the instructions.
		focusResults: true,
	}
	m.help.Styles = helpStyles(st)
	m.setLab(opts.Lab, opts.Dir)
	return &Model{labScreen: m, width: defaultWidth, height: defaultHeight}
}

// Init starts the lab screen.
func (m *Model) Init() tea.Cmd { return m.labScreen.init() }

// Update routes a message: the window size to every screen, keys to the
// screen in front, what a screen asks for to the root, and session events to
// the lab screen, which keeps running behind the others.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case channelMsg:
		_, cmd := m.Update(msg.msg)
		return m, tea.Batch(cmd, m.s.listen())
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.pager.SetSize(m.width, m.height)
		m.labScreen.setSize(m.width, m.height)
		return m, nil
	case components.ClosedMsg:
		m.screen = screenLab
		return m, nil
	case components.PickedMsg:
		m.screen = screenLab
		return m, m.pick(msg.ID)
	case docLoadedMsg:
		if msg.err != nil {
			m.note = msg.err.Error()
			return m, nil
		}
		m.pager = components.NewPager(msg.title, msg.render, "back", m.st.comp)
		m.pager.SetSize(m.width, m.height)
		m.screen = screenPager
		return m, nil
	case labOpenedMsg:
		// A lab opened from the picker or with n comes to the front.
		m.screen = screenLab
	case tea.KeyMsg:
		return m, m.routeKey(msg)
	}
	return m, m.labScreen.update(msg)
}

func (m *Model) routeKey(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	var cmd tea.Cmd
	switch m.screen {
	case screenPicker:
		m.picker, cmd = m.picker.Update(msg)
	case screenPager:
		m.pager, cmd = m.pager.Update(msg)
	default:
		if key.Matches(msg, m.keys.List) && !m.confirmReset {
			m.picker = components.NewPicker(m.pickItems(), m.lab.ID, m.st.comp)
			m.screen = screenPicker
			return nil
		}
		cmd = m.labKey(msg)
	}
	return cmd
}

// View draws the screen in front, always exactly width x height cells.
func (m *Model) View() string {
	switch m.screen {
	case screenPicker:
		return m.picker.View(m.width, m.height)
	case screenPager:
		return components.Fit(m.pager.View(), m.width, m.height)
	}
	return m.labView()
}

// init starts watching, loads the instructions and runs the checks once.
func (m *labScreen) init() tea.Cmd {
	return tea.Batch(m.s.listen(), loadReadme(m.lab), m.startWatch(), m.requestRun(m.note))
}

// setSize lays the panes out for a new terminal size.
func (m *labScreen) setSize(width, height int) {
	m.width, m.height = width, height
	m.layout()
}

// update takes what the session's goroutines and commands report, and the
// spinner's ticks.
func (m *labScreen) update(msg tea.Msg) tea.Cmd {
	if tick, ok := msg.(spinner.TickMsg); ok {
		if !m.running {
			return nil // let the tick chain end; the next run starts another
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(tick)
		m.refreshResults(false)
		return cmd
	}
	return m.handleEvent(msg)
}

// stop cancels the run and the watcher and waits until the run has removed
// what it created on the engine.
func (m *labScreen) stop() {
	if m.cancelRun != nil {
		m.cancelRun()
	}
	if m.watchCancel != nil {
		m.watchCancel()
	}
	m.s.shutdown()
}

// keyMatches is key.Matches for one binding, kept short for the long switch.
func keyMatches(msg tea.KeyMsg, b key.Binding) bool { return key.Matches(msg, b) }

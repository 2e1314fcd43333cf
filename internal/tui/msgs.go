package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// channelMsg is a message that arrived on the session's event channel. The
// root model unwraps it and listens for the next one, so exactly one listener
// is ever waiting on the channel.
type channelMsg struct{ msg tea.Msg }

// workspaceChangedMsg says files in the workspace were saved (after the
// debounce). watchID tells a stale watcher's events from the current one's.
type workspaceChangedMsg struct {
	watchID int
	Paths   []string
}

// watchStatusMsg says how the workspace is watched now, and why when that is
// not the default.
type watchStatusMsg struct {
	watchID int
	Mode    WatchMode
	Note    string
}

// checkStartedMsg, checkDoneMsg and buildLogMsg stream one run as it goes.
type checkStartedMsg struct {
	runID   int
	CheckID string
	At      time.Time
}

type checkDoneMsg struct {
	runID  int
	Result labs.CheckResult
}

type buildLogMsg struct {
	runID int
	Text  string
}

// runDoneMsg ends a run: its report, and the engine it used (nil when none
// answered), which the session keeps for the next runs.
type runDoneMsg struct {
	runID     int
	Report    *labs.Report
	Engine    docker.Engine
	EngineErr error
}

// progressSavedMsg reports the outcome of writing the progress file.
type progressSavedMsg struct{ err error }

// readmeLoadedMsg carries a lab's instructions, read from its folder.
type readmeLoadedMsg struct {
	labID string
	text  string
	err   error
}

// resetDoneMsg reports a reset to the starter files.
type resetDoneMsg struct {
	backup string
	err    error
}

// docLoadedMsg is a document to show full screen: a solution or a lesson.
type docLoadedMsg struct {
	title string
	// render draws the document for a width; the pager calls it again when
	// the terminal is resized.
	render func(width int) (string, error)
	err    error
}

// labOpenedMsg says another lab's workspace is ready (or why it is not).
type labOpenedMsg struct {
	lab     *labs.Lab
	dir     string
	created bool
	err     error
}

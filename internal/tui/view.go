package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/viewport"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/markdown"
	"github.com/devopsctl/devopsctl/internal/tui/components"
)

// Below this width the steps go above the instructions instead of beside them.
const sideBySideMin = 70

// geometry is where each pane goes for the current size.
type geometry struct {
	sideBySide     bool
	stepsW, instrW int
	topH           int // rows of steps/instructions content
	stepsH         int // stacked layout only
	resultsH, logH int
	helpH          int
}

func (m *labScreen) geometry() geometry {
	g := geometry{helpH: 1}
	if m.help.ShowAll {
		g.helpH = len(strings.Split(m.help.View(m.keys), "\n"))
	}
	// header, status bar, help; then a title row above the top panes and a
	// rule above the results.
	body := max(m.height-2-g.helpH-2, 2)
	g.sideBySide = m.width >= sideBySideMin
	nSteps := len(m.lab.Checks)
	if g.sideBySide {
		g.stepsW = min(max(m.width*2/5, 24), 40)
		g.instrW = m.width - g.stepsW - 3
		g.topH = max(body*11/20, nSteps)
	} else {
		g.stepsW, g.instrW = m.width, m.width
		g.stepsH = nSteps + 1
		g.topH = max(body*11/20-g.stepsH, 2)
	}
	rest := body - g.topH - g.stepsH
	if rest < 1 {
		g.topH, rest = max(body-g.stepsH-1, 1), 1
	}
	g.resultsH = rest
	if m.logVisible() && rest >= 5 {
		g.logH = rest / 2
		g.resultsH = rest - g.logH - 1
	}
	return g
}

// logVisible says whether the build log pane is on screen.
func (m *labScreen) logVisible() bool {
	switch m.logMode {
	case logShown:
		return true
	case logHidden:
		return false
	}
	return m.running && m.log.Len() > 0
}

// layout sizes the viewports and re-renders the instructions for a new width.
func (m *labScreen) layout() {
	g := m.geometry()
	m.help.Width = m.width
	m.instr.Width, m.instr.Height = g.instrW, g.topH
	m.results.Width, m.results.Height = m.width, g.resultsH
	if m.renderedWidth != g.instrW {
		m.rendered = m.renderReadme(g.instrW)
		m.renderedWidth = g.instrW
		m.instr.SetContent(m.rendered)
	}
	m.refreshResults(false)
}

// renderReadme draws the instructions at the pane's width, the way lessons
// are drawn: headings without their # markers.
func (m *labScreen) renderReadme(width int) string {
	if m.readme == "" {
		return "loading the instructions…"
	}
	if !m.readmeOK {
		return components.Wrap(m.readme, width, 0)
	}
	out, err := markdown.Render(m.readme, max(width-2, 20), m.opts.Colour)
	if err != nil {
		return components.Wrap(m.readme, width, 0)
	}
	return strings.Trim(trimRight(out), "\n")
}

func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// labView composes the lab screen.
func (m *labScreen) labView() string {
	g := m.geometry()
	// The running check's line shows elapsed time, so it is redrawn with the
	// clock, not only when a message changes the results.
	if m.running {
		m.refreshResults(false)
	}
	var rows []string
	rows = append(rows, m.headerLine())
	stepsView := m.stepsList().View(g.stepsW)
	instrTitle := m.paneTitle("Instructions", !m.focusResults, m.instr)
	if g.sideBySide {
		left := components.Fit(m.st.bold.Render("Steps")+"\n"+stepsView, g.stepsW, g.topH+1)
		right := components.Fit(instrTitle+"\n"+m.instr.View(), g.instrW, g.topH+1)
		ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
		sep := m.st.rule.Render(" │ ")
		for i := range ls {
			rows = append(rows, ls[i]+sep+rs[i])
		}
	} else {
		rows = append(rows, components.Fit(m.st.bold.Render("Steps")+"\n"+stepsView, m.width, g.stepsH))
		rows = append(rows, components.Fit(instrTitle+"\n"+m.instr.View(), m.width, g.topH+1))
	}
	rows = append(rows, m.rule(m.paneTitle("Results", m.focusResults, m.results)))
	rows = append(rows, components.Fit(m.results.View(), m.width, g.resultsH))
	if g.logH > 0 {
		rows = append(rows, m.rule(m.st.bold.Render("Build log")+m.st.dim.Render(" (b hides)")))
		rows = append(rows, components.Fit(m.st.dim.Render(strings.Join(m.log.Tail(g.logH), "\n")), m.width, g.logH))
	}
	rows = append(rows, components.FitLine(m.statusLine(), m.width))
	rows = append(rows, components.Fit(m.help.View(m.keys), m.width, g.helpH))
	return components.Fit(strings.Join(rows, "\n"), m.width, m.height)
}

func (m *labScreen) headerLine() string {
	left := m.st.header.Render("devopsctl · lab "+m.lab.ID+":") + " " + m.lab.Title
	var right string
	switch m.watchMode {
	case WatchNotify:
		right = "watching for saves"
	case WatchPoll:
		right = fmt.Sprintf("checking for saves every %s", m.opts.PollEvery)
	case WatchOff:
		right = "not watching: c checks"
	default:
		right = "starting to watch…"
	}
	right = m.st.dim.Render(right)
	gap := m.width - lipWidth(left) - lipWidth(right)
	if gap < 1 {
		return components.FitLine(left, m.width)
	}
	return left + strings.Repeat(" ", gap) + right
}

// paneTitle names a pane and, when its text is longer than the pane, how far
// it is scrolled and how to scroll it: the keys move the pane in focus.
func (m *labScreen) paneTitle(name string, focused bool, vp viewport.Model) string {
	title := m.st.bold.Render(name)
	if focused {
		title = m.st.focused.Render(name)
	}
	if vp.TotalLineCount() <= vp.Height {
		return title
	}
	how := "tab, then j/k to scroll"
	if focused {
		how = "j/k to scroll"
	}
	return title + m.st.dim.Render(fmt.Sprintf(" %d%% · %s", int(vp.ScrollPercent()*100), how))
}

func (m *labScreen) rule(title string) string {
	line := m.st.rule.Render("── ") + title + " "
	return components.FitLine(line+m.st.rule.Render(strings.Repeat("─", max(m.width-lipWidth(line), 0))), m.width)
}

// statusLine says where the run stands, or the question being asked.
func (m *labScreen) statusLine() string {
	if m.confirmReset {
		return m.st.warn.Render("Put the starter files back? Changed files are backed up first. [y/N]")
	}
	var state string
	switch {
	case m.quitting, m.cancelling:
		state = m.st.warn.Render("stopping…")
	case m.running:
		state = m.spin.View() + " " + m.runningText()
	case m.last == nil:
		state = "not checked yet"
	case m.note != "":
		// The note is news; the verdict shrinks to leave it room.
		state = fmt.Sprintf("%d/%d passed", m.last.Counts()[checks.Pass], len(m.last.Checks))
	case m.last.Passed:
		state = m.st.good.Render(m.last.Summary())
	default:
		state = m.last.Summary()
	}
	parts := []string{state}
	if m.note != "" {
		parts = append(parts, m.st.note.Render(m.note))
	}
	if m.watchNote != "" {
		parts = append(parts, m.st.warn.Render(m.watchNote))
	}
	return " " + strings.Join(parts, m.st.dim.Render(" · "))
}

func (m *labScreen) runningText() string {
	done := len(m.live)
	text := fmt.Sprintf("checking %d/%d", min(done+1, len(m.lab.Checks)), len(m.lab.Checks))
	if t0, ok := m.started[m.current]; ok && m.current != "" {
		if el := m.opts.Now().Sub(t0); el >= time.Second {
			text += fmt.Sprintf(" (%s)", el.Truncate(time.Second))
		}
	}
	return text
}

// stepsList turns the run state into the steps component: a result of this
// run first, then the running check, then the last run's verdict.
func (m *labScreen) stepsList() components.Steps {
	steps := components.Steps{Spinner: m.spin.View(), Styles: m.st.comp}
	for _, c := range m.lab.Checks {
		st := components.Step{Title: c.Title, State: components.StepPending}
		if r, ok := m.shownResult(c.ID); ok {
			st.State = stepState(r.Status)
		}
		if m.running && m.current == c.ID {
			st.State = components.StepRunning
			if t0, ok := m.started[c.ID]; ok {
				st.Elapsed = m.opts.Now().Sub(t0)
			}
		}
		steps.Items = append(steps.Items, st)
	}
	return steps
}

// shownResult is the result to show for check id: this run's, or while it
// runs, the last run's.
func (m *labScreen) shownResult(id string) (labs.CheckResult, bool) {
	if r, ok := m.live[id]; ok {
		return r, true
	}
	if m.last != nil {
		for _, r := range m.last.Checks {
			if r.ID == id {
				return r, true
			}
		}
	}
	return labs.CheckResult{}, false
}

func stepState(s checks.Status) components.StepState {
	switch s {
	case checks.Pass:
		return components.StepPass
	case checks.Fail:
		return components.StepFail
	case checks.Error:
		return components.StepError
	case checks.Skip:
		return components.StepSkip
	}
	return components.StepPending
}

// refreshResults rebuilds the results pane; top scrolls it back to the start.
func (m *labScreen) refreshResults(top bool) {
	m.results.SetContent(m.resultsText(m.width))
	if top {
		m.results.GotoTop()
	}
}

func (m *labScreen) resultsText(width int) string {
	var b strings.Builder
	if m.hint != "" {
		b.WriteString(components.Wrap(m.hint, width, 1) + "\n\n")
	}
	if m.last != nil && m.last.Passed && m.live == nil {
		b.WriteString(m.finishedText(width))
		return strings.TrimRight(b.String(), "\n")
	}
	if m.lastFromDisk && len(m.live) == 0 {
		b.WriteString(m.st.dim.Render(" Your last results (checking again now):") + "\n")
	}
	any := false
	for _, c := range m.lab.Checks {
		if m.running && c.ID == m.current {
			any = true
			b.WriteString(m.runningResult(&c, width))
			continue
		}
		r, ok := m.shownResult(c.ID)
		if !ok {
			continue
		}
		any = true
		b.WriteString(m.resultText(r, width))
	}
	if !any {
		if m.running {
			b.WriteString(" Checking your files…\n")
		} else {
			b.WriteString(" No check has run yet: save a file in your workspace, or press c.\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// resultText is one check in the results pane: the verdict, then for a check
// that did not pass, its message, a little evidence and the hint.
func (m *labScreen) resultText(r labs.CheckResult, width int) string {
	icon := components.Steps{Styles: m.st.comp}.Icon(stepState(r.Status))
	line := " " + icon + " " + r.Title
	if r.Status == checks.Pass {
		if r.Message != "" {
			line += m.st.dim.Render(" — " + r.Message)
		}
		return components.FitLine(line, width) + "\n"
	}
	var b strings.Builder
	b.WriteString(line + "\n")
	if r.Message != "" {
		b.WriteString(components.Wrap(r.Message, width, 4) + "\n")
	}
	ev := r.Evidence
	if len(ev) > 4 {
		ev = append(ev[:4:4], fmt.Sprintf("… and %d more", len(r.Evidence)-4))
	}
	for _, e := range ev {
		b.WriteString(components.FitLine(m.st.dim.Render("    │ "+e), width) + "\n")
	}
	if r.Hint != "" {
		b.WriteString(components.Wrap(m.st.bold.Render("hint:")+" "+r.Hint, width, 4) + "\n")
	}
	return b.String()
}

// finishedText is shown once every check passed: what the learner can now
// do, and where to go next.
func (m *labScreen) finishedText(width int) string {
	var b strings.Builder
	b.WriteString(" " + m.st.good.Render("Well done: "+m.last.Summary()+"!") + "\n")
	if len(m.lab.Learned) > 0 {
		b.WriteString(" What you can now do:\n")
		for _, l := range m.lab.Learned {
			b.WriteString(components.Wrap("• "+l, width, 3) + "\n")
		}
	}
	if next := m.opts.Catalog.Next(m.lab.ID); next != nil {
		b.WriteString(components.Wrap(fmt.Sprintf("Next: lab %s, %s — press n to start it.", next.ID, next.Title), width, 1) + "\n")
	} else {
		b.WriteString(" That was the last lab: l lists them all.\n")
	}
	b.WriteString(m.st.dim.Render(" s shows a model solution to compare with yours.") + "\n")
	return b.String()
}

func lipWidth(s string) int { return xansi.StringWidth(s) }

// runningResult is the line of the check in progress, with its elapsed time
// once it is slow enough to wonder about.
func (m *labScreen) runningResult(c *labs.CheckSpec, width int) string {
	line := " " + m.st.comp.Running.Render(m.spin.View()) + " " + c.Title + m.st.dim.Render(" — running")
	if t0, ok := m.started[c.ID]; ok {
		if el := m.opts.Now().Sub(t0); el >= time.Second {
			line += m.st.dim.Render(fmt.Sprintf(" (%s)", el.Truncate(time.Second)))
		}
	}
	if c.NeedsEngine() && m.log.Len() > 0 && !m.logVisible() {
		line += m.st.dim.Render(" · b shows the build log")
	}
	if m.cancelling {
		line += m.st.dim.Render(" · stopping")
	} else {
		line += m.st.dim.Render(" · esc cancels")
	}
	return components.FitLine(line, width) + "\n"
}

package components

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// StepState is what the steps list knows of one check.
type StepState int

const (
	StepPending StepState = iota
	StepRunning
	StepPass
	StepFail
	StepError
	StepSkip
)

// Step is one line of the steps list.
type Step struct {
	Title string
	State StepState
	// Elapsed is shown for a running step once it passes a second, so a slow
	// build visibly moves while static checks stay uncluttered.
	Elapsed time.Duration
}

// Steps renders the lab's checks, one per line, with their status icons.
type Steps struct {
	Items []Step
	// Spinner is the current frame shown for a running step.
	Spinner string
	Styles  Styles
}

// Icon is the mark for a step state.
func (s Steps) Icon(st StepState) string {
	switch st {
	case StepPass:
		return s.Styles.Pass.Render("✓")
	case StepFail:
		return s.Styles.Fail.Render("✗")
	case StepError:
		return s.Styles.Fail.Render("!")
	case StepSkip:
		return s.Styles.Skip.Render("-")
	case StepRunning:
		return s.Styles.Running.Render(s.Spinner)
	default:
		return s.Styles.Pending.Render("·")
	}
}

// View renders the list in width cells; titles too long are cut, the
// elapsed time of a running step is kept.
func (s Steps) View(width int) string {
	lines := make([]string, 0, len(s.Items))
	for i, it := range s.Items {
		suffix := ""
		if it.State == StepRunning && it.Elapsed >= time.Second {
			suffix = " " + formatElapsed(it.Elapsed)
		}
		prefix := fmt.Sprintf("%d. ", i+1)
		room := width - 2 - ansi.StringWidth(prefix) - ansi.StringWidth(suffix)
		title := it.Title
		if room > 1 && ansi.StringWidth(title) > room {
			title = ansi.Truncate(title, room, "…")
		}
		lines = append(lines, FitLine(s.Icon(it.State)+" "+prefix+title+s.Styles.Dim.Render(suffix), width))
	}
	return strings.Join(lines, "\n")
}

// formatElapsed shows whole seconds under a minute and m:ss above.
func formatElapsed(d time.Duration) string {
	secs := int(d / time.Second)
	if secs < 60 {
		return fmt.Sprintf("%ds", secs)
	}
	return fmt.Sprintf("%dm%02ds", secs/60, secs%60)
}

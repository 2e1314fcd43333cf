package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/lessons"
)

func loadReadme(lab *labs.Lab) tea.Cmd {
	return func() tea.Msg {
		text, err := lab.README()
		return readmeLoadedMsg{labID: lab.ID, text: text, err: err}
	}
}

func resetWorkspace(lab *labs.Lab, dir string) tea.Cmd {
	return func() tea.Msg {
		backup, err := labs.Reset(lab, dir)
		return resetDoneMsg{backup: backup, err: err}
	}
}

// loadSolution gathers the files of the lab's model solution into one text.
func loadSolution(lab *labs.Lab) tea.Cmd {
	return func() tea.Msg {
		var b strings.Builder
		err := fs.WalkDir(lab.FS, "solution", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(lab.FS, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "── %s ──\n%s", strings.TrimPrefix(p, "solution/"), data)
			if len(data) > 0 && data[len(data)-1] != '\n' {
				b.WriteString("\n")
			}
			b.WriteString("\n")
			return nil
		})
		if err != nil {
			err = fmt.Errorf("read the solution of lab %s: %w", lab.ID, err)
		}
		body := b.String()
		return docLoadedMsg{title: "Model solution of lab " + lab.ID, render: func(int) (string, error) { return body, nil }, err: err}
	}
}

// loadLessons finds the lessons a lab links to; the pager draws them for its
// width. A lesson that cannot be found is named with the command that lists
// the ones that exist, so the learner still has a way to read it.
func loadLessons(lab *labs.Lab, colour bool) tea.Cmd {
	return func() tea.Msg {
		var found []*lessons.Lesson
		var missing []string
		for _, id := range lab.Lessons {
			l, err := lessons.Get(id)
			if err != nil {
				missing = append(missing, fmt.Sprintf("Lesson %q could not be opened here (%v).\nRead it with: devopsctl lesson show %s\n", id, err, id))
				continue
			}
			found = append(found, l)
		}
		render := func(width int) (string, error) {
			parts := append([]string(nil), missing...)
			for _, l := range found {
				text, err := lessons.Render(l, width, colour)
				if err != nil {
					text = fmt.Sprintf("Lesson %s could not be shown (%v).\nRead it with: devopsctl lesson show %s\n", l.ID, err, l.ID)
				}
				parts = append(parts, text)
			}
			return strings.Join(parts, "\n\n"), nil
		}
		return docLoadedMsg{title: "Lessons of lab " + lab.ID + ": " + strings.Join(lab.Lessons, ", "), render: render}
	}
}

// openLab finds or makes the workspace of lab: the one recorded in progress
// if it still exists, otherwise a new folder named after the lab beside the
// current workspace.
func openLab(lab *labs.Lab, recorded, beside string) tea.Cmd {
	return func() tea.Msg {
		if recorded != "" {
			if ws, err := labs.OpenWorkspace(recorded); err == nil && ws.Marker.Lab == lab.ID {
				return labOpenedMsg{lab: lab, dir: recorded}
			}
		}
		dir := filepath.Join(filepath.Dir(beside), lab.ID)
		if ws, err := labs.OpenWorkspace(dir); err == nil && ws.Marker.Lab == lab.ID {
			return labOpenedMsg{lab: lab, dir: dir}
		}
		if _, err := labs.Scaffold(lab, dir, false); err != nil {
			if errors.Is(err, labs.ErrNotEmpty) {
				err = fmt.Errorf("%s already has other files, so lab %s was not started there; quit and run devopsctl lab start %s --dir <new folder>", dir, lab.ID, lab.ID)
			}
			return labOpenedMsg{lab: lab, err: err}
		}
		return labOpenedMsg{lab: lab, dir: dir, created: true}
	}
}

package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// rawHeading is a line of a pane that starts with markdown's heading marker.
var rawHeading = regexp.MustCompile(`(?m)(^|│)\s*#{1,6} `)

// TestGoldenScreens keeps the look of the lab screen at two terminal sizes.
// Run with -update to rewrite the files after an intended change.
func TestGoldenScreens(t *testing.T) {
	scenarios := []struct {
		name string
		lab  string
		play func(h *harness)
	}{
		{name: "lab-start", lab: "tui-static", play: func(h *harness) {}},
		{name: "failing-check-with-hint", lab: "tui-static", play: func(h *harness) {
			h.playRun()
		}},
		{name: "build-in-progress", lab: "tui-build", play: func(h *harness) {
			id := h.m.runID
			h.send(checkStartedMsg{runID: id, CheckID: "dockerfile-exists", At: t0})
			h.send(checkDoneMsg{runID: id, Result: labs.CheckResult{ID: "dockerfile-exists", Title: "There is a Dockerfile", Status: checks.Pass, Message: "Dockerfile exists (42 bytes)"}})
			h.send(checkStartedMsg{runID: id, CheckID: "image-builds", At: t0.Add(time.Second)})
			for i := 1; i <= 12; i++ {
				h.send(buildLogMsg{runID: id, Text: fmt.Sprintf("#%d [%d/3] RUN go build -o /usr/local/bin/app .\n", i, i%3+1)})
			}
			h.now = t0.Add(13 * time.Second)
		}},
		{name: "all-passed", lab: "tui-static", play: func(h *harness) {
			h.write("Dockerfile", "FROM golang:1.26\nCMD [\"app\"]\n")
			h.playRun()
		}},
	}
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}}
	for _, sc := range scenarios {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, size.w, size.h), func(t *testing.T) {
				h := newHarness(t, sc.lab, nil)
				h.start(size.w, size.h)
				sc.play(h)
				got := h.m.View()
				assertScreen(t, got, size.w, size.h)
				if m := rawHeading.FindString(got); m != "" {
					t.Errorf("a markdown heading is shown raw (%q):\n%s", m, got)
				}
				file := filepath.Join("testdata", "golden", fmt.Sprintf("%s-%dx%d.txt", sc.name, size.w, size.h))
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run go test ./internal/tui -run TestGoldenScreens -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("screen differs from %s (rerun with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", file, got, want)
				}
			})
		}
	}
}

package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/fsnotify/fsnotify"
)

// WatchMode says how saves in the workspace are noticed.
type WatchMode string

const (
	// WatchNotify asks the operating system for file events, and falls back
	// to polling when they cannot be had or do not arrive.
	WatchNotify WatchMode = "notify"
	// WatchPoll looks at the files' sizes and times at a fixed interval.
	WatchPoll WatchMode = "poll"
	// WatchOff does not watch: the learner presses c.
	WatchOff WatchMode = "off"
)

// EnvWatch forces a watch mode: notify, poll or off.
const EnvWatch = "DEVOPSCTL_WATCH"

// ParseWatchMode reads a DEVOPSCTL_WATCH value; empty means notify.
func ParseWatchMode(v string) (WatchMode, error) {
	switch m := WatchMode(strings.ToLower(strings.TrimSpace(v))); m {
	case "":
		return WatchNotify, nil
	case WatchNotify, WatchPoll, WatchOff:
		return m, nil
	}
	return "", fmt.Errorf("%s=%q: use notify, poll or off", EnvWatch, v)
}

// Timings of watching. Debounce is short so a save shows its verdict quickly,
// yet long enough to gather the several events one editor save makes.
const (
	DefaultDebounce  = 60 * time.Millisecond
	DefaultPollEvery = time.Second
	// probeTimeout bounds the wait for the test event that proves file events
	// are delivered on this filesystem.
	probeTimeout = 2 * time.Second
)

// probeName is written once in .devopsctl/ when watching starts.
const probeName = "watch-probe"

// watchConfig is one watcher: which folder, how, and where to send what it sees.
type watchConfig struct {
	id        int
	dir       string
	mode      WatchMode
	debounce  time.Duration
	pollEvery time.Duration
	send      func(tea.Msg) bool
}

// watch runs until ctx ends, sending workspaceChangedMsg for every debounced
// burst of saves and watchStatusMsg whenever the way of watching changes.
func watch(ctx context.Context, cfg watchConfig) {
	switch cfg.mode {
	case WatchOff:
		cfg.send(watchStatusMsg{watchID: cfg.id, Mode: WatchOff, Note: "not watching for saves (" + EnvWatch + "=off): press c to check"})
		return
	case WatchPoll:
		poll(ctx, cfg, watchStatusMsg{watchID: cfg.id, Mode: WatchPoll})
		return
	}
	if err := notify(ctx, cfg); err != nil && ctx.Err() == nil {
		poll(ctx, cfg, watchStatusMsg{watchID: cfg.id, Mode: WatchPoll, Note: fmt.Sprintf("%v; checking for saves every %s instead (or press c)", err, cfg.pollEvery)})
	}
}

// notify watches with file events. It returns an error when events cannot be
// had or stop coming, so the caller falls back to polling.
func notify(ctx context.Context, cfg watchConfig) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("cannot watch for saves (%w)", err)
	}
	defer w.Close()
	if err := addTree(w, cfg.dir); err != nil {
		return fmt.Errorf("cannot watch %s for saves (%w)", cfg.dir, err)
	}
	// A file written in .devopsctl/ proves that events arrive; where it
	// cannot be written there is no proof either way, and events are trusted.
	probe := filepath.Join(cfg.dir, ".devopsctl", probeName)
	confirmed := true
	if err := w.Add(filepath.Dir(probe)); err == nil {
		if err := os.WriteFile(probe, []byte("devopsctl checks that file events arrive\n"), 0o644); err == nil {
			confirmed = false
			defer os.Remove(probe)
		}
	}
	if confirmed {
		cfg.send(watchStatusMsg{watchID: cfg.id, Mode: WatchNotify})
	}
	probeDeadline := time.NewTimer(probeTimeout)
	defer probeDeadline.Stop()
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	changed := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-probeDeadline.C:
			if !confirmed {
				return errors.New("file events do not arrive from this folder's filesystem")
			}
		case err := <-w.Errors:
			return fmt.Errorf("watching for saves failed (%w)", err)
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("watching for saves stopped")
			}
			if !confirmed {
				confirmed = true
				os.Remove(probe)
				cfg.send(watchStatusMsg{watchID: cfg.id, Mode: WatchNotify})
			}
			rel, err := filepath.Rel(cfg.dir, ev.Name)
			if err != nil || ignored(rel) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					_ = addTree(w, ev.Name)
				}
			}
			if ev.Op == fsnotify.Chmod {
				continue // editors and indexers touch modes without changing content
			}
			changed[filepath.ToSlash(rel)] = true
			debounce.Reset(cfg.debounce)
		case <-debounce.C:
			if len(changed) == 0 {
				continue
			}
			cfg.send(workspaceChangedMsg{watchID: cfg.id, Paths: sortedKeys(changed)})
			changed = map[string]bool{}
		}
	}
}

// addTree watches root and every folder under it that is not ignored.
func addTree(w *fsnotify.Watcher, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // a folder removed while walking is no reason to stop
		}
		if !d.IsDir() {
			return nil
		}
		if rel, _ := filepath.Rel(root, p); rel != "." && ignored(rel) {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}

// ignored says whether a change to rel (relative to the workspace) should be
// left alone: version control, devopsctl's own files, editor swap and backup
// files.
func ignored(rel string) bool {
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == ".git" || part == ".devopsctl" {
			return true
		}
	}
	base := filepath.Base(rel)
	switch {
	case base == "4913", // vim's test that it may write in the folder
		strings.HasPrefix(base, ".#"), // emacs lock files
		strings.HasSuffix(base, "~"),
		strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"), strings.HasSuffix(base, ".swo"):
		return true
	}
	return false
}

// fileStamp is what polling compares.
type fileStamp struct {
	size int64
	mod  time.Time
}

// poll compares the workspace's files every interval and reports the ones
// that appeared, went away or changed. It sends status once it has the first
// picture of the files, so no save after that message goes unseen.
func poll(ctx context.Context, cfg watchConfig, status watchStatusMsg) {
	prev := scan(cfg.dir)
	cfg.send(status)
	t := time.NewTicker(cfg.pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			cur := scan(cfg.dir)
			if diff := changedFiles(prev, cur); len(diff) > 0 {
				cfg.send(workspaceChangedMsg{watchID: cfg.id, Paths: diff})
			}
			prev = cur
		}
	}
}

func scan(root string) map[string]fileStamp {
	out := map[string]fileStamp{}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if rel != "." && ignored(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			out[filepath.ToSlash(rel)] = fileStamp{size: info.Size(), mod: info.ModTime()}
		}
		return nil
	})
	return out
}

func changedFiles(prev, cur map[string]fileStamp) []string {
	diff := map[string]bool{}
	for p, s := range cur {
		if old, ok := prev[p]; !ok || old != s {
			diff[p] = true
		}
	}
	for p := range prev {
		if _, ok := cur[p]; !ok {
			diff[p] = true
		}
	}
	return sortedKeys(diff)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

package tui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func TestIgnored(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"Dockerfile", false},
		{"app/main.go", false},
		{".dockerignore", false},
		{".git/index", true},
		{".git", true},
		{".devopsctl/lab.json", true},
		{"sub/.git/HEAD", true},
		{".Dockerfile.swp", true},
		{".Dockerfile.swx", true},
		{"Dockerfile~", true},
		{"4913", true},
		{".#Dockerfile", true},
		{"notes.swp.txt", false},
	}
	for _, tt := range tests {
		if got := ignored(tt.path); got != tt.want {
			t.Errorf("ignored(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestParseWatchMode(t *testing.T) {
	tests := []struct {
		in      string
		want    WatchMode
		wantErr bool
	}{
		{"", WatchNotify, false},
		{"poll", WatchPoll, false},
		{" Notify ", WatchNotify, false},
		{"off", WatchOff, false},
		{"inotify", "", true},
	}
	for _, tt := range tests {
		got, err := ParseWatchMode(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseWatchMode(%q) = %q, %v", tt.in, got, err)
		}
	}
}

// startWatcher runs a watcher on a fresh folder and returns its messages.
func startWatcher(t *testing.T, mode WatchMode, debounce time.Duration) (string, <-chan tea.Msg) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".devopsctl"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	ch := make(chan tea.Msg, 64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		watch(ctx, watchConfig{id: 1, dir: dir, mode: mode, debounce: debounce, pollEvery: 50 * time.Millisecond,
			send: func(m tea.Msg) bool { ch <- m; return true }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return dir, ch
}

func nextMsg[T any](t *testing.T, ch <-chan tea.Msg, within time.Duration) T {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case m := <-ch:
			if v, ok := m.(T); ok {
				return v
			}
		case <-deadline:
			var zero T
			t.Fatalf("no %T within %s", zero, within)
			return zero
		}
	}
}

func TestWatchReportsSavesNotSwapFiles(t *testing.T) {
	for _, mode := range []WatchMode{WatchNotify, WatchPoll} {
		t.Run(string(mode), func(t *testing.T) {
			dir, ch := startWatcher(t, mode, 40*time.Millisecond)
			st := nextMsg[watchStatusMsg](t, ch, 3*time.Second)
			if st.Mode != mode {
				t.Fatalf("watching as %q (%s), want %q", st.Mode, st.Note, mode)
			}
			for _, junk := range []string{".Dockerfile.swp", "4913", "Dockerfile~", ".devopsctl/state", ".#Dockerfile"} {
				if err := os.WriteFile(filepath.Join(dir, junk), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, "sub", "main.go"), []byte("package main\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			got := nextMsg[workspaceChangedMsg](t, ch, 3*time.Second)
			if !slices.Equal(got.Paths, []string{"sub/main.go"}) {
				t.Errorf("changed paths %v, want only sub/main.go", got.Paths)
			}
		})
	}
}

func TestWatchDebouncesABurst(t *testing.T) {
	// A debounce far longer than the gaps between saves keeps the burst one
	// burst even on a loaded machine.
	dir, ch := startWatcher(t, WatchNotify, 400*time.Millisecond)
	nextMsg[watchStatusMsg](t, ch, 3*time.Second)
	for i := 0; i < 5; i++ {
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte{byte('a' + i)}, 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	nextMsg[workspaceChangedMsg](t, ch, 3*time.Second)
	select {
	case m := <-ch:
		if _, ok := m.(workspaceChangedMsg); ok {
			t.Errorf("one burst of saves gave two runs: %#v", m)
		}
	case <-time.After(800 * time.Millisecond):
	}
}

func TestWatchNewFolderIsWatched(t *testing.T) {
	dir, ch := startWatcher(t, WatchNotify, 40*time.Millisecond)
	nextMsg[watchStatusMsg](t, ch, 3*time.Second)
	if err := os.MkdirAll(filepath.Join(dir, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	nextMsg[workspaceChangedMsg](t, ch, 3*time.Second)
	if err := os.WriteFile(filepath.Join(dir, "web", "index.html"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := nextMsg[workspaceChangedMsg](t, ch, 3*time.Second)
	if !slices.Contains(got.Paths, "web/index.html") {
		t.Errorf("a file in a new folder was not seen: %v", got.Paths)
	}
}

func TestWatchOffSaysSo(t *testing.T) {
	_, ch := startWatcher(t, WatchOff, 40*time.Millisecond)
	st := nextMsg[watchStatusMsg](t, ch, time.Second)
	if st.Mode != WatchOff || st.Note == "" {
		t.Errorf("off mode must explain itself: %#v", st)
	}
}

func TestWatchFallsBackToPolling(t *testing.T) {
	// A workspace that cannot be watched (it does not exist yet) makes the
	// watcher say so and poll, rather than fall silent.
	dir := filepath.Join(t.TempDir(), "later")
	ch := make(chan tea.Msg, 16)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watch(ctx, watchConfig{id: 1, dir: dir, mode: WatchNotify, debounce: 20 * time.Millisecond, pollEvery: 30 * time.Millisecond,
		send: func(m tea.Msg) bool { ch <- m; return true }})
	st := nextMsg[watchStatusMsg](t, ch, 3*time.Second)
	if st.Mode != WatchPoll || st.Note == "" {
		t.Fatalf("fallback status: %#v", st)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := nextMsg[workspaceChangedMsg](t, ch, 3*time.Second)
	if !slices.Equal(got.Paths, []string{"Dockerfile"}) {
		t.Errorf("polling saw %v", got.Paths)
	}
}

package tui

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// terminal is the output of a program on a pseudo-terminal, escape codes
// removed, so tests can wait for text to appear.
type terminal struct {
	mu  sync.Mutex
	out bytes.Buffer
	pty *os.File
}

// copy records the output and answers the questions a real terminal
// answers: bubbletea asks for the background colour and the cursor position
// when the process starts, and waits seconds for a reply that never comes.
func (term *terminal) copy() {
	buf := make([]byte, 4096)
	for {
		n, err := term.pty.Read(buf)
		chunk := string(buf[:n])
		if strings.Contains(chunk, "\x1b]11;?") {
			_, _ = term.pty.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
		}
		if strings.Contains(chunk, "\x1b[6n") {
			_, _ = term.pty.Write([]byte("\x1b[1;1R"))
		}
		term.mu.Lock()
		term.out.WriteString(chunk)
		term.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (term *terminal) text() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansi.Strip(term.out.String())
}

// waitFor waits until want has been printed after mark (an earlier length of
// text()).
func (term *terminal) waitFor(t *testing.T, mark int, want string) int {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		txt := term.text()
		if i := strings.Index(txt[min(mark, len(txt)):], want); i >= 0 {
			return mark + i + len(want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	txt := term.text()
	t.Fatalf("the terminal never showed %q; its last output:\n%s", want, txt[max(len(txt)-3000, 0):])
	return 0
}

func (term *terminal) typeKeys(t *testing.T, keys string) {
	t.Helper()
	if _, err := term.pty.Write([]byte(keys)); err != nil {
		t.Fatalf("type %q: %v", keys, err)
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "devopsctl")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/devopsctl")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestLabStartInTerminal runs the built binary on a pseudo-terminal: `lab
// start` opens the lab screen, keys work, a save turns the failing step
// green, q quits, progress is on disk, and nothing is left on the engine.
func TestLabStartInTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildBinary(t)
	// A pack with just the static lab: no Docker is needed to pass it.
	pack := t.TempDir()
	if err := labs.CopyTree(os.DirFS(filepath.Join("testdata", "pack")), "tui-static", filepath.Join(pack, "tui-static")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  []string
	}{
		{name: "no colour", env: []string{"NO_COLOR=1"}},
		{name: "colour", env: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			ws := filepath.Join(t.TempDir(), "ws")
			cmd := exec.Command(bin, "--labs", pack, "lab", "start", "tui-static", "--dir", ws)
			cmd.Env = append(filteredEnv("NO_COLOR", EnvWatch, labs.EnvLabPaths), append([]string{"DEVOPSCTL_HOME=" + home, "TERM=xterm-256color"}, tt.env...)...)
			f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
			if err != nil {
				t.Fatalf("start on a pseudo-terminal: %v", err)
			}
			defer f.Close()
			term := &terminal{pty: f}
			go term.copy()
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				if cmd.ProcessState == nil {
					_ = cmd.Process.Kill()
				}
			})

			at := term.waitFor(t, 0, "A Dockerfile that parses")
			at = term.waitFor(t, at, "1 of 2 checks passed")
			term.typeKeys(t, "h")
			at = term.waitFor(t, at, "Hint 1 of 3")
			term.typeKeys(t, "?")
			at = term.waitFor(t, at, "cancel check")
			term.typeKeys(t, "?")

			if err := os.WriteFile(filepath.Join(ws, "Dockerfile"), []byte(validDockerfile), 0o644); err != nil {
				t.Fatal(err)
			}
			at = term.waitFor(t, at, "all 2 checks passed")
			term.typeKeys(t, "q")
			select {
			case err := <-exited:
				if err != nil {
					t.Fatalf("devopsctl exited with %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("q did not quit")
			}
			term.waitFor(t, at, "Lab tui-static: all 2 checks passed.")

			data, err := os.ReadFile(filepath.Join(home, "progress.json"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := labs.ParseProgress(data)
			if err != nil {
				t.Fatal(err)
			}
			if lp := p.Labs["tui-static"]; lp == nil || lp.PassedAt == nil || lp.Runs < 2 {
				t.Errorf("progress not saved as steps passed: %s", data)
			}

			// Reopening resumes: the workspace remembers its pack, and the
			// last results are on screen.
			reopen := exec.Command(bin, "lab", "open", "tui-static")
			reopen.Env = cmd.Env
			f2, err := pty.StartWithSize(reopen, &pty.Winsize{Rows: 24, Cols: 80})
			if err != nil {
				t.Fatal(err)
			}
			defer f2.Close()
			term2 := &terminal{pty: f2}
			go term2.copy()
			at2 := term2.waitFor(t, 0, "Well done: all 2 checks passed!")
			term2.typeKeys(t, "q")
			if err := reopen.Wait(); err != nil {
				t.Fatalf("lab open exited with %v", err)
			}
			term2.waitFor(t, at2, "come back with devopsctl lab open tui-static")
		})
	}
	t.Run("no engine resources left", func(t *testing.T) {
		eng := testenv.Engine(t)
		testenv.NoLeftovers(t, eng, "tui-static")
	})
}

// filteredEnv is the test's environment without the named variables, so the
// caller's settings do not leak into the program under test.
func filteredEnv(names ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			keep = keep && name != n
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

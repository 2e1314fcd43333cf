//go:build unix

package watchdog

import (
	"os"
	"os/exec"
	"syscall"
)

// spawn starts a process in a session of its own, with no terminal and its
// standard streams on the null device, so that neither Ctrl-C in the
// learner's terminal nor the end of the command stops it.
func spawn(exe string, args ...string) error {
	cmd := exec.Command(exe, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	// Out of the learner's folder, which it might otherwise keep busy.
	cmd.Dir = os.TempDir()
	if err := cmd.Start(); err != nil {
		return err
	}
	// Waiting reaps it should it end before this process does.
	go cmd.Wait()
	return nil
}

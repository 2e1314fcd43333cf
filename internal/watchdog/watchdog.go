// Package watchdog starts, beside a run that puts containers on the engine, a
// detached devopsctl process that removes them when their lease ends, even
// when the run itself was killed (docker.WatchRun). The engine has no
// lifetime limit of its own for a container.
package watchdog

import (
	"os"
	"sync"
	"testing"
)

// Command is the hidden subcommand the watch runs as.
const Command = "__watch-run"

// Spawner returns the func docker.Client.Watch calls: it starts one watch per
// run, the devopsctl binary itself running Command. A test binary never
// starts one: it would run the tests again, not devopsctl.
func Spawner() func(runID string) {
	if testing.Testing() {
		return nil
	}
	var (
		mu      sync.Mutex
		started = map[string]bool{}
	)
	return func(runID string) {
		mu.Lock()
		defer mu.Unlock()
		if started[runID] {
			return
		}
		exe, err := os.Executable()
		if err != nil {
			return
		}
		if spawn(exe, Command, "--run", runID) == nil {
			started[runID] = true
		}
	}
}

package watchdog

import "testing"

// TestNoWatchFromTests: a test binary that asked for a watch would start
// itself again, running its tests instead of devopsctl.
func TestNoWatchFromTests(t *testing.T) {
	if Spawner() != nil {
		t.Fatal("a test binary got a watch spawner")
	}
}

//go:build !unix

package watchdog

import "errors"

// spawn is not available here: the lease then ends at the next devopsctl
// command, which reaps orphans.
func spawn(exe string, args ...string) error {
	return errors.New("no detached processes on this system")
}

//go:build unix

package swarmrun

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockPath is shared by every devopsctl process on this machine, whoever runs it.
var lockPath = filepath.Join(os.TempDir(), "devopsctl-swarm-rollout.lock")

// LockHost waits until no other real rollout runs on this machine, and holds that
// until release is called. Run takes it itself; a caller that must look at the
// engine just before and after a run takes it instead, and runs Unlocked. Two runs on one engine would undo each other: the demo
// images have fixed tags, and the run that created the swarm leaves it when it ends.
// A lock file that cannot be opened is reported and the run goes ahead unlocked.
func LockHost(ctx context.Context, logf func(string, ...any)) (release func(), err error) {
	f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDONLY, 0o666)
	if err != nil {
		logf("cannot open %s (%v); going ahead without waiting for other rollouts", lockPath, err)
		return func() {}, nil
	}
	fd := int(f.Fd())
	waiting := false
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { syscall.Flock(fd, syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			logf("cannot lock %s (%v); going ahead without waiting for other rollouts", lockPath, err)
			return func() {}, nil
		}
		if !waiting {
			logf("waiting for another real rollout on this machine to finish")
			waiting = true
		}
		if err := sleepCtx(ctx, 500*time.Millisecond); err != nil {
			f.Close()
			return nil, err
		}
	}
}

package swarmrun

import (
	"context"
	"os"
	"path/filepath"

	"github.com/devopsctl/devopsctl/internal/filelock"
)

// lockPath is shared by every devopsctl process on this machine, whoever runs it.
var lockPath = filepath.Join(os.TempDir(), "devopsctl-swarm-rollout.lock")

// LockHost waits until no other real rollout runs on this machine, and holds that
// until release is called. Run takes it itself; a caller that must look at the
// engine just before and after a run takes it instead, and runs Unlocked. Two runs on one engine would undo each other: the demo
// images have fixed tags, and the run that created the swarm leaves it when it ends.
// A lock file that cannot be opened is reported and the run goes ahead unlocked.
func LockHost(ctx context.Context, logf func(string, ...any)) (release func(), err error) {
	release, err = filelock.Acquire(ctx, lockPath, func() {
		logf("waiting for another real rollout on this machine to finish")
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		logf("%v; going ahead without waiting for other rollouts", err)
		return func() {}, nil
	}
	return release, nil
}

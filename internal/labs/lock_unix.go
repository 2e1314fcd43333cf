//go:build unix

package labs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockWorkspace waits until no other run of the same workspace is going on this
// machine, and holds that until release is called. Runs of one workspace share
// its image tag and its build containers; taking turns keeps one run from
// replacing the image another is about to start, while the build cache still
// holds from run to run. The lock is a file in the temporary folder, named after
// the workspace's absolute path, so it also works for folders without a marker.
func lockWorkspace(ctx context.Context, dir string, progress io.Writer) (release func(), err error) {
	sum := sha256.Sum256([]byte(dir))
	path := filepath.Join(os.TempDir(), "devopsctl-workspace-"+hex.EncodeToString(sum[:8])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o666)
	if err != nil {
		// Without a lock file the run goes ahead: a rare clash is better than no check.
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
			return func() {}, nil
		}
		if !waiting {
			io.WriteString(progress, "Waiting for another check of this workspace to finish…\n")
			waiting = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

//go:build unix

package swarmrun

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockHostSerialisesRuns(t *testing.T) {
	old := lockPath
	lockPath = filepath.Join(t.TempDir(), "rollout.lock")
	t.Cleanup(func() { lockPath = old })
	var log []string
	logf := func(format string, a ...any) { log = append(log, fmt.Sprintf(format, a...)) }

	release, err := LockHost(context.Background(), logf)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	if _, err := LockHost(ctx, logf); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second run got past a held lock: %v", err)
	}
	if len(log) != 1 || !strings.Contains(log[0], "waiting for another real rollout") {
		t.Errorf("the waiting run said %q, want one line that it waits", log)
	}
	release()
	again, err := LockHost(context.Background(), logf)
	if err != nil {
		t.Fatalf("the lock was not released: %v", err)
	}
	again()
}

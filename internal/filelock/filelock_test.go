//go:build unix

package filelock

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestAcquireWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	release, err := Acquire(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	waited := 0
	if _, err := Acquire(ctx, path, func() { waited++ }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second holder got past a held lock: %v", err)
	}
	if waited != 1 {
		t.Errorf("onWait was called %d times, want once", waited)
	}
	release()
	again, err := Acquire(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("the lock was not released: %v", err)
	}
	again()
}

func TestAcquireSerialisesGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		inside  int
		overlap bool
	)
	for range 20 {
		wg.Go(func() {
			release, err := Acquire(context.Background(), path, nil)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			overlap = overlap || inside > 1
			mu.Unlock()
			runtime.Gosched() // let the others try while it is held
			mu.Lock()
			inside--
			mu.Unlock()
			release()
		})
	}
	wg.Wait()
	if overlap {
		t.Error("two holders were inside the lock at once")
	}
}

func TestAcquireReportsAnUnopenableFile(t *testing.T) {
	_, err := Acquire(context.Background(), filepath.Join(t.TempDir(), "missing", "x.lock"), nil)
	if err == nil {
		t.Fatal("a lock file in a missing folder was acquired")
	}
}

// Package filelock takes an exclusive advisory lock on a file, so that
// devopsctl processes on one machine take turns: writers of a state file, or
// real rollouts on the shared swarm. The kernel drops the lock when its holder
// dies, even by kill -9, so a crash never leaves a stale lock behind.
package filelock

import (
	"context"
	"time"
)

// Longest pause between two tries. Short waits are the common case (a state
// write takes milliseconds), so the pause starts small and grows.
const maxPause = 250 * time.Millisecond

// Acquire waits until it holds the lock on path (created if missing) or ctx
// ends. onWait, when not nil, is called once if the lock is busy at first.
// release gives the lock back.
func Acquire(ctx context.Context, path string, onWait func()) (release func(), err error) {
	l, err := open(path)
	if err != nil {
		return nil, err
	}
	pause := time.Millisecond
	for {
		ok, err := l.try()
		if err != nil {
			l.close()
			return nil, err
		}
		if ok {
			return l.release, nil
		}
		if onWait != nil {
			onWait()
			onWait = nil
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			l.close()
			return nil, ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, maxPause)
	}
}

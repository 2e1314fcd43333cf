//go:build unix

package filelock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

type lock struct{ f *os.File }

func open(path string) (*lock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o666)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	return &lock{f: f}, nil
}

func (l *lock) try() (bool, error) {
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
		return false, nil
	default:
		return false, fmt.Errorf("lock %s: %w", l.f.Name(), err)
	}
}

func (l *lock) release() {
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}

func (l *lock) close() { l.f.Close() }

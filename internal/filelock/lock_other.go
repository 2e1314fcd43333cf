//go:build !unix

package filelock

import (
	"fmt"
	"os"
)

// Where flock is missing the lock file is only created: writers are not
// serialised, and the last of two simultaneous writes wins.
type lock struct{ f *os.File }

func open(path string) (*lock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o666)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	return &lock{f: f}, nil
}

func (l *lock) try() (bool, error) { return true, nil }
func (l *lock) release()           { l.f.Close() }
func (l *lock) close()             { l.f.Close() }

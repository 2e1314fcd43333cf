// Package state finds devopsctl's state directory and writes files in it
// atomically, so that an interrupted write never leaves a half-written file.
package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Dir is where devopsctl keeps progress and scores: $DEVOPSCTL_HOME when set,
// else $XDG_STATE_HOME/devopsctl, else ~/.local/state/devopsctl.
func Dir() (string, error) {
	if d := os.Getenv("DEVOPSCTL_HOME"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "devopsctl"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find a state directory: %w (set DEVOPSCTL_HOME)", err)
	}
	return filepath.Join(home, ".local", "state", "devopsctl"), nil
}

// WriteFile replaces path with data atomically: write a temporary file beside it,
// sync, then rename over the old one.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// CorruptError is a state file that could not be read. It has been moved aside
// to Backup, so the next run starts afresh and nothing the learner did is lost.
type CorruptError struct {
	What, Path, Backup string
	Err                error
}

func (e *CorruptError) Error() string {
	if e.Backup == "" {
		return fmt.Sprintf("%s %s is damaged (%v) and could not be moved aside; delete it and run the command again", e.What, e.Path, e.Err)
	}
	return fmt.Sprintf("%s %s was damaged (%v); it was moved to %s and a fresh one will be started on the next run", e.What, e.Path, e.Err, e.Backup)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// ReadFile reads a state file with parse. A missing file reports found=false. A
// file parse rejects is renamed to <path>.corrupt-<unix time> and reported as a
// *CorruptError naming what it held.
func ReadFile(path, what string, parse func([]byte) error) (found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s %s: %w", what, path, err)
	}
	if perr := parse(data); perr != nil {
		backup := fmt.Sprintf("%s.corrupt-%d", path, time.Now().Unix())
		if err := os.Rename(path, backup); err != nil {
			backup = ""
		}
		return false, &CorruptError{What: what, Path: path, Backup: backup, Err: perr}
	}
	return true, nil
}

// Package state finds devopsctl's state directory and writes files in it
// atomically, so that an interrupted write never leaves a half-written file.
package state

import (
	"fmt"
	"os"
	"path/filepath"
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

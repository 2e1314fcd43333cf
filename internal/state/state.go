// Package state finds devopsctl's state directory and changes files in it so
// that no update is lost: every change is a read-modify-write under a file
// lock, and every write is atomic, so an interrupted write never leaves a
// half-written file.
package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/devopsctl/devopsctl/internal/filelock"
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

// FolderError is a state folder devopsctl cannot write to (or read). It is
// the learner's environment that is wrong, not their work.
type FolderError struct {
	Dir  string
	Read bool
	Err  error
}

func (e *FolderError) Error() string {
	verb := "write to"
	if e.Read {
		verb = "read"
	}
	return fmt.Sprintf("cannot %s the state folder %s (%v); make it a folder you can write to, or set DEVOPSCTL_HOME to one", verb, e.Dir, e.Err)
}

func (e *FolderError) Unwrap() error { return e.Err }

// VersionError is a state file written by a newer devopsctl. It is refused,
// neither read nor overwritten, so that the newer version's data survives.
type VersionError struct {
	What, Path string
	Version    int
	Known      int
}

func (e *VersionError) Error() string {
	where := ""
	if e.Path != "" {
		where = " " + e.Path
	}
	return fmt.Sprintf("%s%s has format version %d, but this devopsctl reads only up to version %d: it was written by a newer devopsctl; upgrade devopsctl, or set DEVOPSCTL_HOME to another folder", e.What, where, e.Version, e.Known)
}

// NewerVersion is what a parser returns for a file whose format version is
// above the newest it knows; ReadFile and Update fill in what and where.
func NewerVersion(version, known int) error {
	return &VersionError{Version: version, Known: known}
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

// lockWait bounds the wait for another devopsctl's write; one takes milliseconds.
const lockWait = time.Minute

func lock(path string) (release func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	release, err = filelock.Acquire(ctx, path+".lock", nil)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("another devopsctl has held %s.lock for over %s; let it finish and try again", path, lockWait)
	}
	if err != nil {
		return nil, &FolderError{Dir: filepath.Dir(path), Err: err}
	}
	return release, nil
}

// Update changes a state file without losing anyone else's change: under the
// file's lock it reads the file with parse (found tells whether there was one),
// asks change for the new content, and writes that atomically. A damaged file
// is moved aside and reported as a *CorruptError, and nothing is written.
func Update(path, what string, parse func([]byte) error, change func(found bool) ([]byte, error)) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &FolderError{Dir: dir, Err: err}
	}
	release, err := lock(path)
	if err != nil {
		return err
	}
	defer release()
	found, err := read(path, what, parse, true)
	if err != nil {
		return err
	}
	data, err := change(found)
	if err != nil {
		return err
	}
	removeStaleTemps(path)
	return WriteFile(path, data)
}

// removeStaleTemps removes the temporary files of writes that were killed
// before their rename. Every write of path happens under its lock, which the
// caller holds, so no temporary file of path is in use now.
func removeStaleTemps(path string) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".*"))
	for _, f := range stale {
		os.Remove(f)
	}
}

// WriteFile replaces path with data atomically: write a temporary file beside it,
// sync, then rename over the old one. A file that devopsctl processes share is
// changed with Update, which holds the lock around it.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &FolderError{Dir: dir, Err: err}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return &FolderError{Dir: dir, Err: err}
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return &FolderError{Dir: dir, Err: fmt.Errorf("write %s: %w", filepath.Base(path), err)}
	}
	return nil
}

// ReadFile reads a state file with parse. A missing file reports found=false. A
// file from a newer format version is reported as a *VersionError and left in
// place. A file parse rejects is moved aside to a new <path>.corrupt-<unix
// time>[-n] and reported as a *CorruptError naming what it held.
func ReadFile(path, what string, parse func([]byte) error) (found bool, err error) {
	return read(path, what, parse, false)
}

func read(path, what string, parse func([]byte) error, locked bool) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil // no folder is no state yet; writing will say if it cannot be made
	}
	if err != nil {
		return false, &FolderError{Dir: filepath.Dir(path), Read: true, Err: fmt.Errorf("read %s %s: %w", what, path, err)}
	}
	perr := parse(data)
	if perr == nil {
		return true, nil
	}
	var ve *VersionError
	if errors.As(perr, &ve) {
		ve.What, ve.Path = what, path
		return false, ve
	}
	if !locked {
		// Move it aside only under the lock, and only if it is still the damaged
		// file: a writer may have replaced it since it was read.
		release, err := lock(path)
		if err != nil {
			return false, &CorruptError{What: what, Path: path, Err: perr}
		}
		defer release()
		now, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(now, data) {
			return read(path, what, parse, true)
		}
	}
	return false, &CorruptError{What: what, Path: path, Backup: moveAside(path), Err: perr}
}

// moveAside renames path to a backup name no other file has, so that two
// damaged files in one second keep both backups. It returns "" if it failed.
func moveAside(path string) string {
	base := fmt.Sprintf("%s.corrupt-%d", path, time.Now().Unix())
	for n := 1; n < 1000; n++ {
		backup := base
		if n > 1 {
			backup = fmt.Sprintf("%s-%d", base, n)
		}
		// A hard link fails if the name is taken, where a rename would replace it.
		err := os.Link(path, backup)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			if _, serr := os.Lstat(backup); serr == nil {
				continue
			}
			if os.Rename(path, backup) != nil {
				return ""
			}
			return backup
		}
		if os.Remove(path) != nil {
			os.Remove(backup)
			return ""
		}
		return backup
	}
	return ""
}

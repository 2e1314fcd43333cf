package labs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/devopsctl/devopsctl/internal/state"
)

// MarkerPath is the workspace marker, relative to the workspace root.
var MarkerPath = filepath.Join(".devopsctl", "lab.json")

// Marker records which lab a workspace belongs to.
type Marker struct {
	Lab     string    `json:"lab"`
	Source  string    `json:"source"`
	Created time.Time `json:"created"`
	Version int       `json:"version"`
}

// Workspace is a learner's folder for one lab.
type Workspace struct {
	Dir    string
	Marker Marker
}

// ErrNotEmpty is returned when scaffolding into a folder that has files.
var ErrNotEmpty = errors.New("folder is not empty")

// ErrNoWorkspace is returned when no marker is found.
var ErrNoWorkspace = errors.New("no lab workspace here")

// Scaffold copies the lab's starter files into dir and writes the marker. A
// non-empty dir is refused unless force is set; with force, starter files
// overwrite same-named files and other files are left alone.
func Scaffold(lab *Lab, dir string, force bool) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create workspace %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read workspace %s: %w", dir, err)
	}
	if len(entries) > 0 && !force {
		return nil, fmt.Errorf("%w: %s has %s; choose another --dir, or pass --force to write the starter files over it", ErrNotEmpty, dir, plural.Of(len(entries), "entry", "entries"))
	}
	if err := CopyTree(lab.FS, "starter", dir); err != nil {
		return nil, fmt.Errorf("copy starter files of lab %s: %w", lab.ID, err)
	}
	if err := copyReadme(lab, dir); err != nil {
		return nil, err
	}
	ws := &Workspace{Dir: dir, Marker: Marker{Lab: lab.ID, Source: lab.Source, Created: time.Now().UTC(), Version: 1}}
	if err := ws.writeMarker(); err != nil {
		return nil, err
	}
	return ws, nil
}

func (w *Workspace) writeMarker() error {
	data, err := json.MarshalIndent(w.Marker, "", "  ")
	if err != nil {
		return err
	}
	return state.WriteFile(filepath.Join(w.Dir, MarkerPath), append(data, '\n'))
}

// CopyTree copies the folder root of fsys into dst, keeping file modes simple:
// 0644 for files, 0755 for folders and for files that were executable.
func CopyTree(fsys fs.FS, root, dst string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.FromSlash(p))
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		mode := os.FileMode(0o644)
		if info, err := d.Info(); err == nil && info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		src, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, src); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// FindWorkspace looks for a marker in dir and its parents.
func FindWorkspace(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", dir, err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		ws, err := OpenWorkspace(d)
		if err == nil {
			return ws, nil
		}
		if !errors.Is(err, ErrNoWorkspace) {
			return nil, err
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return nil, fmt.Errorf("%w: neither %s nor a parent folder has %s; run devopsctl lab start <id> first, or name the lab: devopsctl check <id> --dir DIR", ErrNoWorkspace, abs, MarkerPath)
}

// OpenWorkspace reads the marker of the workspace at dir.
func OpenWorkspace(dir string) (*Workspace, error) {
	p := filepath.Join(dir, MarkerPath)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoWorkspace
	}
	if err != nil {
		return nil, fmt.Errorf("read workspace marker %s: %w", p, err)
	}
	var m Marker
	if err := json.Unmarshal(data, &m); err != nil || m.Lab == "" {
		return nil, fmt.Errorf("workspace marker %s is damaged (%v); remove it and run devopsctl lab start <id> --dir %s --force", p, errOrEmpty(err), dir)
	}
	return &Workspace{Dir: dir, Marker: m}, nil
}

func errOrEmpty(err error) string {
	if err != nil {
		return err.Error()
	}
	return "it names no lab"
}

// Reset puts the starter files back: files the starter has are restored, files
// the learner added are left in place. Files about to be overwritten that differ
// from the starter are first copied to .devopsctl/backup-<time>/, whose path is
// returned ("" when nothing needed saving).
func Reset(lab *Lab, dir string) (string, error) {
	backup := filepath.Join(dir, ".devopsctl", "backup-"+time.Now().UTC().Format("20060102-150405"))
	saved := false
	err := fs.WalkDir(lab.FS, "starter", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("starter", filepath.FromSlash(p))
		mine, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return nil // nothing of the learner's to lose
		}
		orig, err := fs.ReadFile(lab.FS, p)
		if err != nil || bytes.Equal(orig, mine) {
			return err
		}
		saved = true
		return state.WriteFile(filepath.Join(backup, rel), mine)
	})
	if err != nil {
		return "", fmt.Errorf("back up your files before resetting lab %s: %w", lab.ID, err)
	}
	if err := CopyTree(lab.FS, "starter", dir); err != nil {
		return "", fmt.Errorf("reset lab %s in %s: %w", lab.ID, dir, err)
	}
	if !saved {
		return "", nil
	}
	return backup, nil
}

// copyReadme puts the lab's README.md beside the starter files: hints and
// starter comments send the learner to it. The shipped .dockerignore files keep
// it out of the build context.
func copyReadme(lab *Lab, dir string) error {
	data, err := fs.ReadFile(lab.FS, "README.md")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "README.md"), data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("copy README.md of lab %s: %w", lab.ID, err)
	}
	return nil
}

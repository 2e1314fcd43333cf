package labs

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
)

// MarkerPath is the workspace marker, relative to the workspace root.
var MarkerPath = filepath.Join(".devopsctl", "lab.json")

// Marker records which lab a workspace belongs to.
type Marker struct {
	// ID names this workspace in the progress file. Workspaces made before it
	// existed get one the first time their progress is written.
	ID      string    `json:"id,omitempty"`
	Lab     string    `json:"lab"`
	Source  string    `json:"source"`
	Created time.Time `json:"created"`
	Version int       `json:"version"`
}

// Workspace is a learner's folder for one lab.
type Workspace struct {
	Dir    string
	Marker Marker
	// Backup is where Scaffold moved the learner's changed files before writing
	// the starter files over them ("" when nothing needed saving).
	Backup string
}

// ErrNotEmpty is returned when scaffolding into a folder that has files.
var ErrNotEmpty = errors.New("folder is not empty")

// ErrLinkOut is returned (wrapped) when a folder on the way to a file to be
// written in a workspace is a symlink that leads out of it.
var ErrLinkOut = errors.New("a folder on the way (such as .devopsctl) is a symlink that leads outside the workspace, and nothing is written through it; remove the link and try again")

// ErrNoWorkspace is returned when no marker is found.
var ErrNoWorkspace = errors.New("no lab workspace here")

// Scaffold copies the lab's starter files into dir and writes the marker. A
// non-empty dir is refused unless force is set; with force, the learner's files
// that differ from the starter ones are first moved to a backup folder, and
// other files are left alone.
func Scaffold(lab *Lab, dir string, force bool) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create workspace %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read workspace %s: %w", dir, err)
	}
	if len(entries) > 0 && !force {
		return nil, fmt.Errorf("%w: %s has %s; choose another --dir, or pass --force to write the starter files over it (your changed files are backed up first)", ErrNotEmpty, dir, plural.Of(len(entries), "entry", "entries"))
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", dir, err)
	}
	defer root.Close()
	id := newID()
	if old, err := OpenWorkspace(dir); err == nil && old.Marker.Lab == lab.ID && old.Marker.ID != "" {
		id = old.Marker.ID // the same lab started again keeps its record
	}
	backup, err := install(lab, root, dir)
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Dir: dir, Backup: backup, Marker: Marker{ID: id, Lab: lab.ID, Source: lab.Source, Created: time.Now().UTC(), Version: 1}}
	if err := ws.writeMarker(); err != nil {
		return nil, err
	}
	return ws, nil
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// writeMarker replaces the marker atomically, inside the workspace: a
// .devopsctl that links out of it is refused, and a linked lab.json is
// replaced, not written through.
func (w *Workspace) writeMarker() error {
	data, err := json.MarshalIndent(w.Marker, "", "  ")
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(w.Dir)
	if err != nil {
		return fmt.Errorf("open workspace %s: %w", w.Dir, err)
	}
	defer root.Close()
	err = writeAtomic(root, MarkerPath, append(data, '\n'), 0o644)
	if checks.LeavesRoot(err) {
		err = ErrLinkOut
	}
	if err != nil {
		return fmt.Errorf("write workspace marker %s: %w", filepath.Join(w.Dir, MarkerPath), err)
	}
	return nil
}

// ensureID gives the workspace an id if its marker has none yet.
func (w *Workspace) ensureID() error {
	if w.Marker.ID != "" {
		return nil
	}
	w.Marker.ID = newID()
	return w.writeMarker()
}

func writeAtomic(root *os.Root, rel string, data []byte, mode fs.FileMode) error {
	if err := root.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(rel), "."+filepath.Base(rel)+"."+newID())
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	defer root.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return root.Rename(tmp, rel)
}

// CopyTree copies the folder src of fsys into dst, keeping file modes simple:
// 0644 for files, 0755 for folders and for files that were executable. It
// writes only inside dst: a symlink there that leads out of it is an error.
func CopyTree(fsys fs.FS, src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer root.Close()
	return walkFiles(fsys, src, func(p, rel string, d fs.DirEntry) error {
		if d.IsDir() {
			return root.MkdirAll(rel, 0o755)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return root.WriteFile(rel, data, fileMode(fsys, p))
	})
}

// walkFiles calls fn for every entry under src in fsys, with its path in fsys
// and the path it takes in a workspace (relative to src, see WorkspaceName).
func walkFiles(fsys fs.FS, src string, fn func(p, rel string, d fs.DirEntry) error) error {
	return fs.WalkDir(fsys, src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, filepath.FromSlash(p))
		if err != nil || rel == "." {
			return err
		}
		return fn(p, WorkspaceName(rel), d)
	})
}

// fileMode is the mode a copy of the file p of fsys gets. A link in a pack
// counts by the file it names, not by its own mode (always 0777).
func fileMode(fsys fs.FS, p string) fs.FileMode {
	if info, err := fs.Stat(fsys, p); err == nil && info.Mode()&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// install writes the lab's starter files into the workspace root. Whatever is
// in the way and differs from the starter file (an edited file, a folder, a
// symlink) is first moved, not copied, into .devopsctl/backup-<time>/, so no
// link is ever followed and nothing the learner wrote is lost. It returns the
// backup folder ("" when nothing needed saving).
func install(lab *Lab, root *os.Root, dir string) (string, error) {
	b := &backup{root: root}
	err := walkFiles(lab.FS, "starter", func(p, rel string, d fs.DirEntry) error {
		if d.IsDir() {
			return installDir(root, b, rel)
		}
		want, err := fs.ReadFile(lab.FS, p)
		if err != nil {
			return err
		}
		return installFile(root, b, rel, want, fileMode(lab.FS, p))
	})
	if err == nil {
		// The instructions go along, so that hints naming README.md point at a
		// file the learner has; the shipped .dockerignore keeps them out of images.
		var text string
		if text, err = lab.README(); err == nil {
			err = installFile(root, b, "README.md", []byte(text), 0o644)
		}
	}
	if checks.LeavesRoot(err) {
		return "", fmt.Errorf("write the starter files of lab %s into %s: %w", lab.ID, dir, ErrLinkOut)
	}
	if err != nil {
		return "", fmt.Errorf("write the starter files of lab %s into %s: %w", lab.ID, dir, err)
	}
	if b.dir == "" {
		return "", nil
	}
	return filepath.Join(dir, b.dir), nil
}

// lstat reports whether rel exists in root, without following a link.
func lstat(root *os.Root, rel string) (fs.FileInfo, bool, error) {
	info, err := root.Lstat(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", rel, err)
	}
	return info, true, nil
}

// installDir makes the folder rel, moving aside a file or link in its place.
func installDir(root *os.Root, b *backup, rel string) error {
	info, exists, err := lstat(root, rel)
	switch {
	case err != nil:
		return err
	case exists && info.IsDir():
		return nil
	case exists:
		if err := b.save(rel); err != nil {
			return err
		}
	}
	return root.Mkdir(rel, 0o755)
}

// installFile writes want as rel, first moving aside whatever is there and differs.
func installFile(root *os.Root, b *backup, rel string, want []byte, mode fs.FileMode) error {
	info, exists, err := lstat(root, rel)
	if err != nil {
		return err
	}
	if exists && info.Mode().IsRegular() {
		if mine, err := root.ReadFile(rel); err == nil && bytes.Equal(mine, want) {
			return nil
		}
	}
	if exists {
		if err := b.save(rel); err != nil {
			return err
		}
	}
	// O_EXCL: the name is free now, and a link put there meanwhile is refused.
	f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(want)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// backup is the folder a reset moves the learner's files into, made on first use.
type backup struct {
	root *os.Root
	dir  string
}

func (b *backup) save(rel string) error {
	if b.dir == "" {
		if err := b.root.MkdirAll(".devopsctl", 0o755); err != nil {
			return fmt.Errorf("make a backup folder: %w", err)
		}
		// Two resets in one second get two folders.
		base := filepath.Join(".devopsctl", "backup-"+time.Now().UTC().Format("20060102-150405"))
		for n := 1; b.dir == ""; n++ {
			name := base
			if n > 1 {
				name = fmt.Sprintf("%s-%d", base, n)
			}
			err := b.root.Mkdir(name, 0o755)
			if err == nil {
				b.dir = name
			} else if !errors.Is(err, fs.ErrExist) || n > 100 {
				return fmt.Errorf("make a backup folder: %w", err)
			}
		}
	}
	to := filepath.Join(b.dir, rel)
	if err := b.root.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return fmt.Errorf("back up %s: %w", rel, err)
	}
	if err := b.root.Rename(rel, to); err != nil {
		return fmt.Errorf("back up %s: %w", rel, err)
	}
	return nil
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

// OpenWorkspace reads the marker of the workspace at dir. A marker that is a
// link out of the workspace is not read.
func OpenWorkspace(dir string) (*Workspace, error) {
	p := filepath.Join(dir, MarkerPath)
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, ErrNoWorkspace
	}
	if err != nil {
		return nil, fmt.Errorf("read workspace marker %s: %w", p, err)
	}
	defer root.Close()
	f, err := root.Open(MarkerPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoWorkspace
	}
	if err != nil {
		return nil, fmt.Errorf("workspace marker %s cannot be read (%v); it must be a file inside the workspace: remove it and run devopsctl lab start <id> --dir %s --force", p, err, dir)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64<<10))
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
// the learner added are left in place. Whatever is in the way and differs from
// the starter is first moved to .devopsctl/backup-<time>/, whose path is
// returned ("" when nothing needed saving). Nothing is written or read through
// a link that leaves the workspace.
func Reset(lab *Lab, dir string) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("reset lab %s in %s: %w", lab.ID, dir, err)
	}
	defer root.Close()
	return install(lab, root, dir)
}

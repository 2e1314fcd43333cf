package labs

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/devopsctl/devopsctl/internal/checks"
)

// LoadPack loads the labs of one pack folder on its own, without the shipped
// labs, for an author who wants every problem at once: each lab that fails to
// load gives its own error and the others still load.
func LoadPack(dir string) ([]*Lab, []error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, []error{fmt.Errorf("lab pack %s: %w", dir, err)}
	}
	if !info.IsDir() {
		return nil, []error{fmt.Errorf("lab pack %s is not a folder", dir)}
	}
	abs, _ := filepath.Abs(dir)
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, []error{fmt.Errorf("lab pack %s: %w", dir, err)}
	}
	// The labs keep reading through the root, so it stays open with them.
	return LoadPackFS(root.FS(), abs, dir)
}

// LoadPackFS is LoadPack on a file system: source is recorded in each lab,
// display names the pack in messages.
func LoadPackFS(fsys fs.FS, source, display string) ([]*Lab, []error) {
	c := &Catalog{}
	if _, err := fs.Stat(fsys, "lab.yaml"); err == nil {
		if err := c.addLab(fsys, ".", source, display); err != nil {
			return nil, []error{err}
		}
		return c.labs, nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, []error{fmt.Errorf("read lab pack %s: %w", display, err)}
	}
	var errs []error
	found := 0
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 {
			if _, err := fs.Stat(fsys, e.Name()); checks.LeavesRoot(err) {
				errs = append(errs, &SpecError{File: filepath.Join(display, e.Name()), Msg: "is a symlink that leads outside the lab pack; copy the lab into the pack instead of linking it"})
			}
			continue
		}
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), "lab.yaml")); err != nil {
			continue
		}
		found++
		if err := c.addLab(fsys, e.Name(), source, display); err != nil {
			errs = append(errs, err)
		}
	}
	if found == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("lab pack %s holds no lab: expected folders with a lab.yaml in each", display))
	}
	return c.labs, errs
}

package labs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"

	"github.com/devopsctl/devopsctl/internal/checks"
)

// Caps on what a lab pack may hold. Every command loads the catalog, so a
// huge file would cost memory and time on each one; the caps are far above
// what a lab needs.
const (
	MaxSpecBytes   = 1 << 20  // lab.yaml
	MaxReadmeBytes = 1 << 20  // README.md
	MaxFileBytes   = 10 << 20 // each file of starter/ and solution/
	MaxLabBytes    = 50 << 20 // all the files of one lab together
)

// checkLabFiles walks the lab folder dir of fsys before anything of it is
// read. A symlink that leads out of the pack (or to nothing, or to a folder)
// and a file over its cap are errors naming the file, so that `lab start`
// never copies a private file into a workspace and no pack costs more memory
// than the caps allow. display is how the pack is named in messages.
func checkLabFiles(fsys fs.FS, dir, display string) error {
	var total int64
	return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		name := filepath.Join(display, filepath.FromSlash(p))
		if err != nil {
			if checks.LeavesRoot(err) {
				return &SpecError{File: name, Msg: "is a symlink that leads outside the lab pack; copy the file into the pack instead of linking it"}
			}
			return fmt.Errorf("read lab pack file %s: %w", name, err)
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("read lab pack file %s: %w", name, err)
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// Stat through the pack's root follows the link only inside it.
			info, err = fs.Stat(fsys, p)
			switch {
			case checks.LeavesRoot(err):
				return &SpecError{File: name, Msg: "is a symlink that leads outside the lab pack; copy the file into the pack instead of linking it"}
			case err != nil:
				return &SpecError{File: name, Msg: "is a symlink to nothing; remove it or put the file it names into the pack"}
			case info.IsDir():
				return &SpecError{File: name, Msg: "is a symlink to a folder; copy the folder into the pack instead"}
			}
		}
		if info.IsDir() {
			return nil
		}
		if !info.Mode().IsRegular() {
			return &SpecError{File: name, Msg: "is not a regular file (a device, pipe or socket); a lab pack holds only files and folders"}
		}
		limit, what := fileCap(dir, p)
		if info.Size() > limit {
			return &SpecError{File: name, Msg: fmt.Sprintf("is %s, over the cap of %s for %s; make it smaller", humanSize(info.Size()), humanSize(limit), what)}
		}
		if total += info.Size(); total > MaxLabBytes {
			return &SpecError{File: filepath.Join(display, filepath.FromSlash(dir)), Msg: fmt.Sprintf("the lab's files add up to over %s, the cap for one lab (reached at %s); keep big data out of labs", humanSize(MaxLabBytes), name)}
		}
		return nil
	})
}

// fileCap is the size cap of the file p in the lab folder dir, and its name.
func fileCap(dir, p string) (int64, string) {
	switch p {
	case path.Join(dir, "lab.yaml"):
		return MaxSpecBytes, "lab.yaml"
	case path.Join(dir, "README.md"):
		return MaxReadmeBytes, "README.md"
	default:
		return MaxFileBytes, "a lab file"
	}
}

// errTooBig is a pack file that grew over its cap after the walk checked it.
var errTooBig = errors.New("over its size cap")

// readCapped reads name from fsys, refusing more than limit bytes even if the
// file grew since it was checked.
func readCapped(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w of %s", errTooBig, humanSize(limit))
	}
	return data, nil
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

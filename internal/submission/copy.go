// Package submission moves a learner's work safely: it packs a workspace into
// one file for `submit`, and puts a submission (a folder or such a file) into
// a private folder for grading. Nothing it writes or reads leaves the folders
// it was given: links that lead out are left out and named, hard links and
// special files are refused, and sizes and file counts are capped, so that a
// hostile submission costs a bounded amount of disk and time.
package submission

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Limits cap what one submission may hold.
type Limits struct {
	MaxBytes int64 // all files together
	MaxFiles int   // files, folders and links
}

// DefaultLimits are far above any lab's real work (the image build context of
// a lab is capped at 100 MB by default) and small enough that a class of
// hostile submissions cannot fill the disk.
var DefaultLimits = Limits{MaxBytes: 256 << 20, MaxFiles: 20000}

// TooLargeError is a submission over its Limits.
type TooLargeError struct {
	Files   int
	Bytes   int64
	Limits  Limits
	Biggest string // the largest file seen, "path (size)"
}

func (e *TooLargeError) Error() string {
	if e.Limits.MaxFiles > 0 && e.Files > e.Limits.MaxFiles {
		return fmt.Sprintf("it holds more than %d files", e.Limits.MaxFiles)
	}
	msg := fmt.Sprintf("it holds more than %s (the limit)", humanBytes(e.Limits.MaxBytes))
	if e.Biggest != "" {
		msg += "; the largest file is " + e.Biggest
	}
	return msg
}

// Skipped is an entry of a submission that was left out, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func (s Skipped) String() string { return s.Path + ": " + s.Reason }

// Reasons an entry is left out.
const (
	LinkOut     = "a symlink that leads out of the submission"
	HardLink    = "a hard link, which is not unpacked"
	SpecialFile = "not a regular file, folder or link"
)

// ownFolder is devopsctl's own folder in a workspace: the marker and backups.
// It is never copied, so a learner's marker cannot say which lab is graded.
const ownFolder = ".devopsctl"

// counter enforces Limits while entries are added.
type counter struct {
	limits  Limits
	files   int
	bytes   int64
	biggest int64
	name    string
}

func (c *counter) add(rel string, size int64) error {
	c.files++
	c.bytes += size
	if size > c.biggest {
		c.biggest, c.name = size, fmt.Sprintf("%s (%s)", rel, humanBytes(size))
	}
	over := (c.limits.MaxFiles > 0 && c.files > c.limits.MaxFiles) ||
		(c.limits.MaxBytes > 0 && c.bytes > c.limits.MaxBytes)
	if over {
		return &TooLargeError{Files: c.files, Bytes: c.bytes, Limits: c.limits, Biggest: c.name}
	}
	return nil
}

// CopyDir copies the submission folder src into dst (which must not exist
// yet). It reads src through an os.Root, so a folder swapped for a link
// meanwhile cannot lead the copy out of it; a symlink whose target lies
// outside src is left out and reported, one inside is kept as a link. The
// limits are checked before any byte of a file is copied.
func CopyDir(src, dst string, lim Limits) ([]Skipped, error) {
	in, err := os.OpenRoot(src)
	if err != nil {
		return nil, fmt.Errorf("open submission %s: %w", src, err)
	}
	defer in.Close()
	if err := os.Mkdir(dst, 0o755); err != nil {
		return nil, err
	}
	out, err := os.OpenRoot(dst)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	var skipped []Skipped
	cnt := &counter{limits: lim}
	err = fs.WalkDir(in.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if rel == ownFolder {
			return fs.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			if err := cnt.add(rel, 0); err != nil {
				return err
			}
			return out.Mkdir(rel, 0o755)
		case mode&fs.ModeSymlink != 0:
			target, err := in.Readlink(rel)
			if err != nil {
				return err
			}
			if !linkStaysInside(rel, target) {
				skipped = append(skipped, Skipped{Path: rel, Reason: LinkOut + " (to " + target + ")"})
				return nil
			}
			if err := cnt.add(rel, 0); err != nil {
				return err
			}
			return out.Symlink(target, rel)
		case mode.IsRegular():
			if err := cnt.add(rel, info.Size()); err != nil {
				return err
			}
			return copyFile(in, out, rel, info)
		default:
			skipped = append(skipped, Skipped{Path: rel, Reason: SpecialFile})
			return nil
		}
	})
	if err != nil {
		return skipped, fmt.Errorf("copy submission %s: %w", src, err)
	}
	return skipped, nil
}

func copyFile(in, out *os.Root, rel string, info fs.FileInfo) error {
	f, err := in.Open(rel)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := out.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode(info.Mode()))
	if err != nil {
		return err
	}
	// The size was counted from Lstat; a file that grows meanwhile is cut there.
	_, err = io.Copy(w, io.LimitReader(f, info.Size()))
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

func fileMode(m fs.FileMode) fs.FileMode {
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// linkStaysInside reports whether a symlink at rel (slash-separated, relative
// to the submission) with the given target names a path inside the submission.
func linkStaysInside(rel, target string) bool {
	target = filepath.ToSlash(target)
	if target == "" || path.IsAbs(target) || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
		return false
	}
	joined := path.Join(path.Dir(filepath.ToSlash(rel)), target)
	return joined != ".." && !strings.HasPrefix(joined, "../")
}

// cleanName checks a path from an archive: relative, slash-separated, without
// "..", and not devopsctl's own folder.
func cleanName(name string) (string, error) {
	if name == "" || strings.Contains(name, "\\") || strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("the name %q is not a plain relative path", name)
	}
	if path.IsAbs(name) {
		return "", fmt.Errorf("the path %q is absolute", name)
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("the path %q leads out of the submission", name)
	}
	return c, nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// sortSkipped orders the skipped entries by path, for stable reports.
func sortSkipped(s []Skipped) {
	sort.Slice(s, func(i, j int) bool { return s[i].Path < s[j].Path })
}

var errNoManifest = errors.New("it has no manifest.json: it was not made by devopsctl submit")

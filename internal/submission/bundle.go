package submission

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/labs"
)

// Format is the version of the submission file layout.
const Format = 1

// Suffix ends the name of every submission file, so that a folder of a class's
// work can hold both folders and files.
const Suffix = ".submission.tar.gz"

// manifestName is the first entry of a submission file; the workspace's files
// follow under workspaceDir.
const (
	manifestName   = "manifest.json"
	workspaceDir   = "workspace"
	maxManifestLen = 4 << 20
)

// Manifest says what a submission file holds and where it came from.
type Manifest struct {
	Format  int       `json:"format"`
	Lab     string    `json:"lab"`
	LabHash string    `json:"lab_hash"`
	Version string    `json:"devopsctl_version"`
	Created time.Time `json:"created"`
	Files   int       `json:"files"`
	Bytes   int64     `json:"bytes"`
	// Skipped are the workspace's entries that were left out.
	Skipped []Skipped `json:"skipped,omitempty"`
	// LastCheck is the learner's last check of the workspace, if any.
	LastCheck *labs.Report `json:"last_check,omitempty"`
}

// LabHash identifies a lab pack by its content: every file of the lab's folder,
// path and bytes, in a fixed order. Grading compares it with the submission's
// to say when a learner worked on another version of the lab.
func LabHash(lab *labs.Lab) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(lab.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(lab.FS, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash lab pack %s: %w", lab.ID, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

type packEntry struct {
	rel    string
	info   fs.FileInfo
	target string
}

// Pack writes the workspace dir and the manifest m into w as a gzip'd tar. The
// files are listed and counted against lim before anything is written, so a
// workspace over the limits gives a *TooLargeError and no half file. Links out
// of the workspace, special files and the file at exclude (the submission
// being written, when it lies inside the workspace) are left out; m.Skipped
// names them. m.Files and m.Bytes are filled in.
func Pack(w io.Writer, dir string, m *Manifest, lim Limits, exclude string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open workspace %s: %w", dir, err)
	}
	defer root.Close()
	var entries []packEntry
	cnt := &counter{limits: lim}
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if rel == ownFolder {
			return fs.SkipDir
		}
		if exclude != "" && filepath.Join(dir, filepath.FromSlash(rel)) == exclude {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := packEntry{rel: rel, info: info}
		switch mode := info.Mode(); {
		case mode&fs.ModeSymlink != 0:
			if e.target, err = root.Readlink(rel); err != nil {
				return err
			}
			if !linkStaysInside(rel, e.target) {
				m.Skipped = append(m.Skipped, Skipped{Path: rel, Reason: LinkOut + " (to " + e.target + ")"})
				return nil
			}
		case !mode.IsDir() && !mode.IsRegular():
			m.Skipped = append(m.Skipped, Skipped{Path: rel, Reason: SpecialFile})
			return nil
		}
		size := int64(0)
		if info.Mode().IsRegular() {
			size = info.Size()
		}
		if err := cnt.add(rel, size); err != nil {
			return err
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return fmt.Errorf("pack workspace %s: %w", dir, err)
	}
	sortSkipped(m.Skipped)
	m.Format, m.Files, m.Bytes = Format, cnt.files, cnt.bytes
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	mtime := m.Created
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o644, Size: int64(len(manifest)), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(manifest); err != nil {
		return err
	}
	for _, e := range entries {
		if err := packOne(tw, root, e, mtime); err != nil {
			return fmt.Errorf("pack %s: %w", e.rel, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func packOne(tw *tar.Writer, root *os.Root, e packEntry, mtime time.Time) error {
	name := workspaceDir + "/" + e.rel
	switch mode := e.info.Mode(); {
	case mode.IsDir():
		return tw.WriteHeader(&tar.Header{Name: name + "/", Mode: 0o755, ModTime: mtime, Typeflag: tar.TypeDir})
	case mode&fs.ModeSymlink != 0:
		return tw.WriteHeader(&tar.Header{Name: name, Linkname: e.target, Mode: 0o777, ModTime: mtime, Typeflag: tar.TypeSymlink})
	}
	f, err := root.Open(e.rel)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: int64(fileMode(e.info.Mode())), Size: e.info.Size(), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	// A file that changed size since it was listed would break the archive:
	// exactly the listed size is written, padded with zeros if it shrank.
	n, err := io.Copy(tw, io.LimitReader(f, e.info.Size()))
	if err == nil && n < e.info.Size() {
		_, err = io.Copy(tw, io.LimitReader(zeros{}, e.info.Size()-n))
	}
	return err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// CorruptError is a submission file that cannot be unpacked as it stands.
type CorruptError struct {
	File string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("submission file %s cannot be unpacked: %v", e.File, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Unpack unpacks the submission file at file into dst (which must not exist
// yet) and returns its manifest. Every name is checked before anything is
// written (relative, no "..", under workspace/), writes go through an
// os.Root of dst, and sizes and counts are held to lim while reading, so a
// forged header or a gzip bomb stops at the limit. Links out of the
// submission, hard links and special files are left out and reported.
func Unpack(file, dst string, lim Limits) (*Manifest, []Skipped, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if err := os.Mkdir(dst, 0o755); err != nil {
		return nil, nil, err
	}
	out, err := os.OpenRoot(dst)
	if err != nil {
		return nil, nil, err
	}
	defer out.Close()
	bad := func(err error) (*Manifest, []Skipped, error) { return nil, nil, &CorruptError{File: file, Err: err} }
	zr, err := gzip.NewReader(f)
	if err != nil {
		return bad(fmt.Errorf("it is not a gzip file: %w", err))
	}
	tr := tar.NewReader(zr)
	var m *Manifest
	var skipped []Skipped
	cnt := &counter{limits: lim}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return bad(err)
		}
		name, err := cleanName(h.Name)
		if err != nil {
			return bad(err)
		}
		if m == nil {
			if name != manifestName || h.Typeflag != tar.TypeReg {
				return bad(errNoManifest)
			}
			if m, err = readManifest(tr, h.Size); err != nil {
				return bad(err)
			}
			continue
		}
		rel, ok := strings.CutPrefix(name, workspaceDir+"/")
		if !ok {
			return bad(fmt.Errorf("the entry %q is outside %s/", h.Name, workspaceDir))
		}
		if rel == ownFolder || strings.HasPrefix(rel, ownFolder+"/") {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := cnt.add(rel, 0); err != nil {
				return nil, nil, err
			}
			if err := out.MkdirAll(rel, 0o755); err != nil {
				return bad(fmt.Errorf("%s: %w", rel, err))
			}
		case tar.TypeReg:
			if h.Size < 0 {
				return bad(fmt.Errorf("%s has a negative size", rel))
			}
			if err := cnt.add(rel, h.Size); err != nil {
				return nil, nil, err
			}
			if err := unpackFile(out, rel, tr, h); err != nil {
				return bad(fmt.Errorf("%s: %w", rel, err))
			}
		case tar.TypeSymlink:
			if !linkStaysInside(rel, h.Linkname) {
				skipped = append(skipped, Skipped{Path: rel, Reason: LinkOut + " (to " + h.Linkname + ")"})
				continue
			}
			if err := cnt.add(rel, 0); err != nil {
				return nil, nil, err
			}
			if err := out.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
				return bad(fmt.Errorf("%s: %w", rel, err))
			}
			if err := out.Symlink(h.Linkname, rel); err != nil {
				return bad(fmt.Errorf("%s: %w", rel, err))
			}
		case tar.TypeLink:
			skipped = append(skipped, Skipped{Path: rel, Reason: HardLink})
		default:
			skipped = append(skipped, Skipped{Path: rel, Reason: SpecialFile})
		}
	}
	if m == nil {
		return bad(errNoManifest)
	}
	sortSkipped(skipped)
	return m, skipped, nil
}

func readManifest(r io.Reader, size int64) (*Manifest, error) {
	if size > maxManifestLen {
		return nil, fmt.Errorf("its manifest.json is larger than %s", humanBytes(maxManifestLen))
	}
	data, err := io.ReadAll(io.LimitReader(r, maxManifestLen))
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("its manifest.json is damaged: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("its manifest.json has format %d; this devopsctl reads format %d", m.Format, Format)
	}
	return &m, nil
}

func unpackFile(out *os.Root, rel string, r io.Reader, h *tar.Header) error {
	if err := out.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return err
	}
	// O_EXCL: an entry never replaces an earlier one or writes through a link.
	w, err := out.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode(fs.FileMode(h.Mode)))
	if err != nil {
		return err
	}
	n, err := io.Copy(w, io.LimitReader(r, h.Size))
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != h.Size {
		err = io.ErrUnexpectedEOF
	}
	return err
}

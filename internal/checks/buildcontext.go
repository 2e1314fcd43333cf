package checks

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// ErrContextTooLarge is a build context over the lab's size limit.
type ErrContextTooLarge struct {
	Size, Limit int64
	Biggest     []string // "path (12.3 MB)"
}

func (e *ErrContextTooLarge) Error() string {
	return fmt.Sprintf("the build context is %s, over the limit of %s", humanBytes(e.Size), humanBytes(e.Limit))
}

// BuildContext packs the workspace into a tar stream as `docker build` would:
// honouring .dockerignore, always sending the Dockerfile and .dockerignore, and
// leaving out devopsctl's own .devopsctl folder. Symlinks are packed as links,
// never followed, as docker does; every file is opened through an os.Root of
// the workspace, so nothing outside it is read even if a folder is swapped
// for a link while the context is packed. A .dockerignore that links out of
// the workspace is an error naming it (ErrOutsideWorkspace).
func BuildContext(dir, dockerfile string, limit int64) (*bytes.Buffer, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("read the build context %s: %w", dir, err)
	}
	defer root.Close()
	excludes, err := readDockerignore(dir)
	if err != nil {
		return nil, err
	}
	pm, err := patternmatcher.New(excludes)
	if err != nil {
		return nil, fmt.Errorf(".dockerignore: %w", err)
	}
	type entry struct {
		rel  string
		size int64
	}
	var files []entry
	var total int64
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ".devopsctl" {
			return filepath.SkipDir
		}
		always := rel == dockerfile || rel == ".dockerignore"
		if !always {
			skip, err := pm.MatchesOrParentMatches(rel)
			if err != nil {
				return err
			}
			if skip {
				if d.IsDir() && !pm.Exclusions() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if d.IsDir() {
			files = append(files, entry{rel: rel})
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, entry{rel: rel, size: info.Size()})
		total += info.Size()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the build context %s: %w", dir, err)
	}
	if limit > 0 && total > limit {
		sort.Slice(files, func(i, j int) bool { return files[i].size > files[j].size })
		e := &ErrContextTooLarge{Size: total, Limit: limit}
		for _, f := range files[:min(3, len(files))] {
			e.Biggest = append(e.Biggest, fmt.Sprintf("%s (%s)", f.rel, humanBytes(f.size)))
		}
		return nil, e
	}
	buf := &bytes.Buffer{}
	tw := tar.NewWriter(buf)
	for _, f := range files {
		if err := addToTar(tw, root, f.rel); err != nil {
			return nil, fmt.Errorf("pack %s into the build context: %w", f.rel, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf, nil
}

func readDockerignore(dir string) ([]string, error) {
	f, err := openInWorkspace(dir, ".dockerignore")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf(".dockerignore: %w", err)
	}
	return patterns, nil
}

func addToTar(tw *tar.Writer, root *os.Root, rel string) error {
	p := filepath.FromSlash(rel)
	info, err := root.Lstat(p)
	if err != nil {
		return err
	}
	link := ""
	if info.Mode()&os.ModeSymlink != 0 {
		if link, err = root.Readlink(p); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return err
	}
	hdr.Name = rel
	if info.IsDir() {
		hdr.Name += "/"
	}
	// Ownership and times of the learner's machine mean nothing in the image and
	// would defeat the engine's build cache.
	hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	f, err := root.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	// Copy exactly the size announced: a file that grew meanwhile must not
	// break the tar stream.
	_, err = io.CopyN(tw, f, hdr.Size)
	return err
}

func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	default:
		return fmt.Sprintf("%d B", n)
	}
}

// looksLikeText reports whether data is plausibly a text file.
func looksLikeText(data []byte) bool {
	return !bytes.ContainsRune(data, 0) && strings.ToValidUTF8(string(data), "\uFFFD") == string(data)
}

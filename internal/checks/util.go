package checks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// WorkspacePath resolves rel inside the workspace and refuses paths that leave it,
// so that a lab pack cannot make a check read the learner's other files.
func WorkspacePath(dir, rel string) (string, error) {
	if filepath.IsAbs(rel) {
		return "", fmt.Errorf("path %q must be relative to the workspace", rel)
	}
	p := filepath.Join(dir, rel)
	r, err := filepath.Rel(dir, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("path %q is outside the workspace", rel)
	}
	return p, nil
}

// ErrOutsideWorkspace is a workspace path that is a symlink (or passes through
// one) leading out of the workspace. Checks never follow it: what it points to
// may be a private file of the learner's, and none of it may end up in a report.
var ErrOutsideWorkspace = errors.New("is a link that leads outside the workspace")

// outsideError is ErrOutsideWorkspace for one path.
type outsideError struct{ rel string }

func (e *outsideError) Error() string        { return e.rel + " " + ErrOutsideWorkspace.Error() }
func (e *outsideError) Is(target error) bool { return target == ErrOutsideWorkspace }

// openInWorkspace opens rel inside dir through an os.Root, so that no link is
// followed out of the workspace; such a link is reported as ErrOutsideWorkspace.
func openInWorkspace(dir, rel string) (*os.File, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(rel))
	if LeavesRoot(err) {
		return nil, &outsideError{rel: rel}
	}
	return f, err
}

// statInWorkspace is os.Stat of rel inside dir, following links only within it.
func statInWorkspace(dir, rel string) (fs.FileInfo, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	info, err := root.Stat(filepath.FromSlash(rel))
	if LeavesRoot(err) {
		return nil, &outsideError{rel: rel}
	}
	return info, err
}

// LeavesRoot reports the error os.Root gives for a path that leaves it,
// through a symlink or by name. The standard library does not export that
// error, but every os.Root returns the same value: it is taken once from an
// absolute name, which os.Root refuses before touching the disk, and matched
// with errors.Is. Its text is the fallback where no root can be opened.
func LeavesRoot(err error) bool {
	if err == nil {
		return false
	}
	if escapes := rootEscapeErr(); escapes != nil {
		return errors.Is(err, escapes)
	}
	return strings.Contains(err.Error(), "path escapes from parent")
}

var rootEscapeErr = sync.OnceValue(func() error {
	r, err := os.OpenRoot(os.TempDir())
	if err != nil {
		return nil
	}
	defer r.Close()
	_, err = r.Stat(string(filepath.Separator) + "devopsctl")
	var pe *os.PathError
	if !errors.As(err, &pe) {
		return nil
	}
	return pe.Err
})

// MaxLearnerFile caps what a check reads of one learner's file (a Dockerfile,
// an answers file): far more than any real one, little enough that a huge or
// endless file cannot fill memory.
const MaxLearnerFile = 1 << 20

// errTooLarge is a learner's file over MaxLearnerFile.
var errTooLarge = fmt.Errorf("larger than %d bytes", MaxLearnerFile)

// readLearnerFile reads the regular file rel of the workspace dir. A folder is
// errIsDir, a link out of the workspace ErrOutsideWorkspace, and a file over
// MaxLearnerFile errTooLarge.
func readLearnerFile(dir, rel string) ([]byte, error) {
	f, err := openInWorkspace(dir, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errIsDir
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxLearnerFile+1))
	if err == nil && len(data) > MaxLearnerFile {
		err = errTooLarge
	}
	return data, err
}

// unreadableLearnerFile is the verdict on a learner's file that a check must
// not read: a link out of the workspace, or one too large to be real. ok is
// false for any other error.
func unreadableLearnerFile(rel string, err error) (r Result, ok bool) {
	switch {
	case errors.Is(err, ErrOutsideWorkspace):
		return outsideWorkspace(rel), true
	case errors.Is(err, errTooLarge):
		return Failf(ReasonTooLarge, "%s is over %d KiB; devopsctl does not read a file that large", rel, MaxLearnerFile>>10).
			WithHint(fmt.Sprintf("%s should be a short text file: was something else saved under its name?", rel)), true
	}
	return Result{}, false
}

// outsideWorkspace is the verdict on a file that links out of the workspace.
// It names only the link, never where it leads, so nothing of the target shows.
func outsideWorkspace(rel string) Result {
	return Failf(ReasonOutsideWorkspace, "%s is a symlink to a file outside the workspace; devopsctl reads only files inside the workspace", rel).
		WithHint(fmt.Sprintf("replace the link with a real file: rm %s, then create %s in the workspace with the content it needs", shellQuote(rel), shellQuote(rel)))
}

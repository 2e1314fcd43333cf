package checks

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
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

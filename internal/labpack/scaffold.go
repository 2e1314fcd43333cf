package labpack

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

// skeleton is the lab `lab new` writes: small, static (no engine needed) and
// complete, so that `lab validate --run` proves it as it stands.
//
//go:embed all:skeleton
var skeleton embed.FS

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// ErrExists is returned (wrapped) when the folder for a new lab is not empty.
var ErrExists = errors.New("folder exists and is not empty")

// New writes a new lab with the given id into dir: lab.yaml, README.md,
// starter/, solution/ and two known-wrong variants. dir must not exist or be
// empty.
func New(dir, id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("lab id %q must be lower-case letters, digits and dashes, starting with a letter or digit", id)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: %s; choose another --dir", ErrExists, dir)
	}
	data := struct{ ID, Title, Dir string }{ID: id, Title: titleOf(id), Dir: dir}
	return fs.WalkDir(skeleton, "skeleton", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("skeleton", filepath.FromSlash(p))
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		src, err := fs.ReadFile(skeleton, p)
		if err != nil {
			return err
		}
		tmpl, err := template.New(rel).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("skeleton %s: %w", rel, err)
		}
		var out bytes.Buffer
		if err := tmpl.Execute(&out, data); err != nil {
			return fmt.Errorf("skeleton %s: %w", rel, err)
		}
		return os.WriteFile(target, out.Bytes(), 0o644)
	})
}

// titleOf makes a first title from an id: "static-site" → "Static site".
func titleOf(id string) string {
	t := strings.ReplaceAll(id, "-", " ")
	return strings.ToUpper(t[:1]) + t[1:]
}

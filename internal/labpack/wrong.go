// Package labpack is what a lab author works with: it scaffolds a new lab,
// checks a pack without running anything (lab.yaml, files, known-wrong
// variants) and proves on the engine that each starter fails, each solution
// passes and each known-wrong answer fails for the reason it names.
package labpack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/yamlkeys"
	"github.com/moby/buildkit/util/suggest"
	"gopkg.in/yaml.v3"
)

// WrongDir holds a lab's known-wrong variants, one folder each.
const WrongDir = "wrong"

// ExpectFile, in a variant's folder, names the check and reason it must fail
// with. It is the one file of the folder not copied into the workspace.
const ExpectFile = "expect.yaml"

// Wrong is a known-wrong answer: the lab's solution with the files of its
// folder copied over it and the files in Remove deleted. It must fail Check
// with Reason.
type Wrong struct {
	Name string `yaml:"-"`
	// About says in one line what is wrong, for the author reading a failure.
	About  string   `yaml:"about"`
	Check  string   `yaml:"check"`
	Reason string   `yaml:"reason"`
	Remove []string `yaml:"remove"`

	// File is the expect.yaml path, for messages.
	File string `yaml:"-"`
}

// Dir is the variant's folder in the lab's file system.
func (w *Wrong) Dir() string { return path.Join(WrongDir, w.Name) }

// loadWrong reads every variant of lab. Each broken one is an error naming
// its expect.yaml and line; the good ones are returned all the same.
func loadWrong(lab *labs.Lab, display string) ([]*Wrong, []error) {
	entries, err := fs.ReadDir(lab.FS, WrongDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{fmt.Errorf("read %s: %w", filepath.Join(display, WrongDir), err)}
	}
	var out []*Wrong
	var errs []error
	for _, e := range entries {
		where := filepath.Join(display, WrongDir, e.Name())
		if !e.IsDir() {
			errs = append(errs, &labs.SpecError{File: where, Msg: "is not a folder: each known-wrong variant is a folder holding expect.yaml and the files that differ from solution/"})
			continue
		}
		w, err := readWrong(lab, e.Name(), filepath.Join(where, ExpectFile))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, w)
	}
	return out, errs
}

func readWrong(lab *labs.Lab, name, file string) (*Wrong, error) {
	bad := func(line int, format string, a ...any) error {
		return &labs.SpecError{File: file, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	data, err := fs.ReadFile(lab.FS, path.Join(WrongDir, name, ExpectFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, bad(0, "missing: a known-wrong variant names the check it must fail and the reason, e.g.\n  check: %s\n  reason: %s", firstCheck(lab), "missing")
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, bad(0, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	w := &Wrong{Name: name, File: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(w); err != nil && !errors.Is(err, io.EOF) {
		if typo := yamlkeys.Find(&root, w); len(typo) > 0 {
			msg := fmt.Sprintf("field %s not found", typo[0].Key)
			if typo[0].Suggestion != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", typo[0].Suggestion)
			}
			return nil, bad(typo[0].Line, "%s", msg)
		}
		return nil, bad(0, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	line := func(key string) int { return yamlkeys.Line(&root, key) }
	if w.Check == "" {
		return nil, bad(0, "names no check: add `check: <id>`, one of %s", strings.Join(checkIDs(lab), ", "))
	}
	spec := lab.Check(w.Check)
	if spec == nil {
		msg := fmt.Sprintf("check %q is not a check of lab %s", w.Check, lab.ID)
		if m, ok := suggest.Search(w.Check, checkIDs(lab), true); ok {
			msg += fmt.Sprintf(" (did you mean %s?)", m)
		}
		return nil, bad(line("check"), "%s; its checks are %s", msg, strings.Join(checkIDs(lab), ", "))
	}
	kind := spec.KindInfo()
	if w.Reason == "" {
		return nil, bad(0, "names no reason: add `reason: <reason>`, one that %s reports: %s", spec.Kind, strings.Join(kind.ReasonNames(), ", "))
	}
	if len(kind.Reasons) > 0 && !kind.HasReason(w.Reason) {
		msg := fmt.Sprintf("reason %q is not one that check %s (%s) reports", w.Reason, spec.ID, spec.Kind)
		if m, ok := suggest.Search(w.Reason, kind.ReasonNames(), true); ok {
			msg += fmt.Sprintf(" (did you mean %s?)", m)
		}
		return nil, bad(line("reason"), "%s; its reasons are %s", msg, strings.Join(kind.ReasonNames(), ", "))
	}
	for _, r := range w.Remove {
		clean := path.Clean(r)
		if r == "" || path.IsAbs(r) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, bad(line("remove"), "remove: %q is not a path inside the workspace", r)
		}
		if !inTree(lab.FS, "starter", clean) && !inTree(lab.FS, "solution", clean) {
			return nil, bad(line("remove"), "remove: %s is in neither starter/ nor solution/, so there is nothing to remove", r)
		}
	}
	if len(overlayFiles(lab.FS, w.Dir())) == 0 && len(w.Remove) == 0 {
		return nil, bad(0, "the variant changes nothing: put the files that differ from solution/ beside %s, or list files to delete under remove:", ExpectFile)
	}
	return w, nil
}

// inTree reports whether the workspace file rel comes from folder tree of the
// lab, under its own name or the name it is shipped as.
func inTree(fsys fs.FS, tree, rel string) bool {
	found := false
	fs.WalkDir(fsys, tree, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && labs.WorkspaceName(strings.TrimPrefix(p, tree+"/")) == rel {
			found = true
		}
		return nil
	})
	return found
}

// overlayFiles lists the files of a variant's folder that go into the
// workspace: all but expect.yaml.
func overlayFiles(fsys fs.FS, dir string) []string {
	var out []string
	fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != path.Join(dir, ExpectFile) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func checkIDs(lab *labs.Lab) []string {
	ids := make([]string, len(lab.Checks))
	for i := range lab.Checks {
		ids[i] = lab.Checks[i].ID
	}
	return ids
}

func firstCheck(lab *labs.Lab) string {
	if ids := checkIDs(lab); len(ids) > 0 {
		return ids[0]
	}
	return "<check id>"
}

// sortWrong orders variants by name, so output and proofs are stable.
func sortWrong(ws []*Wrong) {
	slices.SortFunc(ws, func(a, b *Wrong) int { return strings.Compare(a.Name, b.Name) })
}

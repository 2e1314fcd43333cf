package checks

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"gopkg.in/yaml.v3"
)

var fileExistsKind = Kind{
	Name:        "file_exists",
	Summary:     "a file exists in the workspace (optionally non-empty); near-miss names such as Dockerfile.txt are explained",
	NeedsEngine: false,
	Reasons:     []Reason{ReasonMissing, ReasonNearMiss, ReasonEmpty, ReasonIsDirectory, ReasonOutsideWorkspace},
	New:         newFileExists,
}

type fileExistsParams struct {
	Path     string `yaml:"path"`
	NonEmpty bool   `yaml:"non_empty"`
}

type fileExists struct {
	rel      string
	nonEmpty bool
}

func newFileExists(params *yaml.Node) (Check, error) {
	var p fileExistsParams
	if err := Decode(params, &p); err != nil {
		return nil, fmt.Errorf("file_exists: %w", err)
	}
	rel, err := workspaceParam(p.Path)
	if err != nil {
		return nil, fmt.Errorf("file_exists: %w", err)
	}
	return &fileExists{rel: rel, nonEmpty: p.NonEmpty}, nil
}

// workspaceParam validates a `path:` parameter when the lab loads, long before
// any workspace exists, so that a bad lab.yaml is caught by its author.
func workspaceParam(p string) (string, error) {
	if strings.TrimSpace(p) == "" {
		return "", errors.New("path is required")
	}
	if _, err := WorkspacePath("workspace", p); err != nil {
		return "", err
	}
	clean := path.Clean(filepath.ToSlash(p))
	if clean == "." {
		return "", fmt.Errorf("path %q names the workspace itself, not a file in it", p)
	}
	return clean, nil
}

func (c *fileExists) Run(_ context.Context, env *Env) Result {
	if _, err := WorkspacePath(env.Dir, c.rel); err != nil {
		return Errorf("file_exists: %v", err)
	}
	info, err := statInWorkspace(env.Dir, c.rel)
	switch {
	case errors.Is(err, ErrOutsideWorkspace):
		return outsideWorkspace(c.rel)
	case err == nil && info.IsDir():
		return Failf(ReasonIsDirectory, "%s is a directory, not a file", c.rel).
			WithHint(fmt.Sprintf("remove or rename the directory %s and create a file with that name instead", c.rel))
	case err == nil && c.nonEmpty && info.Size() == 0:
		return Failf(ReasonEmpty, "%s exists but is empty (0 bytes)", c.rel).
			WithHint(fmt.Sprintf("write its content and save it; check that your editor saved %s and not another copy", c.rel))
	case err == nil:
		return Passf("%s exists (%s)", c.rel, plural.N(int(info.Size()), "byte"))
	case errors.Is(err, fs.ErrNotExist) || isNotDir(err):
		return missingFile(env.Dir, c.rel)
	default:
		return Errorf("cannot check %s: %v", c.rel, err)
	}
}

// isNotDir reports an error caused by a path component that is a file, which
// for the learner simply means the file is not where it should be.
func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }

// missingFile reports rel as missing, explaining the most likely near miss: a
// file named almost the same in the same directory.
// learnerFile resolves the workspace file a check reads. When it is not there
// the check fails with reason "missing", naming any near miss.
func learnerFile(env *Env, kind, rel string) (full string, res Result, ok bool) {
	full, err := WorkspacePath(env.Dir, rel)
	if err != nil {
		return "", Errorf("%s: %v", kind, err), false
	}
	_, err = statInWorkspace(env.Dir, rel)
	switch {
	case errors.Is(err, ErrOutsideWorkspace):
		return "", outsideWorkspace(rel), false
	case errors.Is(err, fs.ErrNotExist):
		r := missingFile(env.Dir, rel)
		r.Reason = string(ReasonMissing)
		return "", r, false
	}
	return full, Result{}, true
}

func missingFile(dir, rel string) Result {
	parent := path.Dir(rel)
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(parent)))
	if err != nil {
		r := Failf(ReasonMissing, "%s not found: the directory %s does not exist in the workspace", rel, parent)
		return r.WithHint(fmt.Sprintf("create the directory %s and the file %s in it", parent, path.Base(rel)))
	}
	misses := nearMisses(path.Base(rel), entries)
	if len(misses) == 0 {
		r := Failf(ReasonMissing, "%s not found in the workspace", rel).
			WithHint(fmt.Sprintf("create the file %s (names are case-sensitive)", rel))
		return r.WithEvidence(listing(parent, entries)...)
	}
	best := misses[0]
	found := path.Join(parent, best.name)
	r := Failf(ReasonNearMiss, "found %q — the file must be named exactly %q%s (rename it: mv %s %s)",
		found, rel, best.why, shellQuote(found), shellQuote(rel))
	r = r.WithHint(best.hint)
	for _, m := range misses[1:] {
		r = r.WithEvidence(fmt.Sprintf("also close: %s", path.Join(parent, m.name)))
	}
	return r
}

type nearMiss struct {
	name string
	why  string
	hint string
	rank int
}

// nearMisses finds entries a learner probably meant as base, best first.
func nearMisses(base string, entries []fs.DirEntry) []nearMiss {
	lower := strings.ToLower(base)
	ext := path.Ext(base)
	var out []nearMiss
	for _, e := range entries {
		if e.IsDir() {
			// Renaming a folder onto the file name would not help; a folder
			// with the exact name is reported as is-directory instead.
			continue
		}
		name := e.Name()
		ln := strings.ToLower(name)
		var m nearMiss
		switch {
		case strings.EqualFold(name, base):
			m = nearMiss{why: ", with this exact capitalisation", hint: "file names are case-sensitive inside containers and on Linux, even where your desktop ignores case", rank: 0}
		case strings.TrimSpace(name) == base:
			m = nearMiss{why: ", without spaces around it", hint: "a space at the start or end of a file name is invisible but counts", rank: 0}
		case strings.HasPrefix(ln, lower+"."):
			m = nearMiss{why: extensionWhy(ext), hint: "Windows Explorer and macOS Finder hide extensions by default; turn on showing file name extensions to see the real name", rank: 1}
		case ext != "" && ln == strings.TrimSuffix(lower, strings.ToLower(ext)):
			m = nearMiss{why: fmt.Sprintf(", with the %s extension", ext), hint: fmt.Sprintf("add the %s extension to the file name", ext), rank: 1}
		default:
			d := editDistance(ln, lower)
			if d == 0 || d > maxTypos(base) {
				continue
			}
			m = nearMiss{why: ", spelled exactly like that", hint: "compare the two names letter by letter", rank: 1 + d}
		}
		m.name = name
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b nearMiss) int { return cmp.Compare(a.rank, b.rank) })
	return out
}

func extensionWhy(ext string) string {
	if ext == "" {
		return ", with no extension"
	}
	return fmt.Sprintf(", ending in %s and nothing after it", ext)
}

// maxTypos keeps short names from matching everything: "app" and "api" are
// different files, "Dockerfle" is a Dockerfile.
func maxTypos(name string) int {
	switch n := len(name); {
	case n <= 3:
		return 0
	case n <= 6:
		return 1
	default:
		return 2
	}
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// listing shows what the directory does hold, so the learner sees where the
// file went.
func listing(parent string, entries []fs.DirEntry) []string {
	const limit = 20
	where := "the workspace"
	if parent != "." {
		where = parent
	}
	if len(entries) == 0 {
		return []string{where + " is empty"}
	}
	names := make([]string, 0, min(len(entries), limit))
	for _, e := range entries[:min(len(entries), limit)] {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	line := fmt.Sprintf("%s contains: %s", where, strings.Join(names, ", "))
	if len(entries) > limit {
		line += fmt.Sprintf(" (and %d more)", len(entries)-limit)
	}
	return []string{line}
}

// shellQuote quotes a name for the suggested mv command only when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$`\\*?[]{}()&;|<>!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

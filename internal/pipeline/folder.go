package pipeline

import (
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
)

// WorkflowsDir is the only folder GitHub reads workflows from.
const WorkflowsDir = ".github/workflows"

// Misplaced is a workflow file in a folder GitHub never reads.
type Misplaced struct {
	Path string // slash-separated, relative to the workspace
	Why  string
}

// FindMisplacedWorkflows walks the top of the workspace (a few levels, not
// into .git or .devopsctl) for YAML files in folders that are near misses of
// .github/workflows: typos (.github/workfllows), other names
// (.github/flows), a wrong first character (,github), other capitals
// (.GitHub/Workflows), one level only (.github/ or workflows/).
func FindMisplacedWorkflows(dir string) []Misplaced {
	var out []Misplaced
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".git" || rel == ".devopsctl" || rel == "node_modules" || strings.Count(rel, "/") >= 2 {
				return filepath.SkipDir
			}
			return nil
		}
		ext := path.Ext(rel)
		if ext != ".yml" && ext != ".yaml" {
			return nil
		}
		folder := path.Dir(rel)
		if folder == WorkflowsDir {
			return nil
		}
		if why := nearWorkflowsDir(folder); why != "" {
			out = append(out, Misplaced{Path: rel, Why: why})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Misplaced) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// nearWorkflowsDir says why folder looks meant as .github/workflows, or "".
func nearWorkflowsDir(folder string) string {
	if strings.EqualFold(folder, WorkflowsDir) {
		return "folder names are case-sensitive: GitHub reads only .github/workflows, all lower case"
	}
	parts := strings.Split(folder, "/")
	first := strings.ToLower(parts[0])
	bare := strings.TrimLeft(first, ".,_- ")
	// .gitlab is as close to .github as a typo, and is GitLab's own folder.
	githubish := bare == "github" || (bare != "gitlab" && levenshtein.Distance(bare, "github", nil) <= 2)
	switch len(parts) {
	case 1:
		switch {
		case first == ".github":
			return "the file is in .github itself; workflows go one level down, in .github/workflows"
		case bare == "workflows" || bare == "workflow":
			return "the folder is missing its parent: it must be .github/workflows, not " + folder
		case githubish:
			return "the folder is spelled " + folder + ", and workflows go in .github/workflows inside it"
		}
	case 2:
		second := strings.ToLower(parts[1])
		flowish := strings.Contains(second, "flow") || levenshtein.Distance(second, "workflows", nil) <= 3
		switch {
		case githubish && flowish && first != ".github":
			return "the first folder is spelled " + parts[0] + ", not .github (a dot, then github)"
		case first == ".github" && flowish:
			return "the folder inside .github is spelled " + parts[1] + ", not workflows"
		}
	}
	return ""
}

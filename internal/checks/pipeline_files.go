package checks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/pipeline"
)

// Reasons shared by the pipeline kinds: the file they read is not there (or
// a GitHub workflow is in a folder GitHub never reads), or is not YAML.
const (
	ReasonPipelineWrongFolder Reason = "wrong-folder"
	ReasonPipelineSyntax      Reason = "yaml-syntax"
)

// pipelineFileReasons are the reasons of every pipeline kind for reading and
// parsing its file; the kinds that read a GitHub workflow add wrong-folder.
var pipelineFileReasons = append([]Reason{ReasonMissing, ReasonNearMiss, ReasonIsDirectory, ReasonPipelineSyntax}, readReasons...)

// defaultTestCommand finds the command that runs a Go app's tests.
const defaultTestCommand = `\bgo\s+test\b`

// pipelineParams are the parameters the pipeline kinds share.
type pipelineParams struct {
	Path string `yaml:"path"`
	// TestCommand is a regular expression for the command that runs the tests.
	TestCommand string `yaml:"test_command"`
}

func (p *pipelineParams) validate(defaultPath string) (*regexp.Regexp, error) {
	if p.Path == "" {
		p.Path = defaultPath
	}
	rel, err := workspaceParam(p.Path)
	if err != nil {
		return nil, err
	}
	p.Path = rel
	if p.TestCommand == "" {
		p.TestCommand = defaultTestCommand
	}
	re, err := regexp.Compile(p.TestCommand)
	if err != nil {
		return nil, fmt.Errorf("test_command: %v", err)
	}
	return re, nil
}

// readPipeline reads the pipeline file rel. A GitHub workflow that is not at
// rel but in the same folder under another name is read instead (GitHub runs
// every file there); one in a folder GitHub never reads is a failure naming
// where it must go.
func readPipeline(dir, rel string) (string, []byte, *Result) {
	data, err := readLearnerFile(dir, rel)
	if r, ok := unreadableLearnerFile(rel, err); ok {
		return rel, nil, &r
	}
	switch {
	case err == nil:
		return rel, data, nil
	case errors.Is(err, errIsDir):
		r := Failf(ReasonIsDirectory, "%s is a folder, not a file.", rel).
			WithHint(fmt.Sprintf("Remove the folder %s and create a file with that name.", rel))
		return rel, nil, &r
	case !errors.Is(err, fs.ErrNotExist) && !isNotDir(err):
		r := Errorf("read %s: %v", rel, err)
		return rel, nil, &r
	}
	folder := path.Dir(rel)
	if folder == pipeline.WorkflowsDir {
		if other := otherWorkflow(dir, folder); other != "" {
			if data, err := readLearnerFile(dir, other); err == nil {
				return other, data, nil
			}
		}
		if m := pipeline.FindMisplacedWorkflows(dir); len(m) > 0 {
			target := path.Join(pipeline.WorkflowsDir, path.Base(m[0].Path))
			r := Failf(ReasonPipelineWrongFolder, "Your workflow %s is in a folder GitHub never reads, so it would never run: %s.", m[0].Path, m[0].Why).
				WithHint(fmt.Sprintf("GitHub runs only the workflows in %s/ at the top of the repository. Move the file: mkdir -p %s && git mv %s %s",
					pipeline.WorkflowsDir, pipeline.WorkflowsDir, shellQuote(m[0].Path), shellQuote(target)))
			for _, o := range m[1:] {
				r = r.WithEvidence("also in the wrong place: " + o.Path)
			}
			return rel, nil, &r
		}
	}
	r := missingFile(dir, rel)
	if r.Reason != string(ReasonNearMiss) {
		r.Reason = string(ReasonMissing)
		r.Message = fmt.Sprintf("There is no %s in your workspace.", rel)
		r.Hint = fmt.Sprintf("Create %s: the folders and the name are part of what the CI service looks for.", rel)
	}
	return rel, nil, &r
}

// otherWorkflow is the first other YAML file in folder, or "".
func otherWorkflow(dir, folder string) string {
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(folder)))
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range entries {
		if ext := path.Ext(e.Name()); !e.IsDir() && (ext == ".yml" || ext == ".yaml") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return ""
	}
	return path.Join(folder, names[0])
}

// indentationHint is said beside YAML errors that nearly always come from
// indentation.
const indentationHint = "YAML reads structure from indentation: keys of the same block start in the same column, " +
	"nested keys two spaces further in, and only spaces (no tabs). Compare the line named with the one above it."

// looksLikeIndentation reports a YAML or shape error that indentation causes.
func looksLikeIndentation(msg string) bool {
	for _, s := range []string{"mapping values are not allowed", "did not find expected", "found character that cannot start", "must be sequence node", "must be mapping node", "could not find expected ':'", "block sequence entries are not allowed", "tab"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

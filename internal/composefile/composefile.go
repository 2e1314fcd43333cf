// Package composefile loads a compose file with compose-go, the loader docker
// compose itself uses, from content already read (so the caller decides how a
// file may be read), and turns the loader's errors into file:line:column
// messages with a "did you mean" for a mistyped key.
package composefile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/devopsctl/devopsctl/internal/yamlkeys"
	"gopkg.in/yaml.v3"
)

// Source is one compose file to load.
type Source struct {
	// Name is the file as the reader knows it ("compose.yaml"); errors use it.
	Name string
	// Dir is the folder relative paths in the file (build contexts) start from.
	Dir string
	// Path is where the file is, for the loader; by default Dir/Name.
	Path    string
	Content []byte
	// Env holds the variables ${VAR} in the file may use.
	Env map[string]string
	// Project names the project.
	Project string
	// Contained loads the file alone: no include, no extends, and no env_file
	// or label_file read from disk, so that nothing but Content is read. The
	// caller resolves env_file entries itself if it wants them.
	Contained bool
	// ReadExtends, when set, reads each file a service extends (`extends:
	// {file: …}`), named as the compose file names it: relative to Dir, or
	// absolute. It must cap what it reads and refuse what it must not read;
	// the loader never opens those files itself.
	ReadExtends func(name string) ([]byte, error)
}

// Load loads src. A file the loader refuses is an *Error.
func Load(ctx context.Context, src Source) (*types.Project, error) {
	abs := src.Path
	if abs == "" {
		abs = filepath.Join(src.Dir, src.Name)
	}
	var copies string
	if src.ReadExtends != nil && !src.Contained {
		var err error
		if copies, err = os.MkdirTemp("", "devopsctl-compose-"); err != nil {
			return nil, fmt.Errorf("%s: %w", src.Name, err)
		}
		defer os.RemoveAll(copies)
	}
	project, err := loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  src.Dir,
		ConfigFiles: []types.ConfigFile{{Filename: abs, Content: src.Content}},
		Environment: types.Mapping(src.Env),
	}, func(o *loader.Options) {
		name := src.Project
		if name == "" {
			name = "project"
		}
		o.SetProjectName(name, true)
		if src.Contained {
			o.SkipInclude = true
			o.SkipExtends = true
			o.SkipResolveEnvironment = true
			o.SkipResolveLabels = true
		} else if copies != "" {
			// First in the list, it takes every file the loader would
			// otherwise open itself.
			o.ResourceLoaders = append([]loader.ResourceLoader{extendsReader{read: src.ReadExtends, copies: copies}}, o.ResourceLoaders...)
			o.SkipInclude = true
		}
	})
	if err != nil {
		if typo := typoError(src.Name, src.Content, err); typo != nil {
			return nil, typo
		}
		return nil, positioned(src.Name, abs, err)
	}
	return project, nil
}

// Error is a compose file the loader rejected. Pos is "line:column" (or just
// the line) when the loader gave a position, and Line its line (0 without).
type Error struct {
	File    string
	Pos     string
	Line    int
	Problem string
	err     error
}

func (e *Error) Error() string {
	if e.Pos != "" {
		return fmt.Sprintf("%s:%s: %s", e.File, e.Pos, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Problem)
}

func (e *Error) Unwrap() error { return e.err }

// typoError finds the key the loader refused a file for, when it refused an
// unknown key: its line, and the key that was probably meant. The loader's
// own message names neither. Only a key the loader's message names counts,
// so a key the compose types lack but the schema allows is never blamed.
func typoError(name string, data []byte, loadErr error) error {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	unknown := yamlkeys.Find(&doc, types.Project{})
	msg := loadErr.Error()
	i := slices.IndexFunc(unknown, func(u yamlkeys.Unknown) bool {
		// Older loaders quote the key; newer ones name its path.
		return strings.Contains(msg, "'"+u.Key+"'") || strings.Contains(msg, u.Path+"."+u.Key+" ")
	})
	if i < 0 {
		return nil
	}
	u := unknown[i]
	problem := fmt.Sprintf("%s: additional property %s is not allowed", u.Path, u.Key)
	if u.Suggestion != "" {
		problem += fmt.Sprintf(" (did you mean %s?)", u.Suggestion)
	}
	return &Error{File: name, Pos: fmt.Sprintf("%d:%d", u.Line, u.Column), Line: u.Line, Problem: problem, err: loadErr}
}

// yamlPos finds the positions the YAML parser puts in its messages.
var yamlPos = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: `)

// positioned turns a loader error into an *Error with the innermost position
// the parser gave (the actual fault), without the absolute path.
func positioned(name, abs string, err error) error {
	msg := strings.ReplaceAll(err.Error(), abs, name)
	e := &Error{File: name, Problem: msg, err: err}
	if locs := yamlPos.FindAllStringSubmatchIndex(msg, -1); len(locs) > 0 {
		last := locs[len(locs)-1]
		e.Pos = msg[last[2]:last[3]]
		e.Line, _ = strconv.Atoi(e.Pos)
		if last[4] >= 0 {
			e.Pos += ":" + msg[last[4]:last[5]]
		}
		e.Problem = msg[last[1]:]
	}
	return e
}

// extendsReader is the loader's way to the files services extend: it reads
// each through Source.ReadExtends and hands the loader a private copy, since
// the loader takes a path, not content. Relative names are taken from the
// compose file's folder, also inside an extended file.
type extendsReader struct {
	read   func(name string) ([]byte, error)
	copies string
}

func (r extendsReader) Accept(string) bool { return true }

func (r extendsReader) Load(_ context.Context, name string) (string, error) {
	data, err := r.read(name)
	if err != nil {
		return "", fmt.Errorf("extends file %s: %w", name, err)
	}
	f, err := os.CreateTemp(r.copies, "extends-*.yaml")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	return f.Name(), nil
}

func (r extendsReader) Dir(name string) string { return filepath.Dir(name) }

package dockerfile

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// BaseImages lists the images a Dockerfile builds on, in the order they first
// appear: each stage's FROM and each COPY --from that names an image rather
// than a stage. Stages of the file and scratch are left out, and ARGs declared
// before the first FROM are expanded with their defaults. These are what an
// engine without a registry must already have for the build to start.
func BaseImages(data []byte) (refs []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			refs, err = nil, fmt.Errorf("the Dockerfile parser failed unexpectedly (%v)", r)
		}
	}()
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, err
	}
	env := envList{}
	for _, k := range platformArgs {
		env[k] = ""
	}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			env[kv.Key] = kv.ValueString()
		}
	}
	lex := shell.NewLex(res.EscapeToken)
	expand := func(word string) string {
		if out, err := lex.ProcessWordWithMatches(word, env); err == nil {
			return out.Result
		}
		return word
	}
	named := map[string]bool{}
	add := func(ref string) {
		ref = expand(ref)
		if ref == "" || strings.EqualFold(ref, "scratch") || named[strings.ToLower(ref)] || slices.Contains(refs, ref) {
			return
		}
		refs = append(refs, ref)
	}
	for i, st := range stages {
		add(st.BaseName)
		for _, cmd := range st.Commands {
			if c, ok := cmd.(*instructions.CopyCommand); ok && c.From != "" {
				// --from=0 names a stage by its index.
				if _, isIndex := stageIndex(c.From, i); !isIndex {
					add(c.From)
				}
			}
		}
		if st.Name != "" {
			named[strings.ToLower(st.Name)] = true
		}
	}
	return refs, nil
}

// stageIndex reports whether from is the number of a stage before stage i.
func stageIndex(from string, i int) (int, bool) {
	n := 0
	for _, r := range from {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, from != "" && n < i
}

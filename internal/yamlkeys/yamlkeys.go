// Package yamlkeys finds the keys of a YAML document that the Go type it is
// decoded into has no field for, with their line and the nearest known key,
// so that a typo in a file is reported where it is, with a "did you mean".
package yamlkeys

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/moby/buildkit/util/suggest"
	"gopkg.in/yaml.v3"
)

// Unknown is a key with no field to go to.
type Unknown struct {
	Line, Column int
	// Key is the key as written; Path the keys above it, dot-separated.
	Key, Path string
	// Suggestion is the nearest known key, "" when none is near.
	Suggestion string
}

// Find walks node alongside the Go type of v, which is what the node would be
// decoded into, and returns the keys that type has no field for, in document
// order. It follows yaml tags (a field without one goes by its lowercased
// name), inline structs, pointers, slices and maps. A type that decodes
// itself (yaml.Unmarshaler), and a yaml.Node, are not looked into. An inline map accepts only
// extension keys starting with "x-", as compose files do.
func Find(node *yaml.Node, v any) []Unknown {
	var out []Unknown
	walk(node, reflect.TypeOf(v), "", &out)
	return out
}

var (
	unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()
	anyNode     = reflect.TypeFor[yaml.Node]()
)

func walk(n *yaml.Node, t reflect.Type, path string, out *[]Unknown) {
	if n == nil || t == nil {
		return
	}
	if n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode {
		for _, c := range n.Content {
			walk(c, t, path, out)
		}
		if n.Kind == yaml.AliasNode {
			walk(n.Alias, t, path, out)
		}
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == anyNode || t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler) {
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				walk(c, t.Elem(), join(path, "["+strconv.Itoa(i)+"]"), out)
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), out)
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		fields, extensions := fieldsOf(t)
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				walk(val, t, path, out)
				continue
			}
			ft, ok := fields[k.Value]
			if !ok {
				if !(extensions && strings.HasPrefix(k.Value, "x-")) {
					u := Unknown{Line: k.Line, Column: k.Column, Key: k.Value, Path: path}
					u.Suggestion, _ = suggest.Search(k.Value, names, true)
					*out = append(*out, u)
				}
				continue
			}
			walk(val, ft, join(path, k.Value), out)
		}
	}
}

// fieldsOf maps a struct's keys to their types, inline structs included, and
// says whether an inline map takes extension keys.
func fieldsOf(t reflect.Type) (map[string]reflect.Type, bool) {
	fields := map[string]reflect.Type{}
	extensions := false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Struct:
				inner, ext := fieldsOf(ft)
				for k, v := range inner {
					fields[k] = v
				}
				extensions = extensions || ext
			case reflect.Map:
				extensions = true
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields, extensions
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	if strings.HasPrefix(key, "[") {
		return path + key
	}
	return path + "." + key
}

// Line is the line of a top-level key of a document, or 0 when it has none.
func Line(root *yaml.Node, key string) int {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == key {
			return doc.Content[i].Line
		}
	}
	return 0
}

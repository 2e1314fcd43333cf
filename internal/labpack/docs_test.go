package labpack

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/labs"
)

// yamlKeys lists the keys a struct decodes from YAML, with prefix.
func yamlKeys(v any, prefix string) []string {
	var out []string
	typ := reflect.TypeOf(v)
	for i := range typ.NumField() {
		tag := strings.Split(typ.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			out = append(out, prefix+tag)
		}
	}
	return out
}

// documentedKeys lists the keys in the first column of the tables of the
// section of doc that starts with heading and ends at the next "## ".
func documentedKeys(t *testing.T, doc, heading string) []string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("docs/authoring.md has no section %q", heading)
	}
	section := doc[i+len(heading)+2:]
	if j := strings.Index(section, "\n## "); j >= 0 {
		section = section[:j]
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_\\[\\].]+)` \\|")
	var out []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestAuthoringDocMatchesSchema holds docs/authoring.md to the schema: every
// field lab.yaml and expect.yaml can hold is documented, and every documented
// field exists.
func TestAuthoringDocMatchesSchema(t *testing.T) {
	data, err := os.ReadFile("../../docs/authoring.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, tt := range []struct {
		heading string
		schema  []string
	}{
		{"## lab.yaml", append(yamlKeys(labs.Spec{}, ""), yamlKeys(labs.CheckSpec{}, "checks[].")...)},
		{"## Known-wrong variants", yamlKeys(Wrong{}, "")},
	} {
		documented := documentedKeys(t, doc, tt.heading)
		for _, k := range tt.schema {
			if !slices.Contains(documented, k) {
				t.Errorf("%s: field %s is in the schema but not documented in docs/authoring.md", tt.heading, k)
			}
		}
		for _, k := range documented {
			if !slices.Contains(tt.schema, k) {
				t.Errorf("%s: docs/authoring.md documents %s, which is not a field of the schema", tt.heading, k)
			}
		}
	}
}

package checks

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestKindsTableMatchesRegistry holds the kinds table of docs/lab-packs.md to
// the registry: every registered kind is in it, with the right engine column,
// and it names no other, so the documentation cannot drift as kinds are added.
func TestKindsTableMatchesRegistry(t *testing.T) {
	data, err := os.ReadFile("../../docs/lab-packs.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| \\[`([a-z_]+)`\\]\\(#[a-z_]+\\) \\| (yes|no) \\|")
	documented := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		documented[m[1]] = m[2] == "yes"
	}
	for _, k := range Kinds() {
		engine, ok := documented[k.Name]
		switch {
		case !ok:
			t.Errorf("kind %s is registered but not in the kinds table of docs/lab-packs.md", k.Name)
		case engine != k.NeedsEngine:
			t.Errorf("docs/lab-packs.md says kind %s needs the engine: %v; the registry says %v", k.Name, engine, k.NeedsEngine)
		}
		if !strings.Contains(string(data), "\n### "+k.Name+"\n") {
			t.Errorf("docs/lab-packs.md has no section ### %s", k.Name)
		}
	}
	for name := range documented {
		if !slices.Contains(Names(), name) {
			t.Errorf("docs/lab-packs.md lists kind %s, which is not registered", name)
		}
	}
}

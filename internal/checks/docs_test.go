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

// TestKindReasonsDocumented holds each kind's section of docs/lab-packs.md to
// the reasons the kind declares: each declared reason is named there, and each
// row of its reason tables is a declared reason.
func TestKindReasonsDocumented(t *testing.T) {
	data, err := os.ReadFile("../../docs/lab-packs.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|")
	for _, k := range Kinds() {
		i := strings.Index(doc, "\n### "+k.Name+"\n")
		if i < 0 {
			continue // TestKindsTableMatchesRegistry reports it
		}
		section := doc[i+1:]
		if j := strings.Index(section[4:], "\n### "); j >= 0 {
			section = section[:j+4]
		}
		if j := strings.Index(section, "\n## "); j >= 0 {
			section = section[:j]
		}
		for _, r := range k.Reasons {
			if !strings.Contains(section, "`"+string(r)+"`") {
				t.Errorf("docs/lab-packs.md, ### %s: reason %s is not named", k.Name, r)
			}
		}
		reasonTable := false
		for _, line := range strings.Split(section, "\n") {
			switch {
			case strings.HasPrefix(line, "| reason |"), strings.HasPrefix(line, "| constraint |"):
				reasonTable = true
				continue
			case !strings.HasPrefix(line, "|"):
				reasonTable = false
				continue
			}
			m := row.FindStringSubmatch(line)
			if reasonTable && m != nil && !k.HasReason(m[1]) {
				t.Errorf("docs/lab-packs.md, ### %s: reason %s is documented but the kind does not declare it", k.Name, m[1])
			}
		}
	}
}

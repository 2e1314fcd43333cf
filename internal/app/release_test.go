package app_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/buildinfo"
	"gopkg.in/yaml.v3"
)

// The release config must set the variables that exist, under the package
// path they live at (a -X naming anything else is silently ignored by the
// linker), and ship the man pages its hook makes.
func TestReleaseConfig(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Before struct {
			Hooks []string `yaml:"hooks"`
		} `yaml:"before"`
		Builds []struct {
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
		Archives []struct {
			Files []string `yaml:"files"`
		} `yaml:"archives"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	x := regexp.MustCompile(`-X (\S+)\.(\w+)=`)
	for _, b := range cfg.Builds {
		for _, m := range x.FindAllStringSubmatch(strings.Join(b.Ldflags, " "), -1) {
			if m[1] != "github.com/devopsctl/devopsctl/internal/buildinfo" {
				t.Errorf("ldflags set %s.%s, outside internal/buildinfo", m[1], m[2])
			}
			set[m[2]] = true
		}
	}
	for _, v := range []string{"Version", "Commit", "Date"} {
		if !set[v] {
			t.Errorf("ldflags do not set buildinfo.%s", v)
		}
	}
	// The variables the flags name must exist; this reads them.
	_ = []string{buildinfo.Version, buildinfo.Commit, buildinfo.Date}
	if !slices.Contains(cfg.Before.Hooks, "go run ./cmd/devopsctl man --dir manpages") {
		t.Errorf("no hook makes the man pages: %q", cfg.Before.Hooks)
	}
	for _, a := range cfg.Archives {
		if !slices.Contains(a.Files, "manpages/*") {
			t.Errorf("an archive does not ship the man pages: %q", a.Files)
		}
	}
}

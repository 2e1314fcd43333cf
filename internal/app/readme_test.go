package app_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The README's first block is what a newcomer types: run, test and install,
// in that order; CI runs its test command.
func TestReadmeFirstBlock(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindSubmatch(data)
	if block == nil {
		t.Fatal("README.md has no sh block")
	}
	var cmds []string
	for _, line := range strings.Split(strings.TrimSpace(string(block[1])), "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		cmds = append(cmds, strings.TrimSpace(cmd))
	}
	want := []string{"go run ./cmd/devopsctl lab start dockerfile", "./scripts/test.sh", "go install ./cmd/devopsctl"}
	if !slices.Equal(cmds, want) {
		t.Errorf("first block runs %q, want %q", cmds, want)
	}
	if !strings.Contains(string(data), "scripts/offline-images.sh") {
		t.Error("README.md does not say where offline-images.sh is")
	}
}

// A workshop machine needs offline-images.sh, so every release archive ships it.
func TestReleaseArchivesShipOfflineImages(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Archives []struct {
			ID    string   `yaml:"id"`
			Files []string `yaml:"files"`
		} `yaml:"archives"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Archives) == 0 {
		t.Fatal(".goreleaser.yml has no archives")
	}
	const script = "scripts/offline-images.sh"
	for _, a := range cfg.Archives {
		if !slices.Contains(a.Files, script) {
			t.Errorf("archive %q does not ship %s (files: %v)", a.ID, script, a.Files)
		}
	}
	info, err := os.Stat(filepath.Join("..", "..", script))
	if err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("%s is missing or not executable: %v", script, err)
	}
}

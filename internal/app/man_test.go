package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/app"
	"github.com/devopsctl/devopsctl/internal/cli/man"
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// TestManPages writes the man pages of the real command tree: one page per
// visible command, each a roff page naming its command, none for hidden ones.
func TestManPages(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	root := app.NewCmdRoot(&cmdutil.Factory{IOStreams: io, Version: "test"})
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1764547200")
	if err := man.Run(root, &man.Options{IO: io, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	var walk func(c *cobra.Command)
	count := 0
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root {
			if c.Hidden {
				if _, err := os.Stat(filepath.Join(dir, pageName(c))); err == nil {
					t.Errorf("hidden command %q has a man page", c.CommandPath())
				}
			}
			return
		}
		count++
		data, err := os.ReadFile(filepath.Join(dir, pageName(c)))
		if err != nil {
			t.Errorf("no man page for %q: %v", c.CommandPath(), err)
			return
		}
		page := string(data)
		if !strings.Contains(page, `.TH "DEVOPSCTL" "1" "Dec 2025"`) || !strings.Contains(page, ".SH NAME\n"+strings.ReplaceAll(c.CommandPath(), " ", "-")+" - ") {
			t.Errorf("%s is not the page of %q:\n%.300s", pageName(c), c.CommandPath(), page)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, want := range []string{"devopsctl-doctor.1", "devopsctl-lab-bundle.1", "devopsctl-lab-load.1", "devopsctl-version.1"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("missing %s", want)
		}
	}
	// Placeholders survive the markdown the pages are written through.
	if data, _ := os.ReadFile(filepath.Join(dir, "devopsctl-lab-load.1")); !strings.Contains(string(data), "devopsctl lab load <kit file>") {
		t.Errorf("the placeholder of lab load is lost:\n%s", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != count {
		t.Errorf("%d pages for %d visible commands", len(entries), count)
	}
}

func pageName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
}

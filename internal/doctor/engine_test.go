package doctor

import (
	"context"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// TestRealMachine runs every probe on this machine's engine: the engine
// answers with its versions, and the base images the offline script makes
// are found.
func TestRealMachine(t *testing.T) {
	eng := testenv.Engine(t)
	t.Setenv("DEVOPSCTL_HOME", t.TempDir())
	env := SystemEnv("test", func() (docker.Engine, error) { return eng, nil }, func() (*labs.Catalog, error) { return labs.LoadCatalog() })
	fs := Run(context.Background(), env)
	e := find(t, fs, "docker engine")
	if e.Status == Fail || !strings.Contains(e.Detail, "API 1.") || !strings.Contains(e.Detail, "Docker ") {
		t.Errorf("engine: %+v", e)
	}
	if f := find(t, fs, "state folder"); f.Status != OK {
		t.Errorf("state folder: %+v", f)
	}
	if f := find(t, fs, "disk: state folder"); f.Status == Skip {
		t.Errorf("free space unknown on Linux: %+v", f)
	}
	if f := find(t, fs, "base images"); f.Status == Skip {
		t.Errorf("images not looked at: %+v", f)
	}
	for _, f := range fs {
		t.Logf("%-20s %-5s %s", f.Check, f.Status, f.Detail)
	}
}

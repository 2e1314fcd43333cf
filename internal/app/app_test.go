package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/app"
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/testenv"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	code := testscript.RunMain(m, map[string]func() int{
		"devopsctl": app.Main,
	})
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// TestScripts drives the devopsctl binary through the acceptance scripts in
// testdata/script. Scripts marked [docker] run on the real engine.
func TestScripts(t *testing.T) {
	dockerOK := os.Getenv(testenv.SkipEnv) != "1"
	if !dockerOK {
		t.Logf("SKIPPING every [docker] script: %s=1", testenv.SkipEnv)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("DEVOPSCTL_HOME", filepath.Join(env.WorkDir, ".devopsctl-home"))
			env.Setenv("NO_COLOR", "1")
			if h := os.Getenv("DOCKER_HOST"); h != "" {
				env.Setenv("DOCKER_HOST", h)
			}
			env.Defer(func() {
				if !dockerOK {
					return
				}
				// Every script must leave the engine as it found it.
				eng, err := docker.New()
				if err != nil {
					return
				}
				// Only this script's workspaces: other packages' tests may be
				// running on the engine at the same time.
				res, err := eng.ListManaged(context.Background(), nil)
				if err != nil {
					return
				}
				workspaces := map[string]bool{}
				for id, labels := range res.ContainerLabels {
					if strings.HasPrefix(labels[docker.LabelWorkspace], env.WorkDir) {
						env.T().Fatal(fmt.Sprintf("container %s of this script is still on the engine", id[:12]))
					}
				}
				// Images may stay until `lab clean`; a test removes its own.
				for _, labels := range res.ImageLabels {
					if ws := labels[docker.LabelWorkspace]; strings.HasPrefix(ws, env.WorkDir) {
						workspaces[ws] = true
					}
				}
				for ws := range workspaces {
					if err := testenv.RemoveImages(eng, testenv.WorkspaceMatch(ws)); err != nil {
						env.T().Fatal(fmt.Sprintf("clean up the images of %s: %v", ws, err))
					}
				}
			})
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "docker" {
				return dockerOK, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// overlay-solution LAB DIR copies the lab's shipped solution over DIR.
			"overlay-solution": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: overlay-solution LAB DIR")
				}
				cat, err := labs.LoadCatalog()
				ts.Check(err)
				lab, err := cat.Get(args[0])
				ts.Check(err)
				ts.Check(labs.CopyTree(lab.FS, "solution", ts.MkAbs(args[1])))
			},
		},
	})
}

// TestExitCodes pins the mapping of errors to exit codes.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"--help"}, 0},
		{[]string{"lab", "list"}, 0},
		{[]string{"no-such-command"}, 2},
		{[]string{"lab", "start"}, 2},
		{[]string{"lab", "start", "no-such-lab"}, 2},
		{[]string{"check", "--output", "yaml"}, 2},
		{[]string{"lab", "list", "--bogus"}, 2},
		{[]string{"lab", "lst"}, 2},
		{[]string{"sim", "nope"}, 2},
		{[]string{"lab"}, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.args), func(t *testing.T) {
			t.Setenv("DEVOPSCTL_HOME", t.TempDir())
			t.Chdir(t.TempDir())
			f := cmdutil.NewFactory("test")
			io, _, _, _ := iostreamsTest()
			f.IOStreams = io
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if got := app.Run(ctx, f, tt.args); got != tt.want {
				t.Errorf("exit code %d, want %d", got, tt.want)
			}
		})
	}
}

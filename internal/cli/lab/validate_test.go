package lab

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labpack"
)

func TestNewCmdValidateAndNewFlags(t *testing.T) {
	f := testFactory(t)
	var got *ValidateOptions
	cmd := NewCmdValidate(f, func(o *ValidateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"pack", "--run", "-v"})
	if err := cmd.Execute(); err != nil || got.Dir != "pack" || !got.Run || !got.Verbose {
		t.Errorf("validate pack --run -v: %+v, %v", got, err)
	}
	cmd = NewCmdValidate(f, func(o *ValidateOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || got.Dir != "." || got.Run {
		t.Errorf("validate: %+v, %v", got, err)
	}
	var gotNew *NewOptions
	cmd = NewCmdNew(f, func(o *NewOptions) error { gotNew = o; return nil })
	cmd.SetArgs([]string{"site"})
	if err := cmd.Execute(); err != nil || gotNew.ID != "site" || gotNew.Dir != "site" {
		t.Errorf("new site: %+v, %v", gotNew, err)
	}
}

// newPack writes the lab `lab new` makes into a pack folder and returns the
// pack and the lab's folder.
func newPack(t *testing.T) (string, string) {
	t.Helper()
	pack := t.TempDir()
	lab := filepath.Join(pack, "site")
	if err := labpack.New(lab, "site"); err != nil {
		t.Fatal(err)
	}
	return pack, lab
}

func runValidate(t *testing.T, dir string, run bool, engine func(context.Context) (docker.Engine, error)) (error, string, string) {
	t.Helper()
	io, _, out, errOut := iostreams.Test()
	if engine == nil {
		engine = func(context.Context) (docker.Engine, error) {
			t.Fatal("the engine was asked for, but no lab needs it")
			return nil, nil
		}
	}
	err := validateRun(context.Background(), &ValidateOptions{IO: io, Engine: engine, Dir: dir, Run: run})
	return err, out.String(), errOut.String()
}

func exitCode(err error) int {
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestValidateExitCodes(t *testing.T) {
	write := func(t *testing.T, dir, rel, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		change  func(t *testing.T, lab string)
		run     bool
		engine  func(context.Context) (docker.Engine, error)
		code    int
		out     []string
		errOut  []string
		noOutIn []string
	}{
		{name: "a new lab is valid", code: 0, out: []string{"Lab pack PACK: 1 lab and 2 known-wrong variants are valid."}, noOutIn: []string{"proven"}},
		{name: "a new lab is proven", run: true, code: 0,
			out:    []string{"✓ site starter", "✓ site wrong/no-command  fails dockerfile-valid with no-command, as it should", "All 4 cases proven"},
			errOut: []string{"… site solution"}},
		{name: "an unknown hint_for key", code: 2, change: func(t *testing.T, lab string) {
			b, _ := os.ReadFile(filepath.Join(lab, "lab.yaml"))
			write(t, lab, "lab.yaml", strings.Replace(string(b), "no-command: Add", "no-comand: Add", 1))
		}, errOut: []string{`site/lab.yaml:36: check dockerfile-valid (dockerfile_lint): hint_for key "no-comand" is not a reason dockerfile_lint reports (did you mean no-command?)`, "has 1 problem; fix it"}},
		{name: "a known-wrong variant that passes", run: true, code: 1, change: func(t *testing.T, lab string) {
			write(t, lab, "wrong/wrong-base/answers.yaml", "base: busybox\n")
		}, out: []string{"✗ site wrong/wrong-base  this known-wrong answer (the base image named is not the one on the FROM line) passes check quiz", "1 of 4 cases not proven"}},
		{name: "an engine lab with no engine", run: true, code: 3, change: func(t *testing.T, lab string) {
			b, _ := os.ReadFile(filepath.Join(lab, "lab.yaml"))
			write(t, lab, "lab.yaml", string(b)+"\n  - id: builds\n    kind: image_build\n    needs: [dockerfile-valid]\n")
		}, engine: func(context.Context) (docker.Engine, error) { return nil, docker.ErrUnreachable },
			out: []string{"- site solution          not proven: needs the Docker engine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pack, lab := newPack(t)
			if tt.change != nil {
				tt.change(t, lab)
			}
			err, out, errOut := runValidate(t, pack, tt.run, tt.engine)
			if got := exitCode(err); got != tt.code {
				t.Fatalf("exit %d (%v), want %d\nstdout:\n%s\nstderr:\n%s", got, err, tt.code, out, errOut)
			}
			out = strings.ReplaceAll(out, pack, "PACK")
			for _, w := range tt.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.errOut {
				if !strings.Contains(errOut+"\n"+errString(err), w) {
					t.Errorf("stderr and error lack %q:\n%s\n%v", w, errOut, err)
				}
			}
			for _, w := range tt.noOutIn {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNewRefusesAFullFolder(t *testing.T) {
	_, lab := newPack(t)
	io, _, out, _ := iostreams.Test()
	err := newRun(&NewOptions{IO: io, ID: "site", Dir: lab})
	if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("err = %v, want exit 2 for a folder that is not empty", err)
	}
	dir := filepath.Join(t.TempDir(), "elsewhere")
	if err := newRun(&NewOptions{IO: io, ID: "site", Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "rename elsewhere to site") {
		t.Errorf("output lacks the folder-name note:\n%s", out)
	}
}

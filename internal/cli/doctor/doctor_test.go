package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/doctor"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		output  string
		wantErr bool
	}{
		{[]string{}, "text", false},
		{[]string{"-o", "json"}, "json", false},
		{[]string{"--output", "yaml"}, "", true},
		{[]string{"extra"}, "", true},
	}
	for _, tt := range tests {
		io, _, _, _ := iostreams.Test()
		var got *Options
		cmd := NewCmdDoctor(&cmdutil.Factory{IOStreams: io}, func(o *Options) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Out)
		cmd.SetErr(io.ErrOut)
		err := cmd.Execute()
		if (err != nil) != tt.wantErr {
			t.Errorf("%q: err = %v", tt.args, err)
			continue
		}
		if err == nil && got.Output != tt.output {
			t.Errorf("%q: output = %q", tt.args, got.Output)
		}
	}
}

// machine is a fixed machine: an engine in the docker group's way, a port
// taken, little disk; every other probe fine.
func machine(t *testing.T, pingErr error) *doctor.Env {
	state := filepath.Join(t.TempDir(), "state")
	return &doctor.Env{
		Version: "v1.2.3", GOOS: "linux", GOARCH: "amd64",
		Getenv:   func(string) string { return "" },
		ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist },
		Engine: func() (docker.Engine, error) {
			return &docker.Fake{
				PingFunc:         func(context.Context) (string, error) { return "1.41", pingErr },
				InspectImageFunc: func(context.Context, string) (docker.Image, error) { return docker.Image{}, nil },
			}, nil
		},
		StateDir:  func() (string, error) { return state, nil },
		DiskFree:  func(string) (uint64, error) { return 3 << 30, nil },
		PortFree:  func(p int) error { return map[int]error{8080: errors.New("in use")}[p] },
		PortOwner: func(int) string { return "nginx, pid 42" },
		Catalog:   func() (*labs.Catalog, error) { return labs.LoadCatalog() },
	}
}

func TestReport(t *testing.T) {
	tests := []struct {
		name    string
		pingErr error
		code    int
	}{
		{"ready", nil, 0},
		{"no-engine", errors.New("permission denied while trying to connect to the Docker daemon socket"), cmdutil.ExitEnvironment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := machine(t, tt.pingErr)
			io, _, out, _ := iostreams.Test()
			err := Run(context.Background(), &Options{IO: io, Output: "text", Env: func() *doctor.Env { return env }})
			code := 0
			var ee *cmdutil.ExitError
			if errors.As(err, &ee) {
				code = ee.Code
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			// The state folder is a temporary path: golden files hold a stand-in.
			got := []byte(replaceAll(out.String(), filepath.Dir(mustState(env)), "$TMP"))
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				os.WriteFile(golden, got, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("report differs from %s:\n%s", golden, got)
			}

			io, _, out, _ = iostreams.Test()
			Run(context.Background(), &Options{IO: io, Output: "json", Env: func() *doctor.Env { return env }})
			var rep report
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("JSON report: %v\n%s", err, out)
			}
			if rep.Healthy != (tt.code == 0) || len(rep.Findings) != len(doctor.Probes) {
				t.Errorf("JSON report = %+v", rep)
			}
		})
	}
}

func mustState(env *doctor.Env) string {
	d, _ := env.StateDir()
	return d
}

func replaceAll(s, old, new string) string { return strings.ReplaceAll(s, old, new) }

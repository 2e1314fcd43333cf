package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// engine is a fake engine that also answers the workshop calls.
type engine struct {
	*docker.Fake
	*docker.WorkshopFake
}

var errUnset = errors.New("unset")

// healthy is an Env where every probe passes; each test breaks one thing.
func healthy(t *testing.T) *Env {
	t.Helper()
	state := t.TempDir()
	eng := engine{
		Fake: &docker.Fake{
			PingFunc:         func(context.Context) (string, error) { return "1.41", nil },
			InspectImageFunc: func(context.Context, string) (docker.Image, error) { return docker.Image{ID: "sha256:x"}, nil },
		},
		WorkshopFake: &docker.WorkshopFake{
			InfoFunc: func(context.Context) (docker.EngineInfo, error) {
				return docker.EngineInfo{ServerVersion: "20.10.24", OSType: "linux", Architecture: "x86_64", OperatingSystem: "Debian", DataRoot: state}, nil
			},
			PublishedPortsFunc: func(context.Context) (map[int]string, error) { return map[int]string{}, nil },
		},
	}
	return &Env{
		Version: "v1.0.0", GOOS: "linux", GOARCH: "amd64",
		Getenv:    func(string) string { return "" },
		ReadFile:  func(string) ([]byte, error) { return []byte("Linux version 6.1.0-debian"), nil },
		Engine:    func() (docker.Engine, error) { return eng, nil },
		StateDir:  func() (string, error) { return filepath.Join(state, "devopsctl"), nil },
		DiskFree:  func(string) (uint64, error) { return 50 << 30, nil },
		PortFree:  func(int) error { return nil },
		PortOwner: func(int) string { return "" },
		Catalog:   func() (*labs.Catalog, error) { return labs.LoadCatalog() },
	}
}

func find(t *testing.T, fs []Finding, check string) Finding {
	t.Helper()
	for _, f := range fs {
		if f.Check == check {
			return f
		}
	}
	t.Fatalf("no finding for %s in %+v", check, fs)
	return Finding{}
}

func TestHealthyMachine(t *testing.T) {
	fs := Run(context.Background(), healthy(t))
	if len(fs) != len(Probes) {
		t.Fatalf("%d findings for %d probes", len(fs), len(Probes))
	}
	for _, f := range fs {
		if f.Status != OK {
			t.Errorf("%s: %s %s (fix: %s)", f.Check, f.Status, f.Detail, f.Fix)
		}
	}
	if !Healthy(fs) {
		t.Error("a healthy machine is reported unhealthy")
	}
	if e := find(t, fs, "docker engine"); !strings.Contains(e.Detail, "Docker 20.10.24, API 1.41, linux/x86_64") {
		t.Errorf("engine detail = %q", e.Detail)
	}
	if p := find(t, fs, "lab ports"); p.Detail != "free: 8080, 9090" {
		t.Errorf("ports detail = %q", p.Detail)
	}
	if i := find(t, fs, "base images"); !strings.Contains(i.Detail, "golang:1.26") || !strings.Contains(i.Detail, "busybox:1.36") {
		t.Errorf("images detail = %q", i.Detail)
	}
}

func pingFails(err error) func(*Env) {
	return func(e *Env) {
		e.Engine = func() (docker.Engine, error) {
			return &docker.Fake{PingFunc: func(context.Context) (string, error) { return "", err }}, nil
		}
	}
}

func TestEngineProblems(t *testing.T) {
	sockErr := func(s string) error { return fmt.Errorf("%w (%s)", docker.ErrUnreachable, s) }
	notRunning := sockErr("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
	tests := []struct {
		name    string
		break_  func(*Env)
		status  Status
		detail  string
		fix     string
		skipped []string // later probes that must say they were skipped
	}{
		{"daemon not running on linux", pingFails(notRunning), Fail, "no Docker engine answers", "sudo systemctl start docker", []string{"base images", "disk: engine data"}},
		{"permission denied on the socket", pingFails(sockErr("permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock")), Fail, "permission denied", "usermod -aG docker", nil},
		{"docker desktop off on macOS", func(e *Env) { pingFails(notRunning)(e); e.GOOS = "darwin" }, Fail, "Docker Desktop is not running", "start Docker Desktop", nil},
		{"docker desktop off on windows", func(e *Env) { pingFails(notRunning)(e); e.GOOS = "windows" }, Fail, "Docker Desktop is not running", "start Docker Desktop", nil},
		{"WSL integration off (kernel)", func(e *Env) {
			pingFails(notRunning)(e)
			e.ReadFile = func(string) ([]byte, error) { return []byte("Linux version 5.15.90.1-microsoft-standard-WSL2"), nil }
		}, Fail, "inside WSL", "WSL integration", nil},
		{"WSL integration off (variable)", func(e *Env) {
			pingFails(notRunning)(e)
			e.Getenv = func(k string) string { return map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}[k] }
		}, Fail, "inside WSL", "WSL integration", nil},
		{"DOCKER_HOST wrong", func(e *Env) {
			pingFails(sockErr("dial tcp 10.0.0.9:2375: connect: connection refused"))(e)
			e.Getenv = func(k string) string { return map[string]string{"DOCKER_HOST": "tcp://10.0.0.9:2375"}[k] }
		}, Fail, "DOCKER_HOST=tcp://10.0.0.9:2375 does not answer", "unset DOCKER_HOST", nil},
		{"DOCKER_HOST socket missing", func(e *Env) {
			pingFails(sockErr("dial unix /tmp/nope.sock: connect: no such file or directory"))(e)
			e.Getenv = func(k string) string { return map[string]string{"DOCKER_HOST": "unix:///tmp/nope.sock"}[k] }
		}, Fail, "DOCKER_HOST=unix:///tmp/nope.sock", "unset DOCKER_HOST", nil},
		{"API mismatch", pingFails(sockErr("client version 1.52 is too new. Maximum supported API version is 1.24")), Fail, "API version", "upgrade Docker", nil},
		{"no answer in time", func(e *Env) {
			e.PingTimeout = 50 * time.Millisecond
			e.Engine = func() (docker.Engine, error) {
				return &docker.Fake{PingFunc: func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }}, nil
			}
		}, Fail, "did not answer within 50ms", "wait a minute", nil},
		{"client cannot be made", func(e *Env) {
			e.Engine = func() (docker.Engine, error) { return nil, errors.New("unable to parse docker host `tcp//x`") }
		}, Fail, "cannot set up a Docker client", "DOCKER_HOST", nil},
		{"windows containers", func(e *Env) {
			eng, _ := e.Engine()
			eng.(engine).WorkshopFake.InfoFunc = func(context.Context) (docker.EngineInfo, error) {
				return docker.EngineInfo{ServerVersion: "24.0", OSType: "windows", Architecture: "x86_64"}, nil
			}
		}, Fail, "Windows containers", "Switch to Linux containers", nil},
		{"old engine", func(e *Env) {
			eng, _ := e.Engine()
			eng.(engine).Fake.PingFunc = func(context.Context) (string, error) { return "1.40", nil }
		}, Warn, "older than API 1.41", "upgrade Docker", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := healthy(t)
			tt.break_(env)
			fs := Run(context.Background(), env)
			f := find(t, fs, "docker engine")
			if f.Status != tt.status || !strings.Contains(f.Detail, tt.detail) || !strings.Contains(f.Fix, tt.fix) {
				t.Errorf("got %s %q (fix %q), want %s with %q and fix %q", f.Status, f.Detail, f.Fix, tt.status, tt.detail, tt.fix)
			}
			if Healthy(fs) != (tt.status != Fail) {
				t.Errorf("Healthy = %v with the engine %s", Healthy(fs), tt.status)
			}
			for _, s := range tt.skipped {
				if g := find(t, fs, s); g.Status != Skip {
					t.Errorf("%s = %s without an engine, want skip", s, g.Status)
				}
			}
		})
	}
}

func TestMachineProblems(t *testing.T) {
	tests := []struct {
		name, check string
		break_      func(t *testing.T, e *Env)
		status      Status
		detail, fix string
	}{
		{"state folder is a file", "state folder", func(t *testing.T, e *Env) {
			file := filepath.Join(t.TempDir(), "file")
			os.WriteFile(file, nil, 0o644)
			e.StateDir = func() (string, error) { return filepath.Join(file, "devopsctl"), nil }
		}, Fail, "cannot make", "DEVOPSCTL_HOME"},
		{"no home for the state folder", "state folder", func(t *testing.T, e *Env) {
			e.StateDir = func() (string, error) { return "", errors.New("$HOME is not defined") }
		}, Fail, "HOME", "DEVOPSCTL_HOME"},
		{"state disk nearly full", "disk: state folder", func(t *testing.T, e *Env) {
			e.DiskFree = func(string) (uint64, error) { return 300 << 20, nil }
		}, Fail, "300 MB free", "free some disk space"},
		{"state disk low", "disk: state folder", func(t *testing.T, e *Env) {
			e.DiskFree = func(string) (uint64, error) { return 3 << 30, nil }
		}, Warn, "3.0 GB free", "under 5 GB"},
		{"free space unknown", "disk: state folder", func(t *testing.T, e *Env) {
			e.DiskFree = func(string) (uint64, error) { return 0, errors.New("statfs: no") }
		}, Skip, "cannot tell", ""},
		{"engine data root out of sight", "disk: engine data", func(t *testing.T, e *Env) {
			e.GOOS = "darwin"
		}, Skip, "out of sight", "Docker Desktop"},
		{"engine data disk full", "disk: engine data", func(t *testing.T, e *Env) {
			e.DiskFree = func(p string) (uint64, error) {
				if strings.Contains(p, "devopsctl") {
					return 50 << 30, nil
				}
				return 100 << 20, nil
			}
		}, Fail, "100 MB free", "docker system df"},
		{"base image missing", "base images", func(t *testing.T, e *Env) {
			eng, _ := e.Engine()
			eng.(engine).Fake.InspectImageFunc = func(ctx context.Context, ref string) (docker.Image, error) {
				if ref == "golang:1.26" {
					return docker.Image{}, fmt.Errorf("image %s: %w", ref, docker.ErrNotFound)
				}
				return docker.Image{}, nil
			}
		}, Fail, "missing golang:1.26 (for dockerfile, env-vars, image-size", "devopsctl lab load kit.tar"},
		{"only optional images missing", "base images", func(t *testing.T, e *Env) {
			eng, _ := e.Engine()
			eng.(engine).Fake.InspectImageFunc = func(ctx context.Context, ref string) (docker.Image, error) {
				if ref == docker.RelayImage() {
					return docker.Image{}, fmt.Errorf("image %s: %w", ref, docker.ErrNotFound)
				}
				return docker.Image{}, nil
			}
		}, OK, "present", ""},
		{"labs do not load", "base images", func(t *testing.T, e *Env) {
			e.Catalog = func() (*labs.Catalog, error) { return nil, errors.New("lab pack ./x: no such file") }
		}, Fail, "the labs do not load", "--labs"},
		{"port held by a container", "lab ports", func(t *testing.T, e *Env) {
			e.PortFree = func(p int) error { return map[int]error{8080: errUnset}[p] }
			eng, _ := e.Engine()
			eng.(engine).WorkshopFake.PublishedPortsFunc = func(context.Context) (map[int]string, error) { return map[int]string{8080: "web"}, nil }
		}, Warn, "taken: 8080 (container web); free: 9090", "docker stop web"},
		{"port held by a program", "lab ports", func(t *testing.T, e *Env) {
			e.PortFree = func(p int) error { return errUnset }
			e.PortOwner = func(p int) string { return fmt.Sprintf("python3, pid %d", p) }
		}, Warn, "8080 (python3, pid 8080), 9090 (python3, pid 9090)", "stop python3"},
		{"port held by someone unknown", "lab ports", func(t *testing.T, e *Env) {
			e.PortFree = func(p int) error { return map[int]error{9090: errUnset}[p] }
		}, Warn, "9090 (another program)", "-p 18080:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := healthy(t)
			tt.break_(t, env)
			fs := Run(context.Background(), env)
			f := find(t, fs, tt.check)
			if f.Status != tt.status || !strings.Contains(f.Detail, tt.detail) || !strings.Contains(f.Fix, tt.fix) {
				t.Errorf("got %s %q (fix %q), want %s with %q and fix %q", f.Status, f.Detail, f.Fix, tt.status, tt.detail, tt.fix)
			}
			if tt.status != OK && tt.status != Skip && f.Fix == "" {
				t.Error("a problem without a fix")
			}
		})
	}
}

func TestPanickingProbeIsAFinding(t *testing.T) {
	env := healthy(t)
	env.PortFree = func(int) error { panic("boom") }
	f := find(t, Run(context.Background(), env), "lab ports")
	if f.Status != Fail || !strings.Contains(f.Detail, "boom") {
		t.Errorf("got %+v", f)
	}
}

package composefile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, name string, content []byte, contained bool) error {
	t.Helper()
	_, err := Load(context.Background(), Source{Name: name, Dir: t.TempDir(), Content: content, Contained: contained})
	return err
}

// Files in the styles people have written for years load as docker compose
// loads them: a 2018 file with version and build.dockerfile, and a Swarm
// stack file with its deploy section.
func TestLoadsOlderAndStackStyles(t *testing.T) {
	for _, file := range []string{"v3.5-2018.yml", "stack.yml"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			p, err := Load(context.Background(), Source{Name: file, Dir: dir, Content: data, Contained: true})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			switch file {
			case "v3.5-2018.yml":
				g := p.Services["greetings"]
				if g.Build == nil || g.Build.Dockerfile != "Dockerfile.greetings" || g.Build.Context != filepath.Join(dir, "greetings") {
					t.Errorf("greetings build = %+v", g.Build)
				}
				if got := p.Services["maths"].Command; len(got) != 4 || got[0] != "python" || got[3] != "graphite" {
					t.Errorf("maths command = %q, want the string split into words", got)
				}
				if _, ok := p.Services["awesome_app"].DependsOn["maths"]; !ok {
					t.Errorf("awesome_app depends_on = %v", p.Services["awesome_app"].DependsOn)
				}
			case "stack.yml":
				d := p.Services["web"].Deploy
				if d == nil || d.Replicas == nil || *d.Replicas != 4 {
					t.Fatalf("web deploy = %+v", d)
				}
				if d.RestartPolicy == nil || d.RestartPolicy.Condition != "on-failure" || d.RestartPolicy.MaxAttempts == nil || *d.RestartPolicy.MaxAttempts != 3 {
					t.Errorf("restart_policy = %+v", d.RestartPolicy)
				}
				u := d.UpdateConfig
				if u == nil || u.Parallelism == nil || *u.Parallelism != 1 || time.Duration(u.Delay) != 10*time.Second || u.Order != "start-first" || u.FailureAction != "rollback" {
					t.Errorf("update_config = %+v", u)
				}
				if p.Services["proxy"].Deploy.Mode != "global" {
					t.Errorf("proxy deploy mode = %q", p.Services["proxy"].Deploy.Mode)
				}
			}
		})
	}
}

func TestLoadErrorsCarryPositions(t *testing.T) {
	for _, tc := range []struct {
		name, content, wantPos, wantIn string
	}{
		{"bad indentation", "services:\n  web:\n    image: x\n   ports: [80]\n", "3:4", "did not find expected key"},
		{"mistyped key", "services:\n  web:\n    image: x\n    enviroment:\n      A: b\n", "4:5", "did you mean environment?"},
		{"no position", "services:\n  web:\n    build: {}\n    depends_on: [db]\n", "", "db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := load(t, "compose.yaml", []byte(tc.content), true)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want *Error, got %v", err)
			}
			if e.Pos != tc.wantPos {
				t.Errorf("pos = %q, want %q (%v)", e.Pos, tc.wantPos, err)
			}
			if tc.wantIn != "" && !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error %q does not mention %q", err, tc.wantIn)
			}
			if strings.Contains(err.Error(), os.TempDir()) {
				t.Errorf("error %q shows the absolute path", err)
			}
		})
	}
}

// A contained load reads nothing but the content: an include or an env_file
// naming a file elsewhere is not opened.
func TestContainedReadsNothingElse(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.env")
	os.WriteFile(secret, []byte("TOKEN=hunter2\n"), 0o600)
	content := "services:\n  web:\n    image: x\n    env_file: " + secret + "\n"
	p, err := Load(context.Background(), Source{Name: "compose.yaml", Dir: t.TempDir(), Content: []byte(content), Contained: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Services["web"].Environment["TOKEN"]; ok {
		t.Errorf("env_file was read during a contained load")
	}
	content = "include: [" + secret + "]\nservices:\n  web:\n    image: x\n"
	if err := load(t, "compose.yaml", []byte(content), true); err != nil {
		t.Errorf("include should be skipped, got %v", err)
	}
}

package checks

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// secret is the content of a private file outside every workspace. It must
// never show in a result, whatever the check.
const secret = "root:TOPSECRET-HASH:19000:0:99999:7:::\n"

// linkedWorkspace is a workspace whose file rel is a symlink to a private
// file outside it.
func linkedWorkspace(t *testing.T, rel string) string {
	t.Helper()
	private := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(private, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(private, filepath.Join(dir, rel)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestChecksRefuseLinksOutOfTheWorkspace(t *testing.T) {
	imageThere := &docker.Fake{InspectImageFunc: func(context.Context, string) (docker.Image, error) { return docker.Image{}, nil }}
	tests := []struct {
		kind, with, rel string
		engine          docker.Engine
	}{
		{"dockerfile_lint", "", "Dockerfile", nil},
		{"image_build", "", "Dockerfile", nil},
		{"file_exists", "path: Dockerfile", "Dockerfile", nil},
		{"answers", answersWith, "answers.yaml", nil},
		{"rollout_sim", with(specWith, "{name: good, error_rate: 0}"), "rollout.yaml", nil},
		{"container_http", "env_file: app.env", "app.env", imageThere},
		{"ab_test", "{env_file: greetings.env, epsilon: 0.2}", "greetings.env", nil},
		// A link in a folder on the way is no better than a link at the end.
		{"dockerfile_lint", "path: web/Dockerfile", "web/Dockerfile", nil},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.rel, func(t *testing.T) {
			dir := linkedWorkspace(t, tt.rel)
			r := run(t, mustCheck(t, tt.kind, tt.with), engineEnv(dir, "lab", tt.engine))
			wantStatus(t, r, Fail, "outside-workspace")
			if !strings.Contains(r.Message, tt.rel+" is a symlink to a file outside the workspace") || r.Hint == "" {
				t.Errorf("message %q (hint %q) does not say which link is refused and why", r.Message, r.Hint)
			}
			all := r.Message + r.Hint + strings.Join(r.Evidence, "\n")
			if strings.Contains(all, "TOPSECRET") || strings.Contains(all, "shadow") {
				t.Errorf("the result shows the link's target: %q", all)
			}
		})
	}
}

func TestChecksFollowLinksInsideTheWorkspace(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "real.Dockerfile"), []byte("FROM scratch\nCOPY app /app\nUSER 1000\nCMD [\"/app\"]\n"), 0o644)
	if err := os.Symlink("real.Dockerfile", filepath.Join(dir, "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	r := run(t, mustCheck(t, "dockerfile_lint", ""), engineEnv(dir, "lab", nil))
	if r.Status != Pass {
		t.Errorf("a link to a file in the workspace: %s/%s %s", r.Status, r.Reason, r.Message)
	}
}

func TestBuildContextSendsLinksAsLinks(t *testing.T) {
	dir := linkedWorkspace(t, "config.txt")
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644)
	buf, err := BuildContext(dir, "Dockerfile", 1e6)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("TOPSECRET")) {
		t.Fatal("the build context holds the content of a file outside the workspace")
	}
	tr := tar.NewReader(buf)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			t.Fatal("config.txt is not in the build context")
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == "config.txt" {
			if h.Typeflag != tar.TypeSymlink || h.Size != 0 {
				t.Errorf("config.txt went in as type %c, %d bytes; want a symlink", h.Typeflag, h.Size)
			}
			return
		}
	}
}

func TestBuildContextRefusesALinkedDockerignore(t *testing.T) {
	dir := linkedWorkspace(t, ".dockerignore")
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644)
	_, err := BuildContext(dir, "Dockerfile", 1e6)
	if !errors.Is(err, ErrOutsideWorkspace) || strings.Contains(err.Error(), "TOPSECRET") {
		t.Fatalf("err = %v, want ErrOutsideWorkspace without the target's content", err)
	}
	r := run(t, mustCheck(t, "image_build", ""), engineEnv(dir, "lab", nil))
	wantStatus(t, r, Fail, "outside-workspace")
}

func TestChecksRefuseHugeFiles(t *testing.T) {
	tests := []struct{ kind, with, rel string }{
		{"dockerfile_lint", "", "Dockerfile"},
		{"image_build", "", "Dockerfile"},
		{"answers", answersWith, "answers.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			dir := t.TempDir()
			huge := bytes.Repeat([]byte("# a comment line\n"), MaxLearnerFile/16)
			if err := os.WriteFile(filepath.Join(dir, tt.rel), huge, 0o644); err != nil {
				t.Fatal(err)
			}
			r := run(t, mustCheck(t, tt.kind, tt.with), engineEnv(dir, "lab", nil))
			wantStatus(t, r, Fail, "too-large")
			if !strings.Contains(r.Message, tt.rel+" is over 1024 KiB") || r.Hint == "" {
				t.Errorf("message %q (hint %q) does not name the file and the cap", r.Message, r.Hint)
			}
		})
	}
	// Just under the cap is read as usual.
	dir := t.TempDir()
	body := append([]byte("FROM scratch\nCOPY app /app\nUSER 1000\nCMD [\"/app\"]\n"), bytes.Repeat([]byte("#\n"), 1000)...)
	os.WriteFile(filepath.Join(dir, "Dockerfile"), body, 0o644)
	if r := run(t, mustCheck(t, "dockerfile_lint", ""), engineEnv(dir, "lab", nil)); r.Status != Pass {
		t.Errorf("an ordinary Dockerfile: %s/%s %s", r.Status, r.Reason, r.Message)
	}
}

// TestLeavesRoot tells os.Root's refusal of a path that leaves it, by a link
// or by name, from every other error, whatever their text.
func TestLeavesRoot(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "link")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, viaLink := r.Open("link")
	_, viaName := r.Stat("../secret")
	_, missing := r.Stat("nothing")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"a link out of the root", viaLink, true},
		{"a name out of the root", viaName, true},
		{"wrapped", fmt.Errorf("read Dockerfile: %w", viaLink), true},
		{"a missing file", missing, false},
		{"another error with the same words", errors.New("path escapes from parent"), false},
		{"no error", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LeavesRoot(tt.err); got != tt.want {
				t.Errorf("LeavesRoot(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

package checks

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// buildTestImage builds the test server under the lab's image tag, with extra
// Dockerfile lines (ENV MODE=…, USER…) appended.
func buildTestImage(t *testing.T, eng docker.Engine, lab, extra string) string {
	t.Helper()
	dir := testenv.ServerWorkspace(t, scratchServer+extra)
	testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
	r := run(t, mustCheck(t, "image_build", ""), engineEnv(dir, lab, eng))
	if r.Status != Pass {
		t.Fatalf("build test image: %s: %s %v", r.Status, r.Message, r.Evidence)
	}
	return dir
}

func TestContainerHTTP(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	const lab = "test-container-http"
	tests := []struct {
		name     string
		image    string // Dockerfile lines added to the scratch server; "-" for no image
		with     string
		envFile  string
		status   Status
		reason   string
		evidence string
	}{
		{name: "answers", with: "body: hello", status: Pass},
		{name: "shows the random NAME it was given", with: "env: {NAME: '{{random_name}}'}\ncontains_env: [NAME]", status: Pass},
		{name: "env file sets port and name", with: "env_file: app.env\nport: 9090\nbody: hello Grace", envFile: "NAME=Grace\n# comment\nPORT=9090\n", status: Pass},
		{name: "no image yet", image: "-", status: Fail, reason: "no-image"},
		{name: "container exits", image: "ENV MODE=exit\n", status: Fail, reason: "exited", evidence: "exiting as asked"},
		{name: "never answers", image: "ENV MODE=silent\n", with: "startup: 4s", status: Fail, reason: "no-answer", evidence: "listening inside the container: nothing"},
		{name: "listens on 127.0.0.1 only", image: "ENV HOST=127.0.0.1\n", with: "startup: 6s", status: Fail, reason: "localhost-only", evidence: "listening inside the container: 127.0.0.1:8080"},
		{name: "listens on another port", image: "ENV PORT=9999\n", with: "startup: 6s", status: Fail, reason: "wrong-port", evidence: "listening inside the container: [::]:9999"},
		{name: "wrong status", image: "ENV MODE=error\n", status: Fail, reason: "status-mismatch"},
		{name: "body does not match", with: "body: goodbye", status: Fail, reason: "body-mismatch"},
		{name: "forbidden text shown", with: "body_not: \"couldn't find\"", status: Fail, reason: "body-forbidden"},
		{name: "hard-coded name hides the given one", image: "ENV NAME=Fixed\nCMD [\"/server\"]\n", with: "env: {OTHER: '{{random_name}}'}\ncontains_env: [OTHER]", status: Fail, reason: "env-not-shown"},
		{name: "env file missing", with: "env_file: app.env", status: Fail, reason: "env-file-missing"},
		{name: "env file invalid", with: "env_file: app.env", envFile: "NAME=ok\nexport PORT=1\n", status: Fail, reason: "env-file-invalid", evidence: ""},
	}
	// Each case has its own workspace, image and run; they mostly wait on a
	// container's answer, so they wait side by side.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dir string
			if tt.image == "-" {
				dir = t.TempDir()
			} else {
				dir = buildTestImage(t, eng, lab, tt.image)
			}
			if tt.envFile != "" {
				os.WriteFile(filepath.Join(dir, "app.env"), []byte(tt.envFile), 0o644)
			}
			r := run(t, mustCheck(t, "container_http", tt.with), engineEnv(dir, lab, eng))
			wantStatus(t, r, tt.status, tt.reason)
			if tt.evidence != "" && !strings.Contains(strings.Join(r.Evidence, "\n"), tt.evidence) {
				t.Errorf("evidence lacks %q: %v", tt.evidence, r.Evidence)
			}
			testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(dir))
		})
	}
}

func TestContainerHTTPRemovesContainerOnCancel(t *testing.T) {
	eng := testenv.Engine(t)
	const lab = "test-container-http-cancel"
	dir := buildTestImage(t, eng, lab, "ENV MODE=silent\n")
	ctx, cancel := context.WithCancel(context.Background())
	var started bool
	// Cancel as soon as the container is up, as Ctrl-C would.
	spy := &docker.Fake{
		InspectImageFunc: eng.InspectImage,
		RunContainerFunc: func(c context.Context, s docker.ContainerSpec) (docker.Container, error) {
			ctr, err := eng.RunContainer(c, s)
			started = true
			cancel()
			return ctr, err
		},
		InspectContainerFunc: eng.InspectContainer,
		ContainerLogsFunc:    eng.ContainerLogs,
		RemoveContainerFunc:  eng.RemoveContainer,
		ListManagedFunc:      eng.ListManaged,
	}
	r := mustCheck(t, "container_http", "startup: 30s").Run(ctx, engineEnv(dir, lab, spy))
	if !started || r.Status != Error {
		t.Fatalf("got %s (%s), want error after the container started", r.Status, r.Message)
	}
	testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(dir))
}

func TestContainerHTTPStartFailure(t *testing.T) {
	removed := false
	fake := &docker.Fake{
		InspectImageFunc: func(context.Context, string) (docker.Image, error) { return docker.Image{}, nil },
		RunContainerFunc: func(context.Context, docker.ContainerSpec) (docker.Container, error) {
			return docker.Container{ID: "abc"}, errors.New(`exec: "/nope": no such file or directory`)
		},
		RemoveContainerFunc: func(context.Context, string) error { removed = true; return nil },
	}
	r := run(t, mustCheck(t, "container_http", ""), engineEnv(t.TempDir(), "x", fake))
	wantStatus(t, r, Fail, "start-failed")
	if !removed {
		t.Error("a container that failed to start was not removed")
	}
}

func TestContainerHTTPRunsLimited(t *testing.T) {
	var spec docker.ContainerSpec
	fake := &docker.Fake{
		InspectImageFunc: func(context.Context, string) (docker.Image, error) { return docker.Image{}, nil },
		RunContainerFunc: func(_ context.Context, s docker.ContainerSpec) (docker.Container, error) {
			spec = s
			return docker.Container{ID: "abc"}, errors.New("stop here")
		},
		RemoveContainerFunc: func(context.Context, string) error { return nil },
	}
	run(t, mustCheck(t, "container_http", ""), engineEnv(t.TempDir(), "lab1", fake))
	if !spec.ReadOnly || spec.Labels[docker.LabelManaged] != "true" || spec.Labels[docker.LabelLab] != "lab1" {
		t.Errorf("container spec = %+v: want read-only and labelled", spec)
	}
}

func TestExcerptShowsTextNotMarkup(t *testing.T) {
	page := "<!doctype html><html><head><title>T</title><style>body{x:y}</style></head><body><h1>Hello, Ada!</h1><p>Nice &amp; warm</p></body></html>"
	if got := excerpt(page, 200); got != "Hello, Ada! Nice & warm" {
		t.Errorf("excerpt = %q", got)
	}
	if got := excerpt("plain text that is long", 5); got != "plain…" {
		t.Errorf("excerpt = %q", got)
	}
}

// TestContainerHTTPUnquotedCommand runs an image whose CMD was written in
// brackets without quotes: the shell exits 127, and the check says why.
func TestContainerHTTPUnquotedCommand(t *testing.T) {
	eng := testenv.Engine(t)
	const lab = "test-container-http-unquoted"
	dir := buildTestImageFrom(t, eng, lab, "FROM "+docker.ProbeImage+"\nCOPY server /usr/local/bin/server\nCMD [server]\n")
	r := run(t, mustCheck(t, "container_http", ""), engineEnv(dir, lab, eng))
	wantStatus(t, r, Fail, "unquoted-command")
	testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(dir))
	for _, want := range []string{`CMD [server] is not JSON`, `"[server]"`, `CMD ["server"]`} {
		if !strings.Contains(r.Message, want) {
			t.Errorf("message %q lacks %q", r.Message, want)
		}
	}
}

func TestDiagnoseSockets(t *testing.T) {
	sock := func(ip string, port int) docker.Socket { return docker.Socket{IP: net.ParseIP(ip), Port: port} }
	base := Failf("no-answer", "nothing answered")
	tests := []struct {
		name    string
		sockets []docker.Socket
		reason  string
		message string
	}{
		{"nothing listens", nil, "no-answer", "Nothing in the container listens"},
		{"loopback v4", []docker.Socket{sock("127.0.0.1", 8080)}, "localhost-only", "listen on 0.0.0.0, not 127.0.0.1"},
		{"loopback v6", []docker.Socket{sock("::1", 8080)}, "localhost-only", "listen on 0.0.0.0, not ::1"},
		{"another port", []docker.Socket{sock("0.0.0.0", 3000), sock("::", 3000)}, "wrong-port", "on port 3000, not on 8080"},
		{"all interfaces but slow", []docker.Socket{sock("0.0.0.0", 8080)}, "no-answer", "nothing answered"},
		// The engine's own resolver listens in every container on an internal network.
		{"loopback beside the engine's DNS", []docker.Socket{sock("127.0.0.11", 38349), sock("127.0.0.1", 8080)}, "localhost-only", "listen on 0.0.0.0, not 127.0.0.1"},
		{"only the engine's DNS", []docker.Socket{sock("127.0.0.11", 38349)}, "no-answer", "Nothing in the container listens"},
	}
	for _, tt := range tests {
		r := diagnoseSockets(base, 8080, tt.sockets)
		if r.Reason != tt.reason || !strings.Contains(r.Message, tt.message) {
			t.Errorf("%s: got %s %q, want %s %q", tt.name, r.Reason, r.Message, tt.reason, tt.message)
		}
	}
}

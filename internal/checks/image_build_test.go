package checks

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

const scratchServer = "FROM scratch\nCOPY server /server\nEXPOSE 8080\nCMD [\"/server\"]\n"

func TestImageBuild(t *testing.T) {
	eng := testenv.Engine(t)
	const lab = "test-image-build"
	tests := []struct {
		name       string
		dockerfile string // "" means no Dockerfile at all
		raw        []byte
		with       string
		status     Status
		reason     string
		inMessage  string
		evidence   string // the first evidence line, when set
	}{
		{name: "builds", dockerfile: scratchServer, status: Pass},
		{name: "missing", status: Fail, reason: "missing"},
		{name: "empty", dockerfile: "  \n\n", status: Fail, reason: "empty"},
		{name: "binary garbage", raw: []byte{0x7f, 'E', 'L', 'F', 0, 1, 2, 0xff}, status: Fail, reason: "not-text"},
		{name: "base image missing", dockerfile: "FROM devopsctl-no-such-image:0.0.1\nCMD [\"x\"]\n", status: Fail, reason: "base-missing", inMessage: "Dockerfile:1"},
		{name: "COPY of a missing file", dockerfile: "FROM scratch\n\nCOPY nothing-here /x\nCMD [\"/x\"]\n", status: Fail, reason: "copy-failed", inMessage: "Dockerfile:3", evidence: "Step 2/3 : COPY nothing-here /x"},
		{name: "RUN that fails", dockerfile: "FROM scratch\nCOPY server /server\nENV MODE=exit\nRUN [\"/server\"]\nCMD [\"/server\"]\n", status: Fail, reason: "run-failed", inMessage: "Dockerfile:4", evidence: "Step 4/5 : RUN [\"/server\"]"},
		{name: "unknown instruction", dockerfile: "FROM scratch\nCOPPY server /server\n", status: Fail, reason: "build-failed"},
		{name: "context too large", dockerfile: scratchServer, with: "max_context_mb: 0.01", status: Fail, reason: "context-too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testenv.ServerWorkspace(t, tt.dockerfile)
			testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
			switch {
			case tt.raw != nil:
				os.WriteFile(filepath.Join(dir, "Dockerfile"), tt.raw, 0o644)
			case tt.dockerfile == "":
				os.Remove(filepath.Join(dir, "Dockerfile"))
			}
			env := engineEnv(dir, lab, eng)
			var progress strings.Builder
			env.Progress = &progress
			r := run(t, mustCheck(t, "image_build", tt.with), env)
			wantStatus(t, r, tt.status, tt.reason)
			testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(dir))
			if tt.evidence != "" && (len(r.Evidence) == 0 || r.Evidence[0] != tt.evidence) {
				t.Errorf("evidence %q does not start with %q", r.Evidence, tt.evidence)
			}
			for _, e := range r.Evidence {
				if strings.TrimSpace(e) == "" || strings.Contains(e, "LABEL io.devopsctl") {
					t.Errorf("evidence %q has a blank or injected line", r.Evidence)
				}
			}
			if !strings.Contains(r.Message, tt.inMessage) {
				t.Errorf("message %q does not name %q", r.Message, tt.inMessage)
			}
			if tt.status == Pass {
				img, err := eng.InspectImage(context.Background(), docker.ImageTag(lab, dir))
				if err != nil {
					t.Fatalf("built image not found: %v", err)
				}
				if img.Labels[docker.LabelManaged] != "true" || img.Labels[docker.LabelLab] != lab {
					t.Errorf("image labels = %v, want managed and lab labels", img.Labels)
				}
				// Four instructions are four steps, though the engine adds
				// a LABEL step for each label.
				if out := progress.String(); !strings.Contains(out, "Step 4/4 : CMD") || strings.Contains(out, "Step 5/") || strings.Contains(out, "LABEL io.devopsctl") {
					t.Errorf("build output does not count the Dockerfile's 4 steps:\n%s", out)
				}
			}
		})
	}
}

func TestImageBuildStopsOnCancel(t *testing.T) {
	eng := testenv.Engine(t)
	const lab = "test-image-build-cancel"
	dir := testenv.ServerWorkspace(t, "FROM scratch\nCOPY server /server\nENV MODE=silent\nRUN [\"/server\"]\n")
	testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
	ctx, cancel := context.WithCancel(context.Background())
	env := engineEnv(dir, lab, eng)
	pr, pw := io.Pipe()
	env.Progress = pw
	go func() {
		// Cancel once the never-ending RUN step has started.
		buf := make([]byte, 4096)
		for {
			n, err := pr.Read(buf)
			if err != nil || strings.Contains(string(buf[:n]), "not listening") || strings.Contains(string(buf[:n]), "Running in") {
				cancel()
				io.Copy(io.Discard, pr)
				return
			}
		}
	}()
	r := mustCheck(t, "image_build", "").Run(ctx, env)
	pw.Close()
	if r.Status != Error {
		t.Fatalf("cancelled build: got %s (%s), want error", r.Status, r.Message)
	}
	testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(dir))
}

func TestBuildContextHonoursDockerignore(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile":          "FROM scratch\n",
		".dockerignore":       "secret.txt\nbuild/\n!build/keep.txt\nDockerfile\n",
		"main.go":             "package main\n",
		"secret.txt":          "password",
		"build/out.bin":       "x",
		"build/keep.txt":      "keep",
		".devopsctl/lab.json": "{}",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	buf, err := BuildContext(dir, "Dockerfile", 1e6)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	tr := tar.NewReader(buf)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = true
	}
	for _, want := range []string{"Dockerfile", ".dockerignore", "main.go", "build/keep.txt"} {
		if !got[want] {
			t.Errorf("context lacks %s (has %v)", want, got)
		}
	}
	for _, gone := range []string{"secret.txt", "build/out.bin", ".devopsctl/lab.json"} {
		if got[gone] {
			t.Errorf("context has %s, which should be left out", gone)
		}
	}
}

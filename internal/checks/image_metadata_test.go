package checks

import (
	"context"
	"slices"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

func TestImageMetadata(t *testing.T) {
	eng := testenv.Engine(t)
	const lab = "test-image-metadata"
	tests := []struct {
		name   string
		image  string // Dockerfile; "" for no image
		with   string
		status Status
		reason string
	}{
		{name: "all as asked", image: scratchServer + "ENV NAME=Ada\nUSER 65534\nLABEL org.opencontainers.image.title=greeter\n",
			with: "exposed_ports: ['8080']\nenv_set: [NAME]\nenv: {NAME: '^A'}\nnon_root_user: true\ncommand: true\nlabels: {org.opencontainers.image.title: greeter}", status: Pass},
		{name: "no image", with: "command: true", status: Fail, reason: "no-image"},
		{name: "port not exposed", image: "FROM scratch\nCOPY server /server\nCMD [\"/server\"]\n", with: "exposed_ports: [8080/tcp]", status: Fail, reason: "port-not-exposed"},
		{name: "env missing", image: scratchServer, with: "env_set: [NAME]", status: Fail, reason: "env-missing"},
		{name: "env empty", image: scratchServer + "ENV NAME=\"\"\n", with: "env_set: [NAME]", status: Fail, reason: "env-missing"},
		{name: "env mismatch", image: scratchServer + "ENV NAME=bob\n", with: "env: {NAME: '^A'}", status: Fail, reason: "env-mismatch"},
		{name: "runs as root", image: scratchServer, with: "non_root_user: true", status: Fail, reason: "runs-as-root"},
		{name: "USER 0 is root", image: scratchServer + "USER 0\n", with: "non_root_user: true", status: Fail, reason: "runs-as-root"},
		{name: "no command", image: "FROM scratch\nCOPY server /server\n", with: "command: true", status: Fail, reason: "no-command"},
		{name: "label missing", image: scratchServer, with: "labels: {maintainer: '.+'}", status: Fail, reason: "label-missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.image == "" {
			} else {
				dir = buildTestImageFrom(t, eng, lab, tt.image)
			}
			r := run(t, mustCheck(t, "image_metadata", tt.with), engineEnv(dir, lab, eng))
			wantStatus(t, r, tt.status, tt.reason)
		})
	}
}

func TestImageMetadataParams(t *testing.T) {
	k, _ := Lookup("image_metadata")
	for _, with := range []string{"", "env: {A: '('}", "bogus: 1"} {
		if _, err := k.New(nodeOf(t, with)); err == nil {
			t.Errorf("with %q: want a parameter error", with)
		}
	}
}

// buildTestImageFrom builds a whole Dockerfile around the test server.
func buildTestImageFrom(t *testing.T, eng docker.Engine, lab, dockerfile string) string {
	t.Helper()
	dir := testenv.ServerWorkspace(t, dockerfile)
	testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
	r := run(t, mustCheck(t, "image_build", ""), engineEnv(dir, lab, eng))
	if r.Status != Pass {
		t.Fatalf("build test image: %s: %s %v", r.Status, r.Message, r.Evidence)
	}
	return dir
}

func TestImageMetadataShowsTheCommandAsWritten(t *testing.T) {
	eng := &docker.Fake{InspectImageFunc: func(context.Context, string) (docker.Image, error) {
		return docker.Image{User: "65534", Cmd: []string{"/bin/sh", "-c", "[greeter]"}, ExposedPorts: []string{"8080/tcp", "443/tcp"}}, nil
	}}
	r := run(t, mustCheck(t, "image_metadata", "command: true"), engineEnv(t.TempDir(), "test-image-metadata", eng))
	want := []string{"exposed ports: 443/tcp, 8080/tcp", "user: 65534", `entrypoint: none  cmd: ["/bin/sh", "-c", "[greeter]"]`}
	if !slices.Equal(r.Evidence, want) {
		t.Errorf("evidence\n got %q\nwant %q", r.Evidence, want)
	}
}

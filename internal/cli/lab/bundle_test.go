package lab

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

func TestNewCmdBundleFlags(t *testing.T) {
	tests := []struct {
		args    []string
		out     string
		ids     []string
		wantErr bool
	}{
		{args: []string{"--out", "kit.tar"}, out: "kit.tar"},
		{args: []string{"-O", "k.tar", "dockerfile", "env-vars"}, out: "k.tar", ids: []string{"dockerfile", "env-vars"}},
		{args: []string{"dockerfile"}, wantErr: true},
		{args: []string{"--out", " "}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *BundleOptions
			cmd := NewCmdBundle(testFactory(t), func(o *BundleOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Out != tt.out || !slices.Equal(got.IDs, tt.ids) {
				t.Errorf("got out %q ids %q", got.Out, got.IDs)
			}
		})
	}
	cmd := NewCmdLoad(testFactory(t), func(o *LoadOptions) error { return nil })
	cmd.SetArgs([]string{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if cmd.Execute() == nil {
		t.Error("lab load without a file was accepted")
	}
}

// workshopFake answers as an engine that has the images in have.
type workshopFake struct {
	*docker.Fake
	*docker.WorkshopFake
}

func fakeWorkshop(have map[string]bool) workshopFake {
	var saved bytes.Buffer
	tw := tar.NewWriter(&saved)
	tw.WriteHeader(&tar.Header{Name: "manifest.json", Size: 2, Mode: 0o644})
	tw.Write([]byte("[]"))
	tw.Close()
	return workshopFake{
		Fake: &docker.Fake{
			PingFunc: func(context.Context) (string, error) { return "1.41", nil },
			InspectImageFunc: func(ctx context.Context, ref string) (docker.Image, error) {
				if have[ref] {
					return docker.Image{ID: "sha256:" + ref, Size: 1000}, nil
				}
				return docker.Image{}, fmt.Errorf("image %s: %w", ref, docker.ErrNotFound)
			},
		},
		WorkshopFake: &docker.WorkshopFake{
			SaveImagesFunc: func(ctx context.Context, refs []string) (io.ReadCloser, error) {
				return io.NopCloser(bytes.NewReader(saved.Bytes())), nil
			},
			LoadImagesFunc: func(ctx context.Context, r io.Reader) ([]string, error) {
				_, err := io.Copy(io.Discard, r)
				return []string{"golang:1.26"}, err
			},
		},
	}
}

func exitCodeOf(err error) int {
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestBundleAndLoadRun(t *testing.T) {
	have := map[string]bool{"golang:1.26": true, docker.ProbeImage: true}
	f := testFactory(t)
	eng := fakeWorkshop(have)
	f.Engine = func() (docker.Engine, error) { return eng, nil }
	io, _, out, _ := iostreams.Test()
	dir := t.TempDir()
	kitFile := filepath.Join(dir, "kit.tar")

	err := bundleRun(context.Background(), &BundleOptions{IO: io, Factory: f, Out: kitFile, IDs: []string{"dockerfile"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 lab, 2 images (golang:1.26, busybox:1.36)") || !strings.Contains(out.String(), "devopsctl lab load kit.tar") {
		t.Errorf("bundle said:\n%s", out)
	}
	if info, err := os.Stat(kitFile); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("kit file: %v %v", info, err)
	}

	io, _, out, _ = iostreams.Test()
	if err := loadRun(context.Background(), &LoadOptions{IO: io, Factory: f, File: kitFile, LabsDir: filepath.Join(dir, "labs")}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Loaded 2 images") || !strings.Contains(out.String(), "lab start dockerfile") {
		t.Errorf("load said:\n%s", out)
	}

	// A missing base image is the environment (3), and leaves no kit behind.
	delete(have, "golang:1.26")
	missing := filepath.Join(dir, "missing.tar")
	err = bundleRun(context.Background(), &BundleOptions{IO: io, Factory: f, Out: missing, IDs: []string{"dockerfile"}})
	if exitCodeOf(err) != cmdutil.ExitEnvironment || !strings.Contains(err.Error(), "golang:1.26") {
		t.Errorf("missing image: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed bundle left files: %v", entries)
	}

	// A file that is not a kit is bad input (2).
	bad := filepath.Join(dir, "bad.tar")
	os.WriteFile(bad, []byte("not a tar"), 0o644)
	err = loadRun(context.Background(), &LoadOptions{IO: io, Factory: f, File: bad, LabsDir: filepath.Join(dir, "labs")})
	if exitCodeOf(err) != cmdutil.ExitUsage {
		t.Errorf("bad kit: exit %d (%v)", exitCodeOf(err), err)
	}

	// No engine is exit 3, with the way to start one.
	f.Engine = func() (docker.Engine, error) {
		return &docker.Fake{PingFunc: func(context.Context) (string, error) { return "", docker.ErrUnreachable }}, nil
	}
	err = loadRun(context.Background(), &LoadOptions{IO: io, Factory: f, File: kitFile, LabsDir: filepath.Join(dir, "labs")})
	if exitCodeOf(err) != cmdutil.ExitEnvironment || !strings.Contains(err.Error(), "Start Docker") {
		t.Errorf("no engine: %v", err)
	}
}

package kit

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// TestBundleLoadRoundTrip is the kit's promise on the real engine: a kit made
// for a lab, loaded on an engine that has lost the lab's base image, lets the
// lab's check pass with no registry. The base is a throwaway image the test
// builds from busybox:1.36 (the shared base tags are never removed), and the
// lab comes from an instructor pack, so its files travel in the kit too.
func TestBundleLoadRoundTrip(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if _, err := eng.InspectImage(ctx, docker.ProbeImage); err != nil {
		t.Fatalf("%s is missing: run scripts/offline-images.sh (%v)", docker.ProbeImage, err)
	}

	scope := t.TempDir()
	match := testenv.WorkspaceMatch(scope)
	testenv.CleanupImages(t, eng, match)
	var b [6]byte
	rand.Read(b[:])
	base := "devopsctl-kit-test:" + hex.EncodeToString(b[:])
	buildBase(t, ctx, eng, base, scope)

	lab := packLab(t, writePack(t, "kit-roundtrip", base), "kit-roundtrip")
	file := filepath.Join(t.TempDir(), "kit.tar")
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Write(ctx, out, []*labs.Lab{lab}, WriteOptions{Engine: eng, Archive: eng, Version: "test"})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Images) != 1 || m.Images[0].Ref != base {
		t.Fatalf("kit images = %+v, want just %s", m.Images, base)
	}

	if err := eng.RemoveImage(ctx, base); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.InspectImage(ctx, base); !errors.Is(err, docker.ErrNotFound) {
		t.Fatalf("%s is still there after removing it: %v", base, err)
	}

	labsDir := filepath.Join(t.TempDir(), "state", "labs")
	res, err := Load(ctx, file, LoadOptions{Engine: eng, Archive: eng, LabsDir: labsDir})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Loaded, base) || !slices.Equal(res.Installed, []string{"kit-roundtrip"}) {
		t.Fatalf("load = %+v", res)
	}

	cat, err := labs.LoadCatalog(labsDir)
	if err != nil {
		t.Fatal(err)
	}
	installed, err := cat.Get("kit-roundtrip")
	if err != nil {
		t.Fatal(err)
	}
	ws := labtest.Workspace(t, installed, true)
	testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(ws))
	rep := (&labs.Runner{Lab: installed, Dir: ws, Engine: eng, Progress: io.Discard}).Run(ctx)
	if !rep.Passed {
		for _, c := range rep.Checks {
			if c.Status != checks.Pass {
				t.Errorf("check %s: %s: %s", c.ID, c.Status, c.Message)
			}
		}
		t.Fatal("the check did not pass after loading the kit")
	}
	testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(ws))
}

// buildBase builds a throwaway image FROM busybox:1.36, labelled with the
// test's scope so that CleanupImages removes it, and the kit's copy after it.
func buildBase(t *testing.T, ctx context.Context, eng docker.Engine, tag, scope string) {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	df := []byte("FROM " + docker.ProbeImage + "\nLABEL io.devopsctl.kit-test=true\n")
	tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(df))})
	tw.Write(df)
	tw.Close()
	labels := docker.Labels("")
	for k, v := range testenv.WorkspaceMatch(scope) {
		labels[k] = v
	}
	if _, err := eng.Build(ctx, docker.BuildRequest{Context: &b, Dockerfile: "Dockerfile", Tag: tag, Labels: labels}, io.Discard); err != nil {
		t.Fatalf("build %s: %v", tag, err)
	}
}

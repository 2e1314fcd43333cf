// Package bench measures devopsctl against the bare engine work it wraps. Each
// figure is a ratio against a baseline measured in the same run, so that a slow
// or noisy machine does not move it.
package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// BenchmarkCheckDockerfile runs `check` of the dockerfile lab on its solution
// and, alternately, the bare engine sequence the check stands for: build, run,
// probe over HTTP, remove. It reports both and their ratio (target <= 1.10).
func BenchmarkCheckDockerfile(b *testing.B) {
	eng := testenv.Engine(b)
	lab := labtest.ShippedLab(b, "dockerfile")
	dir := labtest.Workspace(b, lab, true)
	testenv.CleanupImages(b, eng, testenv.WorkspaceMatch(dir))
	ctx := context.Background()

	check := func() {
		rep := (&labs.Runner{Lab: lab, Dir: dir, Engine: eng}).Run(ctx)
		if !rep.Passed {
			b.Fatalf("solution did not pass: %+v", rep.FirstProblem())
		}
	}
	bare := func() {
		if err := bareSequence(ctx, eng, lab.ID, dir); err != nil {
			b.Fatal(err)
		}
	}
	// Warm the engine's build cache for both, then measure them in turn.
	check()
	bare()
	var tCheck, tBare time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		check()
		t1 := time.Now()
		bare()
		tCheck += t1.Sub(t0)
		tBare += time.Since(t1)
	}
	b.StopTimer()
	b.ReportMetric(float64(tCheck.Milliseconds())/float64(b.N), "check-ms/op")
	b.ReportMetric(float64(tBare.Milliseconds())/float64(b.N), "bare-ms/op")
	b.ReportMetric(float64(tCheck)/float64(tBare), "check/bare")
}

// bareSequence is the least the engine must do to answer the same question:
// build the workspace, start the image, wait for its page, remove the container.
func bareSequence(ctx context.Context, eng docker.Engine, lab, dir string) error {
	buildCtx, err := checks.BuildContext(dir, "Dockerfile", 100e6)
	if err != nil {
		return err
	}
	tag := docker.ImageRepo + ":bench-bare"
	// The same labels a check puts on its image, so that the bench's cleanup,
	// scoped to the workspace, finds this image too.
	labels := docker.Labels(lab)
	labels[docker.LabelWorkspace] = dir
	if _, err := eng.Build(ctx, docker.BuildRequest{Context: buildCtx, Dockerfile: "Dockerfile", Tag: tag, Labels: labels}, io.Discard); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	ctr, err := eng.RunContainer(ctx, docker.ContainerSpec{Image: tag, Labels: labels, Ports: []string{"8080/tcp"}, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer eng.RemoveContainer(context.Background(), ctr.ID)
	url := "http://" + ctr.HostPorts["8080/tcp"] + "/"
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("probe: no answer: %v", err)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

package labs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// TestRolloutLabsStarterFailsSolutionPasses proves the rollout labs can be
// done: their starter fails every simulation check (a check on the engine that
// needs one of them is skipped, without an engine) and the starter with the
// solution copied over passes them all, the real Swarm rollout included.
func TestRolloutLabsStarterFailsSolutionPasses(t *testing.T) {
	for _, id := range []string{"bluegreen-vs-rolling", "canary"} {
		t.Run(id, func(t *testing.T) {
			lab := labtest.ShippedLab(t, id)
			dir := labtest.Workspace(t, lab, false)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()

			starter := (&labs.Runner{Lab: lab, Dir: dir}).Run(ctx)
			if starter.Passed {
				t.Fatalf("starter passes; it should leave work to do")
			}
			for i, c := range starter.Checks {
				spec := &lab.Checks[i]
				if spec.NeedsEngine() {
					if c.Status != checks.Skip || len(spec.Needs) == 0 || !strings.Contains(c.Message, "skipped until") {
						t.Errorf("starter: engine check %s is %s (%s); it should wait for the simulation check it needs", c.ID, c.Status, c.Message)
					}
					continue
				}
				if c.Status != checks.Fail {
					t.Errorf("starter: check %s is %s (%s), want fail", c.ID, c.Status, c.Message)
				}
				if c.Hint == "" || c.Reason == "" {
					t.Errorf("starter: check %s failed without reason or hint: %+v", c.ID, c)
				}
			}

			if err := labs.CopyTree(lab.FS, "solution", dir); err != nil {
				t.Fatal(err)
			}
			runner := &labs.Runner{Lab: lab, Dir: dir}
			if lab.NeedsEngine() {
				eng := testenv.Engine(t)
				t.Cleanup(func() { eng.Close() })
				runner.Engine = eng
				runner.Progress = testLog{t}
				defer assertNoServices(t, eng, lab.ID)
				defer testenv.NoLeftovers(t, eng, lab.ID)
			}
			solved := runner.Run(ctx)
			if !solved.Passed {
				var b strings.Builder
				for _, c := range solved.Checks {
					b.WriteString("\n" + c.ID + ": " + string(c.Status) + ": " + c.Message + "\n  " + strings.Join(c.Evidence, "\n  "))
				}
				t.Fatalf("solution does not pass:%s", b.String())
			}
			for _, c := range solved.Checks {
				t.Logf("%s: %s in %.1fs", c.ID, c.Message, float64(c.DurationMS)/1000)
			}
		})
	}
}

// assertNoServices fails the test if a Swarm service made for lab is left.
func assertNoServices(t *testing.T, sw docker.Swarm, lab string) {
	t.Helper()
	ctx := context.Background()
	st, err := sw.SwarmState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Active() {
		return
	}
	svcs, err := sw.ListManagedServices(ctx, docker.LabMatch(lab))
	if err != nil {
		t.Fatal(err)
	}
	if len(svcs) > 0 {
		t.Errorf("services left on the swarm for lab %s: %v", lab, svcs)
	}
}

// testLog shows the checks' progress in the test log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

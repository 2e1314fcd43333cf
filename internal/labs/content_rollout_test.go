package labs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// TestRolloutLabsStarterFailsSolutionPasses proves the rollout labs can be
// done: their starter fails every simulation check and the starter with the
// solution copied over passes them all.
func TestRolloutLabsStarterFailsSolutionPasses(t *testing.T) {
	cat, err := labs.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"bluegreen-vs-rolling", "canary"} {
		t.Run(id, func(t *testing.T) {
			lab, err := cat.Get(id)
			if err != nil {
				t.Fatal(err)
			}
			if lab.NeedsEngine() {
				t.Fatalf("lab %s should run without a Docker engine", id)
			}
			dir := t.TempDir()
			if _, err := labs.Scaffold(lab, dir, false); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()

			starter := (&labs.Runner{Lab: lab, Dir: dir}).Run(ctx)
			if starter.Passed {
				t.Fatalf("starter passes; it should leave work to do")
			}
			for _, c := range starter.Checks {
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
			solved := (&labs.Runner{Lab: lab, Dir: dir}).Run(ctx)
			if !solved.Passed {
				var b strings.Builder
				for _, c := range solved.Checks {
					b.WriteString("\n" + c.ID + ": " + string(c.Status) + ": " + c.Message + "\n  " + strings.Join(c.Evidence, "\n  "))
				}
				t.Fatalf("solution does not pass:%s", b.String())
			}
		})
	}
}

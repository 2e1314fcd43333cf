package labpack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labpack"
	"github.com/devopsctl/devopsctl/internal/testenv"
	labcontent "github.com/devopsctl/devopsctl/labs"
)

// shipped loads the labs that ship with devopsctl, as lab validate does.
func shipped(t *testing.T) *labpack.Pack {
	t.Helper()
	pack, errs := labpack.LoadFS(labcontent.FS, "labs")
	for _, err := range errs {
		t.Error(err)
	}
	if len(pack.Labs) == 0 {
		t.Fatal("no shipped lab loaded")
	}
	return pack
}

// TestShippedLabsHaveWrongVariants holds every shipped lab, present and
// future, to the rule: at least two known-wrong answers that its checks
// must catch.
func TestShippedLabsHaveWrongVariants(t *testing.T) {
	for _, lab := range shipped(t).Labs {
		if len(lab.Wrong) < labpack.MinWrong {
			t.Errorf("lab %s has %d known-wrong variants under labs/%s/wrong/; it needs at least %d (see docs/authoring.md)", lab.ID, len(lab.Wrong), lab.ID, labpack.MinWrong)
		}
	}
}

// TestShippedLabsProven is `lab validate --run` over labs/: each starter
// fails, each solution passes (the Swarm lab's real rollout included) and
// each known-wrong variant fails the check it names for the reason it names,
// on the real engine, leaving nothing behind.
func TestShippedLabsProven(t *testing.T) {
	pack := shipped(t)
	eng := testenv.Engine(t)
	t.Cleanup(func() { eng.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	p := &labpack.Prover{Engine: eng, TempDir: t.TempDir(), Parallel: 2, OnDone: func(o labpack.Outcome) {
		t.Logf("%s %s: proven %v %s (%.1fs)", o.Lab.ID, o.Name(), o.Proven, o.Summary, o.Duration.Seconds())
	}}
	outcomes := p.Run(ctx, pack.Labs)
	want := 0
	for _, l := range pack.Labs {
		want += len(labpack.Cases(l))
	}
	if len(outcomes) != want {
		t.Fatalf("%d cases proven, want %d", len(outcomes), want)
	}
	for _, o := range outcomes {
		name := o.Lab.ID + " " + o.Name()
		if !o.Proven {
			t.Errorf("%s is not proven:\n  %s", name, strings.Join(o.Problems, "\n  "))
		}
		match := testenv.WorkspaceMatch(o.Dir)
		testenv.NoLeftoversIn(t, eng, match)
		if res, err := eng.ListManaged(context.Background(), match); err != nil || len(res.Images) > 0 {
			t.Errorf("%s: images left on the engine: %v (%v)", name, res.Images, err)
		}
	}
	for _, l := range pack.Labs {
		assertNoServices(t, eng, l.ID)
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

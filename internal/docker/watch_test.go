package docker

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRun is one run's containers and networks on a fake engine, by id, with
// their labels; removals take them away.
type fakeRun struct {
	mu         sync.Mutex
	containers map[string]map[string]string
	networks   map[string]map[string]string
	removed    map[string]time.Time
}

func (r *fakeRun) engine() *Fake {
	return &Fake{
		ListManagedFunc: func(_ context.Context, match map[string]string) (Resources, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			res := Resources{ContainerLabels: maps.Clone(r.containers), NetworkLabels: maps.Clone(r.networks)}
			res.Containers = slices.Sorted(maps.Keys(r.containers))
			res.Networks = slices.Sorted(maps.Keys(r.networks))
			return res, nil
		},
		RemoveContainerFunc: func(_ context.Context, id string) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			delete(r.containers, id)
			r.removed[id] = time.Now()
			return nil
		},
		RemoveNetworkFunc: func(_ context.Context, id string) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			delete(r.networks, id)
			r.removed[id] = time.Now()
			return nil
		},
	}
}

// TestWatchRun keeps a run's lease: a live run's container goes when its
// lease ends, a dead run's at the first look, and the watch ends once
// nothing of the run is left.
func TestWatchRun(t *testing.T) {
	if processStart(deadPid(t)) == "" {
		t.Skip("no /proc on this system: only leases decide")
	}
	lease := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).Unix(), 10) }
	dead := fmt.Sprintf("%s/%d/1", hostID(), deadPid(t))
	tests := []struct {
		name      string
		labels    map[string]string
		atLeast   time.Duration // the container stays at least this long
		withinMax time.Duration // and is gone within this
	}{
		{"live run, short lease", map[string]string{LabelOwner: currentOwner(), LabelExpires: lease(time.Second)}, 500 * time.Millisecond, 4 * time.Second},
		{"killed run", map[string]string{LabelOwner: dead, LabelExpires: lease(time.Hour)}, 0, time.Second},
		{"nothing left", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &fakeRun{containers: map[string]map[string]string{}, networks: map[string]map[string]string{}, removed: map[string]time.Time{}}
			if tt.labels != nil {
				r.containers["c1"] = tt.labels
				r.networks["n1"] = tt.labels
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			if err := WatchRun(ctx, r.engine(), "run1", 100*time.Millisecond); err != nil {
				t.Fatalf("WatchRun: %v", err)
			}
			if tt.labels == nil {
				if took := time.Since(start); took > time.Second {
					t.Errorf("a watch with nothing to watch took %s", took)
				}
				return
			}
			for _, id := range []string{"c1", "n1"} {
				at, ok := r.removed[id]
				if !ok {
					t.Fatalf("%s was not removed", id)
				}
				if d := at.Sub(start); d < tt.atLeast || d > tt.withinMax {
					t.Errorf("%s removed after %s, want between %s and %s", id, d, tt.atLeast, tt.withinMax)
				}
			}
		})
	}
}

// TestStepIDs picks the step containers a build log names, so that a build
// judges only its own steps.
func TestStepIDs(t *testing.T) {
	var out strings.Builder
	s := &stepIDs{w: &out}
	for _, chunk := range []string{"Step 2/3 : RUN make\n", " ---> Running in 0123456789ab\n", "make: ok\n", " ---> Running in ba9876543210\n"} {
		io.WriteString(s, chunk)
	}
	if want := []string{"0123456789ab", "ba9876543210"}; !slices.Equal(s.ids, want) {
		t.Errorf("ids %v, want %v", s.ids, want)
	}
	if !strings.Contains(out.String(), "make: ok") {
		t.Errorf("the log was not relayed: %q", out.String())
	}
}

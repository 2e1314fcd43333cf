package docker

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"
)

// deadPid starts and waits for a short process, whose pid is then free.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return cmd.Process.Pid
}

func TestOrphan(t *testing.T) {
	if processStart(os.Getpid()) == "" {
		t.Skip("no /proc on this system: only leases decide")
	}
	now := time.Now()
	later := strconv.FormatInt(now.Add(time.Minute).Unix(), 10)
	earlier := strconv.FormatInt(now.Add(-time.Second).Unix(), 10)
	me := currentOwner()
	self := fmt.Sprintf("%s/%d/%s", hostID(), os.Getpid(), processStart(os.Getpid()))
	if me != self {
		t.Fatalf("currentOwner() = %q, want %q", me, self)
	}
	tests := []struct {
		name   string
		labels map[string]string
		want   bool
	}{
		{"live owner, lease running", map[string]string{LabelOwner: me, LabelExpires: later}, false},
		{"live owner, lease over", map[string]string{LabelOwner: me, LabelExpires: earlier}, true},
		{"owner gone", map[string]string{LabelOwner: fmt.Sprintf("%s/%d/1", hostID(), deadPid(t)), LabelExpires: later}, true},
		{"pid reused by another process", map[string]string{LabelOwner: fmt.Sprintf("%s/%d/1", hostID(), os.Getpid()), LabelExpires: later}, true},
		{"another machine, lease running", map[string]string{LabelOwner: fmt.Sprintf("other-host/%d/1", deadPid(t)), LabelExpires: later}, false},
		{"another machine, lease over", map[string]string{LabelOwner: "other-host/1/1", LabelExpires: earlier}, true},
		{"no owner label (an image, a fixture)", map[string]string{LabelManaged: "true"}, false},
		{"garbled owner", map[string]string{LabelOwner: hostID() + "/x/y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Orphan(tt.labels, now); got != tt.want {
				t.Errorf("Orphan(%v) = %v, want %v", tt.labels, got, tt.want)
			}
		})
	}
}

// TestReapRemovesOnlyOrphans lists a live run's and a dead run's resources and
// expects only the dead run's to be removed.
func TestReapRemovesOnlyOrphans(t *testing.T) {
	if processStart(os.Getpid()) == "" {
		t.Skip("no /proc on this system")
	}
	live := ownerLabels(time.Minute, time.Now())
	dead := map[string]string{LabelOwner: fmt.Sprintf("%s/%d/1", hostID(), deadPid(t)), LabelExpires: live[LabelExpires]}
	step := map[string]string{LabelManaged: "true", LabelWorkspace: "/ws"}
	old := time.Now().Add(-2 * stepGrace)
	var removed []string
	eng := &Fake{
		ListManagedFunc: func(context.Context, map[string]string) (Resources, error) {
			return Resources{
				Containers:       []string{"live-c", "dead-c", "new-step", "old-step", "old-running-step"},
				ContainerLabels:  map[string]map[string]string{"live-c": live, "dead-c": dead, "new-step": step, "old-step": step, "old-running-step": step},
				ContainerCreated: map[string]time.Time{"live-c": old, "dead-c": old, "new-step": time.Now(), "old-step": old, "old-running-step": old},
				ContainerRunning: map[string]bool{"old-running-step": true},
				Networks:         []string{"live-n", "dead-n"},
				NetworkLabels:    map[string]map[string]string{"live-n": live, "dead-n": dead},
				Volumes:          []string{"dead-v"},
				VolumeLabels:     map[string]map[string]string{"dead-v": dead},
				Images:           []string{"img"},
			}, nil
		},
		RemoveContainerFunc: func(_ context.Context, id string) error { removed = append(removed, id); return nil },
		RemoveNetworkFunc:   func(_ context.Context, id string) error { removed = append(removed, id); return nil },
		RemoveVolumeFunc:    func(_ context.Context, id string) error { removed = append(removed, id); return nil },
	}
	res, err := Reap(eng)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dead-c", "old-step", "dead-n", "dead-v"}; !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	if len(res.Containers) != 2 || len(res.Networks) != 1 || len(res.Volumes) != 1 {
		t.Errorf("reported %+v", res)
	}
}

package view

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/rollout"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func ptr[T any](v T) *T { return &v }

// scenarios are small runs whose frames the golden files pin.
func scenarios() map[string]rollout.Scenario {
	sc := func(st rollout.Strategy, bad float64) rollout.Scenario {
		return rollout.Scenario{
			Seed: 1, Replicas: 10,
			From:     rollout.Version{Name: "v1", StartupS: 3},
			To:       rollout.Version{Name: "v2", StartupS: 3, ErrorRate: bad},
			Traffic:  rollout.Traffic{RPS: 100},
			Strategy: st,
		}
	}
	return map[string]rollout.Scenario{
		"rolling":   sc(rollout.Strategy{Kind: rollout.KindRolling}, 0),
		"bluegreen": sc(rollout.Strategy{Kind: rollout.KindBlueGreen, BlueGreen: &rollout.BlueGreen{ScaleDownDelayS: ptr(5)}}, 0),
		"canary-bad": sc(rollout.Strategy{Kind: rollout.KindCanary, Canary: &rollout.Canary{
			Steps:    []rollout.CanaryStep{{Weight: 20, PauseS: 20}, {Weight: 50, PauseS: 20}},
			Analysis: &rollout.Analysis{IntervalS: 5, MinSuccessPercent: 95},
		}}, 0.3),
	}
}

func simulate(t *testing.T, name string) *rollout.Result {
	t.Helper()
	r, err := rollout.Simulate(scenarios()[name])
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// golden compares got with testdata/<name>.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestFrameGolden(t *testing.T) {
	tests := []struct {
		scenario string
		t, width int
		color    bool
	}{
		{"rolling", 0, 80, false},
		{"rolling", 4, 80, false},
		{"rolling", 4, 80, true},
		{"rolling", 4, 40, false},
		{"bluegreen", 2, 80, false},
		{"bluegreen", 4, 80, false},
		{"canary-bad", 8, 80, false},
		{"canary-bad", 999, 60, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("frame-%s-t%d-w%d", tt.scenario, tt.t, tt.width)
		if tt.color {
			name += "-color"
		}
		t.Run(name, func(t *testing.T) {
			got := Frame(simulate(t, tt.scenario), tt.t, tt.width, NewStyle(tt.color))
			golden(t, name, got+"\n")
		})
	}
}

func TestFrameFitsWidthAndHeight(t *testing.T) {
	for name := range scenarios() {
		r := simulate(t, name)
		for _, width := range []int{10, MinWidth, 50, 80, 200} {
			for _, color := range []bool{false, true} {
				for tk := range r.Timeline {
					frame := Frame(r, tk, width, NewStyle(color))
					lines := strings.Split(frame, "\n")
					if len(lines) != FrameHeight {
						t.Fatalf("%s t=%d width %d: %d lines, want %d", name, tk, width, len(lines), FrameHeight)
					}
					for _, l := range lines {
						if w := ansi.StringWidth(l); w > max(width, MinWidth) {
							t.Fatalf("%s t=%d width %d: line %q is %d wide", name, tk, width, l, w)
						}
					}
				}
			}
		}
	}
}

func TestFrameWithoutColourHasNoEscapes(t *testing.T) {
	r := simulate(t, "canary-bad")
	if f := Frame(r, 10, 80, NewStyle(false)); strings.Contains(f, "\x1b[") {
		t.Errorf("plain frame carries escape codes:\n%q", f)
	}
	if f := Frame(r, 10, 80, NewStyle(true)); !strings.Contains(f, "\x1b[") {
		t.Errorf("coloured frame has no colour:\n%q", f)
	}
}

func TestFrameScalesManyInstances(t *testing.T) {
	sc := scenarios()["bluegreen"]
	sc.Replicas = 200
	r, err := rollout.Simulate(sc)
	if err != nil {
		t.Fatal(err)
	}
	f := Frame(r, 4, 80, NewStyle(false))
	if !strings.Contains(f, "(1 block = 5 instances)") {
		t.Errorf("200 instances of one version in 48 cells should be 5 per block:\n%s", f)
	}
	if !strings.Contains(f, "200 serving") {
		t.Errorf("counts should stay exact:\n%s", f)
	}
}

func TestTableGolden(t *testing.T) {
	for _, name := range []string{"rolling", "bluegreen", "canary-bad"} {
		t.Run(name, func(t *testing.T) {
			r := simulate(t, name)
			golden(t, "table-"+name, Table(r)+"\n"+Summary(r)+"\n"+Events(r))
		})
	}
}

func TestTableFoldsSteadySeconds(t *testing.T) {
	r := simulate(t, "bluegreen")
	// Green takes 3s to start while blue serves unchanged: one row, not three.
	if !strings.Contains(Table(r), "\n  0-2 ") && !strings.Contains(Table(r), "\n0-2 ") {
		t.Errorf("seconds 0-2 are not folded:\n%s", Table(r))
	}
}

func TestCompareGolden(t *testing.T) {
	var rs []*rollout.Result
	for _, name := range []string{"rolling", "bluegreen", "canary-bad"} {
		rs = append(rs, simulate(t, name))
	}
	golden(t, "compare", Compare(rs))
}

package swarmrun

import (
	"archive/tar"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

func TestScenarioValidate(t *testing.T) {
	ok := Scenario{Replicas: 4, From: V1, To: V2, RPS: 20}
	tests := []struct {
		name    string
		edit    func(*Scenario)
		wantErr string
	}{
		{"defaults are valid", func(*Scenario) {}, ""},
		{"too many replicas", func(s *Scenario) { s.Replicas = 50 }, "replicas 50"},
		{"same version", func(s *Scenario) { s.To = V1 }, "both v1"},
		{"unknown version", func(s *Scenario) { s.To = "v9" }, "v1, v2 and v3"},
		{"unknown bad mode", func(s *Scenario) { s.To, s.BadMode = V3, "slow" }, `bad mode "slow"`},
		{"too much traffic", func(s *Scenario) { s.RPS = 5000 }, "rps 5000"},
		{"order typo", func(s *Scenario) { s.Update.Order = "start_first" }, "update_config.order"},
		{"failure action typo", func(s *Scenario) { s.Update.FailureAction = "rollbak" }, "update_config.failure_action"},
		{"ratio over one", func(s *Scenario) { s.Update.MaxFailureRatio = 1.5 }, "max_failure_ratio"},
		{"rollback cannot roll back", func(s *Scenario) {
			s.Rollback = &docker.UpdatePolicy{FailureAction: docker.FailureRollback}
		}, "rollback_config.failure_action cannot be rollback"},
		{"duration within baseline", func(s *Scenario) { s.Duration = 2 * time.Second }, "must exceed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			err := s.withDefaults().validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestScenarioDefaults(t *testing.T) {
	s := Scenario{}.withDefaults()
	if s.Replicas != 4 || s.From != V1 || s.To != V2 || s.RPS != 20 || s.Baseline != 3*time.Second {
		t.Errorf("defaults %+v", s)
	}
	// The engine's own update_config defaults.
	want := docker.UpdatePolicy{Parallelism: 1, FailureAction: docker.FailurePause, Monitor: 5 * time.Second, Order: docker.OrderStopFirst}
	if s.Update != want {
		t.Errorf("update defaults %+v, want %+v", s.Update, want)
	}
	if v3 := (Scenario{To: V3}).withDefaults(); v3.BadMode != BadCrash {
		t.Errorf("v3 bad mode defaults to %q, want crash", v3.BadMode)
	}
}

func TestExpectedAndDeadline(t *testing.T) {
	upd := docker.UpdatePolicy{Parallelism: 1, Delay: time.Second, Monitor: 2 * time.Second, Order: docker.OrderStartFirst}
	with := func(action string) docker.UpdatePolicy { u := upd; u.FailureAction = action; return u }
	tests := []struct {
		name     string
		s        Scenario
		expected time.Duration
	}{
		// 3 s baseline + 4 batches of (1 s start + 1 s delay), the 2 s monitor and
		// the simulator's last ticks + 5 s settled.
		{"one by one", Scenario{Replicas: 4, To: V2, Update: with(docker.FailurePause)}, 19 * time.Second},
		// Two more seconds for each of 4 batches.
		{"slower tasks take longer", Scenario{Replicas: 4, To: V2, Update: with(docker.FailurePause), TaskStartup: 3 * time.Second}, 27 * time.Second},
		{"all at once", Scenario{Replicas: 4, To: V2, Update: docker.UpdatePolicy{Parallelism: 0, Monitor: 2 * time.Second}}, 12 * time.Second},
		{"stop-first pairs with a 5 s delay", Scenario{Replicas: 10, To: V2, Update: docker.UpdatePolicy{Parallelism: 2, Delay: 5 * time.Second}}, 44 * time.Second},
		{"crash then pause stops at the first batch", Scenario{Replicas: 4, To: V3, BadMode: BadCrash, Update: with(docker.FailurePause)}, 11 * time.Second},
		{"errors roll through every batch", Scenario{Replicas: 4, To: V3, BadMode: BadErrors, Update: with(docker.FailureRollback)}, 19 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expected(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.expected {
				t.Errorf("Expected = %s, want %s", got, tt.expected)
			}
			deadline, err := Deadline(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if want := 2*got + 30*time.Second; deadline != want {
				t.Errorf("Deadline = %s, want %s", deadline, want)
			}
			if err := tt.s.CheckFits(); err != nil {
				t.Errorf("CheckFits: %v", err)
			}
		})
	}
	long := Scenario{Replicas: 10, To: V2, Update: docker.UpdatePolicy{Parallelism: 1, Delay: time.Minute}}
	if d, _ := Deadline(long); d != MaxDuration {
		t.Errorf("deadline of ten one-minute batches %s, want it capped at %s", d, MaxDuration)
	}
	if err := long.CheckFits(); err == nil || !strings.Contains(err.Error(), "more than the 5m0s a real run") {
		t.Errorf("CheckFits let ten one-minute batches through: %v", err)
	}
}

func TestBuildContext(t *testing.T) {
	tests := []struct {
		version string
		env     string
	}{
		{V1, "ENV VERSION=v1\n"},
		{V3, "ENV VERSION=v3 BAD_MODE=crash\n"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			r, err := buildContext(tt.version)
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]*tar.Header{}
			var dockerfile string
			tr := tar.NewReader(r)
			for {
				h, err := tr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				files[h.Name] = h
				if h.Name == "Dockerfile" {
					b, _ := io.ReadAll(tr)
					dockerfile = string(b)
				}
			}
			if h := files["main.go"]; h == nil || h.Size != int64(len(demoSource)) || !h.ModTime.Equal(contextTime) {
				t.Errorf("main.go entry %+v, want the demo source at the fixed time", h)
			}
			if files["go.mod"] == nil {
				t.Error("no go.mod in the context")
			}
			// The build stage comes first and does not name the version, so that
			// every version shares its cached layers.
			stages := strings.SplitN(dockerfile, "FROM scratch\n", 2)
			if len(stages) != 2 || !strings.HasPrefix(stages[0], "FROM golang:1.26 AS build\n") || strings.Contains(stages[0], tt.version) {
				t.Errorf("Dockerfile:\n%s\nwant a version-free golang:1.26 build stage, then FROM scratch", dockerfile)
			}
			if !strings.Contains(stages[len(stages)-1], tt.env) || !strings.Contains(dockerfile, "COPY --from=build /demoapp /demoapp\n") {
				t.Errorf("Dockerfile:\n%s\nwant the binary copied from the build stage and %q", dockerfile, tt.env)
			}
		})
	}
}

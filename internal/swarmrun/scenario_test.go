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

func TestEstimateDuration(t *testing.T) {
	upd := docker.UpdatePolicy{Parallelism: 1, Delay: time.Second, Monitor: 2 * time.Second, Order: docker.OrderStartFirst}
	with := func(action string) docker.UpdatePolicy { u := upd; u.FailureAction = action; return u }
	tests := []struct {
		name string
		s    Scenario
		want time.Duration
	}{
		// 3 s baseline + 4 batches of (1.5 s start + 1 s delay) + 2 s monitor + 5 s settle.
		{"one by one", Scenario{Replicas: 4, To: V2, Update: with(docker.FailurePause)}, 20 * time.Second},
		{"all at once", Scenario{Replicas: 4, To: V2, Update: docker.UpdatePolicy{Parallelism: 0, Monitor: 2 * time.Second}}, 12 * time.Second},
		{"crash then pause stops at the first batch", Scenario{Replicas: 4, To: V3, BadMode: BadCrash, Update: with(docker.FailurePause)}, 13 * time.Second},
		// 3 s + one batch (2.5 s) + 2 s monitor + 1.5 s restart + 5 s rollback monitor + 5 s.
		{"crash then rollback adds a round of starts", Scenario{Replicas: 4, To: V3, BadMode: BadCrash, Update: with(docker.FailureRollback)}, 19 * time.Second},
		{"errors roll through every batch", Scenario{Replicas: 4, To: V3, BadMode: BadErrors, Update: with(docker.FailureRollback)}, 20 * time.Second},
		{"capped", Scenario{Replicas: 10, To: V2, Update: docker.UpdatePolicy{Parallelism: 1, Delay: time.Minute}}, MaxDuration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.Baseline = 3 * time.Second
			if got := EstimateDuration(tt.s); got != tt.want {
				t.Errorf("EstimateDuration = %s, want %s", got, tt.want)
			}
		})
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
			r, err := buildContext(tt.version, []byte("\x7fELF"))
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
			if h := files["demoapp"]; h == nil || h.Mode&0o111 == 0 || h.Size != 4 {
				t.Errorf("demoapp entry %+v, want an executable of 4 bytes", h)
			}
			if !strings.HasPrefix(dockerfile, "FROM scratch\n") || !strings.Contains(dockerfile, tt.env) {
				t.Errorf("Dockerfile:\n%s\nwant FROM scratch and %q", dockerfile, tt.env)
			}
		})
	}
}

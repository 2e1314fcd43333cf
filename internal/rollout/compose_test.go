package rollout

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestFromCompose(t *testing.T) {
	sc, err := FromCompose(context.Background(), "testdata/swarm-good.yaml", "web")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Replicas != 6 || sc.Strategy.Kind != KindSwarm {
		t.Fatalf("replicas %d kind %s", sc.Replicas, sc.Strategy.Kind)
	}
	u := sc.Strategy.Swarm.Update
	if *u.Parallelism != 2 || u.DelayS != 10 || u.Order != StartFirst || u.FailureAction != ActionRollback ||
		*u.MonitorS != 30 || u.MaxFailureRatio != 0.2 {
		t.Errorf("update_config read as %+v", u)
	}
	rb := sc.Strategy.Swarm.Rollback
	if rb == nil || *rb.Parallelism != 0 || rb.Order != StopFirst {
		t.Fatalf("rollback_config read as %+v", rb)
	}
	// The scenario runs as is: start-first with parallelism 2 over 6 replicas.
	sc.Traffic.RPS = 100
	r := mustSimulate(t, sc)
	if r.PeakInstances != 8 || r.MinAvailable != 6 || !r.Completed {
		t.Errorf("peak %d min %d completed %v", r.PeakInstances, r.MinAvailable, r.Completed)
	}
	// A crashing release rolls back with rollback_config: all slots at once,
	// stop-first.
	sc.To.Failure.CrashOnStart = 1
	r = mustSimulate(t, sc)
	if !r.RolledBack {
		t.Errorf("crashing release: outcome %s, want rolled back", r.Outcome)
	}
}

func TestFromComposeDefaults(t *testing.T) {
	sc, err := FromCompose(context.Background(), "testdata/swarm-good.yaml", "cache")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Replicas != 1 || sc.Strategy.Swarm.Update.Parallelism != nil || sc.Strategy.Swarm.Rollback != nil {
		t.Errorf("defaults not kept: %+v", sc)
	}
	if sc.From.Name != "redis:7 (current)" {
		t.Errorf("from version named %q", sc.From.Name)
	}
}

func TestFromComposeErrors(t *testing.T) {
	tests := []struct {
		name, file, service, want string
	}{
		{"yaml syntax gives file:line:col", "testdata/swarm-badyaml.yaml", "web", "testdata/swarm-badyaml.yaml:5:6: did not find expected key"},
		{"schema error names the field", "testdata/swarm-badorder.yaml", "web", "services.web.deploy.update_config.order"},
		{"unknown service lists the known ones", "testdata/swarm-good.yaml", "api", `no service "api"; the file defines: cache, web`},
		{"missing file", "testdata/missing.yaml", "web", "testdata/missing.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromCompose(context.Background(), tt.file, tt.service)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	_, err := FromCompose(context.Background(), "testdata/swarm-badyaml.yaml", "web")
	var ce *ComposeError
	if !errors.As(err, &ce) || ce.Pos != "5:6" {
		t.Errorf("want a ComposeError at 5:6, got %#v", err)
	}
}

package rollout

import (
	"testing"
)

func TestConstraintsCheck(t *testing.T) {
	rolling := func() *Result {
		return mustSimulate(t, base(10, Strategy{Kind: KindRolling}))
	}
	crashingSwarm := func() *Result {
		sc := base(6, Strategy{Kind: KindSwarm, Swarm: &Swarm{Update: UpdateConfig{FailureAction: ActionRollback, Parallelism: ptr(0)}}})
		sc.To.Failure.CrashOnStart = 1
		return mustSimulate(t, sc)
	}
	tests := []struct {
		name       string
		run        func() *Result
		c          Constraints
		constraint string
		t          int
		message    string
	}{
		{"met", rolling, Constraints{MinServing: ptr(8), MaxInstances: ptr(13), MustPromote: true}, "", 0, ""},
		{"too few serving", rolling, Constraints{MinServing: ptr(9)}, "min_serving", 0,
			"at t=0s only 8 of 10 instances were serving users; the lab asks for at least 9"},
		{"too few ready", rolling, Constraints{MinAvailable: ptr(9)}, "min_available", 0,
			"at t=0s only 8 of 10 instances were ready; the lab asks for at least 9"},
		{"too many instances", rolling, Constraints{MaxInstances: ptr(12)}, "max_instances", 1,
			"at t=1s 13 instances were running at once; the lab allows at most 12"},
		{"failed requests", crashingSwarm, Constraints{MaxFailedRequests: ptr(int64(0))}, "max_failed_requests", 0,
			"by t=0s 200 requests had failed; the lab allows at most 0"},
		{"must promote", crashingSwarm, Constraints{MustPromote: true}, "must_promote", -1,
			"the rollout ended rolled back to the old version, but the lab expects the new version to be fully rolled out"},
		{"must roll back", rolling, Constraints{MustRollBack: true}, "must_roll_back", -1,
			"the rollout ended with every instance on the new version, but the lab expects it to roll back to the old version"},
		{"rolled back as asked", crashingSwarm, Constraints{MustRollBack: true}, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.c.Check(tt.run())
			if tt.constraint == "" {
				if v != nil {
					t.Fatalf("unexpected violation: %v", v)
				}
				return
			}
			if v == nil {
				t.Fatal("no violation")
			}
			if v.Constraint != tt.constraint || v.T != tt.t || v.Message != tt.message {
				t.Errorf("got %+v\nwant %s at %d: %q", *v, tt.constraint, tt.t, tt.message)
			}
		})
	}
}

func TestConstraintsFailedShare(t *testing.T) {
	sc := base(4, Strategy{Kind: KindRolling})
	sc.To.ErrorRate = 0.5
	r := mustSimulate(t, sc)
	v := Constraints{MaxFailedShare: ptr(0.01)}.Check(r)
	if v == nil || v.Constraint != "max_failed_share" || v.T != -1 {
		t.Fatalf("got %+v, want a max_failed_share violation", v)
	}
	if v := (Constraints{MaxFailedShare: ptr(0.99)}).Check(r); v != nil {
		t.Errorf("unexpected violation %v", v)
	}
}

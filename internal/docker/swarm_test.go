package docker

import (
	"reflect"
	"testing"
	"time"

	"github.com/docker/docker/api/types/swarm"
)

func TestToSwarmSpecIsConfined(t *testing.T) {
	tests := []struct {
		name    string
		in      ServiceSpec
		memory  int64
		cpus    int64
		pids    int64
		user    string
		dnsrr   bool
		restart bool
	}{
		{"zero values pick safe defaults", ServiceSpec{Name: "a", Image: "i"}, 64 << 20, 5e8, 64, "65534:65534", false, false},
		{"explicit limits kept", ServiceSpec{Name: "b", Image: "i", Memory: 32 << 20, CPUs: 0.25, PidsMax: 16, User: "1000", DNSRoundRobin: true, RestartNever: true}, 32 << 20, 25e7, 16, "1000", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toSwarmSpec(tt.in)
			cs := got.TaskTemplate.ContainerSpec
			lim := got.TaskTemplate.Resources.Limits
			if lim.MemoryBytes != tt.memory || lim.NanoCPUs != tt.cpus || lim.Pids != tt.pids {
				t.Errorf("limits %+v, want memory %d cpus %d pids %d", lim, tt.memory, tt.cpus, tt.pids)
			}
			if cs.User != tt.user || !cs.ReadOnly || !reflect.DeepEqual(cs.CapabilityDrop, []string{"ALL"}) || len(cs.CapabilityAdd) != 0 {
				t.Errorf("container spec not confined: user %q read-only %t drop %v add %v", cs.User, cs.ReadOnly, cs.CapabilityDrop, cs.CapabilityAdd)
			}
			if (got.EndpointSpec.Mode == swarm.ResolutionModeDNSRR) != tt.dnsrr {
				t.Errorf("endpoint mode %s, dnsrr wanted %t", got.EndpointSpec.Mode, tt.dnsrr)
			}
			rp := got.TaskTemplate.RestartPolicy
			if (rp != nil && rp.Condition == swarm.RestartPolicyConditionNone) != tt.restart {
				t.Errorf("restart policy %+v, never-restart wanted %t", rp, tt.restart)
			}
		})
	}
}

func TestSwarmSpecRoundTrip(t *testing.T) {
	in := ServiceSpec{
		Name: "demo", Image: "devopsctl-demo:v1", Args: []string{"serve"}, Env: []string{"VERSION=v1"},
		Labels: Labels("lab"), Replicas: 4, Networks: []string{"net"}, DNSRoundRobin: true,
		Update:    &UpdatePolicy{Parallelism: 1, Delay: time.Second, FailureAction: FailureRollback, Monitor: 3 * time.Second, MaxFailureRatio: 0.25, Order: OrderStartFirst},
		Rollback:  &UpdatePolicy{Parallelism: 2, FailureAction: FailurePause, Order: OrderStopFirst},
		StopGrace: 5 * time.Second, Memory: 32 << 20, CPUs: 0.5, PidsMax: 64, User: "65534:65534",
	}
	if out := fromSwarmSpec(toSwarmSpec(in)); !reflect.DeepEqual(out, in) {
		t.Errorf("round trip changed the spec:\n in %+v\nout %+v", in, out)
	}
}

func TestSwarmStateVerdicts(t *testing.T) {
	tests := []struct {
		st               SwarmState
		active, inactive bool
	}{
		{SwarmState{LocalState: "inactive"}, false, true},
		{SwarmState{}, false, true},
		{SwarmState{LocalState: "active", IsManager: true}, true, false},
		{SwarmState{LocalState: "active"}, false, false},
		{SwarmState{LocalState: "locked"}, false, false},
	}
	for _, tt := range tests {
		if tt.st.Active() != tt.active || tt.st.Inactive() != tt.inactive {
			t.Errorf("%+v: active %t inactive %t, want %t %t", tt.st, tt.st.Active(), tt.st.Inactive(), tt.active, tt.inactive)
		}
	}
}

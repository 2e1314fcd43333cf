package swarmrun

import (
	"strings"
	"testing"
	"time"
)

func TestParseLoad(t *testing.T) {
	tests := []struct {
		name    string
		logs    string
		want    int    // seconds parsed
		done    bool   // the final line was there
		wantErr string // substring
	}{
		{"in order", `{"t":100,"ok":{"v1":20}}
{"t":101,"ok":{"v1":19},"fail":{"refused":1}}
{"done":true,"sent":40}
`, 2, true, ""},
		{"out of order, blank lines", "{\"t\":101,\"ok\":{\"v2\":1}}\n\n{\"t\":100,\"ok\":{\"v1\":1}}\n{\"done\":true}\n", 2, true, ""},
		{"still running", `{"t":100,"ok":{"v1":20}}` + "\n", 1, false, ""},
		{"garbage", "{\"t\":100}\nsegfault\n{\"done\":true}\n", 0, false, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, done, err := parseLoad(tt.logs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want || done != tt.done {
				t.Fatalf("got %d seconds (done %t), want %d (done %t)", len(got), done, tt.want, tt.done)
			}
			for i := 1; i < len(got); i++ {
				if got[i].T <= got[i-1].T {
					t.Errorf("seconds not in order: %d after %d", got[i].T, got[i-1].T)
				}
			}
		})
	}
}

func TestAssemble(t *testing.T) {
	start := time.Unix(1000, 300e6) // the update starts 0.3 s into second 1000
	at := func(sec int64, ms int) time.Time { return time.Unix(sec, int64(ms)*1e6) }
	samples := []sample{
		{at: at(999, 100), serving: map[string]int{V1: 2}, running: 2},
		{at: at(999, 600), serving: map[string]int{V1: 4}, running: 4},
		{at: at(1000, 350), serving: map[string]int{V1: 4}, running: 4, starting: 1, state: "updating"},
		{at: at(1000, 400), serving: map[string]int{V1: 4, V2: 1}, running: 5, state: "updating"},
		{at: at(1000, 900), serving: map[string]int{V1: 3, V2: 1}, running: 6, state: "updating"},
		{at: at(1001, 100), serving: map[string]int{V2: 4}, running: 5, state: "updating"},
		{at: at(1001, 450), serving: map[string]int{V2: 4}, running: 4, state: "completed"},
	}
	seconds := []loadSecond{
		{T: 999, OK: map[string]int{V1: 20}},
		{T: 1000, OK: map[string]int{V1: 15, V2: 3}, Fail: map[string]int{"timeout": 2}},
		{T: 1001, OK: map[string]int{V2: 20}},
		{T: 1002},
	}
	obs := assemble(Scenario{}, start, seconds, samples)

	if len(obs.Buckets) != 4 || obs.Buckets[0].Offset != -1 || obs.Buckets[3].Offset != 2 {
		t.Fatalf("buckets %+v, want offsets -1..2", obs.Buckets)
	}
	if got := obs.Buckets[1].Tasks; got[V1] != 4 || got[V2] != 1 {
		t.Errorf("second 0 tasks %v, want the sample nearest mid-second (v1:4 v2:1)", got)
	}
	if got := obs.Buckets[0].Tasks; got[V1] != 4 {
		t.Errorf("second -1 tasks %v, want v1:4", got)
	}
	if obs.Buckets[3].Answers == nil || obs.Buckets[3].Failures == nil || obs.Buckets[3].Tasks == nil {
		t.Error("an empty second should have empty maps, not nil ones")
	}
	if obs.PeakServing != 5 || obs.PeakRunning != 6 || obs.PeakInstances != 5 {
		t.Errorf("peaks serving %d running %d instances %d, want 5, 6 and 5", obs.PeakServing, obs.PeakRunning, obs.PeakInstances)
	}
	// The 2 serving at 999.1 came before the update; from its start on, 4 is the least.
	if obs.MinServing != 4 {
		t.Errorf("min serving %d, want 4 (samples before the update do not count)", obs.MinServing)
	}
	if obs.Sent != 60 || obs.Failed != 2 {
		t.Errorf("sent %d failed %d, want 60 and 2", obs.Sent, obs.Failed)
	}
	if len(obs.Transitions) != 2 || obs.Transitions[0].State != "updating" || obs.Transitions[1].State != "completed" {
		t.Errorf("transitions %+v, want updating then completed", obs.Transitions)
	}
	if !obs.Seen("completed") || obs.Seen("rollback_started") {
		t.Error("Seen does not follow the transitions")
	}
}

func TestObservationVerdicts(t *testing.T) {
	tests := []struct {
		state              string
		rolledBack, paused bool
	}{
		{"completed", false, false},
		{"paused", false, true},
		{"rollback_completed", true, false},
		{"rollback_paused", true, true},
		{"updating", false, false},
	}
	for _, tt := range tests {
		o := Observation{UpdateState: tt.state}
		if o.RolledBack() != tt.rolledBack || o.Paused() != tt.paused {
			t.Errorf("%s: rolled back %t paused %t, want %t %t", tt.state, o.RolledBack(), o.Paused(), tt.rolledBack, tt.paused)
		}
	}
}

package rollout

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestResolveFenceposts(t *testing.T) {
	tests := []struct {
		name                string
		surge, unavail      *IntOrPercent
		replicas            int
		wantSurge, wantUnav int
		wantErr             string
	}{
		{"defaults are 25% of 10", nil, nil, 10, 3, 2, ""},
		{"explicit 25% of 10", Percent(25), Percent(25), 10, 3, 2, ""},
		{"25% of 4 is one each", Percent(25), Percent(25), 4, 1, 1, ""},
		{"absolute 1 and 0 of 4", Int(1), Int(0), 4, 1, 0, ""},
		{"both zero rejected", Int(0), Int(0), 10, 0, 0, "both 0"},
		{"both zero percent rejected", Percent(0), Percent(0), 10, 0, 0, "both 0"},
		{"zero and zero percent rejected", Int(0), Percent(0), 10, 0, 0, "both 0"},
		{"surge 1% of 2 rounds up", Percent(1), Percent(0), 2, 1, 0, ""},
		{"unavailable 1% of 2 rounds down, then becomes 1", Percent(0), Percent(1), 2, 0, 1, ""},
		{"5% of 10 rounds to zero: unavailable becomes 1", Percent(0), Percent(5), 10, 0, 1, ""},
		{"10% of 5: surge 1, unavailable 0", Percent(10), Percent(10), 5, 1, 0, ""},
		{"49% of 2: surge 1, unavailable 0", Percent(49), Percent(49), 2, 1, 0, ""},
		{"100% of 10", Percent(100), Percent(100), 10, 10, 10, ""},
		{"surge above 100% is allowed", Percent(200), Int(0), 10, 20, 0, ""},
		{"unavailable above replicas is capped", Int(0), Int(20), 10, 0, 10, ""},
		{"unavailable above 100% rejected", Int(1), Percent(150), 10, 0, 0, "more than 100%"},
		{"negative surge rejected", Int(-1), Int(1), 10, 0, 0, "negative"},
		{"negative unavailable rejected", Int(1), Percent(-5), 10, 0, 0, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, u, err := ResolveFenceposts(tt.surge, tt.unavail, tt.replicas)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s != tt.wantSurge || u != tt.wantUnav {
				t.Errorf("surge, unavailable = %d, %d; want %d, %d", s, u, tt.wantSurge, tt.wantUnav)
			}
		})
	}
}

func TestIntOrPercentJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    IntOrPercent
		wantErr bool
	}{
		{`3`, IntOrPercent{Value: 3}, false},
		{`"3"`, IntOrPercent{Value: 3}, false},
		{`"25%"`, IntOrPercent{Value: 25, Percent: true}, false},
		{`"lots"`, IntOrPercent{}, true},
		{`true`, IntOrPercent{}, true},
	}
	for _, tt := range tests {
		var got IntOrPercent
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr {
			t.Fatalf("%s: err = %v, wantErr %v", tt.in, err, tt.wantErr)
		}
		if err == nil && got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.in, got, tt.want)
		}
		if err == nil {
			back, _ := json.Marshal(got)
			var again IntOrPercent
			if err := json.Unmarshal(back, &again); err != nil || again != got {
				t.Errorf("%s: round trip gave %s", tt.in, back)
			}
		}
	}
}

package view

import "testing"

func TestExtraRoundsTheShareOverTheReplicas(t *testing.T) {
	tests := []struct {
		peak, replicas int
		want           string
	}{
		{6, 6, "no extra instances"},
		{7, 6, "+1, 17% more than the replicas"},
		{20, 10, "+10, 100% more than the replicas"},
	}
	for _, tt := range tests {
		if got := extra(tt.peak, tt.replicas); got != tt.want {
			t.Errorf("extra(%d, %d) = %q, want %q", tt.peak, tt.replicas, got, tt.want)
		}
	}
}

package plural

import "testing"

func TestPlural(t *testing.T) {
	tests := []struct{ got, want string }{
		{N(0, "layer"), "0 layers"},
		{N(1, "layer"), "1 layer"},
		{N(2, "layer"), "2 layers"},
		{Of(1, "info", "info"), "1 info"},
		{Of(3, "info", "info"), "3 info"},
		{Word(1, "check"), "check"},
		{Word(7, "check"), "checks"},
		{None(0, "failure"), "no failures"},
		{None(1, "failure"), "1 failure"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestAll(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{All(1, "check") + " " + Be(1), "the 1 check is"},
		{All(5, "check") + " " + Be(5), "all 5 checks are"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

package maths

import "testing"

func TestFormat(t *testing.T) {
	for v, want := range map[float64]string{2: "2", 0.25: "0.25", -3: "-3", 1.5e-7: "0.00000015"} {
		if got := Format(v); got != want {
			t.Errorf("Format(%v) = %q, want %q", v, got, want)
		}
	}
}

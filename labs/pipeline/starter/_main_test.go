package main

import "testing"

func TestSum(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{12.5}, 12.5},
		{[]float64{12.5, 7.5, 1}, 21},
	}
	for _, tt := range tests {
		if got := Sum(tt.in); got != tt.want {
			t.Errorf("Sum(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestWithTax(t *testing.T) {
	tests := []struct{ in, want float64 }{{0, 0}, {10, 12}, {19.99, 23.99}}
	for _, tt := range tests {
		if got := WithTax(tt.in); got != tt.want {
			t.Errorf("WithTax(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	if _, err := Parse(nil); err == nil {
		t.Error("Parse(nil) gave no error")
	}
	if _, err := Parse([]string{"12", "ten"}); err == nil {
		t.Error(`Parse("ten") gave no error`)
	}
	xs, err := Parse([]string{"12.5", "7.5"})
	if err != nil || len(xs) != 2 || xs[0] != 12.5 || xs[1] != 7.5 {
		t.Errorf("Parse(12.5 7.5) = %v, %v", xs, err)
	}
}

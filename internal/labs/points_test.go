package labs

import (
	"strings"
	"testing"
)

func TestCheckPoints(t *testing.T) {
	const head = "id: x\ntitle: X\nchecks:\n"
	tests := []struct {
		name, checks string
		want         []int
		err          string
	}{
		{name: "default is one", checks: "  - {id: a, kind: file_exists, with: {path: a}}\n", want: []int{1}},
		{name: "given", checks: "  - {id: a, kind: file_exists, points: 3, with: {path: a}}\n  - {id: b, kind: file_exists, points: 0, with: {path: b}}\n", want: []int{3, 0}},
		{name: "negative", checks: "  - {id: a, kind: file_exists, with: {path: a}}\n  - {id: b, kind: file_exists, points: -2, with: {path: b}}\n", err: "lab.yaml:5: check b has points -2; points must be 0 or more"},
		{name: "not a number", checks: "  - {id: a, kind: file_exists, points: many, with: {path: a}}\n", err: "lab.yaml:4:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSpec("lab.yaml", []byte(head+tt.checks))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tt.want {
				if got := s.Checks[i].Worth(); got != w {
					t.Errorf("check %s is worth %d, want %d", s.Checks[i].ID, got, w)
				}
			}
		})
	}
}

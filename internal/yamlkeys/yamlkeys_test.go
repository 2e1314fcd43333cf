package yamlkeys

import (
	"testing"

	"gopkg.in/yaml.v3"
)

type analysis struct {
	IntervalS         int     `yaml:"interval_s"`
	MinSuccessPercent float64 `yaml:"min_success_percent"`
}

type step struct {
	Weight int `yaml:"weight"`
	PauseS int `yaml:"pause_s"`
}

type extra map[string]any

type spec struct {
	Strategy string `yaml:"strategy"`
	Canary   *struct {
		Steps    []step    `yaml:"steps"`
		Analysis *analysis `yaml:"analysis"`
	} `yaml:"canary"`
	Services   map[string]analysis `yaml:"services"`
	Extensions extra               `yaml:"#extensions,inline"`
	Untagged   string
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []Unknown
	}{
		{"all known", "strategy: canary\ncanary:\n  steps:\n    - weight: 5\n      pause_s: 30\nuntagged: x\nx-note: fine\n", nil},
		{"typo in a nested struct", "strategy: canary\ncanary:\n  analysis:\n    interval_s: 10\n    min_succes_percent: 99\n",
			[]Unknown{{Line: 5, Column: 5, Key: "min_succes_percent", Path: "canary.analysis", Suggestion: "min_success_percent"}}},
		{"typo in a list item", "canary:\n  steps:\n    - weight: 5\n      pasue_s: 30\n",
			[]Unknown{{Line: 4, Column: 7, Key: "pasue_s", Path: "canary.steps[0]", Suggestion: "pause_s"}}},
		{"typo under a map value", "services:\n  web:\n    intervl_s: 3\n",
			[]Unknown{{Line: 3, Column: 5, Key: "intervl_s", Path: "services.web", Suggestion: "interval_s"}}},
		{"nothing near", "stratagem: 1\nzzz: 2\n", []Unknown{
			{Line: 1, Column: 1, Key: "stratagem", Suggestion: ""},
			{Line: 2, Column: 1, Key: "zzz", Suggestion: ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tt.doc), &n); err != nil {
				t.Fatal(err)
			}
			got := Find(&n, spec{})
			if len(got) != len(tt.want) {
				t.Fatalf("Find = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("Find[%d] = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

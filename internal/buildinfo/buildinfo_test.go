package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestGet(t *testing.T) {
	vcs := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"},
		{Key: "vcs.time", Value: "2026-11-30T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  string
	}{
		{"release ldflags win", "v1.2.3", "abc1234", "2026-12-01T00:00:00Z", vcs, "v1.2.3 (commit abc1234, built 2026-12-01T00:00:00Z)"},
		{"git checkout build", "", "", "", vcs, "dev (commit 0123456789ab, modified, built 2026-11-30T10:00:00Z)"},
		{"go install at a version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "v0.4.0"},
		{"nothing known", "", "", "", nil, "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(tt.version, tt.commit, tt.date, tt.bi)
			if got.String() != tt.want {
				t.Errorf("got %q, want %q", got.String(), tt.want)
			}
			if got.Platform == "" || got.GoVersion == "" {
				t.Errorf("platform or Go version missing: %+v", got)
			}
		})
	}
}

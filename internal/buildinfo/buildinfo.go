// Package buildinfo says which devopsctl this is: the version, commit and
// date a release build sets with -ldflags -X, or else what the Go toolchain
// recorded from version control when it built the binary.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Set at release time:
//
//	-X github.com/devopsctl/devopsctl/internal/buildinfo.Version=v1.2.3
//	-X github.com/devopsctl/devopsctl/internal/buildinfo.Commit=<sha>
//	-X github.com/devopsctl/devopsctl/internal/buildinfo.Date=<RFC 3339>
var (
	Version string
	Commit  string
	Date    string
)

// Info describes this build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	Modified  bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
	GoVersion string `json:"go"`
	Platform  string `json:"platform"`
}

// Get returns this build's info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return get(Version, Commit, Date, bi)
}

// get fills what -ldflags did not set from the toolchain's record: the module
// version (set by `go install …@v1.2.3`) and the vcs.* settings (set by a go
// build inside a git checkout).
func get(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = s.Value
				}
			case "vcs.modified":
				in.Modified = s.Value == "true" && commit == ""
			}
		}
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
	}
	if in.Version == "" {
		in.Version = "dev"
	}
	return in
}

// String is the one-line form: "v1.2.3 (commit 1a2b3c4, built 2026-01-02)".
func (in Info) String() string {
	s := in.Version
	var parts []string
	if in.Commit != "" {
		c := in.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if in.Modified {
			c += ", modified"
		}
		parts = append(parts, "commit "+c)
	}
	if in.Date != "" {
		parts = append(parts, "built "+in.Date)
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

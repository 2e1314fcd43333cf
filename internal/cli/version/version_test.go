package version

import (
	"encoding/json"
	"testing"

	"github.com/devopsctl/devopsctl/internal/buildinfo"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

func TestRun(t *testing.T) {
	info := buildinfo.Info{Version: "v1.2.3", Commit: "abc1234", Date: "2026-12-01T00:00:00Z", GoVersion: "go1.26.8", Platform: "linux/amd64"}
	io, _, out, _ := iostreams.Test()
	if err := Run(&Options{IO: io, Output: "text", Info: func() buildinfo.Info { return info }}); err != nil {
		t.Fatal(err)
	}
	if want := "devopsctl v1.2.3 (commit abc1234, built 2026-12-01T00:00:00Z)\ngo1.26.8 linux/amd64\n"; out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
	io, _, out, _ = iostreams.Test()
	if err := Run(&Options{IO: io, Output: "json", Info: func() buildinfo.Info { return info }}); err != nil {
		t.Fatal(err)
	}
	var got buildinfo.Info
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got != info {
		t.Errorf("JSON %s: %+v, %v", out, got, err)
	}
}

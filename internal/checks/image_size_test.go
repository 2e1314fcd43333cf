package checks

import (
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/testenv"
)

func TestImageSize(t *testing.T) {
	eng := testenv.Engine(t)
	const lab = "test-image-size"
	// The test server is a few MB in one layer; a second copy adds a layer.
	tests := []struct {
		name      string
		image     string
		with      string
		status    Status
		reason    string
		inMessage string
	}{
		{name: "small enough", image: scratchServer, with: "max_mb: 50\nmax_layers: 3", status: Pass},
		{name: "no image", with: "max_mb: 50", status: Fail, reason: "no-image"},
		{name: "too large", image: scratchServer, with: "max_mb: 1", status: Fail, reason: "too-large", inMessage: "at most 1 MB"},
		{name: "too many layers", image: scratchServer + "COPY server /server2\nCOPY server /server3\n", with: "max_layers: 2", status: Fail, reason: "too-many-layers", inMessage: "3 layers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.image == "" {
			} else {
				dir = buildTestImageFrom(t, eng, lab, tt.image)
			}
			r := run(t, mustCheck(t, "image_size", tt.with), engineEnv(dir, lab, eng))
			wantStatus(t, r, tt.status, tt.reason)
			if !strings.Contains(r.Message, tt.inMessage) {
				t.Errorf("message %q lacks %q", r.Message, tt.inMessage)
			}
		})
	}
}

func TestImageSizeParams(t *testing.T) {
	k, _ := Lookup("image_size")
	for _, with := range []string{"", "max_mb: -1", "max_mb: 0", "size: 3"} {
		if _, err := k.New(nodeOf(t, with)); err == nil {
			t.Errorf("with %q: want a parameter error", with)
		}
	}
}

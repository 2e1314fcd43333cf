package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

const (
	// LabelManaged marks everything devopsctl creates on the engine.
	LabelManaged = "io.devopsctl.managed"
	// LabelLab names the lab a resource was created for.
	LabelLab = "io.devopsctl.lab"
	// LabelRun names one check run, so that its cleanup removes only what that
	// run made even while other runs of the same lab go on.
	LabelRun = "io.devopsctl.run"
	// LabelWorkspace is the absolute path of the workspace a resource was made for.
	LabelWorkspace = "io.devopsctl.workspace"
	// LabelFixture marks base images built locally by scripts/offline-images.sh.
	LabelFixture = "io.devopsctl.fixture"
	// ImageRepo is the repository under which workspace images are tagged.
	ImageRepo = "devopsctl-lab"
)

// Labels returns the labels for a resource created for a lab.
func Labels(labID string) map[string]string {
	l := map[string]string{LabelManaged: "true"}
	if labID != "" {
		l[LabelLab] = labID
	}
	return l
}

// LabMatch matches the resources of one lab ("" matches every lab).
func LabMatch(labID string) map[string]string {
	if labID == "" {
		return nil
	}
	return map[string]string{LabelLab: labID}
}

// ImageTag is the tag a lab's image is built under for one workspace. The
// workspace is part of the tag so that checks of several workspaces of the same
// lab (a class's submissions) never run each other's images.
func ImageTag(labID, workspace string) string {
	sum := sha256.Sum256([]byte(workspace))
	return ImageRepo + ":" + sanitizeTag(labID) + "-" + hex.EncodeToString(sum[:4])
}

func sanitizeTag(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "workspace"
	}
	return b.String()
}

package docker

import "strings"

const (
	// LabelManaged marks everything devopsctl creates on the engine.
	LabelManaged = "io.devopsctl.managed"
	// LabelLab names the lab a resource was created for.
	LabelLab = "io.devopsctl.lab"
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

// ImageTag is the tag a lab's workspace image is built under.
func ImageTag(labID string) string {
	return ImageRepo + ":" + sanitizeTag(labID)
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

package checks

import (
	"context"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"

	"github.com/devopsctl/devopsctl/internal/docker"
	"gopkg.in/yaml.v3"
)

// ReasonTooManyLayers: the image has more layers than the lab allows (an image
// over max_mb fails with the shared too-large).
const ReasonTooManyLayers Reason = "too-many-layers"

var imageSizeKind = Kind{
	Name:        "image_size",
	Summary:     "keeps the built image under a size and layer budget",
	NeedsEngine: true,
	Reasons:     []Reason{ReasonNoImage, ReasonTooLarge, ReasonTooManyLayers},
	New:         newImageSize,
}

type imageSize struct {
	MaxMB     float64 `yaml:"max_mb"`
	MaxLayers int     `yaml:"max_layers"`
}

func newImageSize(params *yaml.Node) (Check, error) {
	c := &imageSize{}
	if err := Decode(params, c); err != nil {
		return nil, err
	}
	if c.MaxMB < 0 || c.MaxLayers < 0 || (c.MaxMB == 0 && c.MaxLayers == 0) {
		return nil, fmt.Errorf("give max_mb or max_layers, above 0")
	}
	return c, nil
}

func (c *imageSize) Run(ctx context.Context, env *Env) Result {
	img, err := env.Engine.InspectImage(ctx, env.ImageTag())
	if errors.Is(err, docker.ErrNotFound) {
		return Failf(ReasonNoImage, "There is no image %s to measure yet: it is made by the build step.", env.ImageTag())
	}
	if err != nil {
		return Errorf("%v", err)
	}
	mb := float64(img.Size) / 1e6
	evidence := fmt.Sprintf("size %.1f MB, %s", mb, plural.N(img.Layers, "layer"))
	if c.MaxMB > 0 && mb > c.MaxMB {
		return Failf(ReasonTooLarge, "Your image is %.1f MB; the lab asks for at most %.0f MB (%.0f times too big).", mb, c.MaxMB, mb/c.MaxMB).
			WithEvidence(evidence).
			WithHint("Build in one stage and copy only the finished program into a small final stage (FROM scratch or a tiny base).")
	}
	if c.MaxLayers > 0 && img.Layers > c.MaxLayers {
		return Failf(ReasonTooManyLayers, "Your image has %s; the lab asks for at most %d.", plural.N(img.Layers, "layer"), c.MaxLayers).
			WithEvidence(evidence).
			WithHint("Every RUN, COPY and ADD adds a layer: join related RUN commands with &&, and copy what belongs together in one COPY.")
	}
	limit := ""
	if c.MaxMB > 0 {
		limit = fmt.Sprintf(" (limit %.0f MB)", c.MaxMB)
	}
	return Passf("Your image is %.1f MB with %s%s.", mb, plural.N(img.Layers, "layer"), limit).WithEvidence(evidence)
}

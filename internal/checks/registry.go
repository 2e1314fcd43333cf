package checks

import (
	"maps"
	"slices"
)

// kinds is every check kind lab.yaml can name: one line each, sorted by name.
var kinds = map[string]Kind{
	"ab_test":            abTestKind,
	"answers":            answersKind,
	"compose_file":       composeFileKind,
	"compose_up":         composeUpKind,
	"container_http":     containerHTTPKind,
	"dockerfile_lint":    dockerfileLintKind,
	"file_exists":        fileExistsKind,
	"gitlab_structure":   gitlabStructureKind,
	"image_build":        imageBuildKind,
	"image_metadata":     imageMetadataKind,
	"image_size":         imageSizeKind,
	"pipeline_gate":      pipelineGateKind,
	"rollout_sim":        rolloutSimKind,
	"swarm_rollout":      swarmRolloutKind,
	"workflow_lint":      workflowLintKind,
	"workflow_structure": workflowStructureKind,
}

// Lookup returns the kind registered under name.
func Lookup(name string) (Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// Names lists the registered kinds, sorted.
func Names() []string { return slices.Sorted(maps.Keys(kinds)) }

// Kinds lists the registered kinds, sorted by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, n := range Names() {
		out = append(out, kinds[n])
	}
	return out
}

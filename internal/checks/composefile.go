package checks

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"

	"github.com/devopsctl/devopsctl/internal/rollout"
)

// loadCompose reads the learner's compose file rel, and every file one of its
// services extends, through the workspace root with the learner-file cap, and
// gives the compose loader their content: nothing it reads is opened again by
// path after the check, and nothing outside the workspace is read.
func loadCompose(ctx context.Context, env *Env, rel, full, service string) (rollout.Scenario, Result, bool) {
	data, err := readLearnerFile(env.Dir, rel)
	if r, ok := unreadableLearnerFile(rel, err); ok {
		return rollout.Scenario{}, r, false
	}
	if err != nil {
		return rollout.Scenario{}, Errorf("read %s: %v", rel, err), false
	}
	sc, err := rollout.FromComposeContent(ctx, rollout.ComposeSource{
		Name: full, Dir: filepath.Dir(full), Data: data,
		Read: func(name string) ([]byte, error) {
			if filepath.IsAbs(name) {
				return nil, errors.New("give it as a path inside the workspace, relative to the compose file")
			}
			b, err := readLearnerFile(env.Dir, path.Join(path.Dir(rel), filepath.ToSlash(name)))
			switch {
			case errors.Is(err, ErrOutsideWorkspace):
				return nil, errors.New("it is outside the workspace; devopsctl reads only files inside it")
			case errors.Is(err, errTooLarge):
				return nil, fmt.Errorf("it is over %d KiB", MaxLearnerFile>>10)
			}
			return b, err
		},
	}, service)
	if err != nil {
		return sc, composeFailure(rel, full, err), false
	}
	return sc, Result{}, true
}

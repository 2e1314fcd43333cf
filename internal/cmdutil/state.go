package cmdutil

import (
	"errors"

	"github.com/devopsctl/devopsctl/internal/state"
)

// StateError gives an error from the state folder its exit code: a folder
// that cannot be written is the environment (3); a damaged file, or one from a
// newer devopsctl, is bad input (2).
func StateError(err error) error {
	if err == nil {
		return nil
	}
	var we *state.WriteError
	if errors.As(err, &we) {
		return EnvironmentError(err)
	}
	return UsageError(err)
}

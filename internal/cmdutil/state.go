package cmdutil

import (
	"errors"

	"github.com/devopsctl/devopsctl/internal/state"
)

// StateError gives an error from the state folder its exit code: a folder
// that cannot be written or read is the environment (3); a damaged file, or one from a
// newer devopsctl, is bad input (2).
func StateError(err error) error {
	if err == nil {
		return nil
	}
	var fe *state.FolderError
	if errors.As(err, &fe) {
		return EnvironmentError(err)
	}
	return UsageError(err)
}

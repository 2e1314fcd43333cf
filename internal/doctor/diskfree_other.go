//go:build !unix && !windows

package doctor

import "errors"

func diskFree(path string) (uint64, error) {
	return 0, errors.New("not known on this system")
}

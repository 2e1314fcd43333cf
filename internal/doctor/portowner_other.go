//go:build !linux

package doctor

// portOwner is not known here without tools of the system's own.
func portOwner(port int) string { return "" }

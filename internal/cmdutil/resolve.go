package cmdutil

import (
	"errors"

	"github.com/devopsctl/devopsctl/internal/labs"
)

// ResolveFunc finds the lab a command is about and the workspace it works in.
// id may be empty: the lab is then the one of the workspace found in dir (""
// meaning the current folder) or a parent. The workspace is nil when none is
// found, or when the one found belongs to another lab than id names; callers
// that need one say so in their own words.
type ResolveFunc func(id, dir string) (*labs.Lab, *labs.Workspace, error)

// WorkspaceFunc finds the workspace in dir ("" meaning the current folder) or
// a parent. Every error is bad input (exit 2); when there is simply no
// workspace, the error matches labs.ErrNoWorkspace and says how to start one.
type WorkspaceFunc func(dir string) (*labs.Workspace, error)

// findWorkspace is the one reading of workspace markers every command uses.
func findWorkspace(dir string) (*labs.Workspace, error) {
	if dir == "" {
		dir = "."
	}
	ws, err := labs.FindWorkspace(dir)
	if err != nil {
		return nil, UsageError(err)
	}
	return ws, nil
}

// NoWorkspace reports whether err only says that no workspace was found.
func NoWorkspace(err error) bool { return errors.Is(err, labs.ErrNoWorkspace) }

// resolveLab is the Factory's ResolveFunc. A workspace started from an
// instructor pack remembers its pack, so the lab loads without --labs.
func (f *Factory) resolveLab(id, dir string) (*labs.Lab, *labs.Workspace, error) {
	ws, err := f.Workspace(dir)
	if err != nil && (id == "" || !NoWorkspace(err)) {
		return nil, nil, err
	}
	if ws != nil {
		f.RememberPack(ws)
	}
	if id == "" {
		id = ws.Marker.Lab
	}
	cat, err := f.Catalog()
	if err != nil {
		return nil, nil, err
	}
	lab, err := cat.Get(id)
	if err != nil {
		return nil, nil, UsageError(err)
	}
	if ws != nil && ws.Marker.Lab != lab.ID {
		ws = nil
	}
	return lab, ws, nil
}

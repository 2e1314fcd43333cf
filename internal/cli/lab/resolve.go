package lab

import (
	"errors"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// resolveLab finds the lab a verb is about: the id given, or else the lab of the
// workspace the current folder is in.
func resolveLab(f *cmdutil.Factory, id string) (*labs.Lab, *labs.Workspace, error) {
	ws, werr := labs.FindWorkspace(".")
	if werr != nil && !errors.Is(werr, labs.ErrNoWorkspace) {
		return nil, nil, cmdutil.UsageError(werr)
	}
	if ws != nil {
		f.RememberPack(ws)
	}
	cat, err := f.Catalog()
	if err != nil {
		return nil, nil, err
	}
	if id == "" {
		if werr != nil {
			return nil, nil, cmdutil.UsageError(werr)
		}
		id = ws.Marker.Lab
	}
	lab, err := cat.Get(id)
	if err != nil {
		return nil, nil, cmdutil.UsageError(err)
	}
	if ws != nil && ws.Marker.Lab != lab.ID {
		ws = nil
	}
	return lab, ws, nil
}

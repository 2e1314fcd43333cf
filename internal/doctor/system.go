package doctor

import (
	"fmt"
	"net"
	"os"
	"runtime"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/state"
)

// SystemEnv is the Env of this machine, with the engine and catalog given.
func SystemEnv(version string, engine func() (docker.Engine, error), catalog func() (*labs.Catalog, error)) *Env {
	return &Env{
		Version:   version,
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
		Getenv:    os.Getenv,
		ReadFile:  os.ReadFile,
		Engine:    engine,
		StateDir:  state.Dir,
		DiskFree:  diskFree,
		PortFree:  portFree,
		PortOwner: portOwner,
		Catalog:   catalog,
	}
}

// portFree listens on the port on every address, as `docker run -p` binds it.
func portFree(port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return err
	}
	return l.Close()
}

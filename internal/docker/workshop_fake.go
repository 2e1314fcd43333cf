package docker

import (
	"context"
	"io"
)

// WorkshopFake is a Workshop for tests, one func field per method; a nil field
// answers with errFakeUnset.
type WorkshopFake struct {
	InfoFunc           func(ctx context.Context) (EngineInfo, error)
	PublishedPortsFunc func(ctx context.Context) (map[int]string, error)
	SaveImagesFunc     func(ctx context.Context, refs []string) (io.ReadCloser, error)
	LoadImagesFunc     func(ctx context.Context, r io.Reader) ([]string, error)
}

func (f *WorkshopFake) Info(ctx context.Context) (EngineInfo, error) {
	if f.InfoFunc == nil {
		return EngineInfo{}, errFakeUnset
	}
	return f.InfoFunc(ctx)
}

func (f *WorkshopFake) PublishedPorts(ctx context.Context) (map[int]string, error) {
	if f.PublishedPortsFunc == nil {
		return nil, errFakeUnset
	}
	return f.PublishedPortsFunc(ctx)
}

func (f *WorkshopFake) SaveImages(ctx context.Context, refs []string) (io.ReadCloser, error) {
	if f.SaveImagesFunc == nil {
		return nil, errFakeUnset
	}
	return f.SaveImagesFunc(ctx, refs)
}

func (f *WorkshopFake) LoadImages(ctx context.Context, r io.Reader) ([]string, error) {
	if f.LoadImagesFunc == nil {
		return nil, errFakeUnset
	}
	return f.LoadImagesFunc(ctx, r)
}

package testenv

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// imageStore is a fake engine's images: each with its labels and parent, and
// the engine's rule that an image another builds on cannot be removed.
type imageStore struct {
	labels  map[string]map[string]string
	parent  map[string]string
	removed []string
	stuck   string // an image the engine never lets go of
}

func (s *imageStore) engine() *docker.Fake {
	return &docker.Fake{
		ListManagedFunc: func(_ context.Context, match map[string]string) (docker.Resources, error) {
			var res docker.Resources
			for id, l := range s.labels {
				ok := l[docker.LabelManaged] == "true"
				for k, v := range match {
					ok = ok && l[k] == v
				}
				if ok {
					res.Images = append(res.Images, id)
				}
			}
			slices.Sort(res.Images) // parents ("a…") first: the order that conflicts
			return res, nil
		},
		RemoveImageFunc: func(_ context.Context, id string) error {
			for child, p := range s.parent {
				if p == id {
					return errors.New("conflict: image " + id + " has dependent child images (" + child + ")")
				}
			}
			if id == s.stuck {
				return errors.New("image " + id + " is in use")
			}
			delete(s.labels, id)
			delete(s.parent, id)
			s.removed = append(s.removed, id)
			return nil
		},
	}
}

func TestRemoveImages(t *testing.T) {
	mine := map[string]string{docker.LabelManaged: "true", docker.LabelLab: "l", docker.LabelWorkspace: "/ws/mine"}
	theirs := map[string]string{docker.LabelManaged: "true", docker.LabelLab: "l", docker.LabelWorkspace: "/ws/theirs"}
	tests := []struct {
		name        string
		store       imageStore
		wantRemoved []string
		wantErr     string
	}{
		{
			name: "a rebuilt image and the one its tag moved from, one built on the other",
			store: imageStore{
				labels: map[string]map[string]string{"a-old": mine, "b-new": mine},
				parent: map[string]string{"b-new": "a-old"},
			},
			wantRemoved: []string{"a-old", "b-new"},
		},
		{
			name: "another workspace's image of the same lab stays",
			store: imageStore{
				labels: map[string]map[string]string{"a-mine": mine, "b-theirs": theirs},
				parent: map[string]string{},
			},
			wantRemoved: []string{"a-mine"},
		},
		{
			name:    "an image the engine keeps is reported",
			store:   imageStore{labels: map[string]map[string]string{"a-stuck": mine}, parent: map[string]string{}, stuck: "a-stuck"},
			wantErr: "1 images, 0 containers still there",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RemoveImages(tt.store.engine(), WorkspaceMatch("/ws/mine"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(tt.store.removed)
			if !slices.Equal(tt.store.removed, tt.wantRemoved) {
				t.Errorf("removed %v, want %v", tt.store.removed, tt.wantRemoved)
			}
		})
	}
}

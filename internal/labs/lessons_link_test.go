package labs_test

import (
	"testing"

	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/lessons"
)

// Every lesson a lab points to must exist, so that the lab's "read more" works.
func TestLabLessonsExist(t *testing.T) {
	cat, err := labs.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range cat.Labs() {
		for _, id := range l.Lessons {
			if _, err := lessons.Get(id); err != nil {
				t.Errorf("lab %s links lesson %q: %v", l.ID, id, err)
			}
		}
	}
}

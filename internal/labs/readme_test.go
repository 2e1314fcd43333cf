package labs

import "testing"

func TestLearnerTextLeavesOutAuthorSections(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"at the end",
			"# Lab\n\nDo this.\n\n## For instructors\n\nstarter/ is what learners get.\n",
			"# Lab\n\nDo this.\n"},
		{"in the middle, up to the next heading",
			"# Lab\n\n## For authors\n\nsecret\n\n## Check your work\n\nrun check\n",
			"# Lab\n\n## Check your work\n\nrun check\n"},
		{"a level-3 heading stays inside the section",
			"# Lab\n\n## For Instructors\n\n### Grading\n\nsecret\n",
			"# Lab\n"},
		{"a heading inside a code block is code",
			"# Lab\n\n```sh\n## For instructors\necho hi\n```\n\nend\n",
			"# Lab\n\n```sh\n## For instructors\necho hi\n```\n\nend\n"},
		{"a code block inside the section goes with it",
			"# Lab\n\n## For instructors\n\n```\n## Check\n```\n\n## Next\n\nok\n",
			"# Lab\n\n## Next\n\nok\n"},
		{"no section", "# Lab\n\nAll of it.\n", "# Lab\n\nAll of it.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LearnerText(tt.in); got != tt.want {
				t.Errorf("LearnerText:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

package dockerfile

import (
	"slices"
	"testing"
)

func TestBaseImages(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
	}{
		{"one stage", "FROM golang:1.26\nCMD [\"x\"]\n", []string{"golang:1.26"}},
		{"multi-stage to scratch", "FROM golang:1.26 AS build\nRUN true\nFROM scratch\nCOPY --from=build /a /a\n", []string{"golang:1.26"}},
		{"stage built on a stage", "FROM busybox:1.36 AS base\nFROM base AS two\nFROM two\n", []string{"busybox:1.36"}},
		{"copy from an image", "FROM scratch\nCOPY --from=busybox:1.36 /bin/busybox /bin/sh\n", []string{"busybox:1.36"}},
		{"copy from a stage index", "FROM golang:1.26\nRUN true\nFROM scratch\nCOPY --from=0 /a /a\n", []string{"golang:1.26"}},
		{"meta arg default", "ARG GO=1.26\nFROM golang:${GO}\n", []string{"golang:1.26"}},
		{"repeated base", "FROM busybox:1.36 AS a\nFROM busybox:1.36 AS b\n", []string{"busybox:1.36"}},
		{"platform flag", "FROM --platform=$BUILDPLATFORM golang:1.26 AS b\nFROM scratch\n", []string{"golang:1.26"}},
		{"scratch only", "FROM scratch\nCOPY a /a\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BaseImages([]byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("BaseImages = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBaseImagesRefusesBrokenFiles(t *testing.T) {
	for name, file := range map[string]string{
		"no from":  "RUN true\n",
		"bad flag": "FROM --nope=1 busybox\n",
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := BaseImages([]byte(file)); err == nil {
				t.Errorf("BaseImages(%q) = %q, want an error", file, got)
			}
		})
	}
}

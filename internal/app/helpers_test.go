package app_test

import (
	"bytes"

	"github.com/devopsctl/devopsctl/internal/iostreams"
)

func iostreamsTest() (*iostreams.IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	return iostreams.Test()
}

package dockerfile

import (
	"strings"
	"testing"
)

// FuzzLint proves that no input, however broken, makes Lint panic or return a
// finding without a position and a way out.
func FuzzLint(f *testing.F) {
	for _, seed := range []string{
		good,
		"",
		"\x00\xff",
		"FROM a AS b\nFROM b\nCOPY <<EOF /x\nhi\nEOF\n",
		"# escape=`\nFROM a\nRUN echo `\n  hi\n",
		"ARG X\nFROM ${X:-alpine}:${Y}\nONBUILD RUN x\nHEALTHCHECK CMD true\nCMD x\n",
		"FROM a\nRUN --mount=type=cache,target=/x echo\nADD --chmod=755 a b\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := Lint("Dockerfile", data)
		if err != nil {
			return
		}
		for _, fd := range fs {
			if fd.Line < 1 || fd.Message == "" || fd.Fix == "" || !strings.HasPrefix(fd.String(), "Dockerfile:") {
				t.Fatalf("malformed finding %#v", fd)
			}
		}
	})
}

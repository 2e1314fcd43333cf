package checks

import (
	"slices"
	"strings"
	"testing"
)

// classicLog is the classic builder's output for a 3-instruction Dockerfile
// built with two labels, as Docker 20.10 prints it.
const classicLog = `Step 1/5 : FROM busybox:1.36
 ---> 3f57d9401f8d
Step 2/5 : COPY app /app
 ---> 5b2c1a1e2f3d
Step 3/5 : CMD ["/app"]
 ---> Running in 886d033c4702
Removing intermediate container 886d033c4702
 ---> 16f24e1c1030
Step 4/5 : LABEL io.devopsctl.lab=dockerfile
 ---> Running in a829400f22c5
Removing intermediate container a829400f22c5
 ---> 16b437dc07c2
Step 5/5 : LABEL io.devopsctl.managed=true
 ---> Running in c35045965aeb
Removing intermediate container c35045965aeb
 ---> f5613fb82368
Successfully built f5613fb82368
Successfully tagged devopsctl-lab:dockerfile-1c4298c5
`

const threeSteps = "FROM busybox:1.36\n# a comment\nCOPY app /app\nCMD [\"/app\"]\n"

func TestBuildOutputCountsTheLearnersSteps(t *testing.T) {
	var out strings.Builder
	w := newBuildOutput(&out, []byte(threeSteps))
	// The engine's stream splits lines anywhere.
	for chunk := range slices.Chunk([]byte(classicLog), 7) {
		w.Write(chunk)
	}
	w.Flush()
	got := out.String()
	for _, want := range []string{"Step 1/3 : FROM busybox:1.36\n", "Step 3/3 : CMD [\"/app\"]\n", "Successfully tagged devopsctl-lab"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"/5", "LABEL io.devopsctl", "16b437dc07c2", "c35045965aeb"} {
		if strings.Contains(got, gone) {
			t.Errorf("output has %q:\n%s", gone, got)
		}
	}
}

func TestBuildOutputRelaysWhatItCannotCount(t *testing.T) {
	for _, dockerfile := range []string{"", "FROM a\nFROM b\nRUN x\nCMD y\nLABEL a=b\nUSER 1\n"} {
		if got := renumber(classicLog, []byte(dockerfile)); got != classicLog {
			t.Errorf("Dockerfile %q: the log changed:\n%s", dockerfile, got)
		}
	}
}

func TestFailingStep(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want []string
	}{
		{"copy of a missing file", "Step 1/3 : FROM scratch\n ---> \nStep 2/3 : COPY nothing-here /x\n\n",
			[]string{"Step 2/3 : COPY nothing-here /x"}},
		{"run prints why", "Step 1/2 : FROM golang:1.26\n ---> abc\nStep 2/2 : RUN go build .\n ---> Running in 1234\n\nmain.go:3:1: syntax error\n\n",
			[]string{"Step 2/2 : RUN go build .", "main.go:3:1: syntax error"}},
		{"long output keeps its end", "Step 1/1 : RUN x\n1\n2\n3\n4\n5\n6\n7\n8\n",
			[]string{"Step 1/1 : RUN x", "(2 lines before these are in the build output above)", "3", "4", "5", "6", "7", "8"}},
		{"no step", "\nerror parsing\n", []string{"error parsing"}},
		{"stderr in colour", "Step 2/2 : RUN nc 192.0.2.1 80\n ---> Running in 99\n\x1b[91mnc: can't connect: Network is unreachable\n\x1b[0m\n",
			[]string{"Step 2/2 : RUN nc 192.0.2.1 80", "nc: can't connect: Network is unreachable"}},
	}
	for _, tt := range tests {
		if got := failingStep(tt.log); !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/grade"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// compiled is the start of every answer that builds the app: the compile
// step is then cached once for all of them, as it is in a real class.
const compiled = "FROM golang:1.26\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /usr/local/bin/greeter main.go\n"

// classDockerfiles are 20 submissions of the dockerfile lab as a class hands
// them in: most correct in their own words, the rest wrong at each step.
var classDockerfiles = func() []string {
	endings := []string{
		"EXPOSE 8080\nUSER 65534\nCMD [\"greeter\"]\n",
		"EXPOSE 8080\nUSER nobody\nCMD [\"/usr/local/bin/greeter\"]\n",
		"EXPOSE 8080/tcp\nUSER 65534:65534\nENTRYPOINT [\"greeter\"]\n",
		"ENV PORT=8080\nEXPOSE 8080\nUSER 1000\nCMD [\"greeter\"]\n",
	}
	var out []string
	for i := 0; i < 10; i++ {
		out = append(out, compiled+endings[i%len(endings)])
	}
	return append(out,
		"# TODO\n",
		"WORKDIR /src\nCMD [\"greeter\"]\n",
		compiled+"EXPOSE 8080\n",
		"FROM golang:1.26\nCOPY mian.go .\nCMD [\"greeter\"]\n",
		"FROM golang:1.26\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /usr/local/bin/greeter mian.go\nCMD [\"greeter\"]\n",
		"FROM golang:latest\nCMD [\"greeter\"]\n",
		compiled+"EXPOSE 8080\nCMD [\"greeter\"]\n",
		compiled+"USER 65534\nCMD [\"greeter\"]\n",
		compiled+"EXPOSE 8080\nUSER 65534\nCMD [\"false\"]\n",
		compiled+"EXPOSE 8080\nUSER 65534\nCMD [\"greetr\"]\n",
	)
}()

// BenchmarkGradeParallel grades the same 20 submissions with --parallel 1
// and --parallel 2, in turn, and reports both and their ratio (target >= 1.6
// on two cores). The compile step is cached before timing starts, as it is
// after the first learner of a real class.
func BenchmarkGradeParallel(b *testing.B) {
	eng := testenv.Engine(b)
	lab := labtest.ShippedLab(b, "dockerfile")
	warm := labtest.Workspace(b, lab, true)
	testenv.CleanupImages(b, eng, testenv.WorkspaceMatch(warm))
	if rep := (&labs.Runner{Lab: lab, Dir: warm, Engine: eng}).Run(context.Background()); !rep.Passed {
		b.Fatalf("the solution does not pass: %+v", rep.FirstProblem())
	}
	class := b.TempDir()
	for i, df := range classDockerfiles {
		dir := filepath.Join(class, fmt.Sprintf("learner-%02d", i))
		if _, err := labs.Scaffold(lab, dir, false); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	subs, _, err := grade.Discover(class)
	if err != nil {
		b.Fatal(err)
	}
	run := func(parallel int) (time.Duration, []int) {
		start := time.Now()
		rep := grade.Grade(context.Background(), grade.Options{Lab: lab, Engine: eng, Parallel: parallel}, subs)
		scores := make([]int, len(rep.Submissions))
		for i, s := range rep.Submissions {
			scores[i] = s.Score
		}
		return time.Since(start), scores
	}
	var seq, par time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t1, s1 := run(1)
		t2, s2 := run(2)
		if fmt.Sprint(s1) != fmt.Sprint(s2) {
			b.Fatalf("scores differ between --parallel 1 and 2:\n%v\n%v", s1, s2)
		}
		seq += t1
		par += t2
	}
	b.StopTimer()
	b.ReportMetric(float64(seq.Milliseconds())/float64(b.N), "parallel1-ms/op")
	b.ReportMetric(float64(par.Milliseconds())/float64(b.N), "parallel2-ms/op")
	b.ReportMetric(float64(seq)/float64(par), "speedup")
}

package tui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// probe wraps the real model in a real bubbletea program and reports the
// moment its screen first shows a wanted text.
type probe struct {
	inner *Model
	mu    sync.Mutex
	want  string
	hit   chan struct{}
}

func (p *probe) Init() tea.Cmd { return p.inner.Init() }

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.inner.Update(msg)
	p.mu.Lock()
	if p.want != "" && strings.Contains(ansi.Strip(p.inner.View()), p.want) {
		p.want = ""
		p.hit <- struct{}{}
	}
	p.mu.Unlock()
	return p, cmd
}

func (p *probe) View() string { return p.inner.View() }

func (p *probe) expect(s string) {
	p.mu.Lock()
	p.want = s
	p.mu.Unlock()
}

// savePipeline is a lab TUI running in a bubbletea program on a workspace
// of the static test lab, watched with file events.
type savePipeline struct {
	p    *probe
	prog *tea.Program
	dir  string
	lab  *labs.Lab
	done chan struct{}
}

func startPipeline(tb testing.TB) *savePipeline {
	tb.Helper()
	cat := loadPack(tb)
	lab, err := cat.Get("tui-static")
	if err != nil {
		tb.Fatal(err)
	}
	dir := filepath.Join(tb.TempDir(), "ws")
	if _, err := labs.Scaffold(lab, dir, false); err != nil {
		tb.Fatal(err)
	}
	m := New(Options{Lab: lab, Dir: dir, Catalog: cat, Watch: WatchNotify})
	pr := &probe{inner: m, hit: make(chan struct{}, 1)}
	sp := &savePipeline{p: pr, dir: dir, lab: lab, done: make(chan struct{})}
	sp.prog = tea.NewProgram(pr, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
	pr.expect("watching for saves")
	go func() {
		defer close(sp.done)
		_, _ = sp.prog.Run()
	}()
	tb.Cleanup(func() {
		sp.prog.Quit()
		<-sp.done
		m.stop()
	})
	sp.wait(tb, 5*time.Second)
	return sp
}

func (sp *savePipeline) wait(tb testing.TB, within time.Duration) {
	tb.Helper()
	select {
	case <-sp.p.hit:
	case <-time.After(within):
		tb.Fatalf("screen never showed %q:\n%s", sp.p.want, ansi.Strip(sp.p.inner.View()))
	}
}

// save writes the Dockerfile and returns how long it took for the verdict
// to be on screen.
func (sp *savePipeline) save(tb testing.TB, content, verdict string) time.Duration {
	tb.Helper()
	sp.p.expect(verdict)
	start := time.Now()
	if err := os.WriteFile(filepath.Join(sp.dir, "Dockerfile"), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	sp.wait(tb, 5*time.Second)
	return time.Since(start)
}

var saves = []struct{ content, verdict string }{
	{validDockerfile, "all 2 checks passed"},
	{"# TODO: the base image\n", "1 of 2 checks passed, 1 failed"},
}

// TestSaveShowsVerdict drives the whole path in-process — file event,
// debounce, run, screen — and logs how long it takes.
func TestSaveShowsVerdict(t *testing.T) {
	sp := startPipeline(t)
	var took []time.Duration
	for i := 0; i < 6; i++ {
		s := saves[i%2]
		took = append(took, sp.save(t, s.content, s.verdict))
	}
	slices.Sort(took)
	t.Logf("save -> verdict on screen: median %s, max %s (debounce %s)", took[len(took)/2], took[len(took)-1], DefaultDebounce)
}

// BenchmarkSaveToVerdict measures save -> verdict on screen for a lab of
// static checks, and, as a baseline in the same run, the bare Runner.Run of
// the same lab on the same files; ratio is the first over the second.
func BenchmarkSaveToVerdict(b *testing.B) {
	sp := startPipeline(b)
	runner := &labs.Runner{Lab: sp.lab, Dir: sp.dir}
	const baseRuns = 200
	start := time.Now()
	for i := 0; i < baseRuns; i++ {
		runner.Run(context.Background())
	}
	base := time.Since(start) / baseRuns

	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		s := saves[i%2]
		total += sp.save(b, s.content, s.verdict)
	}
	b.StopTimer()
	per := total / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/save")
	b.ReportMetric(float64(base.Microseconds())/1000, "runner-ms")
	b.ReportMetric(float64(per)/float64(base), "ratio")
	// What the pipeline adds beyond the debounce it waits on purpose.
	b.ReportMetric(float64((per-DefaultDebounce).Microseconds())/1000, "ms-beyond-debounce")
}

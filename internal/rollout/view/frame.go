package view

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/rollout"
)

// MinWidth is the narrowest frame that still shows every row.
const MinWidth = 32

// FrameHeight is the number of lines Frame returns.
const FrameHeight = 6

// sparkLevels draw the error sparkline from low to high.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// Frame renders second t of the run in at most width columns: a header, one
// row of instance blocks per version, the traffic split, an error sparkline of
// the seconds up to t and the latest event. t is clamped to the timeline.
func Frame(r *rollout.Result, t, width int, s Style) string {
	width = max(width, MinWidth)
	if len(r.Timeline) == 0 {
		return fitLine("(the simulation recorded no seconds)", width)
	}
	t = min(max(t, 0), len(r.Timeline)-1)
	tk := r.Timeline[t]
	g := newGeometry(r, width)

	lines := make([]string, 0, FrameHeight)
	lines = append(lines, header(r, tk, g))
	for v := range 2 {
		lines = append(lines, versionRow(tk.Versions[v], v, g, s))
	}
	lines = append(lines, trafficRow(tk, g, s))
	lines = append(lines, errorRow(r, t, g, s))
	lines = append(lines, s.dim.Render(latestEvent(r, tk.T, width)))
	for i, l := range lines {
		lines[i] = fitLine(l, width)
	}
	return strings.Join(lines, "\n")
}

// geometry is the layout shared by every frame of one run, so blocks do not
// jump from second to second: the label column, the bar area, how many
// instances one block stands for and how wide a block is (small services get
// spaced blocks that are easy to count).
type geometry struct {
	label, area, per, cell int
	labels                 [2]string
}

const (
	statsWidth = 24 // room kept right of the bars for "10 serving 3 starting"
	minArea    = 20 // the traffic bar and the sparkline need some room
)

func newGeometry(r *rollout.Result, width int) geometry {
	g := geometry{per: 1, cell: 1}
	first := r.Timeline[0]
	for v := range 2 {
		g.labels[v] = first.Versions[v].Version
		g.label = max(g.label, ansi.StringWidth(g.labels[v]))
	}
	g.label = min(max(g.label, len("traffic")), 14)
	for v := range 2 {
		g.labels[v] = ansi.Truncate(g.labels[v], g.label, "…")
	}
	room := max(width-g.label-1-statsWidth, 8)
	most := max(mostInstances(r), 1)
	switch {
	case 2*most <= room:
		g.cell = 2
	case most > room:
		g.per = ceilDiv(most, room)
	}
	g.area = min(room, max(ceilDiv(most, g.per)*g.cell, minArea))
	return g
}

// mostInstances is the most instances one version had in any second.
func mostInstances(r *rollout.Result) int {
	most := 0
	for _, tk := range r.Timeline {
		for _, vt := range tk.Versions {
			most = max(most, vt.Starting+vt.Ready+vt.Crashed)
		}
	}
	return most
}

func (g geometry) pad(label string) string {
	return label + strings.Repeat(" ", g.label-ansi.StringWidth(label)) + " "
}

func header(r *rollout.Result, tk rollout.Tick, g geometry) string {
	h := fmt.Sprintf("t=%ds of %ds  %s", tk.T, len(r.Timeline)-1, r.Strategy)
	if tk.Phase != "" && tk.Phase != r.Strategy {
		h += " · " + tk.Phase
	}
	if g.per > 1 {
		h += fmt.Sprintf("  (1 block = %d instances)", g.per)
	}
	return h
}

// versionRow draws one version's instances: serving, idle, starting, crashed.
func versionRow(vt rollout.VersionTick, v int, g geometry, s Style) string {
	idle := vt.Ready - vt.Serving
	parts := []struct {
		n     int
		glyph string
		style func(string) string
	}{
		{vt.Serving, glyphServing, func(x string) string { return s.versions[v].Render(x) }},
		{idle, glyphIdle, func(x string) string { return s.idle[v].Render(x) }},
		{vt.Starting, glyphStarting, func(x string) string { return s.versions[v].Render(x) }},
		{vt.Crashed, glyphCrashed, func(x string) string { return s.crashed.Render(x) }},
	}
	var b strings.Builder
	b.WriteString(g.pad(g.labels[v]))
	used, slots := 0, g.area/g.cell
	for _, p := range parts {
		cells := min(ceilDiv(p.n, g.per), slots-used)
		if cells <= 0 {
			continue
		}
		run := strings.Repeat(p.glyph, cells)
		if g.cell == 2 {
			run = strings.Repeat(p.glyph+" ", cells)
		}
		b.WriteString(p.style(run))
		used += cells
	}
	b.WriteString(strings.Repeat(" ", g.area-used*g.cell))
	b.WriteString(" " + counts(vt, idle))
	return b.String()
}

// counts says in words what the blocks show.
func counts(vt rollout.VersionTick, idle int) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(vt.Serving, "serving")
	add(idle, "idle")
	add(vt.Starting, "starting")
	add(vt.Crashed, "crashed")
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// trafficRow splits the bar by each version's share of this second's
// requests; what no instance answered shows as a gap.
func trafficRow(tk rollout.Tick, g geometry, s Style) string {
	var b strings.Builder
	b.WriteString(g.pad("traffic"))
	used := 0
	for v := range 2 {
		cells := int(tk.Versions[v].Share*float64(g.area) + 0.5)
		if v == 1 {
			cells = min(cells, g.area-used)
		}
		if cells > 0 {
			b.WriteString(s.versions[v].Render(strings.Repeat(s.trafficGlyph(v), cells)))
			used += cells
		}
	}
	if used < g.area {
		b.WriteString(s.dim.Render(strings.Repeat("·", g.area-used)))
	}
	fmt.Fprintf(&b, " %s %s", sharePct(tk.Versions[0]), sharePct(tk.Versions[1]))
	return b.String()
}

func sharePct(vt rollout.VersionTick) string {
	return fmt.Sprintf("%s %d%%", vt.Version, int(vt.Share*100+0.5))
}

// errorRow is a sparkline of failed requests per second up to t, scaled to
// the worst second of the whole run so the bars do not rescale mid-way.
func errorRow(r *rollout.Result, t int, g geometry, s Style) string {
	worst := 0
	for _, tk := range r.Timeline {
		worst = max(worst, tk.Errors)
	}
	from := max(0, t+1-g.area)
	var spark strings.Builder
	var total int64
	for i := 0; i <= t; i++ {
		total += int64(r.Timeline[i].Errors)
	}
	for i := from; i <= t; i++ {
		n := r.Timeline[i].Errors
		if n == 0 {
			spark.WriteString(s.dim.Render("·"))
			continue
		}
		level := (n*len(sparkLevels) - 1) / worst
		spark.WriteString(s.errors.Render(string(sparkLevels[min(level, len(sparkLevels)-1)])))
	}
	pad := strings.Repeat(" ", g.area-(t-from+1))
	return fmt.Sprintf("%s%s%s %d failed now, %d so far", g.pad("errors"), spark.String(), pad, r.Timeline[t].Errors, total)
}

// latestEvent is the newest event at or before second t.
func latestEvent(r *rollout.Result, t, width int) string {
	msg := ""
	for _, e := range r.Events {
		if e.T > t {
			break
		}
		msg = fmt.Sprintf("t=%ds %s", e.T, e.Message)
	}
	return ansi.Truncate(msg, width, "…")
}

// fitLine cuts a line to width columns, keeping colour codes intact.
func fitLine(l string, width int) string {
	if ansi.StringWidth(l) <= width {
		return l
	}
	return ansi.Truncate(l, width, "…")
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

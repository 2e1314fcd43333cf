package view

import (
	"fmt"
	"strings"

	"github.com/devopsctl/devopsctl/internal/rollout"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
)

// Table is the plain per-second account of a run: for each second the phase,
// each version's instances by state, how many served users, the traffic split
// and the failed requests. Consecutive seconds that differ only in their
// failures are folded into one row ("40-69") with the failures summed, so a
// long steady stretch takes one line.
func Table(r *rollout.Result) string {
	var b strings.Builder
	t := tableprinter.New(&b, 0)
	for col := range 7 {
		t.AlignRight(col)
	}
	v0, v1 := "old", "new"
	if len(r.Timeline) > 0 {
		v0, v1 = r.Timeline[0].Versions[0].Version, r.Timeline[0].Versions[1].Version
	}
	t.AddRow("t", "phase", v0, v1, "serving", fmt.Sprintf("traffic %s/%s", v0, v1), "errors")
	for i := 0; i < len(r.Timeline); {
		row := tableRow(r.Timeline[i])
		j, errs := i+1, r.Timeline[i].Errors
		for j < len(r.Timeline) && tableRow(r.Timeline[j]) == row {
			errs += r.Timeline[j].Errors
			j++
		}
		sec := fmt.Sprint(r.Timeline[i].T)
		if j-i > 1 {
			sec = fmt.Sprintf("%d-%d", r.Timeline[i].T, r.Timeline[j-1].T)
		}
		t.AddRow(append(append([]string{sec}, row[:]...), fmt.Sprint(errs))...)
		i = j
	}
	t.Render()
	return b.String()
}

// tableRow is every column but t and errors.
func tableRow(tk rollout.Tick) [5]string {
	phase := tk.Phase
	if phase == "" {
		phase = "-"
	}
	return [5]string{phase, versionCell(tk.Versions[0]), versionCell(tk.Versions[1]), fmt.Sprint(tk.Serving),
		fmt.Sprintf("%d/%d", int(tk.Versions[0].Share*100+0.5), int(tk.Versions[1].Share*100+0.5))}
}

// versionCell says how many of a version's instances are in each state.
func versionCell(vt rollout.VersionTick) string {
	var parts []string
	if vt.Ready > 0 {
		p := fmt.Sprintf("%d ready", vt.Ready)
		if idle := vt.Ready - vt.Serving; idle > 0 {
			p += fmt.Sprintf(" (%d idle)", idle)
		}
		parts = append(parts, p)
	}
	if vt.Starting > 0 {
		parts = append(parts, fmt.Sprintf("%d starting", vt.Starting))
	}
	if vt.Crashed > 0 {
		parts = append(parts, fmt.Sprintf("%d crashed", vt.Crashed))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// Summary lists the figures a run is judged by.
func Summary(r *rollout.Result) string {
	var b strings.Builder
	t := tableprinter.New(&b, 0)
	row := func(k, format string, a ...any) { t.AddRow(k, fmt.Sprintf(format, a...)) }
	row("Outcome", "%s", outcomeText(r))
	row("Peak instances", "%d for %d replicas (%s)", r.PeakInstances, r.Replicas, extra(r.PeakInstances, r.Replicas))
	row("Fewest serving", "%d of %d, first at t=%ds", r.MinAvailable, r.Replicas, r.MinAvailableAtS)
	row("Mixed versions", "%ds with both versions answering users", r.MixedVersionsS)
	row("Requests", "%d, of which %d failed (%s)", r.Requests, r.Errors, percent(r.Errors, r.Requests))
	if r.Dropped > 0 {
		row("Dropped", "%d found no instance ready to answer", r.Dropped)
	}
	row("Cost", "%d instance-seconds", r.InstanceSeconds)
	t.Render()
	return b.String()
}

func outcomeText(r *rollout.Result) string {
	switch {
	case r.Completed:
		return fmt.Sprintf("%s: the new version serves alone from t=%ds", r.Outcome, r.CompleteS)
	case r.RolledBack:
		return fmt.Sprintf("%s: the old version served alone again %ds after the decision", r.Outcome, r.RollbackS)
	}
	return r.Outcome
}

func extra(peak, replicas int) string {
	if peak <= replicas {
		return "no extra instances"
	}
	// The share over the replicas, rounded: 7 for 6 replicas is 17% more.
	return fmt.Sprintf("+%d, %.0f%% more than the replicas", peak-replicas, 100*float64(peak-replicas)/float64(replicas))
}

func percent(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(part)/float64(whole))
}

// Events lists the run's notable moments, one per line.
func Events(r *rollout.Result) string {
	var b strings.Builder
	for _, e := range r.Events {
		fmt.Fprintf(&b, "t=%-4s %s\n", fmt.Sprintf("%ds", e.T), e.Message)
	}
	return b.String()
}

// Compare is one row per run with the figures that set strategies apart.
func Compare(rs []*rollout.Result) string {
	var b strings.Builder
	t := tableprinter.New(&b, 0)
	for col := range 9 {
		t.AlignRight(col)
	}
	t.AddRow("strategy", "outcome", "peak", "fewest serving", "mixed s", "failed", "failed %", "duration", "cost")
	for _, r := range rs {
		t.AddRow(string(r.Strategy), r.Outcome, fmt.Sprint(r.PeakInstances), fmt.Sprint(r.MinAvailable), fmt.Sprint(r.MixedVersionsS),
			fmt.Sprint(r.Errors), percent(r.Errors, r.Requests), fmt.Sprintf("%ds", r.DurationS), fmt.Sprint(r.InstanceSeconds))
	}
	t.Render()
	fmt.Fprintln(&b, "peak: most instances at once · fewest serving: fewest instances answering users · mixed s: seconds both versions answered · cost: instance-seconds")
	return b.String()
}

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/oomtriage/oomtriage/correlate"
)

// TextOptions control the text report.
type TextOptions struct {
	// Color marks severities, victims and incident headers with ANSI
	// colours; for terminals only (the caller decides, honouring NO_COLOR).
	Color bool
}

// WriteText writes a plain report for a person: a summary, then one block
// per incident. Lines stay within 100 columns except for long cgroup paths.
func WriteText(w io.Writer, r *Report) error {
	return WriteTextWith(w, r, TextOptions{})
}

// WriteTextWith writes the text report with the given options.
func WriteTextWith(w io.Writer, r *Report, opt TextOptions) error {
	tw := &textWriter{w: w, color: opt.Color}
	tw.summary(r)
	for i := range r.Incidents {
		tw.incident(i+1, &r.Incidents[i])
	}
	for _, warn := range r.Warnings {
		tw.printf("warning: %s\n", warn)
	}
	return tw.err
}

// textWriter remembers the first write error so the layout code stays flat.
type textWriter struct {
	w     io.Writer
	err   error
	color bool
}

// ANSI styles of the text report.
const (
	styleBold   = "1"
	styleDim    = "2"
	styleRed    = "31"
	styleYellow = "33"
	styleCyan   = "36"
)

// paint wraps s in an ANSI style when colour is on.
func (t *textWriter) paint(style, s string) string {
	if !t.color {
		return s
	}
	return "\x1b[" + style + "m" + s + "\x1b[0m"
}

func severityStyle(sev string) string {
	switch sev {
	case "error":
		return styleRed + ";" + styleBold
	case "warning":
		return styleYellow
	}
	return styleDim
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textWriter) summary(r *Report) {
	var kinds, inputs []string
	for _, inc := range r.Incidents {
		kinds = append(kinds, inc.OOMKind)
	}
	for _, in := range r.Inputs {
		inputs = append(inputs, in.Kind)
	}
	t.printf("oomtriage %s: %d incident(s) in %d input(s)", r.Tool.Version, len(r.Incidents), len(r.Inputs))
	if len(kinds) > 0 {
		t.printf(" (%s)", countInOrder(kinds))
	}
	t.printf("\n  inputs: %s\n", countInOrder(inputs))
	for _, h := range r.Hosts {
		t.printf("  host %s (%s)", show(h.Name), h.Layout)
		if len(h.Missing) > 0 {
			t.printf(": no %s", strings.Join(h.Missing, ", no "))
		}
		t.printf("\n")
	}
	for _, in := range r.Inputs {
		switch {
		case len(in.Errors) > 0:
			t.printf("  input %s: %d error(s): %s\n", in.Path, len(in.Errors), in.Errors[0])
		case in.Truncated:
			t.printf("  input %s: truncated\n", in.Path)
		}
	}
}

func (t *textWriter) incident(n int, inc *correlate.Incident) {
	t.printf("\n%s", t.paint(styleBold+";"+styleCyan, fmt.Sprintf("#%d  %s  %s", n, when(inc), inc.OOMKind)))
	if inc.Scope != nil {
		t.printf(" (scope %s)", *inc.Scope)
	}
	if inc.Host != nil {
		t.printf("  host %s", *inc.Host)
	}
	if inc.KernelVersion != nil {
		t.printf("  kernel %s", *inc.KernelVersion)
	}
	t.printf("\n")
	if tr := inc.Trigger; tr != nil {
		t.printf("    trigger   %s (pid %s, oom_score_adj %s, gfp %s, order %s)\n",
			tr.Comm, show(tr.PID), show(tr.OOMScoreAdj), show(tr.GFPMask), show(tr.Order))
	}
	if v := inc.Victim; v != nil {
		t.printf("    killed    %s (pid %d, oom_score_adj %s) anon-rss %s kB, file-rss %s kB, shmem-rss %s kB\n",
			t.paint(styleBold, v.Comm), v.PID, show(v.OOMScoreAdj), show(v.AnonRSSKB), show(v.FileRSSKB), show(v.ShmemRSSKB))
	} else {
		t.printf("    killed    nothing\n")
	}
	for _, g := range inc.GroupKills {
		t.printf("    group     %s (pid %d), memory.oom.group\n", g.Comm, g.PID)
	}
	if inc.OOMMemcg != nil {
		t.printf("    limit of  %s\n", *inc.OOMMemcg)
	}
	if m := inc.Memcg; m != nil {
		t.printf("    memcg     usage %s kB of limit %s kB, failcnt %s\n", show(m.UsageKB), show(m.LimitKB), show(m.Failcnt))
	}
	if inc.TaskMemcg != nil {
		t.printf("    cgroup    %s\n", *inc.TaskMemcg)
	}
	if k := inc.Kubernetes; k != nil {
		t.kubernetes(inc, k)
	}
	if inc.Outcome != nil {
		t.printf("    outcome   %s\n", *inc.Outcome)
	}
	t.ranking(inc)
	t.printf("    tasks     %d row(s)", len(inc.Tasks))
	if !inc.Complete {
		t.printf("; incomplete dump, missing: %s", strings.Join(inc.Missing, ", "))
	}
	t.printf("\n")
	for _, f := range inc.Findings {
		t.printf("    %s %s: %s\n", t.paint(severityStyle(f.Severity), fmt.Sprintf("%-9s", f.Severity)), f.Code, f.Message)
	}
	for _, s := range inc.Sources {
		t.printf("    source    %s:%d (%s)\n", s.Path, s.Line, s.Format)
	}
}

// kubernetes prints the victim's pod and container and the oom_score_adj
// its QoS class should give.
func (t *textWriter) kubernetes(inc *correlate.Incident, k *correlate.Kubernetes) {
	if k.Pod != nil {
		t.printf("    pod       %s/%s  container %s  QoS %s\n", show(k.Namespace), *k.Pod, show(k.Container), show(k.QOSClass))
	}
	t.printf("    pod uid   %s  container id %s  runtime %s", show(k.PodUID), short(k.ContainerID), show(k.Runtime))
	if k.Pod == nil {
		t.printf("  QoS %s", show(k.QOSClass))
	}
	t.printf("\n")
	if k.ExpectedOOMScoreAdj != nil {
		actual := "?"
		if inc.Victim != nil {
			actual = show(inc.Victim.OOMScoreAdj)
		}
		verdict := "as expected"
		if k.AdjMismatch != nil && *k.AdjMismatch {
			verdict = t.paint(styleYellow, "MISMATCH")
		}
		t.printf("    adj       expected %d, victim has %s (%s)\n", *k.ExpectedOOMScoreAdj, actual, verdict)
	}
}

// ranking prints the top candidates of the recomputed badness.
func (t *textWriter) ranking(inc *correlate.Incident) {
	names := map[int64]string{}
	adj := map[int64]string{}
	for _, task := range inc.Tasks {
		names[task.PID] = task.Name
		adj[task.PID] = show(task.OOMScoreAdj)
	}
	for i, r := range inc.Ranking {
		if i == 3 {
			t.printf("              … %d more\n", len(inc.Ranking)-3)
			break
		}
		label := "ranked"
		if i > 0 {
			label = ""
		}
		t.printf("    %-9s #%d %s (pid %d, adj %s): %d points, %d without adj\n",
			label, r.Rank, names[r.PID], r.PID, adj[r.PID], r.Points, r.PointsWithoutAdj)
	}
}

func when(inc *correlate.Incident) string {
	switch {
	case inc.Time != nil:
		return *inc.Time
	case inc.BootSeconds != nil:
		return fmt.Sprintf("boot+%.6fs", *inc.BootSeconds)
	}
	return "time unknown"
}

// countInOrder says how often each value occurs, in order of first
// appearance: "memcg 2, global 1".
func countInOrder(values []string) string {
	counts := map[string]int{}
	var order []string
	for _, v := range values {
		if counts[v] == 0 {
			order = append(order, v)
		}
		counts[v]++
	}
	parts := make([]string, 0, len(order))
	for _, v := range order {
		parts = append(parts, fmt.Sprintf("%s %d", v, counts[v]))
	}
	return strings.Join(parts, ", ")
}

// show prints an optional value, or "?" when the log did not say.
func show[T any](p *T) string {
	if p == nil {
		return "?"
	}
	return fmt.Sprint(*p)
}

func short(id *string) string {
	if id == nil {
		return "?"
	}
	if len(*id) > 13 {
		return (*id)[:13]
	}
	return *id
}

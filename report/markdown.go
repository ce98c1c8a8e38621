package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oomtriage/oomtriage/correlate"
)

// WriteMarkdown writes the text report's content as GitHub-flavoured
// Markdown tables, for pasting into a ticket: a summary, then one section
// per incident with its facts, the top of the badness ranking and the
// findings. Every string read from a log or a manifest is escaped so that it
// cannot break a table or turn into markup. The same report gives the same
// bytes.
func WriteMarkdown(w io.Writer, r *Report) error {
	mw := &textWriter{w: w}
	s := summarizeRun(r)
	mw.printf("# oomtriage report\n\n")
	mw.printf("oomtriage %s: %d OOM incident(s) in %d input(s)\n\n", mdEsc(r.Tool.Version), len(r.Incidents), len(r.Inputs))

	mw.printf("## Summary\n\n")
	mw.printf("| item | value |\n|---|---|\n")
	mw.printf("| incidents | %d |\n", len(r.Incidents))
	mw.printf("| by scope | %s |\n", mdCounts(s.ByScope))
	mw.printf("| by kind | %s |\n", mdCounts(s.ByKind))
	mw.printf("| by namespace | %s |\n", mdCounts(s.ByNamespace))
	mw.printf("| by QoS class | %s |\n", mdCounts(s.ByQoS))
	mw.printf("| hosts | %s |\n", mdCounts(s.ByHost))
	mw.printf("| time range | %s |\n", mdEsc(s.timeRange()))
	mw.printf("| inputs | %d read, %d with errors, %d truncated |\n", len(r.Inputs), s.InputsWithErrors, s.InputsTruncated)

	if len(r.Hosts) > 0 {
		mw.printf("\n### Hosts\n\n")
		mw.printf("| host | layout | kernel | boot time | collected | inputs | missing |\n|---|---|---|---|---|---|---|\n")
		for i := range r.Hosts {
			h := &r.Hosts[i]
			mw.printf("| %s | %s | %s | %s | %s | %s | %s |\n", mdEsc(hostName(h)), mdEsc(h.Layout), mdEsc(show(h.KernelRelease)),
				mdEsc(show(h.BootTime)), mdEsc(show(h.Collected)), mdEsc(hostInputs(h)), mdEsc(strings.Join(h.Missing, ", ")))
		}
	}
	if len(s.Problems) > 0 {
		mw.printf("\n### Inputs with errors or truncation\n\n")
		mw.printf("| input | kind | lines | truncated | errors |\n|---|---|---:|---|---|\n")
		for _, in := range s.Problems {
			mw.printf("| %s | %s | %d | %s | %s |\n", mdEsc(in.Path), mdEsc(in.Kind), in.Lines,
				mdYesNo(in.Truncated), mdEsc(strings.Join(in.Errors, "\n")))
		}
	}
	if len(r.Warnings) > 0 {
		mw.printf("\n### Warnings\n\n")
		for _, warn := range r.Warnings {
			mw.printf("- %s\n", mdEsc(warn))
		}
	}
	for i := range r.Incidents {
		mdIncident(mw, i+1, &r.Incidents[i])
	}
	return mw.err
}

func mdIncident(mw *textWriter, n int, inc *correlate.Incident) {
	mw.printf("\n## %d. %s, scope %s, %s\n\n", n, mdEsc(incKindLabel(inc)), mdEsc(show(inc.Scope)), mdEsc(when(inc)))
	mw.printf("| field | value |\n|---|---|\n")
	row := func(k, v string) { mw.printf("| %s | %s |\n", k, v) }
	row("time", mdEsc(incWhenLong(inc)))
	row("host", mdEsc(show(inc.Host)))
	if inc.KernelVersion != nil {
		row("kernel", mdEsc(*inc.KernelVersion))
	}
	scope := mdEsc(show(inc.Scope)) + " (" + mdEsc(incKindLabel(inc))
	if inc.Constraint != nil {
		scope += ", " + mdEsc(*inc.Constraint)
	}
	row("scope", scope+")")
	if v := inc.Victim; v != nil {
		row("victim", fmt.Sprintf("%s (pid %d, uid %s)", mdEsc(v.Comm), v.PID, show(v.UID)))
	} else {
		row("victim", mdEsc(incNoVictim(inc)))
	}
	k := inc.Kubernetes
	if k != nil {
		row("pod", mdEsc(k8sPodName(k)))
		row("container", mdEsc(k8sContainerName(k)))
		row("QoS class", mdEsc(show(k.QOSClass)))
	} else {
		row("pod", "not in a pod cgroup (or not known)")
	}
	row("memory at kill", mdEsc(incMemoryLine(inc)))
	if v := inc.Victim; v != nil {
		row("victim RSS", fmt.Sprintf("anon %s kB, file %s kB, shmem %s kB", show(v.AnonRSSKB), show(v.FileRSSKB), show(v.ShmemRSSKB)))
	}
	row("oom_score_adj", mdEsc(incAdjLine(inc)))
	row("outcome", mdEsc(show(inc.Outcome)))
	if tr := inc.Trigger; tr != nil {
		row("trigger", fmt.Sprintf("%s (pid %s, oom_score_adj %s, gfp %s, order %s)",
			mdEsc(tr.Comm), show(tr.PID), show(tr.OOMScoreAdj), mdEsc(show(tr.GFPMask)), show(tr.Order)))
	}
	for _, g := range inc.GroupKills {
		row("group kill", fmt.Sprintf("%s (pid %d), memory.oom.group", mdEsc(g.Comm), g.PID))
	}
	if inc.OOMMemcg != nil {
		row("limit of", mdEsc(*inc.OOMMemcg))
	}
	if inc.TaskMemcg != nil {
		row("cgroup", mdEsc(*inc.TaskMemcg))
	}
	tasks := fmt.Sprintf("%d row(s)", len(inc.Tasks))
	if inc.TasksDropped > 0 {
		tasks += fmt.Sprintf(", %d dropped", inc.TasksDropped)
	}
	if !inc.Complete {
		tasks += "; incomplete dump, missing: " + mdEsc(strings.Join(inc.Missing, ", "))
	}
	row("tasks", tasks)
	for i := range inc.KubeletEvents {
		row("event", mdEsc(eventLine(&inc.KubeletEvents[i])))
	}
	for _, src := range inc.Sources {
		row("source", mdEsc(fmt.Sprintf("%s:%d (%s)", src.Path, src.Line, src.Format)))
	}
	row("id", mdEsc(inc.ID))

	if len(inc.Ranking) > 0 {
		top := min(3, len(inc.Ranking))
		mw.printf("\n**Ranking** (recomputed badness, top %d of %d)\n\n", top, len(inc.Ranking))
		mw.printf("| rank | pid | process | oom_score_adj | points | without adj |\n|---:|---:|---|---:|---:|---:|\n")
		tasks := incTasksByPID(inc)
		for _, rk := range inc.Ranking[:top] {
			name, adj := "?", "?"
			if t, ok := tasks[rk.PID]; ok {
				name, adj = t.Name, show(t.OOMScoreAdj)
			}
			name = mdEsc(name)
			if inc.Victim != nil && int64(inc.Victim.PID) == rk.PID {
				name += " (killed)"
			}
			mw.printf("| %d | %d | %s | %s | %d | %d |\n", rk.Rank, rk.PID, name, adj, rk.Points, rk.PointsWithoutAdj)
		}
	}
	if len(inc.Findings) > 0 {
		mw.printf("\n**Findings**\n\n")
		for _, f := range inc.Findings {
			mw.printf("- **%s** %s: %s\n", mdEsc(f.Severity), mdEsc(f.Code), mdEsc(f.Message))
		}
	}
}

// mdEsc makes a string safe inside a Markdown table cell or list item:
// markup characters are backslash-escaped (so "|" cannot end a cell, a
// backtick cannot open a code span and "<" cannot open HTML), and line
// breaks become <br>, the only way to break a line inside a cell.
func mdEsc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// CRLF: one break.
		case c == '\n' || c == '\r':
			b.WriteString("<br>")
		case c == '\t':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\\x%02x`, c)
		case strings.IndexByte("\\`*_[]<>|&~#!", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func mdCounts(cs []keyCount) string {
	if len(cs) == 0 {
		return "none"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %d", mdEsc(c.Key), c.N)
	}
	return strings.Join(parts, ", ")
}

func mdYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// unknownKey labels a value the inputs did not give.
const unknownKey = "(unknown)"

// keyCount is how many incidents share one value.
type keyCount struct {
	Key string
	N   int
}

// runSummary is what the Markdown and HTML reports say about the whole run.
type runSummary struct {
	ByScope, ByKind, ByNamespace, ByQoS, ByHost []keyCount

	Timed, BootOnly, Untimed int
	First, Last              string
	BootMin, BootMax         float64

	Problems                          []Input
	InputsWithErrors, InputsTruncated int
}

func summarizeRun(r *Report) runSummary {
	var s runSummary
	scope, kind, ns, qos, host := keyCounter{}, keyCounter{}, keyCounter{}, keyCounter{}, keyCounter{}
	var first, last time.Time
	for i := range r.Incidents {
		inc := &r.Incidents[i]
		scope.add(orUnknownKey(inc.Scope))
		kind.add(incKindLabel(inc))
		ns.add(incNamespaceKey(inc))
		qos.add(incQoSKey(inc))
		host.add(orUnknownKey(inc.Host))
		if t, ok := incWallClock(inc); ok {
			if s.Timed == 0 || t.Before(first) {
				first, s.First = t, *inc.Time
			}
			if s.Timed == 0 || t.After(last) {
				last, s.Last = t, *inc.Time
			}
			s.Timed++
			continue
		}
		if inc.BootSeconds != nil {
			b := *inc.BootSeconds
			if s.BootOnly == 0 || b < s.BootMin {
				s.BootMin = b
			}
			if s.BootOnly == 0 || b > s.BootMax {
				s.BootMax = b
			}
			s.BootOnly++
			continue
		}
		s.Untimed++
	}
	s.ByScope, s.ByKind, s.ByNamespace, s.ByQoS, s.ByHost = scope.sorted(), kind.sorted(), ns.sorted(), qos.sorted(), host.sorted()
	for _, in := range r.Inputs {
		if len(in.Errors) > 0 {
			s.InputsWithErrors++
		}
		if in.Truncated {
			s.InputsTruncated++
		}
		if len(in.Errors) > 0 || in.Truncated {
			s.Problems = append(s.Problems, in)
		}
	}
	return s
}

func (s runSummary) timeRange() string {
	var parts []string
	switch {
	case s.Timed == 1:
		parts = append(parts, fmt.Sprintf("%s (1 incident with wall-clock time)", s.First))
	case s.Timed > 1:
		parts = append(parts, fmt.Sprintf("%s to %s (%d incidents with wall-clock time)", s.First, s.Last, s.Timed))
	}
	switch {
	case s.BootOnly > 0 && s.BootMin == s.BootMax:
		parts = append(parts, fmt.Sprintf("%d with boot time only (boot+%s)", s.BootOnly, fmtSecs(s.BootMin)))
	case s.BootOnly > 0:
		parts = append(parts, fmt.Sprintf("%d with boot time only (boot+%s to boot+%s)", s.BootOnly, fmtSecs(s.BootMin), fmtSecs(s.BootMax)))
	}
	if s.Untimed > 0 {
		parts = append(parts, fmt.Sprintf("%d without any time", s.Untimed))
	}
	if len(parts) == 0 {
		return "no incidents"
	}
	return strings.Join(parts, "; ")
}

// keyCounter counts keys; sorted orders them by count, then name, with the
// unknown value last.
type keyCounter map[string]int

func (c keyCounter) add(k string) { c[k]++ }

func (c keyCounter) sorted() []keyCount {
	out := make([]keyCount, 0, len(c))
	for k, n := range c {
		out = append(out, keyCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Key == unknownKey) != (b.Key == unknownKey) {
			return b.Key == unknownKey
		}
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Key < b.Key
	})
	return out
}

func orUnknownKey(p *string) string {
	if p == nil || *p == "" {
		return unknownKey
	}
	return *p
}

func incNamespaceKey(inc *correlate.Incident) string {
	if inc.Kubernetes == nil {
		return unknownKey
	}
	return orUnknownKey(inc.Kubernetes.Namespace)
}

func incQoSKey(inc *correlate.Incident) string {
	if inc.Kubernetes == nil {
		return unknownKey
	}
	return orUnknownKey(inc.Kubernetes.QOSClass)
}

// hostName is a host's name, or its key when no fact file names it.
func hostName(h *Host) string {
	if h.Name != nil && *h.Name != "" {
		return *h.Name
	}
	return h.Key
}

// hostInputs lists how many inputs of each kind a host had.
func hostInputs(h *Host) string {
	kinds := make([]string, 0, len(h.Inputs))
	for k := range h.Inputs {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for i, k := range kinds {
		kinds[i] = fmt.Sprintf("%s %d", k, h.Inputs[k])
	}
	return strings.Join(kinds, ", ")
}

// incKindLabel names what happened: "memcg OOM kill" for the kernel's
// kills, the incident kind ("eviction", …) for the others.
func incKindLabel(inc *correlate.Incident) string {
	if inc.Kind == "oom_kill" || inc.Kind == "" {
		return inc.OOMKind + " OOM kill"
	}
	return inc.Kind
}

// incNoVictim says why an incident has no killed task.
func incNoVictim(inc *correlate.Incident) string {
	if inc.Kind == "oom_kill" || inc.Kind == "" {
		return "nothing killed"
	}
	return "no kernel record (" + inc.Kind + ")"
}

// eventLine is a kubelet, runtime or API event in one line.
func eventLine(e *correlate.Event) string {
	s := show(e.Time) + " " + e.Kind
	if e.Pod != nil {
		s += " " + *e.Pod
	}
	if e.Container != nil {
		s += " container " + *e.Container
	}
	if e.ExitCode != nil {
		s += fmt.Sprintf(" exit %d", *e.ExitCode)
	}
	if e.Reason != nil {
		s += " (" + *e.Reason + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s + fmt.Sprintf(" [%s:%d]", e.Source.Path, e.Source.Line)
}

// incWallClock parses the incident's time, when it has one.
func incWallClock(inc *correlate.Incident) (time.Time, bool) {
	if inc.Time == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, *inc.Time)
	return t, err == nil
}

// incWhenLong is the wall-clock time and the boot stamp, whichever are known.
func incWhenLong(inc *correlate.Incident) string {
	var parts []string
	if inc.Time != nil {
		s := *inc.Time
		if inc.TimeSource != nil {
			s += " (" + *inc.TimeSource + ")"
		}
		parts = append(parts, s)
	}
	if inc.BootSeconds != nil {
		parts = append(parts, fmt.Sprintf("boot+%.6fs", *inc.BootSeconds))
	}
	if inc.BootID != nil {
		parts = append(parts, "boot id "+*inc.BootID)
	}
	if len(parts) == 0 {
		return "time unknown"
	}
	return strings.Join(parts, ", ")
}

func fmtSecs(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64) + "s"
}

func k8sPodName(k *correlate.Kubernetes) string {
	var s string
	switch {
	case k.Pod != nil && k.Namespace != nil:
		s = *k.Namespace + "/" + *k.Pod
	case k.Pod != nil:
		s = *k.Pod
	case k.PodUID != nil:
		return "uid " + *k.PodUID
	default:
		return "?"
	}
	if k.PodUID != nil {
		s += " (uid " + *k.PodUID + ")"
	}
	return s
}

func k8sContainerName(k *correlate.Kubernetes) string {
	s := show(k.Container)
	var extra []string
	if k.Runtime != nil {
		extra = append(extra, *k.Runtime)
	}
	if k.ContainerID != nil {
		extra = append(extra, short(k.ContainerID))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, " ") + ")"
	}
	return s
}

// incMemoryLine is the memory at the kill: the cgroup's usage against its
// limit, or for a global OOM the machine's RAM.
func incMemoryLine(inc *correlate.Incident) string {
	if m := inc.Memcg; m != nil && (m.UsageKB != nil || m.LimitKB != nil) {
		s := "usage " + kbOrQuestion(m.UsageKB)
		switch {
		case m.LimitKB != nil:
			s += " of limit " + kbOrQuestion(m.LimitKB)
			if m.UsageKB != nil && *m.LimitKB > 0 {
				s += fmt.Sprintf(" (%d%%)", *m.UsageKB*100 / *m.LimitKB)
			}
		case hasString(m.Unlimited, "memory"):
			s += ", no limit (unlimited)"
		default:
			s += ", limit not printed"
		}
		if m.Failcnt != nil {
			s += fmt.Sprintf(", failcnt %d", *m.Failcnt)
		}
		return s
	}
	if mi := inc.MemInfo; mi != nil && mi.RAMPages != nil {
		page := incPageKB(inc)
		s := fmt.Sprintf("RAM %d kB", *mi.RAMPages*page)
		if mi.FreePages != nil {
			s += fmt.Sprintf(", free %d kB", *mi.FreePages*page)
		}
		if rss, ok := incVictimRSS(inc); ok {
			s += fmt.Sprintf(", victim RSS %d kB (%.1f%% of RAM)", rss, percentOf(rss, *mi.RAMPages*page))
		}
		if mi.SwapTotalKB != nil {
			s += fmt.Sprintf(", swap %d kB", *mi.SwapTotalKB)
			if mi.SwapFreeKB != nil {
				s += fmt.Sprintf(" (%d kB free)", *mi.SwapFreeKB)
			}
		}
		return s
	}
	return "not in the dump"
}

func incAdjLine(inc *correlate.Incident) string {
	actual := "?"
	if inc.Victim != nil {
		actual = show(inc.Victim.OOMScoreAdj)
	}
	s := "actual " + actual
	if k := inc.Kubernetes; k != nil {
		s += ", expected " + show(k.ExpectedOOMScoreAdj)
		if k.AdjMismatch != nil && *k.AdjMismatch {
			s += " (mismatch)"
		}
	}
	return s
}

func kbOrQuestion(p *int64) string {
	if p == nil {
		return "? kB"
	}
	return strconv.FormatInt(*p, 10) + " kB"
}

// incPageKB is the incident's page size in kB; 4 when the dump did not tell.
func incPageKB(inc *correlate.Incident) int64 {
	if inc.PageSizeBytes >= 1024 {
		return inc.PageSizeBytes / 1024
	}
	return 4
}

// incVictimRSS adds the victim's anon, file and shmem RSS.
func incVictimRSS(inc *correlate.Incident) (int64, bool) {
	v := inc.Victim
	if v == nil || v.AnonRSSKB == nil {
		return 0, false
	}
	rss := *v.AnonRSSKB
	if v.FileRSSKB != nil {
		rss += *v.FileRSSKB
	}
	if v.ShmemRSSKB != nil {
		rss += *v.ShmemRSSKB
	}
	return rss, true
}

func percentOf(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) * 100 / float64(whole)
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func incTasksByPID(inc *correlate.Incident) map[int64]correlate.Task {
	m := make(map[int64]correlate.Task, len(inc.Tasks))
	for _, t := range inc.Tasks {
		if _, dup := m[t.PID]; !dup {
			m[t.PID] = t
		}
	}
	return m
}

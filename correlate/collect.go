package correlate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// HostContext is what the inputs say about the host a dump came from: its
// name (for logs that do not print it) and its clock.
type HostContext struct {
	Hostname      string
	Clock         parse.Clock
	MemTotalBytes *int64 // the node's memory capacity (proc/meminfo MemTotal)
	// MemTotalFallback stands in when neither the host's facts nor a Node
	// object give the capacity (--node-memory).
	MemTotalFallback *int64
}

// Collector gathers the incidents of a run. The same kill read from several
// inputs (dmesg, the journal and /var/log/messages of one node) becomes one
// incident that lists every source. Host names and clocks are applied when
// the incidents are taken, because a bundle may name its host after its logs.
type Collector struct {
	pending  []pendingIncident
	events   []pendingEvent
	pods     []*parse.Pod
	podIndex map[string]int
	nodes    []parse.Node
}

type pendingIncident struct {
	input   string
	hostKey string
	dump    *parse.Dump
	inc     Incident
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector { return &Collector{podIndex: map[string]int{}} }

// Analysis is the correlated result of a run, ready for the report.
type Analysis struct {
	Incidents []Incident
	Pods      []Pod
	Events    []Event
}

// Analyze resolves hosts and clocks, merges copies of the same kill, and
// returns the incidents with the pods and events of the run.
func (c *Collector) Analyze(hostFor func(hostKey string) HostContext) Analysis {
	a := Analysis{Incidents: c.Incidents(hostFor), Pods: []Pod{}}
	for _, p := range c.pods {
		a.Pods = append(a.Pods, podOf(p))
	}
	inv := newInventory(a.Pods, c.nodes)
	events := indexEvents(c.events, hostFor)
	for i := range a.Incidents {
		inv.join(&a.Incidents[i], events, hostFor(a.Incidents[i].hostKey))
	}
	a.Incidents = append(a.Incidents, kubeOnlyIncidents(&a, events)...)
	a.Events = events.reported()
	sort.SliceStable(a.Incidents, func(i, j int) bool { return less(&a.Incidents[i], &a.Incidents[j]) })
	return a
}

// AddDump adds a dump read from the named input; hostKey names the host
// context it belongs to ("" for none).
func (c *Collector) AddDump(input, hostKey string, d *parse.Dump) {
	c.pending = append(c.pending, pendingIncident{input: input, hostKey: hostKey, dump: d, inc: FromDump(d)})
}

// Incidents returns the incidents with hosts, IDs and times filled from
// hostFor, merged and ordered by time, then host; incidents without a wall
// clock follow, ordered by host, boot stamp and source.
func (c *Collector) Incidents(hostFor func(hostKey string) HostContext) []Incident {
	byID := map[string]int{}
	ordinals := map[string]int{}
	var list []Incident
	for _, p := range c.pending {
		hc := hostFor(p.hostKey)
		inc := p.inc.clone()
		if inc.Host == nil && hc.Hostname != "" {
			inc.Host = ptr(hc.Hostname)
		}
		inc.resolveTime(p.dump, hc.Clock)
		inc.hostKey = p.hostKey
		key := fmt.Sprintf("%s\x00%s\x00%s", strOr(inc.Host), strOr(inc.BootID), inc.fingerprint)
		// Identical dumps within one input (a memcg retrying with nothing to
		// kill) are told apart by their order of appearance.
		ordinals[p.input+"\x00"+key]++
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, ordinals[p.input+"\x00"+key])))
		inc.ID = hex.EncodeToString(sum[:8])
		if i, ok := byID[inc.ID]; ok {
			list[i] = merge(list[i], inc)
			continue
		}
		byID[inc.ID] = len(list)
		list = append(list, inc)
	}
	sort.SliceStable(list, func(i, j int) bool { return less(&list[i], &list[j]) })
	if list == nil {
		list = []Incident{}
	}
	return list
}

// resolveTime fills time and time_source: a stamp printed with its zone,
// else btime plus the kernel's monotonic stamp, else a local stamp in the
// host's (or the given) zone and year.
func (inc *Incident) resolveTime(d *parse.Dump, clk parse.Clock) {
	var t time.Time
	var src string
	inc.timeRank = 2
	switch {
	case d.Wall != nil && d.Wall.Zoned:
		t, src = d.Wall.T, string(d.Format)
	case d.Boot != nil && clk.BootTime != nil:
		t = clk.BootTime.Add(time.Duration(*d.Boot * float64(time.Second)))
		src = "btime+boot_seconds"
	case d.Wall != nil:
		inc.timeRank = 1 // a local stamp: zone and maybe year inferred
		var ok bool
		if t, ok = d.Wall.Resolve(clk); !ok {
			return
		}
		src = fmt.Sprintf("%s in zone %s", d.Format, clkZone(clk))
		if d.Wall.NoYear {
			src += fmt.Sprintf(", year %d", t.Year())
		}
	default:
		inc.timeRank = 0
		return
	}
	inc.Time, inc.TimeSource, inc.when = ptr(FormatTime(t)), &src, &t
}

func clkZone(c parse.Clock) string {
	if c.Location == nil {
		return "UTC (assumed)"
	}
	return c.Location.String()
}

func less(a, b *Incident) bool {
	if (a.when == nil) != (b.when == nil) {
		return a.when != nil
	}
	if a.when != nil && !a.when.Equal(*b.when) {
		return a.when.Before(*b.when)
	}
	if ha, hb := strOr(a.Host), strOr(b.Host); ha != hb {
		return ha < hb
	}
	if a.BootSeconds != nil && b.BootSeconds != nil && *a.BootSeconds != *b.BootSeconds {
		return *a.BootSeconds < *b.BootSeconds
	}
	sa, sb := a.Sources[0], b.Sources[0]
	if sa.Path != sb.Path {
		return sa.Path < sb.Path
	}
	return sa.Line < sb.Line
}

// merge keeps the better copy of a kill — more complete, then better
// clocked, then first by source — and the sources of both, so that the
// result does not depend on the order the inputs were read in.
func merge(a, b Incident) Incident {
	base, other := a, b
	if better(b, a) {
		base, other = b, a
	}
	if base.Time == nil {
		base.Time, base.TimeSource, base.when = other.Time, other.TimeSource, other.when
	}
	if base.BootSeconds == nil {
		base.BootSeconds = other.BootSeconds
	}
	seen := map[Source]bool{}
	var srcs []Source
	for _, s := range append(append([]Source{}, a.Sources...), b.Sources...) {
		if !seen[s] {
			seen[s] = true
			srcs = append(srcs, s)
		}
	}
	base.Sources = srcs
	return base
}

// clone copies what correlation changes in place, so that analysing twice
// starts from the dump's own incident each time.
func (inc Incident) clone() Incident {
	if inc.Kubernetes != nil {
		k := *inc.Kubernetes
		inc.Kubernetes = &k
	}
	inc.Findings = append([]Finding{}, inc.Findings...)
	inc.KubeletEvents = append([]Event{}, inc.KubeletEvents...)
	return inc
}

func better(a, b Incident) bool {
	switch {
	case len(a.Missing) != len(b.Missing):
		return len(a.Missing) < len(b.Missing)
	case len(a.Tasks) != len(b.Tasks):
		return len(a.Tasks) > len(b.Tasks)
	case a.timeRank != b.timeRank:
		return a.timeRank > b.timeRank
	case a.Sources[0].Path != b.Sources[0].Path:
		return a.Sources[0].Path < b.Sources[0].Path
	}
	return a.Sources[0].Line < b.Sources[0].Line
}

func strOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package correlate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// kubeOnlyIncidents are the memory incidents the kernel log does not hold:
// kubelet evictions, and containers whose status says OOMKilled with no
// kernel record of the kill in the inputs.
func kubeOnlyIncidents(a *Analysis, x *eventIndex) []Incident {
	var out []Incident
	var evictions []Incident
	for _, i := range x.evicted {
		evictions = append(evictions, evictionIncident(x.event(i), x, previousEviction(x, i)))
	}
	out = append(out, mergeEvictions(evictions)...)
	killed := map[string]bool{}
	for _, inc := range a.Incidents {
		if k := inc.Kubernetes; k != nil && k.ContainerID != nil {
			killed[*k.ContainerID] = true
		}
	}
	for i := range a.Pods {
		p := &a.Pods[i]
		for _, c := range p.Containers {
			if id := oomKilledID(c); id != "" && !killed[id] {
				out = append(out, noKernelRecordIncident(p, c, id, x))
			}
		}
	}
	return out
}

// mergeEvictions makes one incident of the copies of one eviction: the
// kubelet's log line and the API's Evicted Event, read from two inputs,
// name the same pod within seconds. The copy with the eviction's steps is
// kept, with what the other adds.
func mergeEvictions(evs []Incident) []Incident {
	var out []Incident
	for _, e := range evs {
		i := slices.IndexFunc(out, func(o Incident) bool { return sameEviction(o, e) })
		if i < 0 {
			out = append(out, e)
			continue
		}
		base, other := out[i], e
		if len(other.KubeletEvents) > len(base.KubeletEvents) {
			base, other = other, base
		}
		if base.Kubernetes.PodUID == nil {
			base.Kubernetes.PodUID = other.Kubernetes.PodUID
		}
		base.Sources = append(base.Sources, other.Sources...)
		out[i] = base
	}
	return out
}

func sameEviction(a, b Incident) bool {
	ka, kb := a.Kubernetes, b.Kubernetes
	if strOr(ka.Namespace) != strOr(kb.Namespace) || strOr(ka.Pod) != strOr(kb.Pod) || a.when == nil || b.when == nil {
		return false
	}
	d := a.when.Sub(*b.when)
	return d > -2*time.Minute && d < 2*time.Minute
}

// previousEviction is when the eviction round before event i ended on the
// same host: its steps are not this round's.
func previousEviction(x *eventIndex, i int) *time.Time {
	var prev *time.Time
	host := x.raw[i].ev.Host
	for _, j := range x.evicted {
		w := x.when[j]
		if j == i || w == nil || x.when[i] == nil || x.raw[j].ev.Host != host || !w.Before(*x.when[i]) {
			continue
		}
		if prev == nil || w.After(*prev) {
			prev = w
		}
	}
	return prev
}

func evictionIncident(e Event, x *eventIndex, since *time.Time) Incident {
	inc := kubeIncident("eviction", e.Host, e.when, e.Source)
	inc.Outcome = ptr("evicted")
	inc.Kubernetes = &Kubernetes{PodUID: e.PodUID}
	if ns, name, ok := cutPod(strOr(e.Pod)); ok {
		inc.Kubernetes.Namespace, inc.Kubernetes.Pod = &ns, &name
	}
	var steps []int
	for _, i := range x.eviction {
		if w := x.when[i]; w != nil && e.when != nil && !w.After(*e.when) && e.when.Sub(*w) < 5*time.Minute &&
			(since == nil || w.After(*since) || x.raw[i].ev.Kind == "memory_pressure") && sameHost(x.event(i), e) {
			steps = append(steps, i)
			x.joined[i] = true
		}
	}
	inc.KubeletEvents = append(x.events(steps), e)
	inc.Findings = append(inc.Findings, Finding{Code: "evicted", Severity: "warning",
		Message: fmt.Sprintf("the kubelet evicted pod %s under node memory pressure: this is an eviction, not an OOM kill; the pod is deleted and recreated elsewhere by its controller", strOr(e.Pod))})
	inc.ID = kubeID("eviction", strOr(e.Host), strOr(e.Pod), strOr(e.Time), e.Source)
	return inc
}

// oomKilledID is the ID of the container instance that pod status says was
// OOMKilled: the last terminated one, or the current one of a pod that does
// not restart (restartPolicy Never, Jobs).
func oomKilledID(c PodContainer) string {
	switch {
	case strOr(c.LastTerminatedReason) == "OOMKilled" && c.LastContainerID != nil:
		return bareID(*c.LastContainerID)
	case strOr(c.State) == "terminated" && strOr(c.StateReason) == "OOMKilled" && c.ContainerID != nil:
		return bareID(*c.ContainerID)
	}
	return ""
}

func noKernelRecordIncident(p *Pod, c PodContainer, id string, x *eventIndex) Incident {
	var when *time.Time
	if c.LastFinishedAt != nil {
		if t, err := time.Parse(time.RFC3339Nano, *c.LastFinishedAt); err == nil {
			when = &t
		}
	}
	inc := kubeIncident("oom_killed_no_kernel_record", p.Node, when, p.Source)
	inc.Kubernetes = &Kubernetes{PodUID: p.UID, Namespace: p.Namespace, Pod: p.Name, Container: ptr(c.Name),
		ContainerID: &id, Runtime: c.Runtime, QOSClass: p.QOSClass}
	inc.KubeletEvents = relatedEvents(&inc, x)
	inc.Outcome = ptr("restarted")
	if strOr(c.State) == "terminated" {
		inc.Outcome = ptr("terminated")
	}
	inc.Findings = append(inc.Findings, Finding{Code: "kernel_log_missing", Severity: "warning",
		Message: fmt.Sprintf("pod status says container %s of %s/%s was OOMKilled, but no kernel record of that kill is in the inputs: the kernel log is missing, rotated, or its report was rate-limited", c.Name, strOr(p.Namespace), strOr(p.Name))})
	inc.ID = kubeID("oom_killed_no_kernel_record", strOr(p.UID), id)
	return inc
}

// kubeIncident is an incident with only the fields a kubelet event or a pod
// status gives; everything the kernel would print stays null.
func kubeIncident(kind string, host *string, when *time.Time, src parse.Source) Incident {
	inc := Incident{Kind: kind, Host: host, OOMKind: "none", GroupKills: []Kill{}, TaskColumns: []string{},
		Tasks: []Task{}, Missing: []string{"kernel_record"}, Ranking: []Rank{}, KubeletEvents: []Event{},
		Findings: []Finding{}, Sources: []Source{{Path: src.Path, Line: src.Line, Format: "kubernetes"}}}
	if when != nil {
		inc.Time, inc.when, inc.TimeSource = ptr(FormatTime(*when)), when, ptr("kubernetes")
	}
	return inc
}

func kubeID(parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(sum[:8])
}

func isEvictionKind(k string) bool {
	switch k {
	case "eviction_attempt", "eviction_must_evict", "eviction_ranked", "eviction_refused_critical", "memory_pressure":
		return true
	}
	return false
}

func sameHost(a, b Event) bool { return strOr(a.Host) == strOr(b.Host) }

func cutPod(s string) (ns, name string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

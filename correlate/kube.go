package correlate

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// Event is one entry of the report's kubelet_events: a kubelet, runtime or
// API event that matters for memory.
type Event struct {
	Time        *string        `json:"time"`
	Host        *string        `json:"host"`
	Kind        string         `json:"kind"`
	Pod         *string        `json:"pod"` // namespace/name
	PodUID      *string        `json:"pod_uid"`
	Container   *string        `json:"container"`
	ContainerID *string        `json:"container_id"`
	ExitCode    *int           `json:"exit_code"`
	Reason      *string        `json:"reason"`
	Message     string         `json:"message"`
	Source      parse.Source   `json:"source"`
	Sources     []parse.Source `json:"sources"` // every input the same event was read from

	when  *time.Time
	stamp string // the printed stamp, for telling events apart when it gives no time
}

// dedupeEvents merges the copies of one event read from several inputs (the
// full journal, the kubelet unit's journal and /var/log/messages of one
// node), keeping the first source and listing all. es must be sorted.
func dedupeEvents(es []Event) []Event {
	out := es[:0]
	seen := map[string]int{}
	for _, e := range es {
		key := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%v|%s", strOr(e.Host), strOr(e.Time), e.stamp, e.Kind, strOr(e.Pod),
			strOr(e.PodUID), strOr(e.ContainerID), deref(e.ExitCode), e.Message)
		if i, ok := seen[key]; ok {
			out[i].Sources = append(out[i].Sources, e.Source)
			continue
		}
		e.Sources = []parse.Source{e.Source}
		seen[key] = len(out)
		out = append(out, e)
	}
	return out
}

// Pod is one entry of the report's pods.
type Pod struct {
	UID               *string        `json:"uid"`
	Namespace         *string        `json:"namespace"`
	Name              *string        `json:"name"`
	Node              *string        `json:"node"`
	QOSClass          *string        `json:"qos_class"`
	QOSSource         string         `json:"qos_source"` // status, computed
	PriorityClassName *string        `json:"priority_class_name"`
	Static            bool           `json:"static"`
	Containers        []PodContainer `json:"containers"`
	Source            parse.Source   `json:"source"`

	pod *parse.Pod
}

// PodContainer is one container of a Pod in the report.
type PodContainer struct {
	Name                 string  `json:"name"`
	Init                 bool    `json:"init"`
	Sidecar              bool    `json:"sidecar"`
	ContainerID          *string `json:"container_id"`
	LastContainerID      *string `json:"last_container_id"`
	Runtime              *string `json:"runtime"`
	MemoryRequestBytes   *int64  `json:"memory_request_bytes"`
	MemoryLimitBytes     *int64  `json:"memory_limit_bytes"`
	RestartCount         int     `json:"restart_count"`
	State                *string `json:"state"`
	StateReason          *string `json:"state_reason"`
	LastTerminatedReason *string `json:"last_terminated_reason"`
	LastExitCode         *int    `json:"last_exit_code"`
	LastFinishedAt       *string `json:"last_finished_at"`
	ExpectedOOMScoreAdj  *int    `json:"expected_oom_score_adj"`
	ExpectedAdjRule      *string `json:"expected_adj_rule"`
}

// pendingEvent points into the caller's slice rather than copying it: a
// busy node's log holds hundreds of thousands of events.
type pendingEvent struct {
	hostKey string
	ev      *parse.KubeEvent
}

// AddEvents adds the kubelet, runtime or API events of one input, read for
// the given host. The collector keeps es; the caller must not change it.
func (c *Collector) AddEvents(hostKey string, es []parse.KubeEvent) {
	c.events = slices.Grow(c.events, len(es))
	for i := range es {
		c.events = append(c.events, pendingEvent{hostKey: hostKey, ev: &es[i]})
	}
}

// ReserveEvents makes room for n more events, so that a run with many does
// not briefly hold them twice while the list grows.
func (c *Collector) ReserveEvents(n int) { c.events = slices.Grow(c.events, n) }

// AddEvent adds a kubelet, runtime or API event read for the given host.
func (c *Collector) AddEvent(hostKey string, e parse.KubeEvent) {
	c.events = append(c.events, pendingEvent{hostKey: hostKey, ev: &e})
}

// AddObjects adds the pods, nodes and events of one input. The same pod
// read from several inputs is kept once (the first copy that has a status).
func (c *Collector) AddObjects(hostKey string, o parse.Objects) {
	for i := range o.Pods {
		c.addPod(&o.Pods[i])
	}
	c.nodes = append(c.nodes, o.Nodes...)
	c.AddEvents(hostKey, o.Events)
}

func (c *Collector) addPod(p *parse.Pod) {
	key := p.UID
	if key == "" {
		key = p.Namespace + "/" + p.Name
	}
	if i, ok := c.podIndex[key]; ok {
		if c.pods[i].QOSClass == "" && p.QOSClass != "" {
			c.pods[i] = p
		}
		return
	}
	c.podIndex[key] = len(c.pods)
	c.pods = append(c.pods, p)
}

// eventOf resolves an event's time and host for the report.
func eventOf(e parse.KubeEvent, hc HostContext) Event {
	out := Event{Kind: e.Kind, Host: optString(e.Host), PodUID: optString(e.PodUID), Container: optString(e.Container),
		ContainerID: optString(e.ContainerID), ExitCode: e.ExitCode, Reason: optString(e.Reason),
		Message: e.Message, Source: e.Source}
	if out.Host == nil && hc.Hostname != "" {
		out.Host = ptr(hc.Hostname)
	}
	if e.Namespace != "" || e.Pod != "" {
		out.Pod = ptr(e.Namespace + "/" + e.Pod)
	}
	if out.Message == "" {
		out.Message = describeEvent(out)
	}
	if e.Wall != nil {
		out.stamp = e.Wall.T.Format(time.RFC3339Nano)
		if t, ok := e.Wall.Resolve(hc.Clock); ok {
			out.Time, out.when = ptr(FormatTime(t)), &t
		}
	}
	return out
}

func podOf(p *parse.Pod) Pod {
	out := Pod{UID: optString(p.UID), Namespace: optString(p.Namespace), Name: optString(p.Name),
		Node: optString(p.Node), PriorityClassName: optString(p.PriorityClassName), Static: p.Static,
		Containers: []PodContainer{}, Source: p.Source, pod: p}
	if p.QOSClass != "" {
		out.QOSClass, out.QOSSource = ptr(p.QOSClass), "status"
	} else if q := QOSClass(p); q != "" {
		out.QOSClass, out.QOSSource = ptr(q), "computed"
	}
	for _, group := range [][]parse.Container{p.InitContainers, p.Containers} {
		for _, c := range group {
			out.Containers = append(out.Containers, containerOf(c))
		}
	}
	return out
}

func containerOf(c parse.Container) PodContainer {
	out := PodContainer{Name: c.Name, Init: c.Init, Sidecar: c.Sidecar, ContainerID: optString(c.ContainerID),
		LastContainerID: optString(c.LastContainerID), Runtime: optString(c.Runtime),
		MemoryRequestBytes: c.Requests.MemoryBytes, MemoryLimitBytes: c.Limits.MemoryBytes,
		RestartCount: c.RestartCount, State: optString(c.State), StateReason: optString(c.StateReason),
		LastTerminatedReason: optString(c.LastTerminationReason), LastExitCode: c.LastExitCode}
	if c.LastFinishedAt != nil {
		out.LastFinishedAt = ptr(FormatTime(*c.LastFinishedAt))
	}
	return out
}

// bareID strips a runtime scheme ("containerd://") from a container ID.
func bareID(id string) string {
	if i := strings.Index(id, "://"); i >= 0 {
		return id[i+3:]
	}
	return id
}

func sortEvents(es []Event) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if (a.when == nil) != (b.when == nil) {
			return a.when != nil
		}
		if a.when != nil && !a.when.Equal(*b.when) {
			return a.when.Before(*b.when)
		}
		if a.Source.Path != b.Source.Path {
			return a.Source.Path < b.Source.Path
		}
		return a.Source.Line < b.Source.Line
	})
}

// describeEvent writes a message for an event whose text was not kept.
func describeEvent(e Event) string {
	var b strings.Builder
	b.WriteString(strings.ReplaceAll(e.Kind, "_", " "))
	if e.Container != nil {
		b.WriteString(": container " + *e.Container)
	} else if e.ContainerID != nil {
		fmt.Fprintf(&b, ": container %.12s", bareID(*e.ContainerID))
	}
	if e.Pod != nil {
		b.WriteString(" of pod " + *e.Pod)
	}
	if e.ExitCode != nil {
		fmt.Fprintf(&b, ", exit code %d", *e.ExitCode)
	}
	return b.String()
}

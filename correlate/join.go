package correlate

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// Events this long after a kill (and this long before, for clock skew
// between the kernel and the kubelet) can be its consequence.
const (
	eventWindowAfter  = 10 * time.Minute
	eventWindowBefore = 2 * time.Second
)

// inventory indexes the pods of a run by UID and by container ID (current
// and last terminated: a killed container restarts under a new ID).
type inventory struct {
	byUID       map[string]*Pod
	byContainer map[string]containerRef
	nodes       map[string]parse.Node
}

type containerRef struct {
	pod  *Pod
	idx  int
	last bool // the ID is the container's lastState.terminated one
}

func newInventory(pods []Pod, nodes []parse.Node) *inventory {
	inv := &inventory{byUID: map[string]*Pod{}, byContainer: map[string]containerRef{}, nodes: map[string]parse.Node{}}
	for i := range pods {
		p := &pods[i]
		if p.UID != nil {
			inv.byUID[*p.UID] = p
		}
		for j, c := range p.Containers {
			if c.LastContainerID != nil {
				inv.byContainer[bareID(*c.LastContainerID)] = containerRef{pod: p, idx: j, last: true}
			}
			if c.ContainerID != nil {
				inv.byContainer[bareID(*c.ContainerID)] = containerRef{pod: p, idx: j}
			}
		}
	}
	for _, n := range nodes {
		inv.nodes[n.Name] = n
	}
	return inv
}

// memTotal is the node capacity for a pod: the host's MemTotal when its
// bundle says it, else the Node object's capacity.
func (inv *inventory) memTotal(p *Pod, hc HostContext) (int64, KubeVersion) {
	var ver KubeVersion
	n, ok := inv.nodes[strOr(p.Node)]
	if ok {
		ver, _ = ParseKubeVersion(n.KubeletVersion)
	}
	switch {
	case hc.MemTotalBytes != nil:
		return *hc.MemTotalBytes, ver
	case ok && n.CapacityMemoryBytes != nil:
		return *n.CapacityMemoryBytes, ver
	case hc.MemTotalFallback != nil:
		return *hc.MemTotalFallback, ver
	}
	return 0, ver
}

// join fills what the pod inventory and the kubelet's events say about one
// incident: names, QoS, the expected oom_score_adj, the outcome, findings.
func (inv *inventory) join(inc *Incident, events *eventIndex, hc HostContext) {
	if inc.Kubernetes == nil {
		attributeByTiming(inc, events)
	}
	if k := inc.Kubernetes; k != nil {
		if ref, ok := inv.lookup(k, isSandboxVictim(inc)); ok {
			inv.name(inc, ref, hc)
		}
	}
	inc.KubeletEvents = relatedEvents(inc, events)
	inc.Outcome = outcomeOf(inc, inv)
	inc.Findings = append(inc.Findings, memoryFindings(inc)...)
}

// lookup finds the victim's container by its ID, or its pod by UID. A
// victim in the pod's sandbox (the pause process) names only the pod.
func (inv *inventory) lookup(k *Kubernetes, sandbox bool) (containerRef, bool) {
	if k.ContainerID != nil {
		if ref, ok := inv.byContainer[*k.ContainerID]; ok {
			return ref, true
		}
	}
	if k.PodUID != nil {
		if p, ok := inv.byUID[*k.PodUID]; ok {
			idx := onlyRestarted(p)
			if sandbox {
				idx = -1 // the pod's sandbox, not one of its containers
			}
			return containerRef{pod: p, idx: idx}, true
		}
	}
	return containerRef{}, false
}

// isSandboxVictim reports a victim that is a pod's pause process.
func isSandboxVictim(inc *Incident) bool {
	v := inc.Victim
	return v != nil && (v.Comm == "pause" || (v.OOMScoreAdj != nil && *v.OOMScoreAdj == AdjPodSandbox))
}

// onlyRestarted returns the index of the pod's only container that has
// restarted, or -1: a victim whose container ID is neither a current nor a
// last one died before the last restart, so it can only be that container.
func onlyRestarted(p *Pod) int {
	idx := -1
	for i, c := range p.Containers {
		if c.RestartCount > 0 {
			if idx >= 0 {
				return -1
			}
			idx = i
		}
	}
	return idx
}

// attributeByTiming ties a kill line without cgroup paths (the kernel
// rate-limited the header) to the one container that the kubelet saw die
// with exit code 137 on the same host right after it.
func attributeByTiming(inc *Incident, x *eventIndex) {
	if inc.Victim == nil || inc.when == nil || inc.OOMKind == "global" {
		return
	}
	var match *Event
	for _, i := range x.died137 {
		if d := x.when[i].Sub(*inc.when); d < -time.Second || d > 10*time.Second {
			continue
		}
		e := x.event(i)
		if e.Host != nil && inc.Host != nil && *e.Host != *inc.Host {
			continue // a dmesg names no host: then the clock alone decides
		}
		if match != nil && bareID(*match.ContainerID) != bareID(*e.ContainerID) {
			return // two candidates: do not guess
		}
		match = &e
	}
	if match == nil {
		return
	}
	inc.Kubernetes = &Kubernetes{PodUID: match.PodUID, ContainerID: ptr(bareID(*match.ContainerID))}
	inc.Findings = append(inc.Findings, Finding{Code: "attributed_by_timing", Severity: "info",
		Message: fmt.Sprintf("the kernel printed no cgroup for this kill (its report was rate-limited or cut); the kubelet saw container %.12s exit with code 137 %s later on the same host, so the kill is attributed to it",
			*inc.Kubernetes.ContainerID, match.when.Sub(*inc.when).Round(time.Millisecond))})
}

func (inv *inventory) name(inc *Incident, ref containerRef, hc HostContext) {
	k, p := inc.Kubernetes, ref.pod
	k.Namespace, k.Pod, k.PodUID = p.Namespace, p.Name, p.UID
	if p.QOSClass != nil {
		k.QOSClass = p.QOSClass
	}
	if ref.idx < 0 {
		return
	}
	c := &p.Containers[ref.idx]
	k.Container = ptr(c.Name)
	if k.Runtime == nil {
		k.Runtime = c.Runtime
	}
	memTotal, ver := inv.memTotal(p, hc)
	pc := findContainer(p.pod, c.Name)
	adj, rule, ok := ExpectedAdj(p.pod, pc, memTotal, ver)
	if !ok {
		if rule == "burstable-memtotal-unknown" {
			inc.Findings = append(inc.Findings, Finding{Code: "node_memory_unknown", Severity: "info",
				Message: "the node's memory capacity is not in the inputs (proc/meminfo or a Node object), so the expected oom_score_adj of this Burstable container cannot be computed"})
		}
		return
	}
	k.ExpectedOOMScoreAdj = &adj
	c.ExpectedOOMScoreAdj, c.ExpectedAdjRule = &adj, &rule
	if inc.Victim == nil || inc.Victim.OOMScoreAdj == nil {
		return
	}
	mismatch := *inc.Victim.OOMScoreAdj != adj
	k.AdjMismatch = &mismatch
	if mismatch {
		inc.Findings = append(inc.Findings, adjMismatchFinding(inc, pc, adj, rule, ver))
	}
}

func findContainer(p *parse.Pod, name string) *parse.Container {
	for _, group := range [][]parse.Container{p.InitContainers, p.Containers} {
		for i := range group {
			if group[i].Name == name {
				return &group[i]
			}
		}
	}
	return nil
}

// adjMismatchFinding names the likely reason the victim's oom_score_adj is
// not the one its QoS class gives.
func adjMismatchFinding(inc *Incident, c *parse.Container, want int, rule string, ver KubeVersion) Finding {
	got := *inc.Victim.OOMScoreAdj
	reason := "the process may have raised its own value (it may write /proc/self/oom_score_adj upwards), or the runtime did not apply the kubelet's value"
	switch {
	case got == AdjPodSandbox || got == -1000 || got == AdjKubelet:
		reason = fmt.Sprintf("%d is the value of a %s, not of a container process", got, KnownAdjRole(got))
	case got < want:
		reason = "a process can only lower its value with CAP_SYS_RESOURCE: the runtime or an admission webhook set it, or the kubelet's version or the node's memory differ from the inputs'"
	case rule == "burstable" && c != nil && c.Requests.MemoryBytes != nil:
		if lo, hi, ok := BurstableMemTotalRange(*c.Requests.MemoryBytes, got, ver); ok {
			reason += fmt.Sprintf("; the observed value fits a node MemTotal between %d and %d bytes, so the request or node size may have changed since (in-place resize, node resized)", lo, hi)
		}
	}
	return Finding{Code: "adj_mismatch", Severity: "warning",
		Message: fmt.Sprintf("the victim's oom_score_adj is %d, but the kubelet sets %d for this container (%s): %s", got, want, rule, reason)}
}

// eventIndex finds the events about one container or pod without a scan
// of every event per incident. Events stay as scanned until one is needed:
// a busy node logs hundreds of thousands of container lifecycle events, and
// only those about killed containers reach the report.
type eventIndex struct {
	raw         []pendingEvent
	hostFor     func(string) HostContext
	when        []*time.Time // resolved stamps, nil when unknown
	conv        map[int]Event
	joined      map[int]bool // events shown with an incident
	byContainer map[string][]int
	byPod       map[string][]int // by pod UID and by namespace/name
	died137     []int            // container_died with exit code 137
	eviction    []int            // eviction steps and memory pressure
	evicted     []int
}

func indexEvents(raw []pendingEvent, hostFor func(string) HostContext) *eventIndex {
	x := &eventIndex{raw: raw, hostFor: hostFor, when: make([]*time.Time, len(raw)), conv: map[int]Event{},
		joined: map[int]bool{}, byContainer: map[string][]int{}, byPod: map[string][]int{}}
	for i, p := range raw {
		e := p.ev
		if e.Wall != nil {
			if t, ok := e.Wall.Resolve(hostFor(p.hostKey).Clock); ok {
				x.when[i] = &t
			}
		}
		if e.ContainerID != "" {
			id := bareID(e.ContainerID)
			x.byContainer[id] = append(x.byContainer[id], i)
		}
		if e.PodUID != "" {
			x.byPod[e.PodUID] = append(x.byPod[e.PodUID], i)
		}
		if e.Namespace != "" || e.Pod != "" {
			key := e.Namespace + "/" + e.Pod
			x.byPod[key] = append(x.byPod[key], i)
		}
		switch {
		case e.Kind == "container_died" && e.ExitCode != nil && *e.ExitCode == 137 && x.when[i] != nil && e.ContainerID != "":
			x.died137 = append(x.died137, i)
		case e.Kind == "evicted":
			x.evicted = append(x.evicted, i)
		case isEvictionKind(e.Kind):
			x.eviction = append(x.eviction, i)
		}
	}
	return x
}

// event returns event i as the report shows it.
func (x *eventIndex) event(i int) Event {
	if e, ok := x.conv[i]; ok {
		return e
	}
	e := eventOf(*x.raw[i].ev, x.hostFor(x.raw[i].hostKey))
	x.conv[i] = e
	return e
}

// events converts, orders and de-duplicates the events at idx.
func (x *eventIndex) events(idx []int) []Event {
	out := make([]Event, 0, len(idx))
	for _, i := range idx {
		out = append(out, x.event(i))
	}
	sortEvents(out)
	return dedupeEvents(out)
}

// relatedEvents are the events about the victim's container, and those
// about its pod near the kill, in time order.
func relatedEvents(inc *Incident, x *eventIndex) []Event {
	k := inc.Kubernetes
	if k == nil {
		return []Event{}
	}
	picked := map[int]bool{}
	if k.ContainerID != nil {
		for _, i := range x.byContainer[*k.ContainerID] {
			picked[i] = true
		}
	}
	cutoff := nextInstanceDeath(inc, k, x)
	for _, key := range []*string{k.PodUID, podKey(k)} {
		if key == nil {
			continue
		}
		for _, i := range x.byPod[*key] {
			e := x.raw[i].ev
			// Another instance's own death is another kill; the kubelet
			// killing the pod (eviction) concerns every instance.
			otherInstance := e.Kind != "kill_container" && e.ContainerID != "" && k.ContainerID != nil &&
				bareID(e.ContainerID) != *k.ContainerID
			late := cutoff != nil && x.when[i] != nil && x.when[i].After(*cutoff)
			if near(inc.when, x.when[i]) && !otherInstance && !late {
				picked[i] = true
			}
		}
	}
	idx := make([]int, 0, len(picked))
	for i := range picked {
		idx = append(idx, i)
		x.joined[i] = true
	}
	sort.Ints(idx)
	return x.events(idx)
}

// reported are the events the report lists: those about memory by their
// kind, exits with code 137, and every event joined to an incident. The
// lifecycle of containers nothing killed is left out.
func (x *eventIndex) reported() []Event {
	var idx []int
	for i, p := range x.raw {
		e := p.ev
		if parse.MemoryKind(e.Kind) || x.joined[i] || (e.ExitCode != nil && *e.ExitCode == 137) {
			idx = append(idx, i)
		}
	}
	return x.events(idx)
}

// nextInstanceDeath is when another instance of the pod's containers died
// after the kill: pod events after it belong to that death, not this one.
func nextInstanceDeath(inc *Incident, k *Kubernetes, x *eventIndex) *time.Time {
	if inc.when == nil || k.ContainerID == nil || k.PodUID == nil {
		return nil
	}
	var first *time.Time
	for _, i := range x.byPod[*k.PodUID] {
		e, w := x.raw[i].ev, x.when[i]
		if e.Kind != "container_died" || e.ContainerID == "" || bareID(e.ContainerID) == *k.ContainerID ||
			w == nil || !w.After(*inc.when) {
			continue
		}
		if first == nil || w.Before(*first) {
			first = w
		}
	}
	return first
}

func podKey(k *Kubernetes) *string {
	if k.Namespace == nil || k.Pod == nil {
		return nil
	}
	return ptr(*k.Namespace + "/" + *k.Pod)
}

// near reports an event inside a kill's window; without both clocks only a
// container-ID match ties an event to a kill.
func near(kill, event *time.Time) bool {
	if kill == nil || event == nil {
		return false
	}
	d := event.Sub(*kill)
	return d >= -eventWindowBefore && d <= eventWindowAfter
}

// outcomeOf says what happened to the container after the kill:
// restarted, evicted, silent (a non-main process died and the container
// kept running), terminated (a pod that does not restart), or unknown.
func outcomeOf(inc *Incident, inv *inventory) *string {
	k := inc.Kubernetes
	if k == nil {
		return nil
	}
	restarted := false
	for _, e := range inc.KubeletEvents {
		switch e.Kind {
		case "evicted":
			return ptr("evicted")
		case "container_died", "runtime_exit", "crashloop_backoff", "kill_container":
			restarted = restarted || aboutVictimContainer(e, k)
		}
	}
	if k.ContainerID != nil {
		if ref, ok := inv.byContainer[*k.ContainerID]; ok {
			c := ref.pod.Containers[ref.idx]
			switch {
			case ref.last:
				restarted = true
			case strOr(c.State) == "terminated":
				return ptr("terminated") // restartPolicy Never: the container stays stopped
			case !restarted && strOr(c.State) == "running":
				inc.Findings = append(inc.Findings, Finding{Code: "silent_kill", Severity: "warning",
					Message: fmt.Sprintf("container %s is still running under the same ID: the kernel killed %s, not the container's main process, so pod status will never say OOMKilled", c.Name, victimComm(inc))})
				return ptr("silent")
			}
		}
	}
	if restarted {
		return ptr("restarted")
	}
	return ptr("unknown")
}

// aboutVictimContainer reports an event that concerns the victim's own
// container: by its ID, or by its name when the event names no ID (a
// back-off). A sibling container's exit says nothing about the victim's.
func aboutVictimContainer(e Event, k *Kubernetes) bool {
	if e.ContainerID != nil {
		return k.ContainerID != nil && bareID(*e.ContainerID) == *k.ContainerID
	}
	return e.Container == nil || k.Container == nil || *e.Container == *k.Container
}

func victimComm(inc *Incident) string {
	if inc.Victim == nil {
		return "a process"
	}
	return fmt.Sprintf("%s (pid %d)", inc.Victim.Comm, inc.Victim.PID)
}

// memoryFindings say where the memory ran out, in words a person can act on.
func memoryFindings(inc *Incident) []Finding {
	if inc.Scope == nil {
		return nil
	}
	who := "the victim's container"
	if k := inc.Kubernetes; k != nil && k.Container != nil {
		who = "container " + *k.Container
		if k.Pod != nil {
			who += " of pod " + strOr(k.Namespace) + "/" + *k.Pod
		}
	}
	rss := ""
	if v := inc.Victim; v != nil && v.AnonRSSKB != nil && v.FileRSSKB != nil {
		rss = fmt.Sprintf("; %s had %d MiB resident at the kill", v.Comm, (*v.AnonRSSKB+*v.FileRSSKB+val(v.ShmemRSSKB))/1024)
	}
	limit := ""
	if m := inc.Memcg; m != nil && m.LimitKB != nil {
		limit = fmt.Sprintf(" of %d MiB", *m.LimitKB/1024)
	}
	switch *inc.Scope {
	case "container":
		return []Finding{{Code: "container_limit", Severity: "warning", Message: fmt.Sprintf("%s hit its memory limit%s%s: raise the limit or find what grew", who, limit, rss)}}
	case "pod":
		return []Finding{{Code: "pod_limit", Severity: "warning", Message: fmt.Sprintf("the pod's memory limit%s (the sum of its containers' limits, or its pod-level limit) was hit; the kernel killed in %s%s", limit, who, rss)}}
	case "qos_tier", "node_allocatable":
		return []Finding{{Code: "node_allocatable", Severity: "warning", Message: fmt.Sprintf("the %s memory cgroup%s was full: the pods of this node together used more than the kubelet allows (node allocatable); check the sum of requests and limits against allocatable%s", strings.ReplaceAll(*inc.Scope, "_", " "), limit, rss)}}
	case "cgroup":
		return []Finding{{Code: "cgroup_limit", Severity: "warning", Message: fmt.Sprintf("the memory cgroup %s hit its limit%s%s", strOr(inc.OOMMemcg), limit, rss)}}
	case "system":
		f := []Finding{{Code: "system_oom", Severity: "warning", Message: "the whole node ran out of memory (global OOM): the kubelet's eviction did not act in time or system-reserved is too small" + rss}}
		if k := inc.Kubernetes; k != nil && strOr(k.QOSClass) == "Guaranteed" {
			f = append(f, Finding{Code: "guaranteed_killed_by_node_oom", Severity: "error", Message: "a Guaranteed pod was killed by a node-level OOM: the node is overcommitted (limits above capacity) or system-reserved/kube-reserved are too small"})
		}
		return f
	}
	return nil
}

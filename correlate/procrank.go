package correlate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oomtriage/oomtriage/parse"
)

// This file ranks a node's live processes the way the OOM killer would pick
// among them now (oomtriage rank): by /proc/<pid>/oom_score, with each
// process's pod, container and QoS class read from its cgroup and the pod
// inventory, and the oom_score_adj the kubelet would have set beside the
// actual one.

// ProcRank is one process of the ranking.
type ProcRank struct {
	// Rank is the place in the order the kernel would pick victims (1 is
	// first); null for a process it never kills (init, oom_score_adj -1000).
	Rank        *int    `json:"rank"`
	PID         int     `json:"pid"`
	Comm        string  `json:"comm"`
	OOMScore    *int    `json:"oom_score"`
	OOMScoreAdj *int    `json:"oom_score_adj"`
	RSSKB       *int64  `json:"rss_kb"`
	SwapKB      *int64  `json:"swap_kb"`
	Cgroup      *string `json:"cgroup"`
	// CgroupSource says where the cgroup was read: "cgroup"
	// (proc/<pid>/cgroup), "ps" (sos's ps … cgroup output) or "cpuset".
	CgroupSource *string         `json:"cgroup_source"`
	Kubernetes   *ProcKubernetes `json:"kubernetes"`
	// ExpectedOOMScoreAdj is the value the kubelet (or the runtime or
	// service unit, for node daemons) sets, when one value is known.
	ExpectedOOMScoreAdj *int `json:"expected_oom_score_adj"`
	// ExpectedAdjRange is [min, max] when only a range is known: a
	// Burstable container without its pod's requests or the node's memory.
	ExpectedAdjRange *[2]int `json:"expected_oom_score_adj_range"`
	// ExpectedAdjRule names the rule (ExpectedAdj's rule names, and
	// pod-sandbox, cri-o-conmon, node-daemon, burstable-range, qos-tier-…).
	ExpectedAdjRule *string `json:"expected_adj_rule"`
	AdjMismatch     *bool   `json:"adj_mismatch"`
}

// ProcKubernetes is a process's pod and container.
type ProcKubernetes struct {
	PodUID      *string `json:"pod_uid"`
	Namespace   *string `json:"namespace"`
	Pod         *string `json:"pod"`
	Container   *string `json:"container"`
	ContainerID *string `json:"container_id"`
	Runtime     *string `json:"runtime"`
	QOSClass    *string `json:"qos_class"`
	// QOSSource is "status" (the pod's status.qosClass), "computed" (from
	// its spec) or "cgroup" (the QoS tier of the cgroup path).
	QOSSource *string `json:"qos_source"`
	Sandbox   bool    `json:"sandbox"` // the pod's pause (infra) process
}

// RankInput is what RankProcs works from.
type RankInput struct {
	Procs    []parse.Proc
	Objects  parse.Objects // pods, sandboxes and nodes (--pods files)
	Hostname string        // matches a Node object for its kubelet version and capacity
	MemTotal *int64        // bytes, /proc/meminfo MemTotal
	Version  KubeVersion   // the kubelet's; zero: from the Node object, else the newest policy
}

// RankResult is the ranking of one node.
type RankResult struct {
	Processes []ProcRank `json:"processes"`
	// NoMemory counts processes left out because they have no address
	// space to free: kernel threads and zombies.
	NoMemory int         `json:"no_memory"`
	Version  KubeVersion `json:"-"`
	MemTotal *int64      `json:"-"`
}

// RankProcs orders the processes that have memory by oom_score, highest
// first, and works out each one's pod, container, QoS class and expected
// oom_score_adj. Ties (oom_score is rounded to 1/1000 of memory) go to the
// larger RSS plus swap, then to the lower pid, as the kernel keeps the
// first task it finds with the most points. Processes the kernel never
// kills (init, oom_score_adj -1000) come last, without a rank.
//
// oom_score is badness*1000/totalpages up to Linux 5.8 and
// (1000 + badness*1000/totalpages)*2/3 from 5.9 (so 666 for a small
// process with oom_score_adj 0); both keep the kernel's order.
func RankProcs(in RankInput) RankResult {
	inv := newProcInventory(in.Objects)
	res := RankResult{Processes: []ProcRank{}, Version: in.Version, MemTotal: in.MemTotal}
	if n, ok := inv.node(in.Hostname); ok {
		if res.Version.unknown() {
			res.Version, _ = ParseKubeVersion(n.KubeletVersion)
		}
		if res.MemTotal == nil {
			res.MemTotal = n.CapacityMemoryBytes
		}
	}
	var memTotal int64
	if res.MemTotal != nil {
		memTotal = *res.MemTotal
	}
	for i := range in.Procs {
		p := &in.Procs[i]
		if !p.HasMM() {
			res.NoMemory++
			continue
		}
		res.Processes = append(res.Processes, inv.rankOne(p, memTotal, res.Version))
	}
	sort.SliceStable(res.Processes, func(i, j int) bool { return procLess(&res.Processes[i], &res.Processes[j]) })
	n := 0
	for i := range res.Processes {
		if killable(&res.Processes[i]) {
			n++
			res.Processes[i].Rank = ptr(n)
		}
	}
	return res
}

// killable reports whether the OOM killer may pick p: never init (pid 1)
// nor a process with oom_score_adj -1000.
func killable(p *ProcRank) bool {
	return p.PID != 1 && (p.OOMScoreAdj == nil || *p.OOMScoreAdj > -1000)
}

func procLess(a, b *ProcRank) bool {
	if ka, kb := killable(a), killable(b); ka != kb {
		return ka
	}
	sa, sb := -1, -1
	if a.OOMScore != nil {
		sa = *a.OOMScore
	}
	if b.OOMScore != nil {
		sb = *b.OOMScore
	}
	if sa != sb {
		return sa > sb
	}
	if ma, mb := memKB(a), memKB(b); ma != mb {
		return ma > mb
	}
	return a.PID < b.PID
}

func memKB(p *ProcRank) int64 {
	var n int64
	if p.RSSKB != nil {
		n += *p.RSSKB
	}
	if p.SwapKB != nil {
		n += *p.SwapKB
	}
	return n
}

// procInventory indexes the pods of the --pods files.
type procInventory struct {
	byUID       map[string]*parse.Pod
	byContainer map[string]procContainerRef
	sandboxes   map[string]bool
	nodes       []parse.Node
}

type procContainerRef struct {
	pod *parse.Pod
	c   *parse.Container
}

func newProcInventory(o parse.Objects) *procInventory {
	inv := &procInventory{byUID: map[string]*parse.Pod{}, byContainer: map[string]procContainerRef{},
		sandboxes: map[string]bool{}, nodes: o.Nodes}
	for i := range o.Pods {
		p := &o.Pods[i]
		if p.UID == "" {
			continue
		}
		if old, ok := inv.byUID[p.UID]; ok && (old.QOSClass != "" || p.QOSClass == "") {
			continue // keep the first copy with a status, as the collector does
		}
		inv.byUID[p.UID] = p
	}
	for _, p := range inv.byUID {
		for _, group := range [][]parse.Container{p.InitContainers, p.Containers} {
			for j := range group {
				c := &group[j]
				if c.LastContainerID != "" {
					inv.byContainer[bareID(c.LastContainerID)] = procContainerRef{p, c}
				}
				if c.ContainerID != "" {
					inv.byContainer[bareID(c.ContainerID)] = procContainerRef{p, c}
				}
			}
		}
	}
	for _, s := range o.Sandboxes {
		if s.ID != "" {
			inv.sandboxes[s.ID] = true
		}
	}
	return inv
}

// node returns the Node object of the host: the one named like it, or the
// only one given when the host's name is unknown.
func (inv *procInventory) node(hostname string) (parse.Node, bool) {
	if hostname == "" {
		if len(inv.nodes) == 1 {
			return inv.nodes[0], true
		}
		return parse.Node{}, false
	}
	short, _, _ := strings.Cut(hostname, ".")
	for _, n := range inv.nodes {
		if n.Name == hostname || n.Name == short {
			return n, true
		}
	}
	return parse.Node{}, false
}

func (inv *procInventory) rankOne(p *parse.Proc, memTotal int64, ver KubeVersion) ProcRank {
	r := ProcRank{PID: p.PID, Comm: p.Comm, OOMScore: p.OOMScore, OOMScoreAdj: p.OOMScoreAdj,
		RSSKB: p.VmRSSKB, SwapKB: p.VmSwapKB}
	var id CgroupIdentity
	if p.Cgroup != "" {
		r.Cgroup, r.CgroupSource = ptr(p.Cgroup), ptr(p.CgroupFrom)
		id = parse.ParseCgroupPath(p.Cgroup)
	}
	var pod *parse.Pod
	var ctr *parse.Container
	if id.Level != "" && id.Level != "kubepods" {
		k := &ProcKubernetes{PodUID: id.PodUID, ContainerID: id.ContainerID, Runtime: id.Runtime}
		if id.ContainerID != nil {
			if ref, ok := inv.byContainer[*id.ContainerID]; ok {
				pod, ctr = ref.pod, ref.c
			}
			k.Sandbox = inv.sandboxes[*id.ContainerID]
		}
		if pod == nil && id.PodUID != nil {
			pod = inv.byUID[*id.PodUID]
		}
		if p.Comm == "pause" && !k.Sandbox && ctr == nil {
			k.Sandbox = true
		}
		if pod != nil {
			k.PodUID, k.Namespace, k.Pod = optString(pod.UID), optString(pod.Namespace), optString(pod.Name)
			switch {
			case pod.QOSClass != "":
				k.QOSClass, k.QOSSource = ptr(pod.QOSClass), ptr("status")
			case QOSClass(pod) != "":
				k.QOSClass, k.QOSSource = ptr(QOSClass(pod)), ptr("computed")
			}
		}
		if ctr != nil {
			k.Container = ptr(ctr.Name)
			if k.Runtime == nil {
				k.Runtime = optString(ctr.Runtime)
			}
		}
		if k.QOSClass == nil && id.QOSTier != nil {
			k.QOSClass, k.QOSSource = ptr(tierClass(*id.QOSTier)), ptr("cgroup")
		}
		r.Kubernetes = k
	}
	exp := inv.expected(p, id, r.Kubernetes, pod, ctr, memTotal, ver)
	if exp.rule != "" {
		r.ExpectedAdjRule = ptr(exp.rule)
		if exp.exact {
			r.ExpectedOOMScoreAdj = ptr(exp.lo)
		} else {
			r.ExpectedAdjRange = &[2]int{exp.lo, exp.hi}
		}
		if p.OOMScoreAdj != nil {
			r.AdjMismatch = ptr(!exp.allows(*p.OOMScoreAdj))
		}
	}
	return r
}

func tierClass(tier string) string {
	switch tier {
	case "burstable":
		return QOSBurstable
	case "besteffort":
		return QOSBestEffort
	}
	return QOSGuaranteed
}

// expectation is an expected oom_score_adj: one value (exact), or a range
// [lo, hi] plus values that are also fine (alt).
type expectation struct {
	exact  bool
	lo, hi int
	alt    []int
	rule   string
}

func (e expectation) allows(adj int) bool {
	if adj >= e.lo && adj <= e.hi {
		return true
	}
	for _, a := range e.alt {
		if adj == a {
			return true
		}
	}
	return false
}

func exactly(adj int, rule string) expectation {
	return expectation{exact: true, lo: adj, hi: adj, rule: rule}
}

// nodeDaemonAdj is the oom_score_adj node daemons set for themselves or get
// from their service unit by default (KnownAdjRole).
var nodeDaemonAdj = map[string]int{
	"kubelet":    AdjKubelet,
	"kube-proxy": AdjKubeProxy,
	"containerd": AdjContainerd,
	"dockerd":    AdjDockerd,
	"crio":       AdjKubelet, // crio.service: OOMScoreAdjust=-999
	"conmon":     AdjConmon,
}

// expected works out the oom_score_adj a process should have. The rule is
// "" when nothing is expected of it (a process outside Kubernetes that is
// not a known node daemon).
func (inv *procInventory) expected(p *parse.Proc, id CgroupIdentity, k *ProcKubernetes, pod *parse.Pod, ctr *parse.Container, memTotal int64, ver KubeVersion) expectation {
	pol := policyFor(ver)
	switch {
	case id.Conmon:
		return exactly(AdjConmon, "cri-o-conmon")
	case p.Comm == "kube-proxy":
		// kube-proxy lowers its own value (--oom-score-adj, default -999)
		// also when it runs in a pod.
		return exactly(AdjKubeProxy, "node-daemon")
	case k == nil:
		if strings.HasPrefix(p.Comm, "containerd-shim") {
			return exactly(AdjContainerdShim, "node-daemon")
		}
		if adj, ok := nodeDaemonAdj[p.Comm]; ok {
			return exactly(adj, "node-daemon")
		}
		return expectation{}
	case k.Sandbox:
		return exactly(AdjPodSandbox, "pod-sandbox")
	case pod != nil && ctr != nil:
		adj, rule, ok := ExpectedAdj(pod, ctr, memTotal, ver)
		if ok {
			return exactly(adj, rule)
		}
		if rule == "burstable-memtotal-unknown" {
			return expectation{lo: pol.burstableMin, hi: AdjBurstableMax, rule: rule}
		}
		return expectation{}
	case pod != nil:
		// The container is not in the pod's status (a newer restart, or
		// the pod file is older): what does not depend on the container.
		adj, rule, ok := ExpectedAdj(pod, &parse.Container{}, 0, ver)
		if ok {
			return exactly(adj, rule)
		}
		if rule == "burstable-memtotal-unknown" {
			return expectation{lo: pol.burstableMin, hi: AdjBurstableMax, rule: "burstable-range"}
		}
		return expectation{}
	}
	// No pod object: the QoS tier of the cgroup path. A node-critical
	// static pod gets the Guaranteed value whatever its tier.
	if id.QOSTier == nil {
		return expectation{}
	}
	switch *id.QOSTier {
	case "guaranteed":
		return exactly(pol.guaranteed, "qos-tier-guaranteed")
	case "besteffort":
		return expectation{exact: true, lo: AdjBestEffort, hi: AdjBestEffort, alt: []int{pol.guaranteed}, rule: "qos-tier-besteffort"}
	}
	return expectation{lo: pol.burstableMin, hi: AdjBurstableMax, alt: []int{pol.guaranteed}, rule: "burstable-range"}
}

// PodGroup is the processes of one pod, or of the host outside any pod.
type PodGroup struct {
	// Key is "namespace/name", else the pod UID; "" for the processes
	// outside pods.
	Key       string     `json:"key"`
	PodUID    *string    `json:"pod_uid"`
	Namespace *string    `json:"namespace"`
	Pod       *string    `json:"pod"`
	QOSClass  *string    `json:"qos_class"`
	Processes []ProcRank `json:"processes"`
}

// GroupByPod groups a ranking by pod, keeping the ranking's order inside
// each group; groups are ordered by their first process.
func GroupByPod(ps []ProcRank) []PodGroup {
	idx := map[string]int{}
	out := []PodGroup{}
	for _, p := range ps {
		key := ""
		var g PodGroup
		if k := p.Kubernetes; k != nil {
			switch {
			case k.Namespace != nil && k.Pod != nil:
				key = *k.Namespace + "/" + *k.Pod
			case k.PodUID != nil:
				key = *k.PodUID
			}
			g = PodGroup{Key: key, PodUID: k.PodUID, Namespace: k.Namespace, Pod: k.Pod, QOSClass: k.QOSClass}
		}
		i, ok := idx[key]
		if !ok {
			g.Key = key
			g.Processes = []ProcRank{}
			i = len(out)
			idx[key] = i
			out = append(out, g)
		}
		out[i].Processes = append(out[i].Processes, p)
	}
	return out
}

// ExpectedString shows the expectation as the rank table does: "907", "3..999".
func (r *ProcRank) ExpectedString() string {
	switch {
	case r.ExpectedOOMScoreAdj != nil:
		return fmt.Sprint(*r.ExpectedOOMScoreAdj)
	case r.ExpectedAdjRange != nil:
		return fmt.Sprintf("%d..%d", r.ExpectedAdjRange[0], r.ExpectedAdjRange[1])
	}
	return "-"
}

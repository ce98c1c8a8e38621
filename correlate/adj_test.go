package correlate

import (
	"math"
	"testing"

	"github.com/oomtriage/oomtriage/parse"
)

var (
	v113 = KubeVersion{1, 13}
	v118 = KubeVersion{1, 18}
	v119 = KubeVersion{1, 19}
	v120 = KubeVersion{1, 20}
	v121 = KubeVersion{1, 21}
	v122 = KubeVersion{1, 22}
	v127 = KubeVersion{1, 27}
	v130 = KubeVersion{1, 30}
	v131 = KubeVersion{1, 31}
	v132 = KubeVersion{1, 32}
	v137 = KubeVersion{1, 37}
	vAny = KubeVersion{}
)

const qTi = int64(1) << 40

// burstablePod is a Burstable pod whose first container "app" requests
// memBytes of memory (unset when negative) and 100m of cpu, without limits.
func burstablePod(memBytes int64) *parse.Pod {
	return &parse.Pod{Containers: []parse.Container{qctr("app", qres(100, memBytes), qNone)}}
}

// adjCase is one ExpectedAdj row; container names the container of pod
// (searched in containers, then init containers), "" meaning the first.
type adjCase struct {
	name      string
	pod       *parse.Pod
	container string
	memTotal  int64
	v         KubeVersion
	want      int
	rule      string
	ok        bool
}

func (tt adjCase) run(t *testing.T) {
	t.Helper()
	c := testContainer(tt.pod, tt.container)
	got, rule, ok := ExpectedAdj(tt.pod, c, tt.memTotal, tt.v)
	if got != tt.want || rule != tt.rule || ok != tt.ok {
		t.Errorf("%s (v%s, MemTotal %d): got %d %q %v, want %d %q %v",
			tt.name, tt.v, tt.memTotal, got, rule, ok, tt.want, tt.rule, tt.ok)
	}
}

func testContainer(p *parse.Pod, name string) *parse.Container {
	if p == nil {
		return nil
	}
	if name == "" {
		return &p.Containers[0]
	}
	for _, list := range [][]parse.Container{p.Containers, p.InitContainers} {
		for i := range list {
			if list[i].Name == name {
				return &list[i]
			}
		}
	}
	return nil
}

// TestExpectedAdjReferenceVectors runs kubernetes-side.md §2.4.
func TestExpectedAdjReferenceVectors(t *testing.T) {
	guaranteed := &parse.Pod{Containers: []parse.Container{qctr("app", qGuar1, qGuar1)}}
	besteffort := &parse.Pod{Containers: []parse.Container{qctr("app", qNone, qNone)}}
	nodeCritical := burstablePod(qGi)
	nodeCritical.Static = true
	nodeCritical.PriorityClassName = "system-node-critical"
	nodeCritical.Priority = func(v int32) *int32 { return &v }(2000001000)

	// Corpus 004: a limit-only 100Mi container, the request defaulted from it.
	limitOnly := &parse.Pod{Containers: []parse.Container{qctr("app", qNone, qres(unset, 100*qMi))}}

	sidecar := func(sidecarReq, mainReq int64) *parse.Pod {
		return &parse.Pod{
			InitContainers: []parse.Container{qsidecar("sidecar", qres(unset, sidecarReq), qNone)},
			Containers:     []parse.Container{qctr("app", qres(100, mainReq), qNone)},
		}
	}
	podLevel := &parse.Pod{
		QOSClass:    QOSBurstable,
		PodRequests: &parse.Resources{MemoryBytes: qv(4 * qGi)},
		Containers:  []parse.Container{qctr("A", qres(unset, qGi), qNone), qctr("B", qNone, qNone)},
	}

	for _, tt := range []adjCase{
		{"Guaranteed, any size (1.20+)", guaranteed, "", 16 * qGi, v120, -997, "guaranteed", true},
		{"Guaranteed, any size (newest)", guaranteed, "", 1, vAny, -997, "guaranteed", true},
		{"Guaranteed, any size (1.19)", guaranteed, "", 16 * qGi, v119, -998, "guaranteed", true},
		{"BestEffort", besteffort, "", 16 * qGi, v137, 1000, "besteffort", true},
		{"BestEffort (1.18)", besteffort, "", 16 * qGi, v118, 1000, "besteffort", true},
		{"node-critical Burstable", nodeCritical, "", 16 * qGi, v137, -997, "node-critical", true},
		{"Burstable 1Gi", burstablePod(qGi), "", 16 * qGi, v137, 938, "burstable", true},
		{"Burstable 128Mi", burstablePod(128 * qMi), "", 16 * qGi, v137, 993, "burstable", true},
		{"Burstable 2Gi (corpus 101 greatdb)", burstablePod(2 * qGi), "", 16 * qGi, v137, 875, "burstable", true},
		{"Burstable 4Gi", burstablePod(4 * qGi), "", 64 * qGi, v137, 938, "burstable", true},
		{"Burstable 8Gi", burstablePod(8 * qGi), "", qTi, v137, 993, "burstable", true},
		{"Burstable no memory request", burstablePod(unset), "", 16 * qGi, v137, 999, "burstable-clamped-high", true},
		{"Burstable 10Mi", burstablePod(10 * qMi), "", 16 * qGi, v137, 999, "burstable-clamped-high", true},
		{"Burstable 16Mi", burstablePod(16 * qMi), "", 16 * qGi, v137, 999, "burstable-clamped-high", true},
		{"Burstable 17Mi", burstablePod(17 * qMi), "", 16 * qGi, v137, 999, "burstable", true},
		{"Burstable 15.9Gi", burstablePod(17072495001), "", 16 * qGi, v137, 7, "burstable", true},
		{"Burstable request == MemTotal (1.20+)", burstablePod(16 * qGi), "", 16 * qGi, v120, 3, "burstable-clamped-low", true},
		{"Burstable request == MemTotal (1.19)", burstablePod(16 * qGi), "", 16 * qGi, v119, 2, "burstable-clamped-low", true},
		{"real corpus 004 (AKS, limit-only 100Mi)", limitOnly, "", 8100000000, vAny, 988, "burstable", true},
		{"sidecar req 64Mi, min regular req 1Gi", sidecar(64*qMi, qGi), "sidecar", 16 * qGi, v132, 938, "sidecar-min-of-main", true},
		{"sidecar req 2Gi, min regular req 1Gi", sidecar(2*qGi, qGi), "sidecar", 16 * qGi, v132, 875, "burstable", true},
		{"pod-level req 4Gi, container A", podLevel, "A", 16 * qGi, v137, 844, "pod-level-resources", true},
		{"pod-level req 4Gi, container B", podLevel, "B", 16 * qGi, v137, 907, "pod-level-resources", true},
	} {
		tt.run(t)
	}

	// Reverse check example: R = 100Mi, a = 988 ⇒ MemTotal ∈ (8,065,969,230, 8,738,133,333].
	if lo, hi, ok := BurstableMemTotalRange(100*qMi, 988, vAny); !ok || lo != 8065969231 || hi != 8738133333 {
		t.Errorf("reverse 100Mi/988: got [%d, %d] %v", lo, hi, ok)
	}
	// Corpus 017: 921 observed ⇒ R/MemTotal ∈ [7.9 %, 8.0 %).
	for _, r := range []int64{qGi, 100 * qMi, 3 * qGi, 12345678901} {
		lo, hi, ok := BurstableMemTotalRange(r, 921, vAny)
		if !ok {
			t.Fatalf("reverse %d/921: no range", r)
		}
		if !(float64(r)/float64(lo) < 0.080 && float64(r)/float64(hi) >= 0.079) ||
			float64(r)/float64(lo-1) < 0.080 || float64(r)/float64(hi+1) >= 0.079 {
			t.Errorf("reverse %d/921: [%d, %d] is not R/MemTotal ∈ [7.9%%, 8%%)", r, lo, hi)
		}
	}
}

func TestExpectedAdjVersionsAndCritical(t *testing.T) {
	guaranteed := &parse.Pod{Containers: []parse.Container{qctr("app", qGuar1, qGuar1)}}
	static := burstablePod(qGi)
	static.Static = true
	staticNodeCritical := burstablePod(qGi)
	staticNodeCritical.Static = true
	staticNodeCritical.PriorityClassName = "system-node-critical" // priority not resolved
	clusterCritical := burstablePod(qGi)
	clusterCritical.PriorityClassName = "system-cluster-critical"
	clusterCritical.Priority = func(v int32) *int32 { return &v }(2000000000)
	clusterCriticalUnresolved := burstablePod(qGi)
	clusterCriticalUnresolved.PriorityClassName = "system-cluster-critical"
	nodeCriticalByPriority := burstablePod(qGi)
	nodeCriticalByPriority.PriorityClassName = "system-node-critical"
	nodeCriticalByPriority.Priority = func(v int32) *int32 { return &v }(2000001000)
	nodeCriticalLowPriority := burstablePod(qGi)
	nodeCriticalLowPriority.PriorityClassName = "system-node-critical"
	nodeCriticalLowPriority.Priority = func(v int32) *int32 { return &v }(1000)
	staticGuaranteed := &parse.Pod{Static: true, PriorityClassName: "system-node-critical",
		Containers: []parse.Container{qctr("app", qGuar1, qGuar1)}}

	for _, tt := range []adjCase{
		// Eras of the constants.
		{"Guaranteed 1.18", guaranteed, "", 16 * qGi, v118, -998, "guaranteed", true},
		{"Guaranteed 1.13", guaranteed, "", 16 * qGi, v113, -998, "guaranteed", true},
		{"Guaranteed 1.21", guaranteed, "", 16 * qGi, v121, -997, "guaranteed", true},
		{"floor 1.18", burstablePod(32 * qGi), "", 16 * qGi, v118, 2, "burstable-clamped-low", true},
		{"floor newest", burstablePod(32 * qGi), "", 16 * qGi, vAny, 3, "burstable-clamped-low", true},
		{"just above the floor", burstablePod(16*qGi - 16*qGi/1000*4), "", 16 * qGi, v137, 4, "burstable", true},
		{"request far above capacity", burstablePod(100 * qTi), "", 16 * qGi, v137, 3, "burstable-clamped-low", true},

		// Critical pods: none before 1.14; any static / priority ≥ 2e9 pod in
		// 1.14–1.21; only system-node-critical from 1.22.
		{"static 1.13", static, "", 16 * qGi, v113, 938, "burstable", true},
		{"static 1.18", static, "", 16 * qGi, v118, -998, "static-critical", true},
		{"static 1.21", static, "", 16 * qGi, v121, -997, "static-critical", true},
		{"static 1.22 without class", static, "", 16 * qGi, v122, 938, "burstable", true},
		{"static system-node-critical 1.22", staticNodeCritical, "", 16 * qGi, v122, -997, "node-critical", true},
		{"static system-node-critical newest", staticNodeCritical, "", 16 * qGi, vAny, -997, "node-critical", true},
		{"static system-node-critical 1.19", staticNodeCritical, "", 16 * qGi, v119, -998, "static-critical", true},
		{"coredns system-cluster-critical 1.20 (issue #106649)", clusterCritical, "", 16 * qGi, v120, -997, "critical-priority", true},
		{"system-cluster-critical, priority unrecorded, 1.21", clusterCriticalUnresolved, "", 16 * qGi, v121, -997, "critical-priority", true},
		{"system-cluster-critical 1.22", clusterCritical, "", 16 * qGi, v122, 938, "burstable", true},
		{"system-node-critical by priority 1.30", nodeCriticalByPriority, "", 16 * qGi, v130, -997, "node-critical", true},
		{"system-node-critical with low priority", nodeCriticalLowPriority, "", 16 * qGi, v130, 938, "burstable", true},
		{"static Guaranteed node-critical: critical first", staticGuaranteed, "", 16 * qGi, v137, -997, "node-critical", true},
		{"node-critical needs no MemTotal", staticNodeCritical, "", 0, v137, -997, "node-critical", true},
	} {
		tt.run(t)
	}
}

func TestExpectedAdjEdges(t *testing.T) {
	cpuOnly := &parse.Pod{Containers: []parse.Container{qctr("app", qres(250, unset), qres(500, unset))}}
	initOnly := &parse.Pod{
		InitContainers: []parse.Container{qinit("migrate", qres(unset, qGi), qNone)},
		Containers:     []parse.Container{qctr("app", qNone, qNone)},
	}
	// status.qosClass disagrees with the spec: the kubelet reads it from 1.28.
	statusGuaranteed := burstablePod(qGi)
	statusGuaranteed.QOSClass = QOSGuaranteed
	statusBogus := burstablePod(qGi)
	statusBogus.QOSClass = "Gold"
	sidecarNoMain := &parse.Pod{InitContainers: []parse.Container{qsidecar("s", qres(unset, 64*qMi), qNone)}}
	notListed := qsidecar("ghost", qres(unset, 64*qMi), qNone)
	sidecarPod := &parse.Pod{
		InitContainers: []parse.Container{qsidecar("sidecar", qres(unset, 64*qMi), qNone)},
		Containers:     []parse.Container{qctr("big", qres(100, 4*qGi), qNone), qctr("small", qres(100, qGi), qNone)},
	}
	sidecarNoRequest := &parse.Pod{
		InitContainers: []parse.Container{qsidecar("sidecar", qres(10, unset), qNone)},
		Containers:     []parse.Container{qctr("app", qres(100, qGi), qNone)},
	}
	// Pod-level with a sidecar: share = (4Gi − 1Gi − 64Mi)/2 = 1577058304.
	podLevelSidecar := &parse.Pod{
		QOSClass:       QOSBurstable,
		PodRequests:    &parse.Resources{MemoryBytes: qv(4 * qGi)},
		InitContainers: []parse.Container{qsidecar("sidecar", qres(unset, 64*qMi), qNone)},
		Containers:     []parse.Container{qctr("A", qres(unset, qGi), qNone)},
	}
	// Pod-level with a classic init container that sets the aggregate:
	// share = (10Gi − max(1Gi, 8Gi))/2 = 1Gi.
	podLevelInit := &parse.Pod{
		QOSClass:       QOSBurstable,
		PodRequests:    &parse.Resources{MemoryBytes: qv(10 * qGi)},
		InitContainers: []parse.Container{qinit("init", qres(unset, 8*qGi), qNone)},
		Containers:     []parse.Container{qctr("A", qres(unset, qGi), qNone)},
	}
	podLevelCPUOnly := &parse.Pod{
		QOSClass:    QOSBurstable,
		PodRequests: &parse.Resources{CPUMilli: qv(2000)},
		Containers:  []parse.Container{qctr("A", qres(unset, qGi), qNone)},
	}
	// Without status, the pod-level memory-only block makes the pod
	// Burstable (cpu and memory shapes differ).
	podLevelNoStatus := &parse.Pod{
		PodRequests: &parse.Resources{MemoryBytes: qv(4 * qGi)},
		Containers:  []parse.Container{qctr("A", qres(unset, qGi), qNone), qctr("B", qNone, qNone)},
	}
	negative := burstablePod(-5)
	negative.Containers[0].Requests.MemoryBytes = qv(-5)

	for _, tt := range []adjCase{
		{"unknown MemTotal, Burstable", burstablePod(qGi), "", 0, v137, 0, "burstable-memtotal-unknown", false},
		{"negative MemTotal, Burstable", burstablePod(qGi), "", -1, v137, 0, "burstable-memtotal-unknown", false},
		{"unknown MemTotal, Guaranteed", &parse.Pod{Containers: []parse.Container{qctr("app", qGuar1, qGuar1)}}, "", 0, v137, -997, "guaranteed", true},
		{"unknown MemTotal, BestEffort", &parse.Pod{Containers: []parse.Container{qctr("app", qNone, qNone)}}, "", 0, v137, 1000, "besteffort", true},
		{"cpu only: Burstable with no memory request", cpuOnly, "", 16 * qGi, v137, 999, "burstable-clamped-high", true},
		{"init-only requests: main container", initOnly, "app", 16 * qGi, v137, 999, "burstable-clamped-high", true},
		{"init-only requests: init container", initOnly, "migrate", 16 * qGi, v137, 938, "burstable", true},
		{"status Guaranteed, 1.30 reads status", statusGuaranteed, "", 16 * qGi, v130, -997, "guaranteed", true},
		{"status Guaranteed, 1.27 computes", statusGuaranteed, "", 16 * qGi, v127, 938, "burstable", true},
		{"status not a class: computed", statusBogus, "", 16 * qGi, v137, 938, "burstable", true},
		{"sidecar rule before 1.32", sidecarPod, "sidecar", 16 * qGi, v131, 997, "burstable", true},
		{"sidecar takes the smallest regular request", sidecarPod, "sidecar", 16 * qGi, v132, 938, "sidecar-min-of-main", true},
		{"sidecar, newest", sidecarPod, "sidecar", 16 * qGi, vAny, 938, "sidecar-min-of-main", true},
		{"regular container is not lowered", sidecarPod, "small", 16 * qGi, v137, 938, "burstable", true},
		{"sidecar without memory request", sidecarNoRequest, "sidecar", 16 * qGi, v137, 938, "sidecar-min-of-main", true},
		{"sidecar, no regular containers", sidecarNoMain, "s", 16 * qGi, v137, 997, "burstable", true},
		{"pod-level + sidecar: sidecar", podLevelSidecar, "sidecar", 16 * qGi, v137, 846, "sidecar-min-of-main", true},
		{"pod-level + sidecar: main", podLevelSidecar, "A", 16 * qGi, v137, 846, "pod-level-resources", true},
		{"pod-level + classic init", podLevelInit, "A", 16 * qGi, v137, 875, "pod-level-resources", true},
		{"pod-level ignored before 1.32", podLevelInit, "A", 16 * qGi, v131, 938, "burstable", true},
		{"pod-level cpu only: no share", podLevelCPUOnly, "A", 16 * qGi, v137, 938, "burstable", true},
		{"pod-level without status", podLevelNoStatus, "B", 16 * qGi, v137, 907, "pod-level-resources", true},
		{"negative request", negative, "", 16 * qGi, v137, 0, "invalid-request", false},
		{"nil pod", nil, "", 16 * qGi, v137, 0, "unknown", false},
	} {
		tt.run(t)
	}
	// A sidecar flagged container that is not in the pod's init containers
	// is not a sidecar to the kubelet.
	if got, rule, _ := ExpectedAdj(sidecarPod, &notListed, 16*qGi, v137); got != 997 || rule != "burstable" {
		t.Errorf("unlisted sidecar: got %d %q", got, rule)
	}
	if _, rule, ok := ExpectedAdj(sidecarPod, nil, 16*qGi, v137); ok || rule != "unknown" {
		t.Errorf("nil container: got %q %v", rule, ok)
	}
}

// plainAdj is ExpectedAdj for a one-container Burstable pod requesting r.
func plainAdj(t *testing.T, r, memTotal int64, v KubeVersion) int {
	t.Helper()
	p := burstablePod(r)
	adj, _, ok := ExpectedAdj(p, &p.Containers[0], memTotal, v)
	if !ok {
		t.Fatalf("ExpectedAdj(%d, %d, %s) not ok", r, memTotal, v)
	}
	return adj
}

// checkRange asserts that BurstableMemTotalRange for (r, adj of r on m)
// contains m, that both ends give that adj and that one byte outside gives
// another.
func checkRange(t *testing.T, r, m int64, v KubeVersion) {
	t.Helper()
	adj := plainAdj(t, r, m, v)
	lo, hi, ok := BurstableMemTotalRange(r, adj, v)
	if !ok || lo > m || m > hi || lo < 1 {
		t.Fatalf("R=%d M=%d v%s adj=%d: range [%d, %d] %v does not contain M", r, m, v, adj, lo, hi, ok)
	}
	if a := plainAdj(t, r, lo, v); a != adj {
		t.Errorf("R=%d adj=%d: low end %d gives %d", r, adj, lo, a)
	}
	if a := plainAdj(t, r, hi, v); a != adj {
		t.Errorf("R=%d adj=%d: high end %d gives %d", r, adj, hi, a)
	}
	if lo > 1 {
		if a := plainAdj(t, r, lo-1, v); a == adj {
			t.Errorf("R=%d adj=%d: range [%d, %d] not tight below", r, adj, lo, hi)
		}
	}
	if hi < math.MaxInt64 {
		if a := plainAdj(t, r, hi+1, v); a == adj {
			t.Errorf("R=%d adj=%d: range [%d, %d] not tight above", r, adj, lo, hi)
		}
	}
}

func TestBurstableMemTotalRangeGrid(t *testing.T) {
	requests := []int64{0, 1, 999, 1000, qMi, 10 * qMi, 16 * qMi, 17 * qMi, 100 * qMi, 128 * qMi, qGi, 2 * qGi,
		17072495001, 16 * qGi, 64 * qGi, qTi, math.MaxInt64 / 1000}
	capacities := []int64{1, 2, 999, 1000, 1001, qMi, qGi, 8100000000, 16 * qGi, 64 * qGi, qTi, 4 * qTi, math.MaxInt64}
	for _, v := range []KubeVersion{v118, v120, vAny} {
		for _, r := range requests {
			for _, m := range capacities {
				checkRange(t, r, m, v)
			}
		}
	}
}

// TestBurstableMemTotalRangeExhaustive compares, for small requests, the
// ranges with every capacity up to past the point where the value is 999.
func TestBurstableMemTotalRangeExhaustive(t *testing.T) {
	for _, v := range []KubeVersion{v119, vAny} {
		for _, r := range []int64{1, 2, 3, 7, 50, 997, 1000, 1001} {
			limit := 500*r + 3
			type span struct{ lo, hi int64 }
			seen := map[int]span{}
			for m := int64(1); m <= limit; m++ {
				a := int(burstableRaw(r, m, v))
				s, ok := seen[a]
				if !ok {
					s.lo = m
				} else if s.hi != m-1 {
					t.Fatalf("R=%d: adj %d not contiguous at %d", r, a, m)
				}
				s.hi = m
				seen[a] = s
			}
			for a := -1000; a <= 1000; a++ {
				lo, hi, ok := BurstableMemTotalRange(r, a, v)
				s, want := seen[a]
				if ok != want {
					t.Fatalf("R=%d adj=%d v%s: ok=%v, observed=%v", r, a, v, ok, want)
				}
				if !ok {
					continue
				}
				if hi == math.MaxInt64 {
					hi = limit // the observation stops there
				}
				if lo != s.lo || hi != s.hi {
					t.Errorf("R=%d adj=%d v%s: range [%d, %d], observed [%d, %d]", r, a, v, lo, hi, s.lo, s.hi)
				}
			}
		}
	}
}

// burstableRaw is the plain Burstable formula with its clamps, written out
// again independently of ExpectedAdj for the exhaustive test.
func burstableRaw(r, m int64, v KubeVersion) int64 {
	floor := int64(3)
	if !v.atLeast(1, 20) {
		floor = 2
	}
	adj := 1000 - 1000*r/m
	if adj < floor {
		return floor
	}
	if adj == 1000 {
		return 999
	}
	return adj
}

func TestBurstableMemTotalRangeRejects(t *testing.T) {
	for _, tt := range []struct {
		r   int64
		adj int
		v   KubeVersion
	}{
		{qGi, 1000, vAny}, // BestEffort value
		{qGi, -997, vAny}, // Guaranteed value
		{qGi, 2, vAny},    // below the 1.20+ floor
		{qGi, 1, v119},    // below the ≤1.19 floor
		{0, 998, vAny},    // no request only ever gives 999
		{0, 3, vAny},
		{-1, 999, vAny},
		{math.MaxInt64/1000 + 1, 500, vAny},
		{1, 600, vAny}, // 1000/M jumps over 400: no M gives it
	} {
		if lo, hi, ok := BurstableMemTotalRange(tt.r, tt.adj, tt.v); ok {
			t.Errorf("R=%d adj=%d v%s: got [%d, %d], want none", tt.r, tt.adj, tt.v, lo, hi)
		}
	}
	if lo, hi, ok := BurstableMemTotalRange(0, 999, vAny); !ok || lo != 1 || hi != math.MaxInt64 {
		t.Errorf("R=0 adj=999: got [%d, %d] %v", lo, hi, ok)
	}
	if lo, hi, ok := BurstableMemTotalRange(16*qGi, 3, vAny); !ok || lo != 1 || hi != 16*qGi*1000/997 {
		t.Errorf("R=16Gi adj=3: got [%d, %d] %v", lo, hi, ok)
	}
}

func FuzzBurstableMemTotalRange(f *testing.F) {
	f.Add(int64(100*qMi), int64(8100000000), uint8(37))
	f.Add(int64(0), int64(1), uint8(18))
	f.Add(int64(qGi), int64(16*qGi), uint8(0))
	f.Add(int64(math.MaxInt64/1000), int64(math.MaxInt64), uint8(20))
	f.Fuzz(func(t *testing.T, r, m int64, minor uint8) {
		if r < 0 || r > math.MaxInt64/1000 || m < 1 {
			t.Skip()
		}
		v := KubeVersion{}
		if minor > 0 {
			v = KubeVersion{1, int(minor % 40)}
		}
		checkRange(t, r, m, v)
	})
}

func TestParseKubeVersion(t *testing.T) {
	tests := []struct {
		in   string
		want KubeVersion
		ok   bool
	}{
		{"v1.31.4", KubeVersion{1, 31}, true},
		{"1.31", KubeVersion{1, 31}, true},
		{"v1.28.2+k3s1", KubeVersion{1, 28}, true},
		{"v1.29.0-eks-5e0fdde", KubeVersion{1, 29}, true},
		{"v1.27.3-gke.100", KubeVersion{1, 27}, true},
		{"v1.30.1-rc.0", KubeVersion{1, 30}, true},
		{"v1.26.6+rke2r1", KubeVersion{1, 26}, true},
		{"1.27+", KubeVersion{1, 27}, true},
		{"  v1.18.0\n", KubeVersion{1, 18}, true},
		{"V1.9.11", KubeVersion{1, 9}, true},
		{"v2.0.0", KubeVersion{2, 0}, true},
		{"", KubeVersion{}, false},
		{"v", KubeVersion{}, false},
		{"v1", KubeVersion{}, false},
		{"1.", KubeVersion{}, false},
		{"v1.x", KubeVersion{}, false},
		{"v1.31a", KubeVersion{}, false},
		{"v0.37.2", KubeVersion{}, false},
		{"vv1.31", KubeVersion{}, false},
		{"1.31.4 ", KubeVersion{1, 31}, true},
		{"1234567.1", KubeVersion{}, false},
		{"unknown", KubeVersion{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseKubeVersion(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseKubeVersion(%q) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if s := (KubeVersion{1, 31}).String(); s != "1.31" {
		t.Errorf("String: %q", s)
	}
	if s := (KubeVersion{}).String(); s != "unknown" {
		t.Errorf("String of zero: %q", s)
	}
}

func FuzzParseKubeVersion(f *testing.F) {
	for _, s := range []string{"v1.31.4", "1.31", "v1.28.2+k3s1", "v1.29.0-eks-5e0fdde", "", "v1", "1.27+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseKubeVersion(s)
		if !ok {
			if v != (KubeVersion{}) {
				t.Errorf("%q: not ok but %v", s, v)
			}
			return
		}
		if v.Major < 1 || v.Minor < 0 {
			t.Errorf("%q: %v", s, v)
		}
		if back, ok := ParseKubeVersion("v" + v.String()); !ok || back != v {
			t.Errorf("%q: %v does not round-trip", s, v)
		}
	})
}

func TestKnownAdjRole(t *testing.T) {
	for _, adj := range []int{-1000, -999, -998, -997, 2, 3, 999, 1000} {
		if KnownAdjRole(adj) == "" {
			t.Errorf("KnownAdjRole(%d) is empty", adj)
		}
	}
	for _, adj := range []int{0, 1, 500, 938, -500} {
		if r := KnownAdjRole(adj); r != "" {
			t.Errorf("KnownAdjRole(%d) = %q, want none", adj, r)
		}
	}
	if AdjPodSandbox != -998 || AdjKubelet != -999 || AdjKubeProxy != -999 || AdjContainerdShim != -998 || AdjConmon != -1000 {
		t.Error("non-container constants differ from kubernetes-side.md §2.5")
	}
}

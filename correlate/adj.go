package correlate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/oomtriage/oomtriage/parse"
)

// Well-known oom_score_adj values (kubernetes-side.md §2.1, §2.5). Several
// roles share a value; KnownAdjRole names them all.
const (
	AdjConmon             = -1000 // CRI-O conmon (from cri-o PR #3784's title; conmon source not read)
	AdjKubelet            = -999  // kubelet --oom-score-adj default
	AdjKubeProxy          = -999  // kube-proxy --oom-score-adj default
	AdjContainerd         = -999  // OOMScoreAdjust=-999 in containerd.service
	AdjDockerd            = -999  // DockerOOMScoreAdj, enforced by the kubelet up to 1.23
	AdjPodSandbox         = -998  // pause / infra process (containerd, CRI-O, dockershim)
	AdjContainerdShim     = -998  // containerd-shim: containerd's value + 1
	AdjGuaranteedPre120   = -998  // Guaranteed and critical containers up to 1.19
	AdjGuaranteed         = -997  // Guaranteed and node-critical containers from 1.20
	AdjBurstableMinPre120 = 2     // lowest Burstable value up to 1.19 (1000 + -998)
	AdjBurstableMin       = 3     // lowest Burstable value from 1.20 (1000 + -997)
	AdjBurstableMax       = 999   // highest Burstable value (a computed 1000 becomes 999)
	AdjBestEffort         = 1000  // BestEffort containers
)

// KnownAdjRole names what in a Kubernetes node's task table usually carries
// the value adj, for findings; "" when the value is not a well-known one.
func KnownAdjRole(adj int) string {
	switch adj {
	case AdjConmon:
		return "CRI-O conmon, or a process exempted from the OOM killer"
	case AdjKubelet:
		return "kubelet, kube-proxy, containerd or dockerd"
	case AdjPodSandbox:
		return "pod sandbox (pause) or containerd-shim; a Guaranteed or critical container up to Kubernetes 1.19"
	case AdjGuaranteed:
		return "Guaranteed or node-critical container (Kubernetes 1.20+)"
	case AdjBurstableMinPre120:
		return "Burstable container at the floor, request near or above node memory (Kubernetes up to 1.19)"
	case AdjBurstableMin:
		return "Burstable container at the floor, request near or above node memory"
	case AdjBurstableMax:
		return "Burstable container with no or a small memory request"
	case AdjBestEffort:
		return "BestEffort container, or a process that raised its own score"
	}
	return ""
}

// KubeVersion is a Kubernetes minor version, e.g. {1, 31}; the zero value
// means unknown (use the newest policy).
type KubeVersion struct{ Major, Minor int }

// String prints "1.31", or "unknown" for the zero value.
func (v KubeVersion) String() string {
	if v.unknown() {
		return "unknown"
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

func (v KubeVersion) unknown() bool { return v.Major <= 0 }

// atLeast reports v >= major.minor; an unknown version is the newest.
func (v KubeVersion) atLeast(major, minor int) bool {
	if v.unknown() {
		return true
	}
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// ParseKubeVersion reads a Kubernetes version as nodes, kubectl and
// distributions print it: "v1.31.4", "1.31", "v1.28.2+k3s1",
// "v1.29.0-eks-…", kubectl's "1.27+". Only major and minor are kept.
func ParseKubeVersion(s string) (KubeVersion, bool) {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	major, rest, ok := leadingNumber(s)
	if !ok || major < 1 || !strings.HasPrefix(rest, ".") {
		return KubeVersion{}, false
	}
	minor, rest, ok := leadingNumber(rest[1:])
	if !ok || rest != "" && !strings.ContainsRune(".-+", rune(rest[0])) {
		return KubeVersion{}, false
	}
	return KubeVersion{major, minor}, true
}

// leadingNumber reads 1 to 6 decimal digits at the start of s.
func leadingNumber(s string) (n int, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 6 {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:i])
	return n, s[i:], err == nil
}

// adjPolicy is the pair of constants of policy.go in one release.
type adjPolicy struct {
	guaranteed   int // guaranteedOOMScoreAdj
	burstableMin int // 1000 + guaranteedOOMScoreAdj
}

// policyFor gives -998/2 up to 1.19 and -997/3 from 1.20 (PR #71269).
// The 2015 value -999 (kubernetes-side.md §2.1, before ~1.4) is not modelled.
func policyFor(v KubeVersion) adjPolicy {
	if v.atLeast(1, 20) {
		return adjPolicy{guaranteed: AdjGuaranteed, burstableMin: AdjBurstableMin}
	}
	return adjPolicy{guaranteed: AdjGuaranteedPre120, burstableMin: AdjBurstableMinPre120}
}

// Priority values of the built-in classes (scheduling API).
const (
	systemCriticalPriority      = 2000000000 // SystemCriticalPriority; system-cluster-critical
	systemNodeCriticalPriority  = 2000001000
	systemNodeCriticalClassName = "system-node-critical"
	systemClusterCriticalName   = "system-cluster-critical"
)

// ExpectedAdj returns the oom_score_adj the kubelet of version v sets for
// container c of pod p on a node with memTotal bytes of memory capacity
// (/proc/meminfo MemTotal, cAdvisor's MemoryCapacity; not allocatable), and
// a short rule name explaining it:
//
//	node-critical          1.22+: system-node-critical and (static, mirror or priority ≥ 2e9)
//	static-critical        1.14–1.21: any static or mirror pod
//	critical-priority      1.14–1.21: priority ≥ 2e9 (system-cluster-critical too)
//	guaranteed, besteffort by QoS class
//	burstable              1000 - (1000*request)/memTotal
//	pod-level-resources    the same with the pod-level share added (1.32+)
//	sidecar-min-of-main    a sidecar lowered to its pod's smallest regular container (1.32+)
//	burstable-clamped-low  raised to 2 (≤1.19) or 3 (1.20+)
//	burstable-clamped-high a computed 1000 turned into 999
//
// memTotal ≤ 0 means unknown: Burstable then returns ok=false (rule
// "burstable-memtotal-unknown"). ok is also false for a nil pod or container
// and for requests the API would reject (negative, or pod-level requests
// below the containers' sum).
//
// The QoS class is status.qosClass for 1.28+ (and unknown versions) when it
// is recorded, as the kubelet's GetPodQOS reads it; otherwise it is computed
// from the spec (QOSClass, without the pod-level block before 1.32).
// Requests are the pod's spec after API defaulting; with in-place resize the
// kubelet uses the resources allocated when the container started, which the
// input does not carry.
func ExpectedAdj(p *parse.Pod, c *parse.Container, memTotal int64, v KubeVersion) (adj int, rule string, ok bool) {
	if p == nil || c == nil {
		return 0, "unknown", false
	}
	pol := policyFor(v)
	if rule, critical := criticalRule(p, v); critical {
		return pol.guaranteed, rule, true
	}
	switch kubeletQOS(p, v) {
	case QOSGuaranteed:
		return pol.guaranteed, "guaranteed", true
	case QOSBestEffort:
		return AdjBestEffort, "besteffort", true
	}
	if memTotal <= 0 {
		return 0, "burstable-memtotal-unknown", false
	}
	request := containerMemRequest(c)
	if request < 0 {
		return 0, "invalid-request", false
	}
	rule = "burstable"

	// Pod-level resources (1.32+). A pod that carries spec.resources was
	// admitted with the PodLevelResources gate on (the API drops the field
	// otherwise), so the kubelet is taken to have it on as well.
	var share int64
	podLevel := false
	if v.atLeast(1, 32) {
		if b := podLevelOf(p); b != nil {
			blk := defaultPodRequests(p, *b)
			if blk.req.CPUMilli != nil || blk.req.MemoryBytes != nil { // IsPodLevelRequestsSet
				podLevel = true
				share = remainingPodMemReqPerContainer(p, blk)
				if share != 0 {
					rule = "pod-level-resources"
				}
			}
		}
	}
	// The kubelet's integer arithmetic, int64 with truncating division.
	raw := 1000 - (1000*(request+share))/memTotal

	// Sidecar rule (1.32+, PR #128029): a restartable init container gets
	// at most the value of the regular container with the smallest request.
	// The kubelet indexes spec.containers[0]; a pod without regular
	// containers cannot be admitted, so the rule is skipped then.
	if v.atLeast(1, 32) && isSidecarOf(p, c) && len(p.Containers) > 0 {
		minRequest := minRegularMemRequest(p)
		if podLevel {
			minRequest += share
		}
		if minRaw := 1000 - (1000*minRequest)/memTotal; raw > minRaw {
			raw = minRaw
			rule = "sidecar-min-of-main"
		}
	}
	switch {
	case raw < int64(pol.burstableMin):
		return pol.burstableMin, "burstable-clamped-low", true
	case raw == AdjBestEffort:
		return AdjBurstableMax, "burstable-clamped-high", true
	case raw > AdjBestEffort:
		return 0, "invalid-request", false // a negative effective request
	}
	return int(raw), rule, true
}

// criticalRule applies the critical-pod rule of release v: none before 1.14,
// IsCriticalPod in 1.14–1.21 (PR #73758; the first release is inferred from
// merge dates, kubernetes-side.md §10), IsNodeCriticalPod from 1.22.
func criticalRule(p *parse.Pod, v KubeVersion) (string, bool) {
	if !v.atLeast(1, 14) {
		return "", false
	}
	critical, rule := false, ""
	switch {
	case p.Static:
		critical, rule = true, "static-critical"
	case effectivePriority(p) >= systemCriticalPriority:
		critical, rule = true, "critical-priority"
	}
	if !critical {
		return "", false
	}
	if !v.atLeast(1, 22) {
		return rule, true
	}
	if p.PriorityClassName == systemNodeCriticalClassName {
		return "node-critical", true
	}
	return "", false
}

// effectivePriority is spec.priority, or when it was not recorded the value
// the Priority admission plugin gives the built-in classes. Static pods may
// have no resolved priority (kubernetes-side.md §2.1); they are critical by
// being static.
func effectivePriority(p *parse.Pod) int64 {
	if p.Priority != nil {
		return int64(*p.Priority)
	}
	switch p.PriorityClassName {
	case systemNodeCriticalClassName:
		return systemNodeCriticalPriority
	case systemClusterCriticalName:
		return systemCriticalPriority
	}
	return 0
}

// kubeletQOS is v1qos.GetPodQOS as the kubelet of release v calls it.
func kubeletQOS(p *parse.Pod, v KubeVersion) string {
	if v.atLeast(1, 28) {
		switch p.QOSClass {
		case QOSGuaranteed, QOSBurstable, QOSBestEffort:
			return p.QOSClass
		}
	}
	return computeQOS(p, v.atLeast(1, 32), true)
}

// containerMemRequest is container.Resources.Requests.Memory().Value() after
// API defaulting (a memory limit without a request is the request).
func containerMemRequest(c *parse.Container) int64 {
	return qosValue(defaultedRequests(c).MemoryBytes)
}

// isSidecarOf is isSidecarContainer: restartPolicy Always and listed in
// spec.initContainers (matched by name).
func isSidecarOf(p *parse.Pod, c *parse.Container) bool {
	if !c.Sidecar {
		return false
	}
	for i := range p.InitContainers {
		if p.InitContainers[i].Name == c.Name {
			return true
		}
	}
	return false
}

// minRegularMemRequest is minRegularContainerMemory: the smallest memory
// request over spec.containers; init containers are excluded.
func minRegularMemRequest(p *parse.Pod) int64 {
	m := containerMemRequest(&p.Containers[0])
	for i := range p.Containers[1:] {
		m = min(m, containerMemRequest(&p.Containers[1+i]))
	}
	return m
}

// remainingPodMemReqPerContainer is the kubelet helper of the same name
// (read in the kubernetes source): (pod-level memory request − aggregated
// container requests) / (len(containers) + len(initContainers)), int64
// division, and 0 when the pod-level memory request is unset or zero.
func remainingPodMemReqPerContainer(p *parse.Pod, b podLevelBlock) int64 {
	podReq := qosValue(b.req.MemoryBytes)
	n := int64(len(p.Containers) + len(p.InitContainers))
	if podReq == 0 || n == 0 {
		return 0
	}
	aggr, _ := aggregateRequests(p, func(r parse.Resources) *int64 { return r.MemoryBytes })
	return (podReq - aggr) / n
}

// BurstableMemTotalRange returns the node memory capacities (bytes,
// inclusive range) for which a Burstable container with the given memory
// request would get the observed adj under the policy of release v, or
// ok=false when no capacity gives it (kubernetes-side.md §2.4 "Reverse
// check"). With k = 1000 − adj, the capacity lies in
// (⌊1000R/(k+1)⌋, ⌊1000R/k⌋]; the floor value (2 or 3) and 999 are open
// ended, up to math.MaxInt64. requestBytes is the effective request: for a
// sidecar or a pod with pod-level resources pass what ExpectedAdj used (the
// request plus the pod-level share, or the smallest regular request).
// Requests above math.MaxInt64/1000, where the kubelet's arithmetic
// overflows, and negative ones give ok=false.
func BurstableMemTotalRange(requestBytes int64, observedAdj int, v KubeVersion) (lo, hi int64, ok bool) {
	floor := policyFor(v).burstableMin
	if requestBytes < 0 || requestBytes > math.MaxInt64/1000 || observedAdj < floor || observedAdj > AdjBurstableMax {
		return 0, 0, false
	}
	r := 1000 * requestBytes
	switch {
	case requestBytes == 0:
		// 1000 - 0 = 1000 → 999 on every node.
		if observedAdj == AdjBurstableMax {
			return 1, math.MaxInt64, true
		}
		return 0, 0, false
	case observedAdj == AdjBurstableMax:
		// ⌊1000R/M⌋ ≤ 1 ⇔ M > 500R.
		return requestBytes*500 + 1, math.MaxInt64, true
	case observedAdj == floor:
		// ⌊1000R/M⌋ ≥ 1000 − floor ⇔ M ≤ 1000R/(1000 − floor).
		hi = r / int64(1000-floor)
		if hi < 1 {
			return 0, 0, false
		}
		return 1, hi, true
	}
	k := int64(1000 - observedAdj)
	lo, hi = r/(k+1)+1, r/k
	if lo > hi {
		return 0, 0, false
	}
	return lo, hi, true
}

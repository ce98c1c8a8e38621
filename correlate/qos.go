package correlate

import "github.com/oomtriage/oomtriage/parse"

// QoS class names, spelled as the API prints them in status.qosClass.
const (
	QOSGuaranteed = "Guaranteed"
	QOSBurstable  = "Burstable"
	QOSBestEffort = "BestEffort"
)

// QOSClass returns "Guaranteed", "Burstable" or "BestEffort" for a pod,
// computed as the API server does (kubernetes-side.md §1): requests are
// defaulted from limits where missing, the pod-level block decides alone when
// it sets cpu or memory, and init containers (classic and sidecar) count like
// regular ones. Only cpu and memory count. status.qosClass is ignored. A nil
// pod gives "".
//
// The pod-level block: parse.Pod carries one Resources for spec.resources,
// read here as the pod-level requests (what the kubelet's oom_score_adj uses).
// Pod-level limits are not in the input type, so they are taken to equal the
// requests; a pod whose pod-level requests are below its pod-level limits is
// therefore reported Guaranteed instead of Burstable. Pods read from the API
// carry status.qosClass, which ExpectedAdj prefers, so this only matters for
// bare manifests.
func QOSClass(p *parse.Pod) string {
	if p == nil {
		return ""
	}
	return computeQOS(p, true, true)
}

// computeQOS is QOSClass with its two API-server steps switchable: podLevel
// honours spec.resources (PodLevelResources, 1.32+), defaulting copies limits
// into missing requests first (the reference's §1.2 vectors were run without
// it).
func computeQOS(p *parse.Pod, podLevel, defaulting bool) string {
	var b *podLevelBlock
	if podLevel {
		b = podLevelOf(p)
	}
	return computeQOSBlock(p, b, defaulting)
}

// computeQOSBlock computes the class with an explicit pod-level block (nil:
// none, or PodLevelResources off).
func computeQOSBlock(p *parse.Pod, b *podLevelBlock, defaulting bool) string {
	if b != nil {
		blk := *b
		if defaulting {
			blk = defaultPodRequests(p, blk)
		}
		if blk.set() {
			return requirementsQOS(blk.req, blk.lim)
		}
	}
	class := ""
	for _, list := range [][]parse.Container{p.InitContainers, p.Containers} {
		for i := range list {
			c := &list[i]
			req := c.Requests
			if defaulting {
				req = defaultedRequests(c)
			}
			q := requirementsQOS(req, c.Limits)
			switch {
			case q == QOSBurstable:
				return QOSBurstable
			case class == "":
				class = q
			case class != q: // some containers BestEffort, some Guaranteed
				return QOSBurstable
			}
		}
	}
	if class == "" {
		return QOSBestEffort // no containers: nothing requested or limited
	}
	return class
}

// requirementsQOS is the v1.37.2 per-block rule: for cpu and memory,
// request != limit is Burstable, both zero is BestEffort, both equal and
// non-zero is Guaranteed; a block whose two resources disagree is Burstable.
// A missing quantity is zero, so an explicit 0 counts as unset.
func requirementsQOS(req, lim parse.Resources) string {
	cpu := resourceQOS(req.CPUMilli, lim.CPUMilli)
	mem := resourceQOS(req.MemoryBytes, lim.MemoryBytes)
	if cpu != mem {
		return QOSBurstable
	}
	return cpu
}

func resourceQOS(req, lim *int64) string {
	r, l := qosValue(req), qosValue(lim)
	switch {
	case r != l:
		return QOSBurstable
	case r == 0:
		return QOSBestEffort
	default:
		return QOSGuaranteed
	}
}

func qosValue(q *int64) int64 {
	if q == nil {
		return 0
	}
	return *q
}

// defaultedRequests applies the API's SetDefaults_Pod to one container:
// a resource with a limit and no request gets the limit as its request.
func defaultedRequests(c *parse.Container) parse.Resources {
	r := c.Requests
	if r.CPUMilli == nil {
		r.CPUMilli = c.Limits.CPUMilli
	}
	if r.MemoryBytes == nil {
		r.MemoryBytes = c.Limits.MemoryBytes
	}
	return r
}

// podLevelBlock is spec.resources with both of its maps.
type podLevelBlock struct {
	req, lim parse.Resources
}

// set reports IsPodLevelResourcesSet for cpu and memory. Hugepages also
// count in Kubernetes but are not in the input; an empty block falls back to
// the containers, as v1.37 does with PodLevelResourcesFixKubeletQOSClass.
func (b podLevelBlock) set() bool {
	return b.req.CPUMilli != nil || b.req.MemoryBytes != nil || b.lim.CPUMilli != nil || b.lim.MemoryBytes != nil
}

// podLevelOf returns the pod-level block of p, nil when spec.resources is
// absent.
func podLevelOf(p *parse.Pod) *podLevelBlock {
	if p.PodRequests == nil && p.PodLimits == nil {
		return nil
	}
	var b podLevelBlock
	if p.PodRequests != nil {
		b.req = *p.PodRequests
	}
	if p.PodLimits != nil {
		b.lim = *p.PodLimits
	}
	return &b
}

// defaultPodRequests is the API's defaultPodRequests (PodLevelResources,
// 1.32+; read in the kubernetes source, not in the reference): when the
// pod-level block has limits, a missing pod-level request defaults to the
// containers' aggregated request for that resource if any container states
// one, else to the pod-level limit. Container requests are taken after their
// own defaulting, as the API orders it.
func defaultPodRequests(p *parse.Pod, b podLevelBlock) podLevelBlock {
	if b.lim.CPUMilli == nil && b.lim.MemoryBytes == nil {
		return b
	}
	if b.req.CPUMilli == nil {
		if v, ok := aggregateRequests(p, func(r parse.Resources) *int64 { return r.CPUMilli }); ok {
			b.req.CPUMilli = &v
		} else {
			b.req.CPUMilli = b.lim.CPUMilli
		}
	}
	if b.req.MemoryBytes == nil {
		if v, ok := aggregateRequests(p, func(r parse.Resources) *int64 { return r.MemoryBytes }); ok {
			b.req.MemoryBytes = &v
		} else {
			b.req.MemoryBytes = b.lim.MemoryBytes
		}
	}
	return b
}

// aggregateRequests is resourcehelper.AggregateContainerRequests for one
// resource, on API-defaulted container requests: the sum over regular and
// restartable (sidecar) init containers, raised to the largest need while an
// init container runs (its request plus the sidecars started before it).
// ok is false when no container states the resource, i.e. the key would be
// absent from the aggregated list.
func aggregateRequests(p *parse.Pod, pick func(parse.Resources) *int64) (total int64, ok bool) {
	get := func(c *parse.Container) int64 {
		q := pick(defaultedRequests(c))
		if q != nil {
			ok = true
			return *q
		}
		return 0
	}
	for i := range p.Containers {
		total += get(&p.Containers[i])
	}
	var sidecars, initMax int64
	for i := range p.InitContainers {
		c := &p.InitContainers[i]
		v := get(c)
		use := v + sidecars
		if c.Sidecar {
			total += v
			sidecars += v
			use = sidecars
		}
		initMax = max(initMax, use)
	}
	return max(total, initMax), ok
}

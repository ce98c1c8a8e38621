package correlate

import "github.com/oomtriage/oomtriage/parse"

// scopeOf says whose limit was hit: the victim's container, its pod, a QoS
// tier, node allocatable (the kubepods root), another memory cgroup, the
// whole machine, a cpuset or a memory policy.
func scopeOf(inc *Incident) *string {
	switch inc.OOMKind {
	case "global", "global_sysrq":
		return ptr("system")
	case "cpuset":
		return ptr("cpuset")
	case "mempolicy":
		return ptr("mempolicy")
	}
	if inc.OOMMemcg == nil {
		return nil
	}
	switch parse.ParseCgroupPath(*inc.OOMMemcg).Level {
	case "container":
		return ptr("container")
	case "pod":
		return ptr("pod")
	case "qos_tier":
		return ptr("qos_tier")
	case "kubepods":
		return ptr("node_allocatable")
	}
	return ptr("cgroup")
}

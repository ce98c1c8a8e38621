package parse

import "strings"

// KubeEvent is one kubelet, container-runtime or Kubernetes API event that
// matters for memory: a system OOM, a container that died, a kill, a
// back-off, an eviction step, a memory-pressure change, a runtime's OOM
// event. Kind uses the names of the JSON contract (kubelet_events[].kind):
// system_oom, container_died, kill_container, crashloop_backoff,
// eviction_attempt, eviction_must_evict, eviction_ranked, evicted,
// eviction_refused_critical, memory_pressure, runtime_oom_event,
// runtime_exit, npd_oomkilling, admission_rejected.
// Empty strings and nil pointers are unknown.
type KubeEvent struct {
	Kind        string
	Wall        *Stamp // the event's own stamp (klog header, JSON ts, Event time), else the carrier's
	Host        string
	Namespace   string
	Pod         string
	PodUID      string
	Container   string
	ContainerID string // as printed: "containerd://<64hex>", "cri-o://…", "docker://…" or bare hex
	ExitCode    *int
	Reason      string
	Message     string
	Source      Source
}

// MemoryKind reports whether an event of this kind is about memory by
// itself (an eviction step, a system OOM, a runtime's OOM event), as
// opposed to container lifecycle events that matter only when they concern
// a container the kernel killed.
func MemoryKind(kind string) bool {
	switch kind {
	case "container_died", "kill_container", "crashloop_backoff", "runtime_exit", "sandbox_recreate":
		return false
	}
	return true
}

// detach copies the event's strings so that it no longer holds on to the
// log line they were cut from: a scanner keeps events for the whole run but
// must not keep the lines. Names repeat from event to event (the same pods
// and containers), so each distinct string is kept once per input.
func (e *KubeEvent) detach(intern map[string]string) {
	if !MemoryKind(e.Kind) && (e.ExitCode == nil || *e.ExitCode != 137) {
		// A busy node logs hundreds of thousands of these and only those
		// of killed containers are shown: keep the fields, not the text.
		e.Message = ""
	}
	for _, f := range []*string{&e.Kind, &e.Host, &e.Namespace, &e.Pod, &e.PodUID, &e.Container, &e.ContainerID, &e.Reason} {
		s, ok := intern[*f]
		if !ok {
			s = strings.Clone(*f)
			intern[s] = s
		}
		*f = s
	}
	e.Message = strings.Clone(e.Message)
}

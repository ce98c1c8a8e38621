package parse

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

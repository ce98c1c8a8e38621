package parse

import "time"

// Pod is what oomtriage keeps of a Pod object (kubectl, must-gather,
// support bundle, crictl inspectp). Empty strings and nil pointers are
// unknown.
type Pod struct {
	UID               string
	Namespace         string
	Name              string
	Node              string
	PriorityClassName string
	Priority          *int32
	QOSClass          string // status.qosClass as recorded; "" when absent
	Static            bool   // a static or mirror pod (kubernetes.io/config.source != "api", or kubernetes.io/config.mirror set)
	Containers        []Container
	InitContainers    []Container // in spec order; a sidecar is an init container with restartPolicy Always
	PodRequests       *Resources  // spec.resources.requests (pod-level resources, 1.32+)
	PodLimits         *Resources  // spec.resources.limits
	Source            Source
}

// Container is one container of a Pod with its resources and last state.
type Container struct {
	Name                  string
	Init                  bool
	Sidecar               bool   // init container with restartPolicy: Always
	ContainerID           string // status: current "containerd://<id>"
	LastContainerID       string // status: lastState.terminated.containerID (a killed container restarts under a new ID)
	Runtime               string // "containerd", "cri-o", "docker" from the ID's scheme
	Requests              Resources
	Limits                Resources
	RestartCount          int
	State                 string // running, waiting, terminated
	StateReason           string // e.g. CrashLoopBackOff, OOMKilled
	LastTerminationReason string // lastState.terminated.reason, e.g. OOMKilled
	LastExitCode          *int
	LastFinishedAt        *time.Time
}

// Resources are the memory and CPU amounts of a requests or limits map.
type Resources struct {
	MemoryBytes *int64
	CPUMilli    *int64
}

// Node is what oomtriage keeps of a Node object.
type Node struct {
	Name                   string
	CapacityMemoryBytes    *int64
	AllocatableMemoryBytes *int64
	KubeletVersion         string // status.nodeInfo.kubeletVersion, e.g. "v1.31.4"
	Source                 Source
}

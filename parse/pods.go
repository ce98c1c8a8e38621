package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// kubeObject is any object ReadObjects reads, with only the fields oomtriage
// keeps: the union of a Pod, a Node, an Event (core/v1 and events.k8s.io/v1),
// a List, and crictl's pod sandbox status. Decoding into it skips every
// other field, which is what keeps big inputs cheap.
type kubeObject struct {
	APIVersion string       `json:"apiVersion" yaml:"apiVersion"`
	Kind       string       `json:"kind" yaml:"kind"`
	Metadata   kubeMeta     `json:"metadata" yaml:"metadata"`
	Spec       kubePodSpec  `json:"spec" yaml:"spec"`
	Status     kubeStatus   `json:"status" yaml:"status"`
	Items      []kubeObject `json:"items" yaml:"items"`

	kubeEventFields `yaml:",inline"`

	// crictl inspectp puts the sandbox under "status" and "info"; crictl
	// pods -o json lists items with these at the top.
	Info        crictlInfo      `json:"info" yaml:"info"`
	ID          string          `json:"id" yaml:"id"`
	Labels      crictlPodLabels `json:"labels" yaml:"labels"`
	Annotations kubeAnnotations `json:"annotations" yaml:"annotations"`
}

// member returns where the value of a top-level member goes, or nil for a
// member that is not kept. It mirrors the json tags of kubeObject (and of
// kubeEventFields) for the JSON reader, which reads a top-level object member
// by member so that it can stream "items".
func (o *kubeObject) member(key string) any {
	switch key {
	case "apiVersion":
		return &o.APIVersion
	case "kind":
		return &o.Kind
	case "metadata":
		return &o.Metadata
	case "spec":
		return &o.Spec
	case "status":
		return &o.Status
	case "info":
		return &o.Info
	case "id":
		return &o.ID
	case "labels":
		return &o.Labels
	case "annotations":
		return &o.Annotations
	}
	return o.kubeEventFields.member(key)
}

// The kinds given to what crictl prints, which names none: a pod sandbox
// (inspectp, pods) is kept, a container (inspect) is counted as skipped.
const (
	kindCrictlSandbox   = "crictl sandbox"
	kindCrictlContainer = "crictl container"
)

// kind returns the object's kind: its own, else the one its List implies
// (PodList → Pod), else the one its shape tells.
func (o *kubeObject) kind(listKind string) string {
	if o.Kind != "" {
		return o.Kind
	}
	if k, ok := strings.CutSuffix(listKind, "List"); ok && k != "" {
		return k
	}
	st := &o.Status
	switch {
	case st.Labels.ContainerName != "" && st.Labels.ContainerName != "POD":
		return kindCrictlContainer // crictl inspect; CRI-O labels its infra container POD
	case st.Metadata.UID != "" || st.Metadata.Namespace != "" || (st.ID != "" && st.Labels.PodUID != ""):
		return kindCrictlSandbox // crictl inspectp
	case st.ID != "" && st.Metadata.Name != "":
		return kindCrictlContainer
	case o.ID != "" && (o.Metadata.UID != "" || o.Metadata.Name != "") && len(o.Spec.Containers) == 0:
		return kindCrictlSandbox // an item of crictl pods -o json
	case len(o.Spec.Containers) > 0 || len(o.Status.ContainerStatuses) > 0 || o.Status.QOSClass != "":
		return "Pod"
	case o.Status.NodeInfo.KubeletVersion != "" || o.Status.Capacity.Memory.Set || o.Status.Allocatable.Memory.Set:
		return "Node"
	case o.InvolvedObject != nil || o.Regarding != nil:
		return "Event"
	}
	return ""
}

type kubeMeta struct {
	Name            string          `json:"name" yaml:"name"`
	Namespace       string          `json:"namespace" yaml:"namespace"`
	UID             string          `json:"uid" yaml:"uid"`
	Annotations     kubeAnnotations `json:"annotations" yaml:"annotations"`
	OwnerReferences []kubeOwnerRef  `json:"ownerReferences" yaml:"ownerReferences"`
}

// kubeAnnotations are the annotations oomtriage reads; decoding them into a
// struct skips the rest (last-applied-configuration can be large).
type kubeAnnotations struct {
	ConfigSource string  `json:"kubernetes.io/config.source" yaml:"kubernetes.io/config.source"`
	ConfigMirror *string `json:"kubernetes.io/config.mirror" yaml:"kubernetes.io/config.mirror"`
}

type kubeOwnerRef struct {
	Kind string `json:"kind" yaml:"kind"`
}

type kubePodSpec struct {
	NodeName          string            `json:"nodeName" yaml:"nodeName"`
	PriorityClassName string            `json:"priorityClassName" yaml:"priorityClassName"`
	Priority          *int32            `json:"priority" yaml:"priority"`
	Containers        []kubeContainer   `json:"containers" yaml:"containers"`
	InitContainers    []kubeContainer   `json:"initContainers" yaml:"initContainers"`
	Resources         *kubeRequirements `json:"resources" yaml:"resources"` // pod-level, 1.32+
}

type kubeContainer struct {
	Name          string           `json:"name" yaml:"name"`
	RestartPolicy string           `json:"restartPolicy" yaml:"restartPolicy"` // "Always" on a sidecar
	Resources     kubeRequirements `json:"resources" yaml:"resources"`
}

type kubeRequirements struct {
	Requests kubeResourceList `json:"requests" yaml:"requests"`
	Limits   kubeResourceList `json:"limits" yaml:"limits"`
}

type kubeResourceList struct {
	Memory kubeQuantity `json:"memory" yaml:"memory"`
	CPU    kubeQuantity `json:"cpu" yaml:"cpu"`
}

// kubeQuantity is a resource quantity as written. The API writes quantities
// as strings; hand-written YAML and JSON may hold bare numbers (memory:
// 1073741824, cpu: 0.5, memory: 1e9), which are kept as their text.
type kubeQuantity struct {
	Text string
	Set  bool
}

func (q *kubeQuantity) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*q = kubeQuantity{}
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0:
		*q = kubeQuantity{Text: string(b[1 : len(b)-1]), Set: true} // the common case, without escapes
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*q = kubeQuantity{Text: s, Set: true}
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*q = kubeQuantity{Text: string(b), Set: true}
	default:
		return &json.UnmarshalTypeError{Value: "quantity " + objClip(string(b)), Type: reflect.TypeFor[string]()}
	}
	return nil
}

func (q *kubeQuantity) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		// A TypeError lets yaml.v3 go on with the other fields.
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a quantity must be a scalar", n.Line)}}
	}
	if n.Tag == "!!null" {
		*q = kubeQuantity{}
		return nil
	}
	*q = kubeQuantity{Text: n.Value, Set: true}
	return nil
}

// kubeStatus is the union of Pod, Node and crictl sandbox status.
type kubeStatus struct {
	// Pod
	QOSClass              string                `json:"qosClass" yaml:"qosClass"`
	ContainerStatuses     []kubeContainerStatus `json:"containerStatuses" yaml:"containerStatuses"`
	InitContainerStatuses []kubeContainerStatus `json:"initContainerStatuses" yaml:"initContainerStatuses"`
	// Node
	Capacity    kubeResourceList `json:"capacity" yaml:"capacity"`
	Allocatable kubeResourceList `json:"allocatable" yaml:"allocatable"`
	NodeInfo    kubeNodeInfo     `json:"nodeInfo" yaml:"nodeInfo"`
	// crictl inspectp
	ID          string          `json:"id" yaml:"id"`
	Metadata    crictlMeta      `json:"metadata" yaml:"metadata"`
	Labels      crictlPodLabels `json:"labels" yaml:"labels"`
	Annotations kubeAnnotations `json:"annotations" yaml:"annotations"`
}

type kubeContainerStatus struct {
	Name         string             `json:"name" yaml:"name"`
	ContainerID  string             `json:"containerID" yaml:"containerID"`
	RestartCount int                `json:"restartCount" yaml:"restartCount"`
	State        kubeContainerState `json:"state" yaml:"state"`
	LastState    kubeContainerState `json:"lastState" yaml:"lastState"`
}

type kubeContainerState struct {
	Running    *struct{}       `json:"running" yaml:"running"`
	Waiting    *kubeWaiting    `json:"waiting" yaml:"waiting"`
	Terminated *kubeTerminated `json:"terminated" yaml:"terminated"`
}

type kubeWaiting struct {
	Reason string `json:"reason" yaml:"reason"`
}

type kubeTerminated struct {
	ExitCode    *int   `json:"exitCode" yaml:"exitCode"`
	Reason      string `json:"reason" yaml:"reason"`
	FinishedAt  string `json:"finishedAt" yaml:"finishedAt"`
	ContainerID string `json:"containerID" yaml:"containerID"`
}

// pod converts a Pod object. Problems with single fields (a quantity or a
// time that does not parse) are added to errs and the field left unknown.
func (o *kubeObject) pod(src Source, errs *[]string) Pod {
	p := Pod{
		UID:               o.Metadata.UID,
		Namespace:         o.Metadata.Namespace,
		Name:              o.Metadata.Name,
		Node:              o.Spec.NodeName,
		PriorityClassName: o.Spec.PriorityClassName,
		Priority:          o.Spec.Priority,
		QOSClass:          o.Status.QOSClass,
		Static:            o.Metadata.Annotations.static(),
		Source:            src,
	}
	for _, ref := range o.Metadata.OwnerReferences {
		if ref.Kind == "Node" { // a mirror pod is owned by its node
			p.Static = true
		}
	}
	name := "pod " + p.Name
	if p.Namespace != "" {
		name = "pod " + p.Namespace + "/" + p.Name
	}
	bad := func(format string, args ...any) {
		*errs = append(*errs, name+": "+fmt.Sprintf(format, args...))
	}
	p.Containers = kubeContainers(o.Spec.Containers, o.Status.ContainerStatuses, false, bad)
	p.InitContainers = kubeContainers(o.Spec.InitContainers, o.Status.InitContainerStatuses, true, bad)
	if o.Spec.Resources != nil {
		req := kubeResources(o.Spec.Resources.Requests, func(format string, args ...any) {
			bad("spec.resources.requests."+format, args...)
		})
		lim := kubeResources(o.Spec.Resources.Limits, func(format string, args ...any) {
			bad("spec.resources.limits."+format, args...)
		})
		p.PodRequests, p.PodLimits = &req, &lim
	}
	return p
}

func (a kubeAnnotations) static() bool {
	return (a.ConfigSource != "" && a.ConfigSource != "api") || a.ConfigMirror != nil
}

// kubeContainers joins the spec of a pod's containers with their status, in
// spec order; a status without a spec (an object holding status only) comes
// after.
func kubeContainers(specs []kubeContainer, statuses []kubeContainerStatus, init bool, bad func(string, ...any)) []Container {
	if len(specs) == 0 && len(statuses) == 0 {
		return nil
	}
	out := make([]Container, 0, len(specs))
	used := make([]bool, len(statuses))
	for _, s := range specs {
		c := Container{Name: s.Name, Init: init, Sidecar: init && s.RestartPolicy == "Always"}
		where := func(list string) func(string, ...any) {
			return func(format string, args ...any) {
				bad("container %s: resources.%s.%s", s.Name, list, fmt.Sprintf(format, args...))
			}
		}
		c.Requests = kubeResources(s.Resources.Requests, where("requests"))
		c.Limits = kubeResources(s.Resources.Limits, where("limits"))
		for i := range statuses {
			if !used[i] && statuses[i].Name == s.Name {
				used[i] = true
				kubeApplyStatus(&c, &statuses[i], bad)
				break
			}
		}
		out = append(out, c)
	}
	for i := range statuses {
		if !used[i] {
			c := Container{Name: statuses[i].Name, Init: init}
			kubeApplyStatus(&c, &statuses[i], bad)
			out = append(out, c)
		}
	}
	return out
}

func kubeApplyStatus(c *Container, st *kubeContainerStatus, bad func(string, ...any)) {
	c.ContainerID = st.ContainerID
	c.RestartCount = st.RestartCount
	switch s := st.State; {
	case s.Running != nil:
		c.State = "running"
	case s.Waiting != nil:
		c.State, c.StateReason = "waiting", s.Waiting.Reason
	case s.Terminated != nil:
		c.State, c.StateReason = "terminated", s.Terminated.Reason
	}
	if t := st.LastState.Terminated; t != nil {
		c.LastContainerID = t.ContainerID
		c.LastTerminationReason = t.Reason
		c.LastExitCode = t.ExitCode
		at, err := kubeTime(t.FinishedAt)
		if err != nil {
			bad("container %s: lastState.terminated.finishedAt: %v", c.Name, err)
		}
		c.LastFinishedAt = at
	}
	c.Runtime = kubeRuntimeOfID(c.ContainerID)
	if c.Runtime == "" {
		c.Runtime = kubeRuntimeOfID(c.LastContainerID)
	}
}

// kubeRuntimeOfID returns the runtime a container ID names by its scheme:
// "containerd://…" → "containerd", "cri-o://…" → "cri-o", "docker://…" →
// "docker"; "" for a bare or empty ID.
func kubeRuntimeOfID(id string) string {
	scheme, _, ok := strings.Cut(id, "://")
	if !ok {
		return ""
	}
	return scheme
}

// kubeResources converts the memory (bytes) and cpu (millicores) of a
// requests or limits list.
func kubeResources(l kubeResourceList, bad func(string, ...any)) Resources {
	var r Resources
	if l.Memory.Set {
		if v, err := kubeQuantityUnits(l.Memory.Text); err != nil {
			bad("memory: %v", err)
		} else {
			r.MemoryBytes = &v
		}
	}
	if l.CPU.Set {
		if v, err := kubeQuantityMilli(l.CPU.Text); err != nil {
			bad("cpu: %v", err)
		} else {
			r.CPUMilli = &v
		}
	}
	return r
}

// kubeTime parses an API time (RFC 3339, with or without fractions); "" is
// unknown.
func kubeTime(s string) (*time.Time, error) {
	if s == "" || s == "null" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("time %q is not RFC 3339", s)
	}
	t = t.UTC()
	return &t, nil
}

// crictl's pod sandbox status (crictl inspectp: {"status": …, "info": …}).

type crictlMeta struct {
	Name      string `json:"name" yaml:"name"`
	Namespace string `json:"namespace" yaml:"namespace"`
	UID       string `json:"uid" yaml:"uid"`
}

type crictlPodLabels struct {
	ContainerName string `json:"io.kubernetes.container.name" yaml:"io.kubernetes.container.name"`
	PodName       string `json:"io.kubernetes.pod.name" yaml:"io.kubernetes.pod.name"`
	PodNamespace  string `json:"io.kubernetes.pod.namespace" yaml:"io.kubernetes.pod.namespace"`
	PodUID        string `json:"io.kubernetes.pod.uid" yaml:"io.kubernetes.pod.uid"`
}

type crictlInfo struct {
	// Inner is the same information one level down, as {"info": {"info":
	// …}}: the runtime's Info map under its "info" key, for a crictl that
	// does not lift it.
	Inner       *crictlInfo `json:"info" yaml:"info"`
	RuntimeType string      `json:"runtimeType" yaml:"runtimeType"` // containerd: io.containerd.runc.v2
	Config      struct {
		Linux struct {
			CgroupParent string `json:"cgroup_parent" yaml:"cgroup_parent"`
		} `json:"linux" yaml:"linux"`
	} `json:"config" yaml:"config"`
	RuntimeSpec struct {
		Annotations struct {
			CrioCgroupParent string `json:"io.kubernetes.cri-o.CgroupParent" yaml:"io.kubernetes.cri-o.CgroupParent"`
		} `json:"annotations" yaml:"annotations"`
		Linux struct {
			CgroupsPath string `json:"cgroupsPath" yaml:"cgroupsPath"`
		} `json:"linux" yaml:"linux"`
	} `json:"runtimeSpec" yaml:"runtimeSpec"`
}

// sandbox converts crictl's view of a pod sandbox, and gives the Pod it
// stands for with what it has: UID, namespace, name, static.
func (o *kubeObject) sandbox(src Source) (Sandbox, Pod) {
	meta, labels, ann, id := o.Status.Metadata, o.Status.Labels, o.Status.Annotations, o.Status.ID
	info := o.Info
	if info.Inner != nil {
		info = *info.Inner
	}
	if id == "" { // an item of crictl pods -o json
		meta = crictlMeta{Name: o.Metadata.Name, Namespace: o.Metadata.Namespace, UID: o.Metadata.UID}
		labels, ann, id = o.Labels, o.Annotations, o.ID
	}
	sb := Sandbox{
		ID:           id,
		PodUID:       objFirstNonEmpty(meta.UID, labels.PodUID),
		Namespace:    objFirstNonEmpty(meta.Namespace, labels.PodNamespace),
		Name:         objFirstNonEmpty(meta.Name, labels.PodName),
		CgroupParent: objFirstNonEmpty(info.Config.Linux.CgroupParent, info.RuntimeSpec.Annotations.CrioCgroupParent),
		CgroupsPath:  info.RuntimeSpec.Linux.CgroupsPath,
		Source:       src,
	}
	switch {
	case strings.HasPrefix(info.RuntimeType, "io.containerd.") || info.Config.Linux.CgroupParent != "":
		sb.Runtime = "containerd"
	case info.RuntimeSpec.Annotations.CrioCgroupParent != "":
		sb.Runtime = "cri-o"
	}
	p := Pod{UID: sb.PodUID, Namespace: sb.Namespace, Name: sb.Name, Static: ann.static(), Source: src}
	return sb, p
}

func objFirstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// objClip shortens s for an error message.
func objClip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

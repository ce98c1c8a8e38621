package parse

import (
	"strings"
)

// kubeEventFields are the fields of an Event, core/v1 and events.k8s.io/v1
// (which renames message to note, involvedObject to regarding, source to
// deprecatedSource, and first/lastTimestamp to deprecated…).
type kubeEventFields struct {
	Type                     string        `json:"type" yaml:"type"`
	Reason                   string        `json:"reason" yaml:"reason"`
	Message                  string        `json:"message" yaml:"message"`
	Note                     string        `json:"note" yaml:"note"`
	InvolvedObject           *kubeEventRef `json:"involvedObject" yaml:"involvedObject"`
	Regarding                *kubeEventRef `json:"regarding" yaml:"regarding"`
	Source                   kubeEventSrc  `json:"source" yaml:"source"`
	DeprecatedSource         kubeEventSrc  `json:"deprecatedSource" yaml:"deprecatedSource"`
	ReportingComponent       string        `json:"reportingComponent" yaml:"reportingComponent"`
	ReportingController      string        `json:"reportingController" yaml:"reportingController"`
	ReportingInstance        string        `json:"reportingInstance" yaml:"reportingInstance"`
	FirstTimestamp           string        `json:"firstTimestamp" yaml:"firstTimestamp"`
	LastTimestamp            string        `json:"lastTimestamp" yaml:"lastTimestamp"`
	DeprecatedFirstTimestamp string        `json:"deprecatedFirstTimestamp" yaml:"deprecatedFirstTimestamp"`
	DeprecatedLastTimestamp  string        `json:"deprecatedLastTimestamp" yaml:"deprecatedLastTimestamp"`
	EventTime                string        `json:"eventTime" yaml:"eventTime"`
	Series                   *struct {
		LastObservedTime string `json:"lastObservedTime" yaml:"lastObservedTime"`
	} `json:"series" yaml:"series"`
}

// member is kubeObject.member for the Event fields.
func (e *kubeEventFields) member(key string) any {
	switch key {
	case "type":
		return &e.Type
	case "reason":
		return &e.Reason
	case "message":
		return &e.Message
	case "note":
		return &e.Note
	case "involvedObject":
		return &e.InvolvedObject
	case "regarding":
		return &e.Regarding
	case "source":
		return &e.Source
	case "deprecatedSource":
		return &e.DeprecatedSource
	case "reportingComponent":
		return &e.ReportingComponent
	case "reportingController":
		return &e.ReportingController
	case "reportingInstance":
		return &e.ReportingInstance
	case "firstTimestamp":
		return &e.FirstTimestamp
	case "lastTimestamp":
		return &e.LastTimestamp
	case "deprecatedFirstTimestamp":
		return &e.DeprecatedFirstTimestamp
	case "deprecatedLastTimestamp":
		return &e.DeprecatedLastTimestamp
	case "eventTime":
		return &e.EventTime
	case "series":
		return &e.Series
	}
	return nil
}

type kubeEventRef struct {
	Kind      string `json:"kind" yaml:"kind"`
	Namespace string `json:"namespace" yaml:"namespace"`
	Name      string `json:"name" yaml:"name"`
	UID       string `json:"uid" yaml:"uid"`
	FieldPath string `json:"fieldPath" yaml:"fieldPath"`
}

type kubeEventSrc struct {
	Component string `json:"component" yaml:"component"`
	Host      string `json:"host" yaml:"host"`
}

// kubeEventKind maps an Event's reason to the kubelet_events kind of the JSON
// report, or "" for an Event that does not concern memory.
//
//	SystemOOM                   kubelet, on the Node: a global OOM kill      → system_oom
//	OOMKilling                  node-problem-detector, on the Node           → npd_oomkilling
//	OOMKilled                   no kubelet release sends it (kubernetes-side
//	                            §5.2); kept for exporters or later releases  → container_oomkilled
//	Evicted                     eviction manager, on the Pod                 → evicted
//	Killing                     "Stopping container c", liveness kills       → kill_container
//	BackOff                     "Back-off restarting failed container"       → crashloop_backoff
//	                            (not "Back-off pulling image")
//	EvictionThresholdMet        "Attempting to reclaim memory"               → eviction_attempt
//	NodeHas(In)SufficientMemory the node's memory-pressure condition         → memory_pressure
//	OutOfmemory                 admission: "Node didn't have enough
//	                            resource: memory"                            → admission_rejected
func kubeEventKind(reason, message string) string {
	switch reason {
	case "SystemOOM":
		return "system_oom"
	case "OOMKilling":
		return "npd_oomkilling"
	case "OOMKilled":
		return "container_oomkilled"
	case "Evicted":
		return "evicted"
	case "Killing":
		return "kill_container"
	case "BackOff":
		if strings.Contains(message, "restarting failed container") {
			return "crashloop_backoff"
		}
	case "EvictionThresholdMet":
		return "eviction_attempt"
	case "NodeHasInsufficientMemory", "NodeHasSufficientMemory":
		return "memory_pressure"
	case "OutOfmemory":
		return "admission_rejected"
	}
	return ""
}

// event converts an Event object; ok is false for an Event whose reason does
// not concern memory.
func (o *kubeObject) event(src Source, errs *[]string) (KubeEvent, bool) {
	e := &o.kubeEventFields
	msg := objFirstNonEmpty(e.Message, e.Note)
	kind := kubeEventKind(e.Reason, msg)
	if kind == "" {
		return KubeEvent{}, false
	}
	ev := KubeEvent{Kind: kind, Reason: e.Reason, Message: msg, Source: src}
	// The time of the last occurrence, then of the first.
	var last string
	if e.Series != nil {
		last = e.Series.LastObservedTime
	}
	for _, f := range []struct{ name, value string }{
		{"lastTimestamp", e.LastTimestamp},
		{"deprecatedLastTimestamp", e.DeprecatedLastTimestamp},
		{"series.lastObservedTime", last},
		{"eventTime", e.EventTime},
		{"firstTimestamp", e.FirstTimestamp},
		{"deprecatedFirstTimestamp", e.DeprecatedFirstTimestamp},
	} {
		t, err := kubeTime(f.value)
		if err != nil {
			who := "event"
			if o.Metadata.Name != "" {
				who += " " + o.Metadata.Namespace + "/" + o.Metadata.Name
			}
			*errs = append(*errs, who+": "+f.name+": "+err.Error())
			continue
		}
		if t != nil {
			ev.Wall = zoned(*t)
			break
		}
	}
	ref := e.InvolvedObject
	if ref == nil {
		ref = e.Regarding
	}
	ev.Host = objFirstNonEmpty(e.Source.Host, e.DeprecatedSource.Host, e.ReportingInstance)
	if ref != nil {
		switch ref.Kind {
		case "Pod":
			ev.Namespace, ev.Pod, ev.PodUID = ref.Namespace, ref.Name, ref.UID
			ev.Container = kubeContainerOfFieldPath(ref.FieldPath)
		case "Node":
			if ev.Host == "" {
				ev.Host = ref.Name
			}
		}
	}
	return ev, true
}

// kubeContainerOfFieldPath returns the container a fieldPath such as
// "spec.containers{app}" or "spec.initContainers{init}" names.
func kubeContainerOfFieldPath(fp string) string {
	for _, prefix := range []string{"spec.containers{", "spec.initContainers{", "spec.ephemeralContainers{"} {
		if c, ok := strings.CutPrefix(fp, prefix); ok {
			if c, ok := strings.CutSuffix(c, "}"); ok {
				return c
			}
		}
	}
	return ""
}

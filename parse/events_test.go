package parse

import "testing"

// TestReadEvents reads kubectl get events -o json: SystemOOM and
// node-problem-detector OOMKilling on the Node, eviction and kill and
// back-off on pods, memory pressure, an events.k8s.io/v1 admission
// rejection, and two Events that do not concern memory (an image pull
// back-off, Scheduled).
func TestReadEvents(t *testing.T) {
	const path = "../testdata/objects/kubectl-events.json"
	objs, _ := objReadFixture(t, path)
	want := []KubeEvent{{
		Kind: "system_oom", Wall: objStamp("2026-11-27T11:44:17Z"), Host: "worker-3",
		Reason: "SystemOOM", Message: "System OOM encountered, victim process: app, pid: 24259",
		Source: Source{path, 4},
	}, {
		Kind: "npd_oomkilling", Wall: objStamp("2026-11-27T11:44:16Z"), Host: "worker-3",
		Reason:  "OOMKilling",
		Message: "Memory cgroup out of memory: Killed process 24177 (envoy) total-vm:354256kB, anon-rss:78720kB, file-rss:6756kB, shmem-rss:0kB, UID:0 pgtables:216kB oom_score_adj:986",
		Source:  Source{path, 33},
	}, {
		Kind: "evicted", Wall: objStamp("2026-11-27T11:40:02Z"), Host: "worker-1",
		Namespace: "web", Pod: "nginx-7d9c8", PodUID: "f07700a5-b996-4b1a-a3af-5f99ecb29549",
		Reason:  "Evicted",
		Message: "The node was low on resource: memory. Threshold quantity: 750Mi, available: 225800Ki. Container nginx was using 4395616Ki, request is 0, has larger consumption of memory. ",
		Source:  Source{path, 59},
	}, {
		Kind: "kill_container", Wall: objStamp("2026-11-27T11:40:03Z"), Host: "worker-1",
		Namespace: "web", Pod: "nginx-7d9c8", PodUID: "f07700a5-b996-4b1a-a3af-5f99ecb29549", Container: "nginx",
		Reason: "Killing", Message: "Stopping container nginx",
		Source: Source{path, 86},
	}, {
		Kind: "memory_pressure", Wall: objStamp("2026-11-27T11:39:58Z"), Host: "worker-1",
		Reason: "NodeHasInsufficientMemory", Message: "Node worker-1 status is now: NodeHasInsufficientMemory",
		Source: Source{path, 165},
	}, {
		Kind: "eviction_attempt", Wall: objStamp("2026-11-27T11:39:59Z"), Host: "worker-1",
		Reason: "EvictionThresholdMet", Message: "Attempting to reclaim memory",
		Source: Source{path, 189},
	}, {
		Kind: "admission_rejected", Wall: objStamp("2026-11-27T11:45:00.25Z"), Host: "worker-4",
		Namespace: "batch", Pod: "batch-9", PodUID: "22222222-3333-4444-8555-666666666666",
		Reason:  "OutOfmemory",
		Message: "Pod Node didn't have enough resource: memory, requested: 4294967296, used: 12884901888, capacity: 16106127360",
		Source:  Source{path, 213},
	}}
	objSameJSON(t, "events", objs.Events, want)
	if got := objs.Skipped["Event"]; got != 2 || len(objs.Skipped) != 1 {
		t.Errorf("skipped = %v, want Event 2", objs.Skipped)
	}
}

func TestKubeEventKind(t *testing.T) {
	tests := []struct{ reason, message, kind string }{
		{"SystemOOM", "System OOM encountered, victim process: x, pid: 1", "system_oom"},
		{"SystemOOM", "System OOM encountered", "system_oom"},
		{"OOMKilling", "Out of memory: Killed process 1 (x)", "npd_oomkilling"},
		{"OOMKilled", "Container x was OOM killed", "container_oomkilled"},
		{"Evicted", "The node was low on resource: memory. ", "evicted"},
		{"Killing", "Stopping container app", "kill_container"},
		{"Killing", "Container app failed liveness probe, will be restarted", "kill_container"},
		{"BackOff", "Back-off restarting failed container", "crashloop_backoff"},
		{"BackOff", "Back-off restarting failed container app in pod app_ns(uid)", "crashloop_backoff"},
		{"BackOff", `Back-off pulling image "x"`, ""},
		{"EvictionThresholdMet", "Attempting to reclaim memory", "eviction_attempt"},
		{"NodeHasSufficientMemory", "Node n status is now: NodeHasSufficientMemory", "memory_pressure"},
		{"NodeHasInsufficientMemory", "Node n status is now: NodeHasInsufficientMemory", "memory_pressure"},
		{"OutOfmemory", "Pod Node didn't have enough resource: memory", "admission_rejected"},
		{"Scheduled", "Successfully assigned", ""},
		{"Pulled", "", ""},
	}
	for _, tt := range tests {
		if got := kubeEventKind(tt.reason, tt.message); got != tt.kind {
			t.Errorf("kubeEventKind(%q, %q) = %q, want %q", tt.reason, tt.message, got, tt.kind)
		}
	}
}

func TestKubeContainerOfFieldPath(t *testing.T) {
	for fp, want := range map[string]string{
		"spec.containers{app}":           "app",
		"spec.initContainers{init}":      "init",
		"spec.ephemeralContainers{dbg}":  "dbg",
		"spec.containers{app":            "",
		"":                               "",
		"metadata.annotations{whatever}": "",
	} {
		if got := kubeContainerOfFieldPath(fp); got != want {
			t.Errorf("kubeContainerOfFieldPath(%q) = %q, want %q", fp, got, want)
		}
	}
}

// TestEventTimes: the time of the last occurrence wins; events.k8s.io/v1
// series and deprecated fields are read; a time that does not parse is
// reported and the next one used.
func TestEventTimes(t *testing.T) {
	const in = `{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e","namespace":"ns"},"reason":"Killing","note":"Stopping container c",
 "regarding":{"kind":"Pod","name":"p","namespace":"ns","uid":"u","fieldPath":"spec.containers{c}"},
 "eventTime":"2026-11-27T11:00:00.000001Z","series":{"count":4,"lastObservedTime":"2026-11-27T11:30:00.5Z"},
 "deprecatedSource":{"component":"kubelet","host":"w1"},"reportingInstance":"w9"}
{"kind":"Event","reason":"SystemOOM","message":"m","involvedObject":{"kind":"Node","name":"w2"},"lastTimestamp":"soon","firstTimestamp":"2026-11-27T10:00:00+01:00"}
{"kind":"Event","reason":"SystemOOM","message":"m","involvedObject":{"kind":"Node","name":"w3"}}
`
	objs, _, err := objReadString(t, "e.json", in)
	want := []KubeEvent{{
		Kind: "kill_container", Wall: objStamp("2026-11-27T11:30:00.5Z"), Host: "w1",
		Namespace: "ns", Pod: "p", PodUID: "u", Container: "c", Reason: "Killing", Message: "Stopping container c",
		Source: Source{"e.json", 1},
	}, {
		Kind: "system_oom", Wall: objStamp("2026-11-27T09:00:00Z"), Host: "w2", Reason: "SystemOOM", Message: "m",
		Source: Source{"e.json", 5},
	}, {
		Kind: "system_oom", Host: "w3", Reason: "SystemOOM", Message: "m",
		Source: Source{"e.json", 6},
	}}
	objSameJSON(t, "events", objs.Events, want)
	if err == nil || !objContainsAll(err.Error(), `e.json: document 2 (line 5): event: lastTimestamp: time "soon" is not RFC 3339`) {
		t.Errorf("err = %v", err)
	}
}

// TestEventListKind: items of an EventList that name no kind and carry no
// involvedObject are Events by their List's kind, in YAML (kind before the
// items) and in JSON.
func TestEventListKind(t *testing.T) {
	for name, in := range map[string]string{
		"e.yaml": "kind: EventList\napiVersion: v1\nitems:\n- reason: SystemOOM\n  message: m\n  source: {host: w}\n",
		"e.json": `{"kind": "EventList", "items": [{"reason": "SystemOOM", "message": "m", "source": {"host": "w"}}]}`,
	} {
		objs, _, err := objReadString(t, name, in)
		if err != nil {
			t.Fatal(err)
		}
		want := []KubeEvent{{Kind: "system_oom", Host: "w", Reason: "SystemOOM", Message: "m", Source: Source{name, map[string]int{"e.yaml": 4, "e.json": 1}[name]}}}
		objSameJSON(t, name, objs.Events, want)
	}
}

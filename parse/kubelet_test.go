package parse

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Wrappers a kubelet line arrives in.
const (
	wJournal   = "Nov 27 11:44:20 worker-3 kubelet[1342]: "                  // journalctl -o short
	wRsyslog   = "2026-11-27T11:44:20.000100+00:00 worker-3 kubelet[1342]: " // rsyslog RFC 3339
	wK3s       = "Nov 27 11:44:20 agent-1 k3s[3814777]: "                    // k3s.service runs the kubelet in-process
	wKubelite  = "Nov 27 11:44:20 mk8s microk8s.daemon-kubelite[2345]: "
	wSnap      = "Nov 27 11:44:20 charm-0 kubelet.daemon[4242]: " // snap/charmed kubelet
	wRKE2      = ""                                               // rke2 agent/logs/kubelet.log: bare klog
	wNotKubelt = "Nov 27 11:44:20 worker-3 oom-alert.sh[5533]: "
)

// jsonJournal wraps a klog line in a `journalctl -o json` record of the kubelet.
func jsonJournal(klog string) string {
	b, _ := json.Marshal(map[string]string{
		"MESSAGE": klog, "SYSLOG_IDENTIFIER": "kubelet", "_HOSTNAME": "worker-3",
		"_TRANSPORT": "stdout", "__REALTIME_TIMESTAMP": "1795779860000100",
	})
	return string(b)
}

func TestKubeletEvent(t *testing.T) {
	const (
		st   = "11-27T11:44:17.911402" // the klog stamp used below
		hdr  = "I1127 11:44:17.911402    1342 "
		k7   = "I1127 11:44:17.911402 3814777 " // k3s: a 7-digit PID has no padding
		e    = "E1127 11:44:17.911402    1342 "
		w    = "W1127 11:44:17.911402    1342 "
		pf   = tPodName + "_shop(" + tUID + ")" // format.Pod
		hog  = "hog-5d8f7c9b4-abcde_default(11111111-2222-3333-4444-555555555555)"
		cgV1 = "/kubepods/burstable/pod" + tUID + "/" + tCID
		cgV2 = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + tUIDSd + ".slice/cri-containerd-" + tCID + ".scope"
		jts  = `"ts":1795779857911.402` // = 2026-11-27T11:44:17.911402Z
		jst  = "2026-11-27T11:44:17.911402Z"
		jpod = `"pod":{"name":"` + tPodName + `","namespace":"shop"}`
	)
	tests := []struct {
		name string
		line string
		want evWant // kind "" = no event
	}{
		// §5.1 system OOM watcher.
		{"sys oom 1.18 %v", wJournal + hdr + "oom_watcher_linux.go:76] Got sys oom event: &{24211 java 2026-11-27 11:44:16.901031 +0000 UTC " + cgV1 + " / CONSTRAINT_NONE}",
			evWant{"system_oom", "", tUID, "", tCID, -1, "SystemOOM", st}},
		{"sys oom cadvisor era", wJournal + hdr + "oom_watcher.go:68] Got sys oom event from cadvisor: &{24211 java 2026-11-27 11:44:16.901031 +0000 UTC / / }",
			evWant{"system_oom", "", "", "", "", -1, "SystemOOM", st}},
		{"sys oom 1.21 InfoS %+v", wJournal + hdr + `oom_watcher_linux.go:83] "Got sys oom event" event=&{Pid:24259 ProcessName:C2 CompilerThre TimeOfDeath:2026-11-27 11:44:16.901031 +0000 UTC ContainerName:` + cgV2 + ` VictimContainerName:/ Constraint:CONSTRAINT_NONE}`,
			evWant{"system_oom", "", tUID, "", tCID, -1, "SystemOOM", st}},
		{"sys oom 1.33 JSON struct", wRKE2 + hdr + `oom_watcher_linux.go:85] "Got sys oom event" event={"Pid":24211,"ProcessName":"java","TimeOfDeath":"2026-11-27T11:44:16.901031Z","ContainerName":"` + cgV1 + `","VictimContainerName":"/","Constraint":"CONSTRAINT_NONE"}`,
			evWant{"system_oom", "", tUID, "", tCID, -1, "SystemOOM", st}},
		{"sys oom node event", wJournal + hdr + `event.go:376] "Event occurred" object="worker-3" fieldPath="" kind="Node" apiVersion="" type="Warning" reason="SystemOOM" message="System OOM encountered, victim process: java, pid: 24211"`,
			evWant{"system_oom", "", "", "", "", -1, "SystemOOM", st}},
		{"cadvisor OOM event", wJournal + hdr + `manager.go:1126] Created an OOM event in container "` + cgV1 + `" at 2026-11-27 11:44:16.9 +0000 UTC`,
			evWant{"cadvisor_oom", "", tUID, "", tCID, -1, "", st}},

		// §5.2 PLEG.
		{"PLEG 1.18 %#v", wJournal + hdr + `kubelet.go:1952] SyncLoop (PLEG): "` + pf + `", event: &pleg.PodLifecycleEvent{ID:"` + tUID + `", Type:"ContainerDied", Data:"` + tCID + `"}`,
			evWant{"container_died", tPod, tUID, "", tCID, -1, "", st}},
		{"PLEG 1.21 %+v", wJournal + hdr + `kubelet.go:2157] "SyncLoop (PLEG): event for pod" pod="` + tPod + `" event=&{ID:` + tUID + ` Type:ContainerDied Data:` + tCID + `}`,
			evWant{"container_died", tPod, tUID, "", tCID, -1, "", st}},
		{"PLEG JSON struct sandbox", wKubelite + hdr + `kubelet.go:2457] "SyncLoop (PLEG): event for pod" pod="` + tPod + `" event={"ID":"` + tUID + `","Type":"ContainerDied","Data":"` + tSandbox + `"}`,
			evWant{"container_died", tPod, tUID, "", tSandbox, -1, "", st}},
		{"PLEG started is not died", wJournal + hdr + `kubelet.go:2157] "SyncLoop (PLEG): event for pod" pod="` + tPod + `" event=&{ID:` + tUID + ` Type:ContainerStarted Data:` + tCID + `}`,
			evWant{}},
		{"PLEG 1.18 started", wJournal + hdr + `kubelet.go:1952] SyncLoop (PLEG): "` + pf + `", event: &pleg.PodLifecycleEvent{ID:"` + tUID + `", Type:"ContainerStarted", Data:"` + tCID + `"}`,
			evWant{}},
		{"container finished 1.27 quoted", wJournal + hdr + `generic.go:334] "Generic (PLEG): container finished" podID="` + tUID + `" containerID="` + tCID + `" exitCode=137`,
			evWant{"container_died", "", tUID, "", tCID, 137, "", st}},
		{"container finished 1.24 unquoted, k3s", wK3s + k7 + `generic.go:296] "Generic (PLEG): container finished" podID=` + tUID + ` containerID="` + tCID + `" exitCode=0`,
			evWant{"container_died", "", tUID, "", tCID, 0, "", st}},
		{"container finished journal JSON", jsonJournal(hdr + `generic.go:406] "Generic (PLEG): container finished" podID="` + tUID + `" containerID="` + tCID + `" exitCode=1`),
			evWant{"container_died", "", tUID, "", tCID, 1, "", st}},
		{"container finished rsyslog", wRsyslog + hdr + `generic.go:334] "Generic (PLEG): container finished" podID="` + tUID + `" containerID="` + tCID + `" exitCode=137`,
			evWant{"container_died", "", tUID, "", tCID, 137, "", st}},
		{"container finished JSON logging", `{` + jts + `,"caller":"pleg/generic.go:334","msg":"Generic (PLEG): container finished","v":2,"podID":"` + tUID + `","containerID":"` + tCID + `","exitCode":137}`,
			evWant{"container_died", "", tUID, "", tCID, 137, "", jst}},
		{"PLEG JSON logging in journal", wJournal + `{` + jts + `,"caller":"kubelet/kubelet.go:2157","msg":"SyncLoop (PLEG): event for pod","v":2,` + jpod + `,"event":{"ID":"` + tUID + `","Type":"ContainerDied","Data":"` + tCID + `"}}`,
			evWant{"container_died", tPod, tUID, "", tCID, -1, "", jst}},

		// §5.3 kills.
		{"kill 1.18", wJournal + hdr + `kuberuntime_container.go:600] Killing container "containerd://` + tCID + `" with 30 second grace period`,
			evWant{"kill_container", "", "", "", "containerd://" + tCID, -1, "", st}},
		{"kill 1.20", wJournal + hdr + `kuberuntime_container.go:635] Killing container "docker://` + tCID + `" with a 30 second grace period`,
			evWant{"kill_container", "", "", "", "docker://" + tCID, -1, "", st}},
		{"kill 1.21 override wording", wJournal + hdr + `kuberuntime_container.go:661] "Killing container with a grace period override" pod="` + tPod + `" podUID=` + tUID + ` containerName="app" containerID="containerd://` + tCID + `" gracePeriod=30`,
			evWant{"kill_container", tPod, tUID, "app", "containerd://" + tCID, -1, "GracePeriodOverride", st}},
		{"kill 1.22+", wKubelite + hdr + `kuberuntime_container.go:809] "Killing container with a grace period" pod="` + tPod + `" podUID="` + tUID + `" containerName="app" containerID="cri-o://` + tCID + `" gracePeriod=30`,
			evWant{"kill_container", tPod, tUID, "app", "cri-o://" + tCID, -1, "", st}},
		{"kill snap kubelet.daemon", wSnap + hdr + `kuberuntime_container.go:809] "Killing container with a grace period" pod="` + tPod + `" podUID="` + tUID + `" containerName="app" containerID="containerd://` + tCID + `" gracePeriod=1`,
			evWant{"kill_container", tPod, tUID, "app", "containerd://" + tCID, -1, "", st}},
		{"kill JSON logging", `{` + jts + `,"caller":"kuberuntime/kuberuntime_container.go:809","msg":"Killing container with a grace period","v":2,` + jpod + `,"podUID":"` + tUID + `","containerName":"app","containerID":"containerd://` + tCID + `","gracePeriod":30}`,
			evWant{"kill_container", tPod, tUID, "app", "containerd://" + tCID, -1, "", jst}},
		{"kill 1.18 JSON logging (unstructured msg)", `{` + jts + `,"caller":"kuberuntime/kuberuntime_container.go:600","msg":"Killing container \"containerd://` + tCID + `\" with 30 second grace period","v":2}`,
			evWant{"kill_container", "", "", "", "containerd://" + tCID, -1, "", jst}},

		// §5.3 back-off.
		{"sync error 1.18", wJournal + e + `pod_workers.go:191] Error syncing pod ` + tUID + ` ("` + pf + `"), skipping: failed to "StartContainer" for "app" with CrashLoopBackOff: "back-off 10s restarting failed container=app pod=` + pf + `"`,
			evWant{"crashloop_backoff", tPod, tUID, "app", "", -1, "CrashLoopBackOff", st}},
		{"sync error 1.21+", wJournal + e + `pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with CrashLoopBackOff: \"back-off 5m0s restarting failed container=app pod=` + pf + `\"" pod="` + tPod + `" podUID="` + tUID + `"`,
			evWant{"crashloop_backoff", tPod, tUID, "app", "", -1, "CrashLoopBackOff", st}},
		{"sync error two containers", wRKE2 + e + `pod_workers.go:1298] "Error syncing pod, skipping" err="[failed to \"StartContainer\" for \"app\" with CrashLoopBackOff: \"back-off 20s restarting failed container=app pod=` + pf + `\", failed to \"StartContainer\" for \"envoy\" with CrashLoopBackOff: \"back-off 10s restarting failed container=envoy pod=` + pf + `\"]" pod="` + tPod + `" podUID=` + tUID,
			evWant{"crashloop_backoff", tPod, tUID, "app", "", -1, "CrashLoopBackOff", st}},
		{"sync error image pull is not a crash loop", wJournal + e + `pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with ImagePullBackOff: \"Back-off pulling image \\\"registry/web:1\\\"\"" pod="` + tPod + `" podUID="` + tUID + `"`,
			evWant{}},
		{"back-off 1.21 V(3)", wJournal + hdr + `kuberuntime_manager.go:1184] "Back-off restarting failed container" err="back-off 5m0s restarting failed container=app pod=` + pf + `"`,
			evWant{"crashloop_backoff", tPod, tUID, "app", "", -1, "CrashLoopBackOff", st}},
		{"back-off 1.18 V(3)", wJournal + hdr + `kuberuntime_manager.go:828] back-off 40s restarting failed container=app pod=` + pf,
			evWant{"crashloop_backoff", tPod, tUID, "app", "", -1, "CrashLoopBackOff", st}},
		{"back-off old capital", wJournal + hdr + `kuberuntime_manager.go:828] Back-off 40s restarting failed container=app pod=` + pf,
			evWant{"crashloop_backoff", tPod, tUID, "app", "", -1, "CrashLoopBackOff", st}},
		{"back-off event 1.27+", wJournal + hdr + `event.go:376] "Event occurred" object="` + tPod + `" fieldPath="spec.containers{app}" kind="Pod" apiVersion="v1" type="Warning" reason="BackOff" message="Back-off restarting failed container app in pod ` + pf + `"`,
			evWant{"crashloop_backoff", tPod, "", "app", "", -1, "CrashLoopBackOff", st}},
		{"back-off event 1.18", wJournal + hdr + `event.go:278] Event(v1.ObjectReference{Kind:"Pod", Namespace:"shop", Name:"` + tPodName + `", UID:"` + tUID + `", APIVersion:"v1", ResourceVersion:"8812", FieldPath:"spec.containers{app}"}): type: 'Warning' reason: 'BackOff' Back-off restarting failed container`,
			evWant{"crashloop_backoff", tPod, tUID, "app", "", -1, "CrashLoopBackOff", st}},
		{"image back-off event", wJournal + hdr + `event.go:376] "Event occurred" object="` + tPod + `" fieldPath="spec.containers{app}" kind="Pod" apiVersion="v1" type="Normal" reason="BackOff" message="Back-off pulling image \"registry/web:1\""`,
			evWant{}},

		// §5.4 eviction, 1.18 wording (W/I/E headers).
		{"evict attempt 1.18", wJournal + w + `eviction_manager.go:344] eviction manager: attempting to reclaim memory`,
			evWant{"eviction_attempt", "", "", "", "", -1, "memory", st}},
		{"evict must 1.18", wJournal + hdr + `eviction_manager.go:357] eviction manager: must evict pod(s) to reclaim memory`,
			evWant{"eviction_must_evict", "", "", "", "", -1, "memory", st}},
		{"evict ranked 1.18", wJournal + hdr + `eviction_manager.go:375] eviction manager: pods ranked for eviction: ` + hog + `, ` + pf,
			evWant{"eviction_ranked", "default/hog-5d8f7c9b4-abcde", "11111111-2222-3333-4444-555555555555", "", "", -1, "", st}},
		{"evicted 1.18", wJournal + hdr + `eviction_manager.go:566] eviction manager: pod ` + hog + ` is evicted successfully`,
			evWant{"evicted", "default/hog-5d8f7c9b4-abcde", "11111111-2222-3333-4444-555555555555", "", "", -1, "Evicted", st}},
		{"evict critical 1.18", wJournal + e + `eviction_manager.go:545] eviction manager: cannot evict a critical pod kube-proxy-x7k2p_kube-system(99999999-2222-3333-4444-555555555555)`,
			evWant{"eviction_refused_critical", "kube-system/kube-proxy-x7k2p", "99999999-2222-3333-4444-555555555555", "", "", -1, "", st}},
		{"evict failed 1.18", wJournal + w + `eviction_manager.go:569] eviction manager: pod ` + hog + ` failed to evict timeout waiting to kill pod`,
			evWant{"eviction_failed", "default/hog-5d8f7c9b4-abcde", "11111111-2222-3333-4444-555555555555", "", "", -1, "", st}},
		{"evict unable 1.18", wJournal + hdr + `eviction_manager.go:410] eviction manager: unable to evict any pods from the node`,
			evWant{"eviction_unable", "", "", "", "", -1, "", st}},
		// 1.21+ InfoS.
		{"evict attempt", wJournal + hdr + `eviction_manager.go:349] "Eviction manager: attempting to reclaim" resourceName="memory"`,
			evWant{"eviction_attempt", "", "", "", "", -1, "memory", st}},
		{"evict reclaimed", wJournal + hdr + `eviction_manager.go:356] "Eviction manager: able to reduce resource pressure without evicting pods." resourceName="ephemeral-storage"`,
			evWant{"eviction_reclaimed", "", "", "", "", -1, "ephemeral-storage", st}},
		{"evict must", wJournal + hdr + `eviction_manager.go:360] "Eviction manager: must evict pod(s) to reclaim" resourceName="memory"`,
			evWant{"eviction_must_evict", "", "", "", "", -1, "memory", st}},
		{"ranked 1.21 format.Pods", wJournal + hdr + `eviction_manager.go:368] "Eviction manager: pods ranked for eviction" pods="` + hog + `, ` + pf + `"`,
			evWant{"eviction_ranked", "default/hog-5d8f7c9b4-abcde", "11111111-2222-3333-4444-555555555555", "", "", -1, "", st}},
		{"ranked 1.24 KObjs", wJournal + hdr + `eviction_manager.go:368] "Eviction manager: pods ranked for eviction" pods=[default/hog-5d8f7c9b4-abcde ` + tPod + `]`,
			evWant{"eviction_ranked", "default/hog-5d8f7c9b4-abcde", "", "", "", -1, "", st}},
		{"ranked quoted list", wJournal + hdr + `eviction_manager.go:368] "Eviction manager: pods ranked for eviction" pods="[default/nginx kube-system/coredns-5d78c9869d-x2x2x]"`,
			evWant{"eviction_ranked", "default/nginx", "", "", "", -1, "", st}},
		{"ranked 1.27 KObjSlice, k3s", wK3s + k7 + `eviction_manager.go:381] "Eviction manager: pods ranked for eviction" pods=["default/nginx","` + tPod + `"]`,
			evWant{"eviction_ranked", "default/nginx", "", "", "", -1, "", st}},
		{"ranked JSON logging", `{` + jts + `,"caller":"eviction/eviction_manager.go:414","msg":"Eviction manager: pods ranked for eviction","v":0,"pods":[{"name":"nginx","namespace":"default"},{"name":"x","namespace":"y"}]}`,
			evWant{"eviction_ranked", "default/nginx", "", "", "", -1, "", jst}},
		{"evicted", wJournal + hdr + `eviction_manager.go:596] "Eviction manager: pod is evicted successfully" pod="default/nginx"`,
			evWant{"evicted", "default/nginx", "", "", "", -1, "Evicted", st}},
		{"evict critical", wJournal + e + `eviction_manager.go:580] "Eviction manager: cannot evict a critical pod" pod="kube-system/kube-proxy-x7k2p"`,
			evWant{"eviction_refused_critical", "kube-system/kube-proxy-x7k2p", "", "", "", -1, "", st}},
		{"evict failed", wJournal + e + `eviction_manager.go:594] "Eviction manager: pod failed to evict" err="timeout waiting to kill pod" pod="default/nginx"`,
			evWant{"eviction_failed", "default/nginx", "", "", "", -1, "", st}},
		{"evict unable", wJournal + hdr + `eviction_manager.go:414] "Eviction manager: unable to evict any pods from the node"`,
			evWant{"eviction_unable", "", "", "", "", -1, "", st}},
		{"evicted event", wJournal + hdr + `event.go:376] "Event occurred" object="default/nginx" fieldPath="" kind="Pod" apiVersion="v1" type="Warning" reason="Evicted" message="The node was low on resource: memory. Threshold quantity: 750Mi, available: 225800Ki. Container nginx was using 4395616Ki, request is 0, has larger consumption of memory."`,
			evWant{"evicted", "default/nginx", "", "", "", -1, "Evicted", st}},
		{"threshold met event", wJournal + hdr + `event.go:376] "Event occurred" object="worker-3" fieldPath="" kind="Node" apiVersion="" type="Warning" reason="EvictionThresholdMet" message="Attempting to reclaim memory"`,
			evWant{"eviction_attempt", "", "", "", "", -1, "memory", st}},

		// Admission.
		{"admit 1.9", wJournal + w + `predicate.go:132] Failed to admit pod kube-proxy-bbrr6_kube-system(77777777-2222-3333-4444-555555555555) - node has conditions: [MemoryPressure]`,
			evWant{"admission_rejected", "kube-system/kube-proxy-bbrr6", "77777777-2222-3333-4444-555555555555", "", "", -1, "MemoryPressure", st}},
		{"admit 1.21+", wJournal + hdr + `eviction_manager.go:165] "Failed to admit pod to node" pod="default/besteffort-x" nodeCondition=[MemoryPressure]`,
			evWant{"admission_rejected", "default/besteffort-x", "", "", "", -1, "MemoryPressure", st}},
		{"admit disk pressure only", wJournal + hdr + `eviction_manager.go:165] "Failed to admit pod to node" pod="default/x" nodeCondition=[DiskPressure]`,
			evWant{}},

		// §5.5 memory pressure.
		{"pressure 1.21+", wJournal + hdr + `kubelet_node_status.go:687] "Recording event message for node" node="worker-3" event="NodeHasInsufficientMemory"`,
			evWant{"memory_pressure", "", "", "", "", -1, "NodeHasInsufficientMemory", st}},
		{"pressure gone 1.18", wJournal + hdr + `kubelet_node_status.go:486] Recording NodeHasSufficientMemory event message for node worker-3`,
			evWant{"memory_pressure", "", "", "", "", -1, "NodeHasSufficientMemory", st}},
		{"pressure event", wJournal + hdr + `event.go:376] "Event occurred" object="worker-3" fieldPath="" kind="Node" apiVersion="" type="Normal" reason="NodeHasInsufficientMemory" message="Node worker-3 status is now: NodeHasInsufficientMemory"`,
			evWant{"memory_pressure", "", "", "", "", -1, "NodeHasInsufficientMemory", st}},
		{"disk pressure is not memory", wJournal + hdr + `kubelet_node_status.go:687] "Recording event message for node" node="worker-3" event="NodeHasNoDiskPressure"`,
			evWant{}},

		// §5.6 sandbox.
		{"sandbox 1.21+", wJournal + hdr + `kuberuntime_manager.go:753] "No ready sandbox for pod can be found. Need to start a new one" pod="` + tPod + `"`,
			evWant{"sandbox_recreate", tPod, "", "", "", -1, "", st}},
		{"sandbox 1.18", wJournal + hdr + `kuberuntime_manager.go:439] No ready sandbox for pod "` + pf + `" can be found. Need to start a new one`,
			evWant{"sandbox_recreate", tPod, tUID, "", "", -1, "", st}},

		// Noise and decoys: no events.
		{"probe noise", wJournal + hdr + `prober.go:107] "Probe failed" probeType="Readiness" pod="` + tPod + `" podUID="` + tUID + `" containerName="app" probeResult="failure"`, evWant{}},
		{"SyncLoop probe", wJournal + hdr + `kubelet.go:2470] "SyncLoop (probe)" probe="readiness" status="ready" pod="` + tPod + `"`, evWant{}},
		{"other program quotes kubelet", wNotKubelt + hdr + `generic.go:334] "Generic (PLEG): container finished" podID="` + tUID + `" containerID="` + tCID + `" exitCode=137`, evWant{}},
		{"containerd quotes kubelet", "Nov 27 11:44:20 worker-3 containerd[1187]: " + hdr + `kuberuntime_container.go:809] "Killing container with a grace period" pod="` + tPod + `"`, evWant{}},
		{"kernel quotes kubelet", "Nov 27 11:44:20 worker-3 kernel: " + w + `eviction_manager.go:344] eviction manager: attempting to reclaim memory`, evWant{}},
		{"message only quoted in err", wJournal + e + `kuberuntime_manager.go:1256] "Unhandled Error" err="\"Eviction manager: attempting to reclaim\" resourceName=\"memory\""`, evWant{}},
		{"npd bare klog", `I1127 11:44:17.123456    2214 log_monitor.go:160] New status generated: &{Source:kernel-monitor Events:[{Severity:warn Reason:OOMKilling Message:Killed process 4242 (x)}] Conditions:[]}`, evWant{}},
		{"npd event via kubelet recorder is not ours", wJournal + hdr + `event.go:307] "Event occurred" object="worker-3" fieldPath="" kind="Node" apiVersion="" type="Warning" reason="OOMKilling" message="Memory cgroup out of memory: Killed process 4242 (x)"`, evWant{}},
		{"k3s logrus line", "Nov 27 11:44:20 agent-1 k3s[3814777]: time=\"2026-11-27T11:44:20Z\" level=info msg=\"eviction manager: attempting to reclaim memory\"", evWant{}},
		{"JSON logging without ts", `{"level":"info","msg":"Eviction manager: attempting to reclaim","resourceName":"memory"}`,
			evWant{"eviction_attempt", "", "", "", "", -1, "memory", ""}},
		{"truncated header", "I1127 11:44:17.9 ", evWant{}},
		{"bad month", wJournal + "I1327 11:44:17.911402    1342 eviction_manager.go:344] eviction manager: attempting to reclaim memory", evWant{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []evWant
			var events []KubeEvent
			for _, r := range decodeLine(t, tt.line) {
				if ev, ok := KubeletEvent(r); ok {
					got = append(got, summarize(ev))
					events = append(events, ev)
				}
			}
			if tt.want.kind == "" {
				if len(got) != 0 {
					t.Fatalf("got %+v, want no event", got)
				}
				return
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
			ev := events[0]
			if ev.Source != (Source{Path: "x.log", Line: 3}) || ev.Message == "" || strings.HasPrefix(ev.Message, "I1127") {
				t.Errorf("source %+v, message %q", ev.Source, ev.Message)
			}
			if strings.HasPrefix(tt.line, wJournal) && ev.Host != "worker-3" {
				t.Errorf("host %q", ev.Host)
			}
		})
	}
}

// TestKubeletEventStamp: with no klog header or JSON ts the record's own
// stamp is kept.
func TestKubeletEventStamp(t *testing.T) {
	recs := decodeLine(t, `{"MESSAGE":"{\"msg\":\"Eviction manager: attempting to reclaim\",\"resourceName\":\"memory\"}","SYSLOG_IDENTIFIER":"kubelet","__REALTIME_TIMESTAMP":"1795779860000100"}`)
	ev, ok := KubeletEvent(recs[0])
	if !ok || stampString(ev.Wall) != "2026-11-27T11:44:20.0001Z" {
		t.Fatalf("%v %+v %s", ok, ev, stampString(ev.Wall))
	}
	for in, want := range map[string]string{
		"1795779857911.402": "2026-11-27T11:44:17.911402Z",
		"1753121332054.528": "2025-07-21T18:08:52.054528Z",
		"1580306777.04728":  "2020-01-29T14:06:17.04728Z", // seconds, as in the docs' example
		"0":                 "", "-1": "", "1e300": "", "x": "",
	} {
		if got := stampString(epochMillisStamp(in)); got != want {
			t.Errorf("epochMillisStamp(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchPrintf(t *testing.T) {
	args, ok := matchPrintf("Error syncing pod %s (%s), skipping: %s", `Error syncing pod u ("a_b(u)"), skipping: failed (x)`)
	if !ok || len(args) != 3 || args[0] != "u" || args[1] != `"a_b(u)"` || args[2] != "failed (x)" {
		t.Errorf("%q %v", args, ok)
	}
	for _, s := range []string{"pod x is evicted", "pod  is evicted successfully!", ""} {
		if _, ok := matchPrintf("pod %s is evicted successfully", s); ok {
			t.Errorf("matched %q", s)
		}
	}
	if _, ok := matchPrintf("no verbs", "no verbs"); !ok {
		t.Error("literal format")
	}
}

// FuzzKubeletEvent runs a line through the decoder and both event readers:
// no panic, and every event has a kind, the record's source and a bounded,
// valid UTF-8 message.
func FuzzKubeletEvent(f *testing.F) {
	paths, _ := filepath.Glob("../testdata/kubelet/*.log")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		dec := NewDecoder("f")
		_ = dec.Decode(line, 1, func(r Record) {
			for _, read := range []func(Record) (KubeEvent, bool){KubeletEvent, RuntimeEvent} {
				e, ok := read(r)
				if !ok {
					continue
				}
				if e.Kind == "" || e.Source != r.Source || len(e.Message) > maxEventMessage {
					t.Fatalf("bad event %+v from %+v", e, r)
				}
				if !utf8.ValidString(e.Message) {
					t.Fatalf("message is not UTF-8: %q", e.Message)
				}
			}
		})
	})
}

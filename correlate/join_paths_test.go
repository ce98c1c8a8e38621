package correlate

// Every form of a pod container's cgroup path (kubernetes-side.md §3.2,
// kernel-oom-formats.md §12) run through the whole pipeline: a kernel dump
// whose oom-kill summary names the path is scanned, collected and analyzed,
// with and without the pod objects, and the incident must say the pod UID,
// container ID, runtime, QoS class and scope; with the objects also the
// namespace, pod and container names.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/oomtriage/oomtriage/parse"
)

const (
	formUID     = "7c9d1e2f-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
	formUIDSd   = "7c9d1e2f_4a5b_4c6d_8e7f_0a1b2c3d4e5f" // systemd-escaped
	formStatic  = "6c2684cc7a64810709bc493a7a24a9c2"     // a static pod's config hash
	formMirror  = "e2a4c6e8-0a2c-4e4a-8c6e-0a2c4e6a8c0e" // its mirror pod's API UID
	formCID     = "25a38b5b6c4d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f"
	formNodeCID = "99f3a16e0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e"
)

type pathForm struct {
	name    string
	path    string // the victim's task_memcg
	v1      bool   // print a cgroup v1 memcg section (memory+swap, kmem)
	runtime string // from the leaf; "" when the leaf is a bare ID
	qos     string
	uid     string // as the path gives it
	static  bool
}

var pathForms = []pathForm{
	// cgroupfs driver (docker, containerd, CRI-O), cgroup v1 and v2.
	{name: "cgroupfs burstable v1", path: "/kubepods/burstable/pod" + formUID + "/" + formCID, v1: true, qos: "Burstable", uid: formUID},
	{name: "cgroupfs burstable v2 (Talos)", path: "/kubepods/burstable/pod" + formUID + "/" + formCID, qos: "Burstable", uid: formUID},
	{name: "cgroupfs besteffort", path: "/kubepods/besteffort/pod" + formUID + "/" + formCID, v1: true, qos: "BestEffort", uid: formUID},
	{name: "cgroupfs guaranteed (no QoS level)", path: "/kubepods/pod" + formUID + "/" + formCID, v1: true, qos: "Guaranteed", uid: formUID},
	{name: "cgroupfs cri-o", path: "/kubepods/burstable/pod" + formUID + "/crio-" + formCID, runtime: "cri-o", qos: "Burstable", uid: formUID},
	{name: "cgroupfs cri-o with crun", path: "/kubepods/besteffort/pod" + formUID + "/crio-" + formCID + "/container", runtime: "cri-o", qos: "BestEffort", uid: formUID},
	{name: "cgroupfs custom cgroup-root", path: "/system.slice/kubelet.service/kubepods/burstable/pod" + formUID + "/" + formCID, qos: "Burstable", uid: formUID},
	{name: "cgroupfs inside a docker node container", path: "/docker/" + formNodeCID + "/kubepods/burstable/pod" + formUID + "/" + formCID, qos: "Burstable", uid: formUID},
	{name: "cgroupfs static pod hash", path: "/kubepods/burstable/pod" + formStatic + "/" + formCID, v1: true, qos: "Burstable", uid: formStatic, static: true},

	// systemd driver: underscores in the UID, slices, runtime scopes.
	{name: "systemd containerd burstable", path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "Burstable", uid: formUID},
	{name: "systemd containerd burstable v1", path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", v1: true, runtime: "containerd", qos: "Burstable", uid: formUID},
	{name: "systemd containerd besteffort", path: "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "BestEffort", uid: formUID},
	{name: "systemd containerd guaranteed", path: "/kubepods.slice/kubepods-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "Guaranteed", uid: formUID},
	{name: "systemd docker (dockershim, cri-dockerd)", path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + formUIDSd + ".slice/docker-" + formCID + ".scope", v1: true, runtime: "docker", qos: "Burstable", uid: formUID},
	{name: "systemd docker guaranteed", path: "/kubepods.slice/kubepods-pod" + formUIDSd + ".slice/docker-" + formCID + ".scope", runtime: "docker", qos: "Guaranteed", uid: formUID},
	{name: "systemd cri-o runc", path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + formUIDSd + ".slice/crio-" + formCID + ".scope", runtime: "cri-o", qos: "Burstable", uid: formUID},
	{name: "systemd cri-o crun", path: "/kubepods.slice/kubepods-pod" + formUIDSd + ".slice/crio-" + formCID + ".scope/container", runtime: "cri-o", qos: "Guaranteed", uid: formUID},
	{name: "systemd bare leaf (kubernetes#86337)", path: "/kubepods.slice/kubepods-pod" + formUIDSd + ".slice/" + formCID, v1: true, qos: "Guaranteed", uid: formUID},
	{name: "systemd kind --cgroup-root=/kubelet", path: "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "Burstable", uid: formUID},
	{name: "systemd kind seen from the host", path: "/system.slice/docker-" + formNodeCID + ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "BestEffort", uid: formUID},
	{name: "systemd inside LXC", path: "/lxc.payload.k8s/kubepods.slice/kubepods-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "Guaranteed", uid: formUID},
	{name: "systemd static pod hash", path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + formStatic + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "Burstable", uid: formStatic, static: true},
	{name: "systemd static pod hash guaranteed", path: "/kubepods.slice/kubepods-pod" + formStatic + ".slice/cri-containerd-" + formCID + ".scope", runtime: "containerd", qos: "Guaranteed", uid: formStatic, static: true},
}

// formDump prints a 5.15-style memcg dump of one kill in the given cgroup,
// with the limit hit at oomMemcg.
func formDump(taskMemcg, oomMemcg string, v1 bool) string {
	memcg := "[ 1000.000003] swap: usage 0kB, limit 0kB, failcnt 0\n"
	if v1 {
		memcg = "[ 1000.000003] memory+swap: usage 524288kB, limit 9007199254740988kB, failcnt 0\n" +
			"[ 1000.000003] kmem: usage 2212kB, limit 9007199254740988kB, failcnt 0\n"
	}
	return "[ 1000.000001] app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=900\n" +
		"[ 1000.000002] CPU: 1 PID: 4242 Comm: app Not tainted 5.15.0-1051-azure #59-Ubuntu\n" +
		"[ 1000.000002] memory: usage 524288kB, limit 524288kB, failcnt 10\n" + memcg +
		"[ 1000.000004] Tasks state (memory values in pages):\n" +
		"[ 1000.000005] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n" +
		"[ 1000.000006] [   4200] 65535  4200      243        1    28672        0          -998 pause\n" +
		"[ 1000.000007] [   4242]  1000  4242   200000   130000  1150976        0           900 app\n" +
		"[ 1000.000008] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,mems_allowed=0,oom_memcg=" + oomMemcg +
		",task_memcg=" + taskMemcg + ",task=app,pid=4242,uid=1000\n" +
		"[ 1000.000009] Memory cgroup out of memory: Killed process 4242 (app) total-vm:800000kB, anon-rss:516000kB, file-rss:4000kB, shmem-rss:0kB, UID:1000 pgtables:1124kB oom_score_adj:900\n"
}

// formPod is the pod object of a form: its UID (the mirror pod's API UID
// for a static pod) and the container ID with the runtime's scheme.
func formPod(f pathForm) string {
	scheme := f.runtime
	if scheme == "" {
		scheme = "containerd"
	}
	uid, ann := f.uid, ""
	if f.static {
		uid = formMirror
		ann = fmt.Sprintf(`"annotations": {"kubernetes.io/config.mirror": %q, "kubernetes.io/config.source": "file"},`, f.uid)
	}
	return fmt.Sprintf(`{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "app-0", "namespace": "forms", "uid": %q, %s "ownerReferences": []},
 "spec": {"nodeName": "n1", "containers": [{"name": "app", "resources": {"requests": {"memory": "1Gi"}}}]},
 "status": {"qosClass": %q, "containerStatuses": [{"name": "app", "containerID": "%s://%s", "restartCount": 0,
   "state": {"running": {"startedAt": "2026-11-27T10:00:00Z"}}}]}}`, uid, ann, f.qos, scheme, formCID)
}

// analyzeText runs the parse and correlate stages over a kernel log and
// optional pod objects, as one host.
func analyzeDumpText(t *testing.T, kernel, objects string, hc HostContext) Analysis {
	t.Helper()
	col := NewCollector()
	ctx := context.Background()
	if _, err := parse.ScanKernelLog(ctx, "kernel.log", strings.NewReader(kernel), func(d *parse.Dump) { col.AddDump("kernel.log", "", d) }); err != nil {
		t.Fatal(err)
	}
	if objects != "" {
		objs, st, err := parse.ReadObjects(ctx, "pods.json", strings.NewReader(objects))
		if err != nil || len(st.Errors) > 0 || len(objs.Pods) != 1 {
			t.Fatalf("pods: %v %v (%d pods)", err, st.Errors, len(objs.Pods))
		}
		col.AddObjects("", objs)
	}
	return col.Analyze(func(string) HostContext { return hc })
}

func TestJoinCgroupPathForms(t *testing.T) {
	memTotal := int64(16 << 30)
	hc := HostContext{MemTotalBytes: &memTotal}
	for _, f := range pathForms {
		for _, withPods := range []bool{false, true} {
			name := f.name + "/path only"
			objects := ""
			if withPods {
				name, objects = f.name+"/with pods", formPod(f)
			}
			t.Run(name, func(t *testing.T) {
				a := analyzeDumpText(t, formDump(f.path, f.path, f.v1), objects, hc)
				if len(a.Incidents) != 1 {
					t.Fatalf("got %d incidents:\n%s", len(a.Incidents), describeAll(a.Incidents))
				}
				inc := &a.Incidents[0]
				k := inc.Kubernetes
				if k == nil {
					t.Fatalf("no kubernetes identity from %s", f.path)
				}
				want := map[string]string{"pod_uid": f.uid, "container_id": formCID, "runtime": f.runtime, "qos_class": f.qos,
					"namespace": "", "pod": "", "container": "", "scope": "container"}
				if withPods {
					want["namespace"], want["pod"], want["container"] = "forms", "app-0", "app"
					if want["runtime"] == "" {
						want["runtime"] = "containerd" // from the status's containerID scheme
					}
					if f.static {
						want["pod_uid"] = formMirror // the API object's UID once the pod is found
					}
				}
				got := map[string]string{"pod_uid": strOr(k.PodUID), "container_id": strOr(k.ContainerID), "runtime": strOr(k.Runtime),
					"qos_class": strOr(k.QOSClass), "namespace": strOr(k.Namespace), "pod": strOr(k.Pod), "container": strOr(k.Container),
					"scope": strOr(inc.Scope)}
				for key, w := range want {
					if got[key] != w {
						t.Errorf("%s = %q, want %q", key, got[key], w)
					}
				}
				if c := inc.TaskCgroup; c == nil || strOr(c.PodUID) != f.uid || c.Level != "container" {
					t.Errorf("task_cgroup = %s, want pod_uid %s at level container", compact(c), f.uid)
				}
				if withPods {
					// The objects' QoS (the same here) and 900 vs the 1Gi Burstable value, or -997/1000.
					if k.ExpectedOOMScoreAdj == nil || k.AdjMismatch == nil {
						t.Errorf("no adj verdict with the pod objects: %s", compact(k))
					}
				} else if k.ExpectedOOMScoreAdj != nil || k.AdjMismatch != nil || strOr(inc.Outcome) != "unknown" {
					t.Errorf("without pod objects: expected adj %s, mismatch %s, outcome %s; want null, null, unknown",
						compact(k.ExpectedOOMScoreAdj), compact(k.AdjMismatch), compact(inc.Outcome))
				}
			})
		}
	}
}

// The cgroup whose limit was hit (oom_memcg, or "limit of" on older
// kernels) gives the scope, for each driver's spelling of each level.
func TestJoinScopeByLimitCgroup(t *testing.T) {
	task := "/kubepods/burstable/pod" + formUID + "/" + formCID
	taskSd := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope"
	taskG := "/kubepods.slice/kubepods-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope"
	tests := []struct{ task, oom, scope, finding string }{
		{task, task, "container", "container_limit"},
		{task, "/kubepods/burstable/pod" + formUID, "pod", "pod_limit"},
		{task, "/kubepods/burstable", "qos_tier", "node_allocatable"},
		{task, "/kubepods", "node_allocatable", "node_allocatable"},
		{taskSd, taskSd, "container", "container_limit"},
		{taskSd, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + formUIDSd + ".slice", "pod", "pod_limit"},
		{taskSd, "/kubepods.slice/kubepods-burstable.slice", "qos_tier", "node_allocatable"},
		{taskSd, "/kubepods.slice", "node_allocatable", "node_allocatable"},
		{taskG, "/kubepods.slice/kubepods-pod" + formUIDSd + ".slice", "pod", "pod_limit"},
		{"/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" + formUIDSd + ".slice/cri-containerd-" + formCID + ".scope", "/kubelet.slice/kubelet-kubepods.slice", "node_allocatable", "node_allocatable"},
		{"/system.slice/kubelet.service/kubepods/pod" + formUID + "/" + formCID, "/system.slice/kubelet.service/kubepods", "node_allocatable", "node_allocatable"},
		// A limit outside the Kubernetes hierarchy: another memory cgroup.
		{task, "/system.slice/containerd.service", "cgroup", ""},
		{"/docker/" + formCID, "/docker/" + formCID, "cgroup", ""},
	}
	for _, tt := range tests {
		t.Run(tt.oom, func(t *testing.T) {
			a := analyzeDumpText(t, formDump(tt.task, tt.oom, false), "", HostContext{})
			if len(a.Incidents) != 1 {
				t.Fatalf("got %d incidents", len(a.Incidents))
			}
			inc := &a.Incidents[0]
			if got := strOr(inc.Scope); got != tt.scope {
				t.Errorf("scope = %q, want %q", got, tt.scope)
			}
			var scopeCodes []string
			for _, c := range findingCodes(inc) {
				switch c {
				case "container_limit", "pod_limit", "node_allocatable", "system_oom":
					scopeCodes = append(scopeCodes, c)
				}
			}
			want := []string{}
			if tt.finding != "" {
				want = []string{tt.finding}
			}
			if strings.Join(scopeCodes, ",") != strings.Join(want, ",") {
				t.Errorf("scope findings = %v, want %v", scopeCodes, want)
			}
		})
	}
}

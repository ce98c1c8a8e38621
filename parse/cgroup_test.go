package parse

import (
	"strings"
	"testing"
)

func TestParseCgroupPath(t *testing.T) {
	const (
		uid  = "ef91e487-dec5-4613-800b-eb23e1a1617d"
		uidU = "ef91e487_dec5_4613_800b_eb23e1a1617d"
		cid  = "100093783c22a3ae1a42e21dd887b7c26eef52d56ba44c7273ef54507b6efe7c"
	)
	tests := []struct {
		path                    string
		runtime, container, pod string
		tier                    string
	}{
		{"/kubepods/burstable/pod" + uid + "/" + cid, "", cid, uid, "burstable"},
		{"/kubepods/besteffort/pod" + uid + "/" + cid, "", cid, uid, "besteffort"},
		{"/kubepods/pod" + uid + "/" + cid, "", cid, uid, "guaranteed"},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice/cri-containerd-" + cid + ".scope", "containerd", cid, uid, "burstable"},
		{"/kubepods.slice/kubepods-pod" + uidU + ".slice/crio-" + cid + ".scope", "cri-o", cid, uid, "guaranteed"},
		{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidU + ".slice/docker-" + cid + ".scope", "docker", cid, uid, "besteffort"},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice/crio-conmon-" + cid + ".scope", "cri-o", cid, uid, "burstable"},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice/crio-" + cid + ".scope/container", "cri-o", cid, uid, "burstable"},
		// The typo of a published path (corpus 018): the tier comes from the pod component.
		{"/kubepods.slice/kubepods-urstable.slice/kubepods-burstable-pod" + uidU + ".slice/cri-containerd-" + cid + ".scope", "containerd", cid, uid, "burstable"},
		// Static pod: the config hash instead of a UUID.
		{"/kubepods/burstable/pod6b0f1a2c3d4e5f60718293a4b5c6d7e8/" + cid, "", cid, "6b0f1a2c3d4e5f60718293a4b5c6d7e8", "burstable"},
		// Prefixes from nesting: kind, LXC.
		{"/docker/" + cid + "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice", "", "", "", "burstable"},
		{"/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod" + uidU + ".slice/cri-containerd-" + cid + ".scope", "containerd", cid, uid, "burstable"},
		{"/lxc.payload.k8s/kubepods.slice/kubepods-pod" + uidU + ".slice/cri-containerd-" + cid + ".scope", "containerd", cid, uid, "guaranteed"},
		// Pod and QoS levels without a container.
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice", "", "", uid, "burstable"},
		{"/kubepods.slice/kubepods-burstable.slice", "", "", "", "burstable"},
		{"/kubepods", "", "", "", ""},
		// Not Kubernetes.
		{"/docker/" + cid, "docker", cid, "", ""},
		{"/system.slice/docker-" + cid + ".scope", "docker", cid, "", ""},
		{"/lxc/39004/ns/system.slice/docker-" + cid + ".scope", "docker", cid, "", ""},
		{"/mem2", "", "", "", ""},
		{"/user.slice/user-504.slice/session-2.scope", "", "", "", ""},
		{"/", "", "", "", ""},
		{"", "", "", "", ""},
	}
	for _, tt := range tests {
		id := ParseCgroupPath(tt.path)
		got := []string{strOrEmpty(id.Runtime), strOrEmpty(id.ContainerID), strOrEmpty(id.PodUID), strOrEmpty(id.QOSTier)}
		want := []string{tt.runtime, tt.container, tt.pod, tt.tier}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", tt.path, got, want)
		}
		if id.Path != tt.path {
			t.Errorf("path = %q", id.Path)
		}
		if lvl := levelOf(tt.path); id.Level != lvl {
			t.Errorf("%s: level = %q, want %q", tt.path, id.Level, lvl)
		}
	}
}

func FuzzParseCgroupPath(f *testing.F) {
	for _, s := range []string{
		"/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/abc",
		"/kubepods.slice/kubepods-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice/crio-conmon-x.scope/container",
		"/lxc/1/ns/system.slice/docker-.scope", "kubepods-", "/container",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		id := ParseCgroupPath(path)
		if id.Path != path {
			t.Fatalf("path changed")
		}
		if id.ContainerID != nil && !isHex64(*id.ContainerID) {
			t.Fatalf("container id %q is not 64 hex", *id.ContainerID)
		}
		if id.PodUID != nil && !looksLikeUID(*id.PodUID) {
			t.Fatalf("pod uid %q", *id.PodUID)
		}
	})
}

// levelOf states each test path's level by its shape, independently of the
// parser: the last component names it.
func levelOf(path string) string {
	if !strings.Contains(path, "kubepods") {
		return ""
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	last := parts[len(parts)-1]
	if last == "container" {
		last = parts[len(parts)-2]
	}
	switch {
	case strings.Contains(last, "-pod") && strings.HasSuffix(last, ".slice") || strings.HasPrefix(last, "pod"):
		return "pod"
	case strings.HasSuffix(last, "burstable.slice") || strings.HasSuffix(last, "besteffort.slice") || last == "burstable" || last == "besteffort":
		return "qos_tier"
	case strings.HasSuffix(last, "kubepods.slice") || last == "kubepods":
		return "kubepods"
	}
	return "container"
}

func strOrEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

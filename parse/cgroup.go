package parse

import "strings"

// CgroupIdentity is what a cgroup path says about the task in it
// (kubernetes-side.md §3, kernel-oom-formats.md §12).
type CgroupIdentity struct {
	Path        string  `json:"path"`
	Runtime     *string `json:"runtime"`      // containerd, cri-o, docker; null when the leaf does not say
	ContainerID *string `json:"container_id"` // 64 hex
	PodUID      *string `json:"pod_uid"`      // with dashes (or the static-pod hash)
	QOSTier     *string `json:"qos_tier"`     // guaranteed, burstable, besteffort
	// Level is where in the Kubernetes hierarchy the path ends: "container",
	// "pod", "qos_tier", "kubepods" (node allocatable), or "" outside it.
	Level  string `json:"level"`
	Conmon bool   `json:"conmon,omitempty"`
}

// ParseCgroupPath reads a cgroup path in any of the forms the kubelet,
// container runtimes and systemd produce, with any prefix (nested
// containers, LXC, kind) before them. It never fails: a path it cannot read
// gives an identity with only Path set.
func ParseCgroupPath(path string) CgroupIdentity {
	id := CgroupIdentity{Path: path}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if n := len(parts); n > 1 && parts[n-1] == "container" {
		parts = parts[:n-1] // crun puts the process one level below the scope
	}
	if n := len(parts); n > 0 {
		id.Runtime, id.ContainerID, id.Conmon = parseRuntimeLeaf(parts[n-1])
		if id.Runtime == nil && n > 1 && parts[n-2] == "docker" && isHex64(parts[n-1]) {
			id.Runtime = ptrOf("docker")
		}
	}
	kube := -1
	for i, p := range parts {
		// "kubepods", "kubepods.slice", or kind's "kubelet-kubepods.slice".
		if strings.TrimSuffix(p, ".slice") == "kubepods" || strings.HasSuffix(p, "-kubepods.slice") {
			kube = i
			break
		}
	}
	if kube < 0 {
		return id
	}
	id.QOSTier = ptrOf("guaranteed")
	id.Level = "kubepods"
	for i, p := range parts[kube+1:] {
		if tier, uid, ok := parsePodComponent(p); ok {
			id.PodUID = &uid
			if tier != "" {
				id.QOSTier = &tier
			}
			id.Level = "pod"
			if kube+1+i < len(parts)-1 {
				id.Level = "container"
			}
			return id
		}
		if t := tierComponent(p); t != "" {
			id.QOSTier = &t
			id.Level = "qos_tier"
		}
	}
	if id.Level == "kubepods" {
		id.QOSTier = nil
	}
	return id
}

// parseRuntimeLeaf reads the container's own cgroup name.
func parseRuntimeLeaf(leaf string) (runtime, containerID *string, conmon bool) {
	name := strings.TrimSuffix(leaf, ".scope")
	for _, p := range []struct{ prefix, runtime string }{
		{"cri-containerd-", "containerd"}, {"crio-conmon-", "cri-o"}, {"crio-", "cri-o"},
		{"docker-", "docker"}, {"libpod-", "podman"},
	} {
		if id, ok := strings.CutPrefix(name, p.prefix); ok && isHex64(id) {
			return ptrOf(p.runtime), &id, p.prefix == "crio-conmon-"
		}
	}
	if isHex64(leaf) {
		return nil, &leaf, false
	}
	return nil, nil, false
}

// parsePodComponent reads "pod<uid>" (cgroupfs) or
// "kubepods-<tier>-pod<uid_>.slice" / "kubepods-pod<uid_>.slice" (systemd).
// The tier is read from this component because the QoS component may be
// mangled in pasted logs.
func parsePodComponent(p string) (tier, uid string, ok bool) {
	if u, found := strings.CutPrefix(p, "pod"); found && looksLikeUID(u) {
		return "", u, true
	}
	name, found := strings.CutSuffix(p, ".slice")
	k := strings.Index(name, "kubepods")
	i := strings.LastIndex(name, "-pod")
	if !found || k < 0 || i < k {
		return "", "", false
	}
	u := strings.ReplaceAll(name[i+4:], "_", "-")
	if !looksLikeUID(u) {
		return "", "", false
	}
	tier = strings.TrimPrefix(name[k+len("kubepods"):i], "-")
	if tier == "" {
		tier = "guaranteed"
	}
	return tier, u, true
}

func tierComponent(p string) string {
	name := strings.TrimSuffix(p, ".slice")
	for _, tier := range []string{"burstable", "besteffort"} {
		if name == tier || strings.HasSuffix(name, "kubepods-"+tier) {
			return tier
		}
	}
	return ""
}

// looksLikeUID accepts a dashed UUID or a static pod's 32-hex config hash.
func looksLikeUID(s string) bool {
	if len(s) == 36 {
		return isPodUID(s) && !strings.Contains(s, "_")
	}
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

func ptrOf[T any](v T) *T { return &v }

package bundle

import "strings"

// This file knows the Amazon EKS log collector (eks-log-collector.sh,
// reference §1d). Its archive eks_<instance-id>_<date>_<version>.tar.gz is
// made with "tar -C /tmp/eks-log-collector .", so its members have no top
// folder ("./kernel/dmesg.current"); a folder named like the archive only
// appears when someone unpacked it into one.

// eksPath classifies a member of an EKS log collector archive by its path.
// var_log/ is handled with the other /var/log copies.
func eksPath(p pathInfo) verdict {
	switch {
	case p.is("kernel", "dmesg.current"), p.is("kernel", "dmesg.human.current"), p.is("kernel", "dmesg.boot"):
		return strongKind(KindKernel, "path eks kernel/dmesg.*")
	case p.is("kernel", "uname.txt"):
		return hostFact(FactUname, "path eks kernel/uname.txt")
	case p.is("kubelet", "kubelet.log"):
		return strongKind(KindKubelet, "path eks kubelet/kubelet.log")
	case p.is("containerd", "containerd-log.txt"):
		return strongKind(KindRuntime, "path eks containerd/containerd-log.txt")
	case p.is("system", "procstat.txt"):
		return hostFact(FactProcStat, "path eks system/procstat.txt")
	case p.is("kubelet", "kubelet_service.txt"):
		return strongKind(KindUnknown, "path eks kubelet/kubelet_service.txt (systemctl status)")
	case lastSeg(p.dir) == "containerd" && strings.HasPrefix(p.base, "containerd-") && p.base != "containerd-log.txt":
		return strongKind(KindUnknown, "path eks containerd/containerd-*.txt (not a log)")
	case p.is("ipamd", "pods.json"):
		return strongKind(KindUnknown, "path eks ipamd/pods.json (IPAMD introspection, not pod objects)")
	}
	return verdict{}
}

// eksMarkers are relative paths only the EKS collector writes; they place
// the archive root when there is no eks_<id> folder.
var eksMarkers = [...]string{
	"kernel/dmesg.current", "kernel/dmesg.human.current", "kernel/dmesg.boot", "kernel/uname.txt",
	"system/procstat.txt", "system/instance-id.txt", "kubelet/kubelet.log",
	"containerd/containerd-log.txt", "var_log/", "ipamd/",
}

// eksMarkerRoot returns the prefix of name before an EKS marker.
func eksMarkerRoot(name string) (string, bool) {
	for _, m := range eksMarkers {
		for i := strings.Index(name, m); i >= 0; {
			if i == 0 || name[i-1] == '/' {
				return strings.TrimSuffix(name[:i], "/"), true
			}
			j := strings.Index(name[i+1:], m)
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return "", false
}

func isEKSRoot(seg string) bool { return strings.HasPrefix(seg, "eks_") && len(seg) > len("eks_") }

// eksHostHint returns the instance id in "eks_<id>_<date>_<version>", from
// the folder or the archive file name.
func eksHostHint(root string) string {
	b, ok := strings.CutPrefix(lastSeg(root), "eks_")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(b, "_")
	return id
}

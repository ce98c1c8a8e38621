package bundle

import "strings"

// HostRoot returns the prefix of name that identifies one host's data inside
// a bundle, and the layout it implies. It is a pure function of the name, so
// members can be grouped as they stream past:
//
//	sosreport-node1-2026-01-01-abcdefg/var/log/messages   → "sosreport-node1-2026-01-01-abcdefg", sosreport
//	sos-collector-…/sos_logs/sos.log                      → "sos-collector-…", sos-collect
//	support-bundle-…/host-collectors/run-host/worker-2/x  → "…/host-collectors/run-host/worker-2", support-bundle
//	support-bundle-…/host-collectors/worker-2/run-host/x  → "…/host-collectors/worker-2", support-bundle
//	support-bundle-…/host-collectors/run-host/x.txt       → "…/host-collectors", support-bundle (one host)
//	must-gather…/host_service_logs/masters/kubelet_service.log → "…/host_service_logs/masters", must-gather
//	eks_i-0abc…/kernel/dmesg.current                      → "eks_i-0abc…", eks-log-collector
//	./kernel/dmesg.current (EKS, no top folder)           → "", eks-log-collector
//	worker-3-2026-11-27_11_44_16/systeminfo/dmesg         → "worker-3-2026-11-27_11_44_16", rancher-log-collector
//	anything else                                         → "", folder
//
// The root is always a prefix of name (a leading "./" stays in it). An empty
// root with a layout other than folder means the member is not inside a
// per-host folder: cluster-wide data (support-bundle cluster-resources/,
// must-gather namespaces/) or, for EKS, an archive whose root is the host.
// When several folders match, the innermost wins (a sosreport inside a
// sos-collector folder is a sosreport). In the remote-collection layout of a
// support bundle one node's data sits under several roots (one per collector
// type); HostNameHint gives the same node name for each, so group by it.
func HostRoot(name string) (root string, layout Layout) {
	lead := len(name) - len(trimLeadingDots(name))
	off, rest := lead, name[lead:]
	for {
		seg, tail, more := strings.Cut(rest, "/")
		if !more {
			break // the last segment is the member itself
		}
		end := off + len(seg)
		if l, n, ok := hostFolder(seg, tail); ok {
			root, layout = name[:end+n], l
		}
		off, rest = end+1, tail
	}
	if layout != "" {
		return root, layout
	}
	return unfoldedRoot(name, lead)
}

// hostFolder says whether seg (followed by tail) starts a host's folder, and
// how many bytes of "/"+tail belong to the root after seg.
func hostFolder(seg, tail string) (Layout, int, bool) {
	if l, ok := sosRootSeg(seg); ok {
		return l, 0, true
	}
	switch {
	case isEKSRoot(seg):
		return LayoutEKS, 0, true
	case isRancherRoot(seg):
		return LayoutRancher, 0, true
	case seg == "host-collectors":
		if node := hostCollectorsNode(tail); node != "" {
			return LayoutSupportBundle, 1 + len(node), true
		}
		return LayoutSupportBundle, 0, true
	case seg == "host_service_logs":
		if role, _, ok := strings.Cut(tail, "/"); ok {
			return LayoutMustGather, 1 + len(role), true
		}
	}
	return "", 0, false
}

// unfoldedRoot places members that are not in a host folder.
func unfoldedRoot(name string, lead int) (string, Layout) {
	rel := name[lead:]
	if r, ok := eksMarkerRoot(rel); ok {
		if r == "" {
			return "", LayoutEKS
		}
		return name[:lead+len(r)], LayoutEKS
	}
	dir, _ := splitDir(rel)
	switch {
	case hasSegment(dir, "cluster-resources"), hasSegment(dir, "cluster-info"),
		strings.HasPrefix(rel, "support-bundle-"):
		return "", LayoutSupportBundle
	case hasSegment(dir, "cluster-scoped-resources"), hasSegment(dir, "namespaces"),
		strings.HasPrefix(rel, "must-gather.local."), strings.HasPrefix(rel, "inspect.local."):
		return "", LayoutMustGather
	}
	return "", LayoutFolder
}

// HostNameHint returns a host name that the root itself names, or "":
// "node1" from "sosreport-node1-2026-01-01-abcdefg" (also "host0" from a
// cleaned "sosreport-host0-…-obfuscated"; a --label stays attached), the node
// of a support-bundle host-collectors folder, the node of a must-gather
// host_service_logs/<node> folder (not of masters/ or workers/), the instance
// id of an EKS "eks_<id>_<date>_<version>" folder or archive file name, the
// host of a Rancher "<host>-<date>" folder.
func HostNameHint(root string, layout Layout) string {
	root = strings.TrimSuffix(root, "/")
	switch layout {
	case LayoutSosreport:
		return sosHostHint(root)
	case LayoutSupportBundle:
		return troubleshootHostHint(root)
	case LayoutMustGather:
		return mustGatherHostHint(root)
	case LayoutEKS:
		return eksHostHint(root)
	case LayoutRancher:
		return rancherHostHint(root)
	}
	return ""
}

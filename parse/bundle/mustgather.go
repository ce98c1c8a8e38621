package bundle

import "strings"

// This file knows OpenShift must-gather and oc adm inspect output
// (reference §1c):
//
//	host_service_logs/{masters,workers,<node>}/<svc>_service.log   oc adm node-logs -u <svc>
//	namespaces/<ns>/core/{pods,events}.yaml                       list files
//	namespaces/<ns>/pods/<pod>/<pod>.yaml                         one pod
//	cluster-scoped-resources/core/nodes/<node>.yaml               one node
//
// Several nodes' service logs share one file (node-logs --unify prefixes each
// line with the node name), so the "host" of a masters/ or workers/ folder is
// the role, not a node.

// mustGatherPath classifies a member of a must-gather by its path.
func mustGatherPath(p pathInfo) verdict {
	if rest, ok := after(p.dir, "host_service_logs"); ok && rest != "" {
		return serviceLog(p.base)
	}
	if rest, ok := after(p.dir, "namespaces"); ok {
		return namespaceObject(rest, p.base)
	}
	if rest, ok := after(p.dir, "cluster-scoped-resources"); ok {
		if (rest == "core/nodes" && objectExt(p.base)) || (rest == "core" && p.base == "nodes.yaml") {
			return strongKind(KindNodes, "path must-gather core/nodes")
		}
	}
	return verdict{}
}

// serviceLog classifies host_service_logs/<role>/<svc>_service.log.
func serviceLog(base string) verdict {
	switch unitKind(logStem(base)) {
	case KindKubelet:
		return strongKind(KindKubelet, "path must-gather kubelet_service.log")
	case KindRuntime:
		return strongKind(KindRuntime, "path must-gather crio_service.log")
	}
	return strongKind(KindUnknown, "path must-gather: other service log")
}

// namespaceObject classifies namespaces/<rest>/<base>.
func namespaceObject(rest, base string) verdict {
	_, sub, _ := strings.Cut(rest, "/")
	if sub == "core" {
		switch base {
		case "pods.yaml":
			return strongKind(KindPods, "path must-gather core/pods.yaml")
		case "events.yaml":
			return strongKind(KindEvents, "path must-gather core/events.yaml")
		}
		return verdict{}
	}
	if pod, ok := strings.CutPrefix(sub, "pods/"); ok && !strings.Contains(pod, "/") &&
		strings.TrimSuffix(base, ".yaml") == pod {
		return strongKind(KindPods, "path must-gather pods/<pod>/<pod>.yaml")
	}
	return verdict{}
}

// mustGatherHostHint returns the node a host_service_logs folder names, or ""
// for the masters/ and workers/ role folders that mix several nodes.
func mustGatherHostHint(root string) string {
	if lastSeg(parentDir(root)) != "host_service_logs" {
		return ""
	}
	switch s := lastSeg(root); s {
	case "masters", "workers":
		return ""
	default:
		return s
	}
}

func parentDir(p string) string {
	d, _ := splitDir(p)
	return d
}

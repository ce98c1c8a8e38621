package bundle

import "strings"

// This file knows the Replicated troubleshoot.sh support bundle: cluster
// objects under cluster-resources/, host data under host-collectors/ in one
// of three shapes (reference §1b):
//
//	host-collectors/<type>/<file>          one host (support-bundle host spec)
//	host-collectors/<type>/<node>/<file>   RemoteHostCollect, several nodes
//	host-collectors/<node>/<type>/<file>   in-pod / daemonset collection
//
// Host collector file names are the spec's collectorName, so they are only
// a hint; the example spec's names (journalctl-kubelet, journalctl-dmesg, …)
// are trusted.

// troubleshootPath classifies a member of a support bundle by its path.
func troubleshootPath(p pathInfo) verdict {
	if rest, ok := after(p.dir, "cluster-resources"); ok {
		return clusterResource(rest, p.base)
	}
	if rest, ok := after(p.dir, "host-collectors"); ok {
		return hostCollector(rest, p)
	}
	return verdict{}
}

// clusterResource classifies cluster-resources/<rest>/<base>.
func clusterResource(rest, base string) verdict {
	json := strings.HasSuffix(base, ".json")
	switch {
	case rest == "pods" && json:
		return strongKind(KindPods, "path support-bundle cluster-resources/pods")
	case rest == "events" && json:
		return strongKind(KindEvents, "path support-bundle cluster-resources/events")
	case rest == "" && base == "nodes.json":
		return strongKind(KindNodes, "path support-bundle cluster-resources/nodes.json")
	}
	return strongKind(KindUnknown, "path support-bundle: other cluster resource")
}

// hostCollector classifies host-collectors/<rest>/<base>.
func hostCollector(rest string, p pathInfo) verdict {
	base := p.base
	switch {
	case strings.HasSuffix(base, "-info.json"), strings.HasSuffix(base, "-stderr.txt"):
		return strongKind(KindUnknown, "path support-bundle collector metadata")
	case base == "hostos_info.json":
		return hostFact(FactHostOSInfo, "path support-bundle hostos_info.json")
	case strings.HasSuffix(base, ".json"):
		return strongKind(KindUnknown, "path support-bundle host fact JSON")
	}
	if k := stemKind(logStem(base)); k != KindUnknown {
		return strongKind(k, "path support-bundle collector name")
	}
	if k := nameHint(base); k != KindUnknown {
		return weakKind(k, "path support-bundle: collector name hint")
	}
	if hasSegment(rest, "journald") {
		return weakKind(KindJournal, "path support-bundle journald collector")
	}
	return verdict{}
}

// nameHint guesses a log kind from words in a free-form collector name.
func nameHint(base string) Kind {
	switch {
	case strings.Contains(base, "kubelet"):
		return KindKubelet
	case strings.Contains(base, "containerd"), strings.Contains(base, "crio"),
		strings.Contains(base, "cri-o"), strings.Contains(base, "docker"):
		return KindRuntime
	case strings.Contains(base, "dmesg"), strings.Contains(base, "kmsg"), strings.Contains(base, "kern"):
		return KindKernel
	case strings.Contains(base, "syslog"), strings.Contains(base, "messages"):
		return KindSyslog
	case strings.Contains(base, "journal"):
		return KindJournal
	}
	return KindUnknown
}

// hostCollectorTypes are the folder names host collectors write under
// host-collectors/ (collector types, not collector names).
var hostCollectorTypes = map[string]bool{
	"run-host": true, "journald": true, "system": true, "copy": true,
	"certificate": true, "certificatesCollection": true, "filesystemPerformance": true,
	"subnetAvailable": true, "tcpPortStatus": true, "udpPortStatus": true, "tcpConnect": true,
	"http": true, "httpLoadBalancer": true, "tcpLoadBalancer": true, "ipv4Interfaces": true,
	"kernel-configs": true, "sysctl": true, "dns": true, "kernelModules": true,
}

// hostCollectorsNode returns how much of tail (what follows
// "host-collectors/") belongs to the host root: "" for one host, "<type>/<node>"
// for remote collection, "<node>" for in-pod collection. tail has at least
// one '/' (a file below a folder).
func hostCollectorsNode(tail string) string {
	x, rest1, _ := strings.Cut(tail, "/")
	y, rest2, deeper := strings.Cut(rest1, "/")
	if !strings.Contains(rest1, "/") {
		return "" // host-collectors/<type>/<file>
	}
	if hostCollectorTypes[x] {
		if deeper && !strings.Contains(rest2, "/") {
			return tail[:len(x)+1+len(y)] // <type>/<node>/<file>
		}
		return "" // run-host output directory below a collector name
	}
	if hostCollectorTypes[y] {
		return x // <node>/<type>/...
	}
	return "" // a copy collector's own folder
}

// troubleshootHostHint returns the node a support-bundle host root names.
func troubleshootHostHint(root string) string {
	i := strings.LastIndex(root, "host-collectors")
	if i < 0 || (i > 0 && root[i-1] != '/') {
		return ""
	}
	tail := strings.TrimPrefix(root[i+len("host-collectors"):], "/")
	if tail == "" {
		return ""
	}
	if x, y, ok := strings.Cut(tail, "/"); ok && hostCollectorTypes[x] {
		return y
	}
	return tail
}

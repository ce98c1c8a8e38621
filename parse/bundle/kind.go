package bundle

// Kind is what a member holds.
type Kind string

// The kinds of member Classify tells apart.
const (
	KindKernel  Kind = "kernel"  // dmesg, kmsg, kern.log
	KindSyslog  Kind = "syslog"  // messages, syslog (all programs)
	KindJournal Kind = "journal" // journalctl text or -o json exports
	KindKubelet Kind = "kubelet" // kubelet logs (file or journal unit export)
	KindRuntime Kind = "runtime" // containerd, cri-o, docker logs
	KindPods    Kind = "pods"    // Pod, PodList, List of pods (YAML or JSON), crictl inspectp
	KindNodes   Kind = "nodes"   // Node, NodeList
	KindEvents  Kind = "events"  // Event lists (kubectl get events -o yaml|json, support-bundle events/<ns>.json)
	KindHost    Kind = "host"    // a host fact file (see Fact)
	KindUnknown Kind = "unknown"
)

// Fact names a host fact file: which parser ReadFact applies to it.
type Fact string

// The host fact files ReadFact understands.
const (
	FactNone        Fact = ""
	FactProcStat    Fact = "proc_stat"    // proc/stat: btime
	FactMeminfo     Fact = "meminfo"      // proc/meminfo: MemTotal
	FactHostname    Fact = "hostname"     // hostname, hostname -f, etc/hostname, hostnamectl status
	FactUname       Fact = "uname"        // uname -a, or proc/version
	FactDate        Fact = "date"         // date, date --utc (C locale, RFC 2822 or ISO 8601)
	FactTimedatectl Fact = "timedatectl"  // timedatectl [status]
	FactSosManifest Fact = "sos_manifest" // sos_reports/manifest.json (sos ≥ 4.0)
	FactUptime      Fact = "uptime"       // uptime output, or proc/uptime
	FactOSRelease   Fact = "os_release"   // etc/os-release (or cat /etc/*release)
	FactTimezone    Fact = "timezone"     // etc/timezone ("Europe/Berlin")
	FactHostOSInfo  Fact = "hostos_info"  // troubleshoot host-collectors/system/[<node>/]hostos_info.json
)

// Class is the classification of one member.
type Class struct {
	Kind Kind
	Fact Fact // set when Kind is KindHost
	// Truncated is true when the path says the member was cut: sos keeps
	// only the tail of an over-size output or file, as
	// sos_strings/<plugin>/<name>.tailed. (Other sos_strings/ files are
	// strings plugins wrote, not cuts.)
	Truncated bool
	Reason    string // short why, for debug output ("path sos kernel/dmesg", "content: dmesg stamps")
}

// Layout is the kind of bundle an input is.
type Layout string

// The bundle layouts HostRoot recognises.
const (
	LayoutSosreport     Layout = "sosreport"             // sos report / sosreport 3.x, also cleaned (obfuscated)
	LayoutSosCollect    Layout = "sos-collect"           // the outer folder of sos collect
	LayoutSupportBundle Layout = "support-bundle"        // Replicated troubleshoot.sh support bundle
	LayoutMustGather    Layout = "must-gather"           // OpenShift must-gather or oc adm inspect
	LayoutEKS           Layout = "eks-log-collector"     // Amazon EKS eks-log-collector.sh
	LayoutRancher       Layout = "rancher-log-collector" // Rancher rancher2_logs_collector.sh
	LayoutFolder        Layout = "folder"                // none of these: a plain folder or archive
)

// family groups kinds for the path-versus-content decision.
type family int

const (
	famNone family = iota
	famLog
	famObject
	famHost
)

func (k Kind) family() family {
	switch k {
	case KindKernel, KindSyslog, KindJournal, KindKubelet, KindRuntime:
		return famLog
	case KindPods, KindNodes, KindEvents:
		return famObject
	case KindHost:
		return famHost
	}
	return famNone
}

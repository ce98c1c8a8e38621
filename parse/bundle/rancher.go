package bundle

import "strings"

// This file knows the Rancher logs collector (rancher2_logs_collector.sh,
// reference §1d): one folder <hostname>-<YYYY-MM-DD_HH_MM_SS>/ holding
//
//	systeminfo/{dmesg,date,uptime,hostname,hostnamefqdn,uname,osrelease,…}
//	systemlogs/<flattened /var/log files>
//	journald/<unit>                      journalctl --unit=<unit>
//	<distro>/agent-logs/kubelet.log      RKE2's kubelet file log
//	<distro>/containerd.log, <distro>/containerlogs/kubelet (RKE1)
//	<distro>/kubectl/nodes.json          (pods and events are tables)

// rancherPath classifies a member of a Rancher collector archive by its path.
func rancherPath(p pathInfo) verdict {
	switch lastSeg(p.dir) {
	case "systeminfo":
		return rancherSystemInfo(p.base)
	case "journald":
		if parentSeg(p.dir) != "host-collectors" {
			return rancherJournal(p.base)
		}
	}
	switch {
	case p.is("agent-logs", "kubelet.log"):
		return strongKind(KindKubelet, "path rancher agent-logs/kubelet.log")
	case p.is("containerlogs", "kubelet"):
		return strongKind(KindKubelet, "path rancher containerlogs/kubelet")
	case p.is("kubectl", "nodes.json"):
		return strongKind(KindNodes, "path rancher kubectl/nodes.json")
	case p.base == "containerd.log" && (lastSeg(p.dir) == "rke2" || lastSeg(p.dir) == "k3s"):
		return strongKind(KindRuntime, "path rancher <distro>/containerd.log")
	}
	return verdict{}
}

// rancherSystemInfo classifies systeminfo/<base>.
func rancherSystemInfo(base string) verdict {
	switch base {
	case "dmesg":
		return strongKind(KindKernel, "path rancher systeminfo/dmesg")
	case "date":
		return hostFact(FactDate, "path rancher systeminfo/date")
	case "uptime":
		return hostFact(FactUptime, "path rancher systeminfo/uptime")
	case "hostname", "hostnamefqdn":
		return hostFact(FactHostname, "path rancher systeminfo/hostname")
	case "uname":
		return hostFact(FactUname, "path rancher systeminfo/uname")
	case "osrelease":
		return hostFact(FactOSRelease, "path rancher systeminfo/osrelease")
	}
	return strongKind(KindUnknown, "path rancher systeminfo: not used")
}

// rancherJournal classifies journald/<unit>. RKE2's kubelet logs to its own
// file (agent-logs/kubelet.log), not to the rke2-* unit; k3s runs the
// kubelet in-process.
func rancherJournal(unit string) verdict {
	switch unitKind(unit) {
	case KindKubelet:
		return strongKind(KindKubelet, "path rancher journald/<kubelet unit>")
	case KindRuntime:
		return strongKind(KindRuntime, "path rancher journald/<runtime unit>")
	}
	return strongKind(KindUnknown, "path rancher journald: another unit")
}

// rancherDateLen is len("-2026-11-27_11_44_16").
const rancherDateLen = 20

// isRancherRoot matches "<hostname>-YYYY-MM-DD_HH_MM_SS".
func isRancherRoot(seg string) bool {
	if len(seg) <= rancherDateLen {
		return false
	}
	d := seg[len(seg)-rancherDateLen:]
	return isDashDate(d[:11]) && d[11] == '_' && twoDigits(d[12:14]) && d[14] == '_' &&
		twoDigits(d[15:17]) && d[17] == '_' && twoDigits(d[18:20])
}

func twoDigits(s string) bool { return len(s) == 2 && allDigits(s) }

// rancherHostHint returns the host name of a Rancher collector folder.
func rancherHostHint(root string) string {
	seg := lastSeg(root)
	if !isRancherRoot(seg) {
		return ""
	}
	return strings.TrimSuffix(seg[:len(seg)-rancherDateLen], "-")
}

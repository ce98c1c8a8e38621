package bundle

import "strings"

// This file knows sos report (sosreport 3.x and 4.x, sos clean, sos collect).
// Command outputs live in sos_commands/<plugin>/<mangled command>; an output
// that hit the size limit is kept as sos_strings/<plugin>/<name>.tailed
// (with a symlink at the sos_commands path). See the reference, §1a.

// sosPath classifies a member of a sos report by its path.
func sosPath(p pathInfo) verdict {
	if rest, ok := sosCommandDir(p.dir); ok {
		plugin, sub, _ := strings.Cut(rest, "/")
		return sosCommand(plugin, sub, p)
	}
	if p.is("sos_reports", "manifest.json") {
		return hostFact(FactSosManifest, "path sos_reports/manifest.json")
	}
	if p.dir == "" || isSosRoot(lastSeg(p.dir)) {
		return sosRootLink(p.base)
	}
	return verdict{}
}

// sosCommandDir returns the part of dir after sos_commands/ or sos_strings/.
func sosCommandDir(dir string) (string, bool) {
	if rest, ok := after(dir, "sos_commands"); ok {
		return rest, true
	}
	return after(dir, "sos_strings")
}

func isSosRoot(seg string) bool {
	return strings.HasPrefix(seg, "sosreport-") || strings.HasPrefix(seg, "soscleaner-")
}

// sosRootLink classifies the symlinks sos puts at the report root.
func sosRootLink(base string) verdict {
	switch base {
	case "date":
		return hostFact(FactDate, "path sos root date")
	case "uptime":
		return hostFact(FactUptime, "path sos root uptime")
	case "hostname":
		return hostFact(FactHostname, "path sos root hostname")
	case "uname":
		return hostFact(FactUname, "path sos root uname")
	}
	return verdict{}
}

// sosCommand classifies one command output by its mangled name.
func sosCommand(plugin, sub string, p pathInfo) verdict {
	if v := sosHostCommand(p.base); v.str != noVerdict {
		return v
	}
	base := p.base
	switch {
	case base == "dmesg", strings.HasPrefix(base, "dmesg_"):
		return strongKind(KindKernel, "path sos dmesg")
	case strings.HasPrefix(base, "journalctl"):
		return journalctlName(base)
	case strings.HasPrefix(base, "crictl_inspectp"):
		return strongKind(KindPods, "path sos crictl inspectp")
	case strings.HasPrefix(base, "var.log."): // a tailed copy of /var/log/<x>
		q := p
		q.base = base[len("var.log."):]
		return varLogPath(q)
	case containerLogCommand(base):
		return strongKind(KindUnknown, "path sos container logs")
	}
	if v := kubectlObjects(base); v.str != noVerdict {
		return v
	}
	if plugin == "openshift" && hasSegment(sub, "pods") && objectExt(base) {
		return strongKind(KindPods, "path sos openshift pod YAML")
	}
	return weakKind(KindUnknown, "path sos: other command")
}

// sosHostCommand classifies the host fact commands.
func sosHostCommand(base string) verdict {
	switch base {
	case "uname_-a", "uname":
		return hostFact(FactUname, "path sos uname -a")
	case "hostname", "hostname_-f", "hostname_--fqdn", "hostnamectl", "hostnamectl_status":
		return hostFact(FactHostname, "path sos hostname")
	case "date", "date_--utc", "date_-u":
		return hostFact(FactDate, "path sos date")
	case "timedatectl", "timedatectl_status":
		return hostFact(FactTimedatectl, "path sos timedatectl")
	case "uptime":
		return hostFact(FactUptime, "path sos uptime")
	}
	return verdict{}
}

// containerLogCommand reports commands that print container logs.
func containerLogCommand(base string) bool {
	for _, p := range [...]string{"crictl_logs", "docker_logs", "podman_logs", "kubectl_logs", "oc_logs"} {
		if strings.Contains(base, p) {
			return true
		}
	}
	return false
}

// kubectlObjects classifies "kubectl get -o json … pods|nodes|events"
// outputs, whatever kubeconfig or namespace flags sos put in the name
// (RHEL's --kubeconfig_… prefix, Canonical's k8s_kubectl_…).
func kubectlObjects(base string) verdict {
	if !strings.Contains(base, "kubectl") || !strings.Contains(base, "get") ||
		!(strings.Contains(base, "-o_json") || strings.Contains(base, "-o_yaml")) {
		return verdict{}
	}
	switch {
	case strings.HasSuffix(base, "_pods"):
		return strongKind(KindPods, "path sos kubectl get -o json pods")
	case strings.HasSuffix(base, "_nodes"):
		return strongKind(KindNodes, "path sos kubectl get -o json nodes")
	case strings.HasSuffix(base, "_events"):
		return strongKind(KindEvents, "path sos kubectl get -o json events")
	}
	return verdict{}
}

func objectExt(base string) bool {
	return strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".json")
}

// journalctlName classifies a mangled journalctl command
// ("journalctl_--no-pager_--unit_kubelet", "journalctl_--no-pager_--boot_-1").
func journalctlName(base string) verdict {
	flags := base[len("journalctl"):]
	for _, f := range [...]string{"--disk-usage", "--list-boots", "--header", "--verify", "--list-catalog", "--field"} {
		if strings.Contains(flags, f) {
			return strongKind(KindUnknown, "path journalctl: not a log")
		}
	}
	if strings.Contains(flags, "--dmesg") || hasFlag(flags, "-k") {
		return strongKind(KindKernel, "path journalctl --dmesg")
	}
	if k, ok := journalUnits(flags); ok {
		if k == KindUnknown {
			return strongKind(KindUnknown, "path journalctl of another unit")
		}
		return strongKind(k, "path journalctl --unit")
	}
	return strongKind(KindJournal, "path journalctl")
}

// hasFlag reports whether flag is one of the "_"-separated tokens.
func hasFlag(flags, flag string) bool {
	for flags != "" {
		var t string
		t, flags, _ = strings.Cut(flags, "_")
		if t == flag {
			return true
		}
	}
	return false
}

// journalUnits finds the units of "--unit_X" / "-u_X" flags and says which
// kind the export holds: the kubelet if any unit embeds it, else a runtime.
func journalUnits(flags string) (Kind, bool) {
	kind, found := KindUnknown, false
	for rest := flags; ; {
		i, n := unitFlag(rest)
		if i < 0 {
			return kind, found
		}
		rest = rest[i+n:]
		unit := rest
		if j := strings.Index(unit, "_-"); j >= 0 {
			unit = unit[:j]
		}
		found = true
		switch unitKind(strings.TrimRight(unit, "._*")) {
		case KindKubelet:
			kind = KindKubelet
		case KindRuntime:
			if kind == KindUnknown {
				kind = KindRuntime
			}
		}
	}
}

// unitFlag finds the next unit flag, returning its index and length.
func unitFlag(s string) (int, int) {
	best, n := -1, 0
	for _, f := range [...]string{"--unit_", "--unit=", "_-u_"} {
		if i := strings.Index(s, f); i >= 0 && (best < 0 || i < best) {
			best, n = i, len(f)
		}
	}
	return best, n
}

// sosRootSeg says whether a folder name is a sos report or sos collect folder.
func sosRootSeg(seg string) (Layout, bool) {
	switch {
	case isSosRoot(seg):
		return LayoutSosreport, true
	case strings.HasPrefix(seg, "sos-collector-"):
		return LayoutSosCollect, true
	}
	return "", false
}

// sosHostHint takes the host name out of a report folder name:
// friendly "sosreport-<host>[-<label>][-<case>]-YYYY-MM-DD-<7 a-z>" or legacy
// "sosreport-<host>[.<case>]-YYYYMMDDHHMMSS", both with an optional
// "-obfuscated" suffix. A label stays attached to the host: the name does not
// say where one ends.
func sosHostHint(root string) string {
	b, ok := strings.CutPrefix(lastSeg(root), "sosreport-")
	if !ok {
		return ""
	}
	b = strings.TrimSuffix(b, "-obfuscated")
	if h, ok := cutFriendlyDate(b); ok {
		return trimCaseID(h)
	}
	if h, ok := cutLegacyDate(b); ok {
		host, _, _ := strings.Cut(h, ".")
		return host
	}
	return ""
}

// cutFriendlyDate cuts "-YYYY-MM-DD-abcdefg" off the end.
func cutFriendlyDate(b string) (string, bool) {
	const n = len("-2026-01-01-abcdefg")
	if len(b) <= n {
		return "", false
	}
	tail := b[len(b)-n:]
	if !isDashDate(tail[:11]) || tail[11] != '-' || !allLower(tail[12:]) {
		return "", false
	}
	return b[:len(b)-n], true
}

// isDashDate matches "-YYYY-MM-DD".
func isDashDate(s string) bool {
	return len(s) == 11 && s[0] == '-' && allDigits(s[1:5]) && s[5] == '-' &&
		allDigits(s[6:8]) && s[8] == '-' && allDigits(s[9:11])
}

func allLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// cutLegacyDate cuts "-YYYYMMDDHHMMSS" off the end.
func cutLegacyDate(b string) (string, bool) {
	const n = len("-20260101120000")
	if len(b) <= n || b[len(b)-n] != '-' || !allDigits(b[len(b)-n+1:]) {
		return "", false
	}
	return b[:len(b)-n], true
}

// trimCaseID drops a trailing "-<case number>" (six digits or more).
func trimCaseID(h string) string {
	i := strings.LastIndexByte(h, '-')
	if i > 0 && len(h)-i-1 >= 6 && allDigits(h[i+1:]) {
		return h[:i]
	}
	return h
}

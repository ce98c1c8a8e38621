package bundle

import "strings"

// This file holds the path helpers the per-layout rule files share, and the
// generic rules that apply to any folder: /var/log names, proc files and the
// like. Nothing here allocates: paths are cut, never rebuilt.

// strength says how sure a verdict is.
type strength int

const (
	noVerdict strength = iota
	weak               // a guess from a name; content may overrule it
	strong             // a path a collector is known to write
)

// verdict is what one source (the path or the content) says a member holds.
type verdict struct {
	kind   Kind
	fact   Fact
	str    strength
	reason string
}

// known reports whether the verdict names a kind.
func (v verdict) known() bool { return v.kind != "" && v.kind != KindUnknown }

func strongKind(k Kind, reason string) verdict { return verdict{kind: k, str: strong, reason: reason} }
func weakKind(k Kind, reason string) verdict   { return verdict{kind: k, str: weak, reason: reason} }
func hostFact(f Fact, reason string) verdict {
	return verdict{kind: KindHost, fact: f, str: strong, reason: reason}
}

// pathInfo is a member name cut into the parts the rules look at.
type pathInfo struct {
	dir    string // name up to its last '/', "" at the top
	base   string // last segment without ".tailed" and a compression suffix
	tailed bool   // sos kept only the tail (sos_strings/<plugin>/….tailed)
}

// is reports whether the member is base in a folder ending in dir.
func (p pathInfo) is(dir, base string) bool {
	return p.base == base && endsWithPath(p.dir, dir)
}

// newPathInfo cuts a member name.
func newPathInfo(name string) pathInfo {
	name = trimLeadingDots(name)
	dir, base := splitDir(name)
	p := pathInfo{dir: dir}
	if b, ok := strings.CutSuffix(base, ".tailed"); ok {
		base, p.tailed = b, true
	}
	p.base = trimCompression(base)
	return p
}

// trimLeadingDots drops leading "./" and "/" (tar -C dir . writes "./x").
func trimLeadingDots(name string) string {
	for {
		switch {
		case strings.HasPrefix(name, "./"):
			name = name[2:]
		case strings.HasPrefix(name, "/"):
			name = name[1:]
		default:
			return name
		}
	}
}

func splitDir(name string) (dir, base string) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", name
	}
	return name[:i], name[i+1:]
}

// trimCompression drops one compression suffix; the archive reader
// decompresses such members but may keep their names.
func trimCompression(base string) string {
	for _, ext := range [...]string{".gz", ".xz", ".bz2", ".zst", ".lz4"} {
		if b, ok := strings.CutSuffix(base, ext); ok && b != "" {
			return b
		}
	}
	return base
}

// hasSegment reports whether seg is one of p's slash-separated segments.
func hasSegment(p, seg string) bool {
	for p != "" {
		var s string
		s, p, _ = strings.Cut(p, "/")
		if s == seg {
			return true
		}
	}
	return false
}

// lastSeg returns the last segment of a slash path.
func lastSeg(p string) string {
	_, s := splitDir(p)
	return s
}

// parentSeg returns the segment before the last one, or "".
func parentSeg(p string) string {
	d, _ := splitDir(p)
	if d == "" {
		return ""
	}
	return lastSeg(d)
}

// endsWithPath reports whether name is rel or ends in "/"+rel.
func endsWithPath(name, rel string) bool {
	if !strings.HasSuffix(name, rel) {
		return false
	}
	n := len(name) - len(rel)
	return n == 0 || name[n-1] == '/'
}

// after returns what follows the segment seg in p ("" and false if absent).
func after(p, seg string) (string, bool) {
	rest := p
	for rest != "" {
		var s string
		s, rest, _ = strings.Cut(rest, "/")
		if s == seg {
			return rest, true
		}
	}
	return "", false
}

// stripRotation drops logrotate suffixes: ".1", "-20261122", "-2026112203".
func stripRotation(b string) string {
	for range 2 {
		i := strings.LastIndexAny(b, ".-")
		if i <= 0 || !allDigits(b[i+1:]) {
			return b
		}
		b = b[:i]
	}
	return b
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimAnySuffix(s string, suffixes ...string) string {
	for _, x := range suffixes {
		if t, ok := strings.CutSuffix(s, x); ok && t != "" {
			return t
		}
	}
	return s
}

func trimAnyPrefix(s string, prefixes ...string) string {
	for _, x := range prefixes {
		if t, ok := strings.CutPrefix(s, x); ok && t != "" {
			return t
		}
	}
	return s
}

// logStem reduces a log file name to the program it logs:
// "kubelet.log.1" → "kubelet", "messages-20261122" → "messages",
// "journalctl-containerd.txt" → "containerd", "crio_service.log" → "crio".
func logStem(base string) string {
	b := stripRotation(base)
	b = trimAnySuffix(b, ".log", ".txt", ".out")
	b = stripRotation(b)
	b = trimAnyPrefix(b, "journalctl-", "journald-", "journal-", "journalctl_")
	return trimAnySuffix(b, "_service", "-service", ".service", "-log", "_log", "-journal")
}

// stemKind says which log kind a stem names, if any.
func stemKind(stem string) Kind {
	switch {
	case stem == "messages", stem == "syslog":
		return KindSyslog
	case strings.HasPrefix(stem, "dmesg"), stem == "kmsg", stem == "kern", stem == "kernel":
		return KindKernel
	case stem == "journal", stem == "journalctl":
		return KindJournal
	}
	if k := unitKind(stem); k != KindUnknown {
		return k
	}
	return KindUnknown
}

// unitKind says whether a systemd unit (or syslog identifier) is the kubelet
// or a container runtime. Units that embed the kubelet (k3s, MicroK8s
// kubelite, the Canonical k8s snap, OpenShift 3 node) count as the kubelet.
func unitKind(u string) Kind {
	u = strings.TrimSuffix(strings.TrimSuffix(u, "*"), ".service")
	switch {
	case u == "kubelet", u == "kubelet-eks", u == "kubenswrapper", u == "hyperkube",
		strings.HasPrefix(u, "k3s"), strings.Contains(u, "kubelite"),
		strings.HasPrefix(u, "snap.kubelet"), strings.HasPrefix(u, "snap.k8s."),
		u == "snap.microk8s", strings.HasPrefix(u, "snap.microk8s.daemon-kubelet"),
		u == "atomic-openshift-node", u == "origin-node":
		return KindKubelet
	case u == "crio", u == "cri-o", u == "containerd", u == "docker", u == "dockerd",
		u == "cri-docker", u == "cri-dockerd", strings.HasSuffix(u, ".containerd"),
		strings.HasSuffix(u, "daemon-containerd"), strings.HasSuffix(u, ".dockerd"):
		return KindRuntime
	}
	return KindUnknown
}

// logExt reports whether a base name looks like a log file rather than a
// configuration file: no extension, or .log/.txt/.out, or a rotation.
func logExt(base string) bool {
	b := stripRotation(base)
	dot := strings.LastIndexByte(b, '.')
	if dot < 0 {
		return true
	}
	switch b[dot:] {
	case ".log", ".txt", ".out", ".current", ".boot":
		return true
	}
	return false
}

// containerLog reports paths that hold container (pod) logs, which are never
// host logs whatever they look like.
func containerLog(p pathInfo) bool {
	for _, logDir := range [...]string{"log", "var_log"} {
		if d, ok := after(p.dir, logDir); ok && (strings.HasPrefix(d, "containers") || strings.HasPrefix(d, "pods")) {
			return true
		}
	}
	if hasSegment(p.dir, "podlogs") || hasSegment(p.dir, "containers-varlogs") {
		return true
	}
	// must-gather and support-bundle: …/pods/<pod>/…/logs/… and pods/logs/…
	if rest, ok := after(p.dir, "pods"); ok && (rest == "logs" || strings.HasPrefix(rest, "logs/") ||
		hasSegment(rest, "logs")) {
		return true
	}
	return false
}

// genericPath holds the rules that do not depend on a bundle layout: proc and
// etc files, /var/log names (also flattened by Rancher and EKS) and log file
// names anywhere.
func genericPath(p pathInfo) verdict {
	if v := procEtcPath(p); v.str != noVerdict {
		return v
	}
	if strings.HasSuffix(p.base, ".journal") || strings.HasSuffix(p.base, ".journal~") {
		return strongKind(KindUnknown, "path: binary systemd journal file (needs journalctl)")
	}
	switch lastSeg(p.dir) {
	case "log", "var_log", "systemlogs":
		return varLogPath(p)
	}
	if v := objectName(p); v.str != noVerdict {
		return v
	}
	if !logExt(p.base) {
		return verdict{}
	}
	if k := stemKind(logStem(p.base)); k != KindUnknown {
		return weakKind(k, "path: log file name")
	}
	if k := nameHint(p.base); k != KindUnknown {
		return weakKind(k, "path: word in file name")
	}
	return verdict{}
}

// procEtcPath classifies copies of /proc and /etc files.
func procEtcPath(p pathInfo) verdict {
	switch {
	case p.is("proc", "stat"):
		return hostFact(FactProcStat, "path proc/stat")
	case p.is("proc", "meminfo"):
		return hostFact(FactMeminfo, "path proc/meminfo")
	case p.is("proc", "version"):
		return hostFact(FactUname, "path proc/version")
	case p.is("proc", "uptime"):
		return hostFact(FactUptime, "path proc/uptime")
	case p.is("etc", "hostname"):
		return hostFact(FactHostname, "path etc/hostname")
	case p.is("etc", "os-release"), p.is("usr/lib", "os-release"):
		return hostFact(FactOSRelease, "path etc/os-release")
	case p.is("etc", "timezone"):
		return hostFact(FactTimezone, "path etc/timezone")
	}
	return verdict{}
}

// varLogPath classifies files copied from /var/log, by name.
func varLogPath(p pathInfo) verdict {
	switch k := stemKind(logStem(p.base)); k {
	case KindSyslog:
		return strongKind(k, "path var/log messages or syslog")
	case KindKernel:
		return strongKind(k, "path var/log kern.log or dmesg")
	case KindKubelet, KindRuntime:
		return strongKind(k, "path var/log program log")
	}
	return verdict{}
}

// objectName guesses Kubernetes object lists from file names like
// "pods.json" or "events.yaml".
func objectName(p pathInfo) verdict {
	dot := strings.LastIndexByte(p.base, '.')
	if dot < 0 {
		return verdict{}
	}
	switch p.base[dot:] {
	case ".json", ".yaml", ".yml":
	default:
		return verdict{}
	}
	switch p.base[:dot] {
	case "pods", "pod":
		return weakKind(KindPods, "path: pods file name")
	case "nodes", "node":
		return weakKind(KindNodes, "path: nodes file name")
	case "events", "event":
		return weakKind(KindEvents, "path: events file name")
	}
	return verdict{}
}

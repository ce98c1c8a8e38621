package bundle

import "bytes"

// This file recognises the line prefixes of the log carriers in a member's
// first bytes (kernel-oom-formats.md §11, kubernetes-side.md §4). Each
// matcher works on one line, allocates nothing and returns how much of the
// line its prefix takes (0 when the line is not of that form). They only need
// to be right often enough to tell files apart; parse decodes the lines.

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func skipDigits(l []byte, i int) int {
	for i < len(l) && isDigit(l[i]) {
		i++
	}
	return i
}

func skipSpaces(l []byte, i int) int {
	for i < len(l) && l[i] == ' ' {
		i++
	}
	return i
}

// digitsAt reports whether l[i:i+n] are all digits.
func digitsAt(l []byte, i, n int) bool {
	if i < 0 || i+n > len(l) {
		return false
	}
	for _, c := range l[i : i+n] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// clockAt matches "hh:mm:ss" at i.
func clockAt(l []byte, i int) bool {
	return digitsAt(l, i, 2) && i+8 <= len(l) && l[i+2] == ':' && digitsAt(l, i+3, 2) &&
		l[i+5] == ':' && digitsAt(l, i+6, 2)
}

// dmesgStamp matches "[ 1237.900760] ", also after dmesg -r's "<4>" or dmesg
// -x's "kern  :warn  : ", and with a CONFIG_PRINTK_CALLER "[T123]" after it.
func dmesgStamp(l []byte) int {
	i := dmesgPrefix(l)
	if i >= len(l) || l[i] != '[' {
		return 0
	}
	i = skipSpaces(l, i+1)
	j := skipDigits(l, i)
	if j == i || j >= len(l) || l[j] != '.' {
		return 0
	}
	k := skipDigits(l, j+1)
	if k == j+1 || k >= len(l) || l[k] != ']' {
		return 0
	}
	k++
	if k+2 < len(l) && l[k] == '[' && (l[k+1] == 'T' || l[k+1] == 'C') {
		if e := bytes.IndexByte(l[k:], ']'); e > 0 && e < 12 {
			k += e + 1
		}
	}
	return k
}

// dmesgPrefix skips dmesg -r's "<4>" or dmesg -x's "kern  :warn  : ".
func dmesgPrefix(l []byte) int {
	if len(l) > 2 && l[0] == '<' {
		if j := skipDigits(l, 1); j > 1 && j < len(l) && l[j] == '>' {
			return j + 1
		}
		return 0
	}
	j := 0
	for j < len(l) && l[j] >= 'a' && l[j] <= 'z' {
		j++
	}
	if j == 0 || j > 8 {
		return 0
	}
	j = skipSpaces(l, j)
	if j >= len(l) || l[j] != ':' {
		return 0
	}
	k := j + 1
	for k < len(l) && l[k] >= 'a' && l[k] <= 'z' {
		k++
	}
	k = skipSpaces(l, k)
	if k == j+1 || k >= len(l) || l[k] != ':' {
		return 0
	}
	return skipSpaces(l, k+1)
}

// dmesgT matches dmesg -T's "[Fri Nov 27 11:44:16 2026]" in any locale:
// a bracket holding a clock and ending in a year.
func dmesgT(l []byte) int {
	if len(l) < 18 || l[0] != '[' {
		return 0
	}
	e := bytes.IndexByte(l[:min(len(l), 64)], ']')
	if e < 16 || !digitsAt(l, e-4, 4) || l[e-5] != ' ' {
		return 0
	}
	c := bytes.IndexByte(l[1:e], ':')
	if c < 2 || !clockAt(l, c-1) {
		return 0
	}
	return e + 1
}

// kmsg matches /dev/kmsg's "6,1081,1237900760,-;".
func kmsg(l []byte) int {
	i := 0
	for range 3 {
		j := skipDigits(l, i)
		if j == i || j >= len(l) || l[j] != ',' {
			return 0
		}
		i = j + 1
	}
	end := min(len(l), i+48)
	s := bytes.IndexByte(l[i:end], ';')
	if s < 1 || bytes.IndexByte(l[i:i+s], ' ') >= 0 {
		return 0
	}
	return i + s + 1
}

// isoStamp matches "2026-11-27T11:44:16[.,frac][Z|±hh:mm|±hhmm]" followed by
// a space or the end. comma reports a comma before the fraction, which only
// dmesg --time-format iso writes.
func isoStamp(l []byte) (n int, comma bool) {
	if len(l) < 19 || !digitsAt(l, 0, 4) || l[4] != '-' || !digitsAt(l, 5, 2) || l[7] != '-' ||
		!digitsAt(l, 8, 2) || l[10] != 'T' || !clockAt(l, 11) {
		return 0, false
	}
	i := 19
	if i < len(l) && (l[i] == '.' || l[i] == ',') {
		comma = l[i] == ','
		i = skipDigits(l, i+1)
	}
	i = skipZone(l, i)
	if i < len(l) && l[i] != ' ' {
		return 0, false
	}
	return i, comma
}

func skipZone(l []byte, i int) int {
	if i < len(l) && l[i] == 'Z' {
		return i + 1
	}
	if i < len(l) && (l[i] == '+' || l[i] == '-') && digitsAt(l, i+1, 2) {
		i += 3
		if i < len(l) && l[i] == ':' {
			i++
		}
		return skipDigits(l, i)
	}
	return i
}

// rfc3164 matches "Nov 27 11:44:16 " (also "Nov  7", a localised or
// lower-case month, and journalctl's "11:44:16.900760") and returns where
// the host starts.
func rfc3164(l []byte) int {
	j := 0
	for j < len(l) && l[j] != ' ' {
		c := l[j]
		if !isLetter(c) && c < 0x80 && c != '.' {
			return 0
		}
		j++
	}
	if j < 2 || j > 12 {
		return 0
	}
	d := skipSpaces(l, j)
	e := skipDigits(l, d)
	if e == d || e-d > 2 || e >= len(l) || l[e] != ' ' || !clockAt(l, e+1) {
		return 0
	}
	i := e + 9
	if i < len(l) && l[i] == '.' {
		i = skipDigits(l, i+1)
	}
	if i >= len(l) || l[i] != ' ' {
		return 0
	}
	return i + 1
}

// rfc5424 matches "<4>1 2026-11-27T11:44:16.9Z " and returns where the host
// starts.
func rfc5424(l []byte) int {
	if len(l) < 8 || l[0] != '<' {
		return 0
	}
	j := skipDigits(l, 1)
	if j == 1 || j+2 >= len(l) || l[j] != '>' || l[j+1] != '1' || l[j+2] != ' ' {
		return 0
	}
	n, _ := isoStamp(l[j+3:])
	if n == 0 || j+3+n >= len(l) {
		return 0
	}
	return j + 3 + n + 1
}

// hostTag reads "host tag[pid]: msg" (or the glued "hostkernel: msg") and
// returns the tag without its pid and the message.
func hostTag(l []byte) (tag, msg []byte, ok bool) {
	sp := bytes.IndexByte(l, ' ')
	if sp <= 0 {
		return nil, nil, false
	}
	if first := l[:sp]; first[len(first)-1] == ':' {
		if bytes.HasSuffix(first, []byte("kernel:")) {
			return first[len(first)-7 : len(first)-1], l[sp+1:], true
		}
		return nil, nil, false
	}
	rest := l[sp+1:]
	e := bytes.IndexByte(rest, ' ')
	if e < 0 {
		e = len(rest)
	}
	tok := rest[:e]
	if len(tok) < 2 || tok[len(tok)-1] != ':' {
		return nil, nil, false
	}
	tag = tok[:len(tok)-1]
	if b := bytes.IndexByte(tag, '['); b > 0 && tag[len(tag)-1] == ']' {
		tag = tag[:b]
	}
	return tag, rest[min(e+1, len(rest)):], len(tag) > 0
}

// monotonicTag reports whether what follows a "[ 1237.900760] " stamp is a
// journalctl -o short-monotonic "host tag[pid]: " (or "host kernel: ")
// rather than a dmesg message such as "EXT4-fs (sda1): mounted".
func monotonicTag(l []byte) bool {
	tag, _, ok := hostTag(l)
	if !ok {
		return false
	}
	if string(tag) == "kernel" {
		return true
	}
	sp := bytes.IndexByte(l, ' ')
	tok := l[sp+1:]
	if e := bytes.IndexByte(tok, ':'); e > 0 {
		return tok[e-1] == ']'
	}
	return false
}

// klogFile matches the klog header "I1127 11:44:16.123456    1234 file.go:12] "
// and returns the source file name.
func klogFile(l []byte) ([]byte, bool) {
	if len(l) < 24 || !bytes.ContainsRune([]byte("IWEF"), rune(l[0])) || !digitsAt(l, 1, 4) ||
		l[5] != ' ' || !clockAt(l, 6) || l[14] != '.' || !digitsAt(l, 15, 6) || l[21] != ' ' {
		return nil, false
	}
	i := skipSpaces(l, 21)
	j := skipDigits(l, i)
	if j == i || j >= len(l) || l[j] != ' ' {
		return nil, false
	}
	rest := l[j+1:]
	c := bytes.IndexByte(rest[:min(len(rest), 96)], ':')
	if c <= 0 || bytes.IndexByte(rest[:c], ' ') >= 0 {
		return nil, false
	}
	e := skipDigits(rest, c+1)
	if e == c+1 || e >= len(rest) || rest[e] != ']' {
		return nil, false
	}
	return rest[:c], true
}

// kubeletFiles are klog source files only the kubelet logs from.
var kubeletFiles = [...]string{
	"pod_workers.go", "eviction_manager.go", "status_manager.go", "prober_manager.go",
	"cpu_manager.go", "memory_manager.go", "topology_manager.go", "container_manager_linux.go",
	"volume_manager.go", "reconciler_common.go", "desired_state_of_world_populator.go",
	"cri_stats_provider.go", "summary_sys_containers.go",
}

// kubeletPrefixes are klog source file prefixes only the kubelet logs from.
var kubeletPrefixes = [...]string{"kubelet", "kuberuntime_", "oom_watcher", "qos_container_manager", "pod_container_manager"}

// kubeletFile reports whether a klog source file belongs to the kubelet.
// A "caller" of the JSON format ("kubelet/kubelet.go") counts by its base.
func kubeletFile(f []byte) bool {
	if i := bytes.LastIndexByte(f, '/'); i >= 0 {
		f = f[i+1:]
	}
	for _, k := range kubeletFiles {
		if string(f) == k {
			return true
		}
	}
	for _, k := range kubeletPrefixes {
		if bytes.HasPrefix(f, []byte(k)) {
			return true
		}
	}
	return false
}

// tagKind says which kind of log a syslog tag or journal identifier means.
func tagKind(tag []byte) Kind {
	if string(tag) == "kernel" {
		return KindKernel
	}
	if len(tag) > 64 {
		return KindUnknown
	}
	return unitKind(string(tag))
}

// journalMarker matches journalctl's "-- Logs begin at …", "-- Journal
// begins at …", "-- Boot …", "-- Reboot --" and "-- No entries --".
func journalMarker(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("-- ")) {
		return false
	}
	for _, m := range [...]string{"Logs begin at", "Journal begins at", "Boot ", "Reboot --", "No entries"} {
		if bytes.HasPrefix(l[3:], []byte(m)) {
			return true
		}
	}
	return false
}

// logrus matches "time="2026-…" level=info msg=…", the format of
// containerd, CRI-O and dockerd.
func logrus(l []byte) bool {
	return bytes.HasPrefix(l, []byte(`time="`)) && bytes.Contains(l, []byte(" level="))
}

// runtimeWords are words that tie a logrus line to a container runtime.
var runtimeWords = [...]string{"containerd", "cri-o", "crio", "runc", "shim", "sandbox", "dockerd", "RunPodSandbox"}

func mentionsRuntime(l []byte) bool {
	for _, w := range runtimeWords {
		if bytes.Contains(l, []byte(w)) {
			return true
		}
	}
	return false
}

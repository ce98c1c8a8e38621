package parse

import (
	"context"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds ScanKubeLog, which turns a kubelet or container-runtime
// log into KubeEvents, and the text helpers that kubelet.go and runtime.go
// share: one key=value reader for klog InfoS and logrus lines, one reader for
// the structs those lines embed, and the pod and cgroup references they
// print.

// maxEventMessage bounds KubeEvent.Message, in bytes.
const maxEventMessage = 2 << 10

// ScanKubeLog reads one kubelet or container-runtime log input and passes
// every event KubeletEvent or RuntimeEvent finds to emit, in input order.
func ScanKubeLog(ctx context.Context, path string, r io.Reader, emit func(KubeEvent)) (InputStats, error) {
	return ScanLog(ctx, path, r, Sink{Event: emit})
}

// kvPair is one key/value pair of a structured log message, its value as
// printed: quoted, a number or bare word, or a {…}, &{…} or […] blob. A
// positional value of a struct printed without field names has an empty
// key. Values are unquoted only when asked for, since most lines that reach
// the parser are dropped after one lookup.
type kvPair struct{ key, raw string }

type kvPairs []kvPair

// get returns the value of the first of keys that is present, unquoted, or "".
func (ps kvPairs) get(keys ...string) string {
	for _, k := range keys {
		for _, p := range ps {
			if p.key == k {
				return unquoteValue(p.raw)
			}
		}
	}
	return ""
}

// positional returns the values that had no key.
func (ps kvPairs) positional() []string {
	var out []string
	for _, p := range ps {
		if p.key == "" {
			out = append(out, unquoteValue(p.raw))
		}
	}
	return out
}

// parseKeyValues reads the key=value pairs of a klog InfoS or logrus text
// line, for example
//
//	pod="ns/name" podUID=27aff94d-… exitCode=137 err="rpc error: code = Unknown desc = \"x\""
//	event=&{ID:… Type:ContainerDied Data:…} event={"ID":"…"} pods=[ns/a ns/b]
//
// A value runs to the first blank outside quotes and brackets. Tokens that
// are not key=value pairs (the tail of a multi-line "key=<" value, stray
// words) are skipped.
func parseKeyValues(s string) kvPairs {
	ps := make(kvPairs, 0, 8)
	i := 0
	for i < len(s) {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		k := i
		for i < len(s) && isKeyByte(s[i]) {
			i++
		}
		if i == k || i >= len(s) || s[i] != '=' {
			i = kvValueEnd(s, i)
			continue
		}
		key := s[k:i]
		i++
		end := kvValueEnd(s, i)
		ps = append(ps, kvPair{key, s[i:end]})
		i = end
	}
	return ps
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// kvValueEnd returns the end of the value that starts at s[i]: a quoted
// string runs to its closing quote, anything else to the first blank
// outside brackets and quotes. Unless s[i] is a blank it returns more than i.
func kvValueEnd(s string, i int) int {
	if i < len(s) && s[i] == '"' {
		return quotedEnd(s, i)
	}
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '"':
			i = quotedEnd(s, i) - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth > 0 {
				depth--
			}
		case ' ', '\t':
			if depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// quotedEnd returns the index just past the quote that closes the string
// opening at s[i] (backslash escapes honoured), or len(s) if it is open.
func quotedEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(s)
}

// unquoteValue removes Go or JSON string quoting; a value that is not a
// well-formed quoted string keeps its text between the quotes.
func unquoteValue(v string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	if u, err := strconv.Unquote(v); err == nil {
		return u
	}
	return v[1 : len(v)-1]
}

// parseStructText reads the fields of a struct as the kubelet and the
// runtimes print one:
//
//	&{ID:uid Type:ContainerDied Data:cid}                          %+v (klog ≤1.26)
//	&pleg.PodLifecycleEvent{ID:"uid", Type:"ContainerDied"}        %#v (≤1.20)
//	{"ID":"uid","Type":"ContainerDied","Data":"cid"}               JSON (newer klog)
//	container_id:"cid" exit_status:137 exited_at:{seconds:1}       protobuf text (containerd 1.7+)
//	&TaskExit{ContainerID:cid,Pid:1,ExitStatus:137,XXX_unrecognized:[],}   gogo (containerd ≤1.6)
//
// A value runs up to the next separator (blank or comma, outside quotes
// and brackets) that is followed by another "key:". Words before any key,
// as in a struct printed with %v, become positional values.
func parseStructText(s string) kvPairs {
	s = strings.TrimSpace(s)
	if t := strings.TrimPrefix(s, "&"); strings.HasSuffix(t, "}") {
		if i := strings.IndexByte(t, '{'); i >= 0 && isTypeName(t[:i]) {
			s = t[i+1 : len(t)-1]
		}
	}
	var ps kvPairs
	i := 0
	for i < len(s) {
		if isStructSep(s[i]) {
			i++
			continue
		}
		key, after, ok := structKey(s, i)
		if !ok {
			end := structTokenEnd(s, i)
			ps = append(ps, kvPair{"", s[i:end]})
			i = end
			continue
		}
		end := structValueEnd(s, after)
		ps = append(ps, kvPair{key, strings.TrimSpace(s[after:end])})
		i = end
	}
	return ps
}

func isStructSep(c byte) bool { return c == ' ' || c == ',' || c == '\t' }

// isTypeName reports a Go type name as %#v and gogo print it before "{":
// "", "pleg.PodLifecycleEvent", "TaskExit".
func isTypeName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isKeyByte(s[i]) || s[i] == '-' {
			return false
		}
	}
	return true
}

// structKey reads `Key:`, `key_name:` or `"Key":` at s[i] and returns the
// key and the index after the colon.
func structKey(s string, i int) (string, int, bool) {
	if i >= len(s) {
		return "", i, false
	}
	if s[i] == '"' {
		end := quotedEnd(s, i)
		if end >= len(s) || s[end] != ':' || end-i < 3 {
			return "", i, false
		}
		return unquoteValue(s[i:end]), end + 1, true
	}
	c := s[i]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
		return "", i, false
	}
	j := i + 1
	for j < len(s) && (isKeyByte(s[j]) && s[j] != '-' && s[j] != '.') {
		j++
	}
	if j >= len(s) || s[j] != ':' {
		return "", i, false
	}
	return s[i:j], j + 1, true
}

// structValueEnd returns the end of a field value that starts at s[i].
func structValueEnd(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			j = quotedEnd(s, j) - 1
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0 && isStructSep(c):
			k := j
			for k < len(s) && isStructSep(s[k]) {
				k++
			}
			if k == len(s) {
				return j
			}
			if _, _, ok := structKey(s, k); ok {
				return j
			}
		}
	}
	return len(s)
}

// structTokenEnd returns the end of a positional word at s[i].
func structTokenEnd(s string, i int) int {
	depth := 0
	j := i
	for ; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			j = quotedEnd(s, j) - 1
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0 && isStructSep(c):
			return j
		}
	}
	return j
}

// splitPodRef reads a pod as the kubelet prints one: "ns/name"
// (klog.KObj), "name_ns(uid)" (format.Pod, before 1.21 and inside error
// texts), or {"name":…,"namespace":…} (JSON logging). Anything else gives
// empty strings.
func splitPodRef(s string) (ns, name, uid string) {
	s = strings.TrimSpace(unquoteValue(strings.TrimSpace(s)))
	if s == "" || s == "<nil>" {
		return "", "", ""
	}
	if s[0] == '{' || s[0] == '&' {
		f := parseStructText(s)
		return f.get("namespace", "Namespace"), f.get("name", "Name"), f.get("uid", "UID")
	}
	if strings.ContainsAny(s, " \t\"") {
		return "", "", ""
	}
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		uid, s = s[i+1:len(s)-1], s[:i]
		if j := strings.LastIndexByte(s, '_'); j > 0 {
			return s[j+1:], s[:j], uid
		}
		return "", s, uid
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[:i], s[i+1:], ""
	}
	return "", s, ""
}

// firstRankedPod returns the first pod of a list as the eviction manager
// prints it: "a_ns(uid), b_ns(uid)" (≤1.21), "[ns/a ns/b]" (1.24),
// "[\"ns/a\",\"ns/b\"]" (1.27+), or a JSON array of {"name","namespace"}.
func firstRankedPod(list string) string {
	s := strings.TrimSpace(list)
	s = strings.TrimSpace(strings.TrimPrefix(s, "["))
	if s == "" {
		return ""
	}
	switch s[0] {
	case '{', '&':
		return s[:structTokenEnd(s, 0)]
	case '"':
		return s[:quotedEnd(s, 0)]
	}
	end := strings.IndexAny(s, ", ]")
	if end < 0 {
		end = len(s)
	}
	return s[:end]
}

// cgroupPodAndContainer picks the pod UID and the container ID out of a
// cgroup path (or a systemd scope name), as ParseCgroupPath reads them.
func cgroupPodAndContainer(path string) (podUID, containerID string) {
	id := ParseCgroupPath(path)
	if id.PodUID != nil {
		podUID = *id.PodUID
	}
	if id.ContainerID != nil {
		containerID = *id.ContainerID
	}
	return podUID, containerID
}

// isPodUID reports a UUID written with dashes or (systemd driver) underscores.
func isPodUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' && c != '_' {
				return false
			}
		default:
			if !isHexByte(c) {
				return false
			}
		}
	}
	return true
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

func isHexByte(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// clipMessage trims s, makes it valid UTF-8 (an unquoted "\x80" is not)
// and cuts it to maxEventMessage bytes at a rune boundary.
func clipMessage(s string) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return clipMessageTo(s, maxEventMessage)
}

// clipMessageTo cuts s to at most n bytes on a rune boundary.
func clipMessageTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// intValue reads a decimal integer (a JSON number such as 137 or 137.0 too).
func intValue(s string) *int {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".0")
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	return &n
}

package bundle

import "bytes"

// This file decides what a member holds from its first bytes alone.

// maxSniffLines bounds the lines of a head that are looked at.
const maxSniffLines = 256

// content is what a member's first bytes say it holds.
type content struct {
	verdict
	binary        bool // binary or compressed data
	text          bool // readable lines that are neither a known log nor JSON or YAML
	structured    bool // a JSON or YAML document
	otherObject   bool // a Kubernetes object of a kind Classify does not look for
	kernelCarrier bool // kernel by dmesg or kmsg stamps, not just by a syslog tag
}

func (c content) class() Class {
	cl := c.verdict.class()
	if cl.Reason == "" {
		cl.Reason = "no path or content match"
	}
	return cl
}

func strongContent(k Kind, reason string) content {
	return content{verdict: verdict{kind: k, str: strong, reason: reason}}
}

func weakContent(k Kind, reason string) content {
	return content{verdict: verdict{kind: k, str: weak, reason: reason}}
}

// textContent is readable text that is not a log Classify knows.
func textContent(reason string) content {
	return content{verdict: verdict{kind: KindUnknown, reason: reason}, text: true}
}

// sniff looks at a member's first bytes.
func sniff(head []byte) content {
	if len(head) == 0 {
		return content{}
	}
	if why := binaryReason(head); why != "" {
		return content{verdict: verdict{kind: KindUnknown, str: strong, reason: why}, binary: true}
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) == 0 {
		return content{}
	}
	if jsonStart(b) {
		return sniffJSON(b)
	}
	if c, ok := sniffYAML(b); ok {
		return c
	}
	if c, ok := sniffFactText(b); ok {
		return c
	}
	return sniffLines(b)
}

// jsonStart reports whether b starts a JSON object or array (and not a
// "[ 123.456]" dmesg stamp).
func jsonStart(b []byte) bool {
	if b[0] == '{' {
		return true
	}
	if b[0] != '[' {
		return false
	}
	i := skipJSONSpace(b, 1)
	return i < len(b) && (b[i] == '{' || b[i] == '[' || b[i] == '"' || b[i] == ']')
}

// magics are the leading bytes of compressed and binary formats.
var magics = [...]struct{ magic, reason string }{
	{"\x1f\x8b", "content: gzip data"},
	{"\xfd7zXZ\x00", "content: xz data"},
	{"\x28\xb5\x2f\xfd", "content: zstd data"},
	{"BZh", "content: bzip2 data"},
	{"\x04\x22\x4d\x18", "content: lz4 data"},
	{"LPKSHHRH", "content: binary systemd journal file"},
	{"PK\x03\x04", "content: zip archive"},
	{"\x7fELF", "content: ELF binary"},
}

// binaryReason says why head is not text, or "".
func binaryReason(head []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			return m.reason
		}
	}
	if len(head) > 262 && string(head[257:262]) == "ustar" {
		return "content: tar archive"
	}
	n := min(len(head), 4096)
	ctrl := 0
	for _, c := range head[:n] {
		switch {
		case c == 0:
			return "content: binary (NUL bytes)"
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v' && c != 0x1b:
			ctrl++
		}
	}
	if ctrl*20 > n {
		return "content: binary (control bytes)"
	}
	return ""
}

// nextLine cuts the first line off b, without its "\r\n" or "\n".
func nextLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		line, rest = b, nil
	} else {
		line, rest = b[:i], b[i+1:]
	}
	return bytes.TrimSuffix(line, []byte("\r")), rest
}

// tally counts the carriers seen in a head's lines.
type tally struct {
	lines       int // lines looked at (not blank, not continuations)
	kernelCar   int // dmesg, dmesg -T, dmesg iso and kmsg stamps
	kmsgs       int
	tagged      int // syslog or journal lines with a host and a tag
	tagKernel   int
	tagKubelet  int
	tagRuntime  int
	klog        int // raw klog headers
	klogKubelet int // of which from kubelet source files
	logrus      int
	runtime     int // logrus lines naming a runtime
	container   int // CRI or docker -t container log lines
	journalMark bool
}

// sniffLines classifies a text head by the carriers of its lines.
func sniffLines(b []byte) content {
	var t tally
	for n := 0; len(b) > 0 && n < maxSniffLines; n++ {
		var line []byte
		line, b = nextLine(b)
		t.add(line)
	}
	return t.content()
}

// add counts one line.
func (t *tally) add(l []byte) {
	if len(l) == 0 || l[0] == ' ' || l[0] == '\t' {
		return // blank or a continuation line
	}
	for len(l) > 0 && l[0] == '>' { // mail quoting
		l = bytes.TrimLeft(l[1:], " ")
	}
	if journalMarker(l) {
		t.journalMark = true
		return
	}
	t.lines++
	if n := kmsg(l); n > 0 {
		t.kernelCar++
		t.kmsgs++
		return
	}
	if n := dmesgStamp(l); n > 0 {
		t.addDmesg(l[skipSpaces(l, n):])
		return
	}
	if dmesgT(l) > 0 {
		t.kernelCar++
		return
	}
	if f, ok := klogFile(l); ok {
		t.addKlog(f)
		return
	}
	t.addStamped(l)
}

// addDmesg counts a "[ 123.456] " line: dmesg, or journalctl -o
// short-monotonic when a host and a tag follow the stamp.
func (t *tally) addDmesg(rest []byte) {
	if monotonicTag(rest) {
		tag, msg, _ := hostTag(rest)
		t.addTag(tag, msg)
		return
	}
	t.kernelCar++
}

func (t *tally) addKlog(file []byte) {
	t.klog++
	if kubeletFile(file) {
		t.klogKubelet++
	}
}

// addStamped counts lines that start with a syslog, ISO 8601 or logrus stamp.
func (t *tally) addStamped(l []byte) {
	if n, comma := isoStamp(l); n > 0 {
		t.addISO(l[min(n+1, len(l)):], comma)
		return
	}
	if n := rfc5424(l); n > 0 {
		_, app, _ := bytes.Cut(l[n:], []byte(" "))
		app, _, _ = bytes.Cut(app, []byte(" "))
		t.addTag(app, nil)
		return
	}
	if n := rfc3164(l); n > 0 {
		if tag, msg, ok := hostTag(l[n:]); ok {
			t.addTag(tag, msg)
		}
		return
	}
	if logrus(l) {
		t.logrus++
		if mentionsRuntime(l) {
			t.runtime++
		}
	}
}

// addISO counts what follows an ISO 8601 stamp.
func (t *tally) addISO(rest []byte, comma bool) {
	if comma {
		t.kernelCar++ // dmesg --time-format iso
		return
	}
	if f, ok := klogFile(rest); ok { // docker logs -t of a kubelet container
		t.addKlog(f)
		return
	}
	if bytes.HasPrefix(rest, []byte("stdout ")) || bytes.HasPrefix(rest, []byte("stderr ")) {
		t.container++
		return
	}
	if tag, msg, ok := hostTag(rest); ok {
		t.addTag(tag, msg)
	}
}

// addTag counts a syslog or journal line by its tag; a line from an unknown
// tag whose message is kubelet klog counts as the kubelet's.
func (t *tally) addTag(tag, msg []byte) {
	t.tagged++
	switch tagKind(tag) {
	case KindKernel:
		t.tagKernel++
	case KindKubelet:
		t.tagKubelet++
	case KindRuntime:
		t.tagRuntime++
	default:
		if f, ok := klogFile(msg); ok && kubeletFile(f) {
			t.tagKubelet++
		}
	}
}

// content turns the counts into a verdict. The carrier most lines share
// wins when it covers at least 30% of them.
func (t *tally) content() content {
	rec := t.kernelCar + t.tagged + t.klog + t.logrus + t.container
	if rec == 0 || rec*10 < t.lines*3 {
		if t.journalMark && t.lines == 0 {
			return weakContent(KindJournal, "content: journalctl markers only")
		}
		return textContent("content: text, no known log carrier")
	}
	switch {
	case t.kernelCar*2 >= rec:
		c := strongContent(KindKernel, "content: dmesg stamps")
		if t.kmsgs*2 >= t.kernelCar {
			c.reason = "content: kmsg records"
		}
		c.kernelCarrier = true
		return c
	case t.tagged*2 >= rec:
		return t.byTag()
	case t.klog*2 >= rec:
		if t.klogKubelet > 0 {
			return weakContent(KindKubelet, "content: klog from kubelet source files")
		}
		return textContent("content: klog of another component")
	case t.logrus*2 >= rec:
		if t.runtime > 0 {
			return weakContent(KindRuntime, "content: logrus lines of a container runtime")
		}
		return textContent("content: logrus lines of another program")
	}
	return textContent("content: container log lines")
}

// byTag classifies syslog and journal text: one program's lines (≥ 90%)
// make a kernel, kubelet or runtime log; a mix is syslog, or journal when
// journalctl's "-- … --" markers show.
func (t *tally) byTag() content {
	c := weakContent(KindSyslog, "content: syslog lines")
	if t.journalMark {
		c = strongContent(KindJournal, "content: journalctl text")
	}
	switch {
	case t.tagKernel*10 >= t.tagged*9:
		c.kind, c.reason = KindKernel, "content: kernel-tagged lines"
	case t.tagKubelet*10 >= t.tagged*9:
		c.kind, c.reason = KindKubelet, "content: kubelet-tagged lines"
	case t.tagRuntime*10 >= t.tagged*9:
		c.kind, c.reason = KindRuntime, "content: runtime-tagged lines"
	}
	return c
}

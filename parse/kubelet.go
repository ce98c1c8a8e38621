package parse

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file reads kubelet log records: klog text (unstructured before 1.21,
// InfoS "message" key=value after), the JSON of --logging-format=json, and
// either inside a syslog or journal wrapper or bare (RKE2's kubelet.log).
//
//	I1127 11:44:17.911402    1342 generic.go:334] "Generic (PLEG): container finished" podID="3f6b…" containerID="1894…" exitCode=137
//	W0614 09:12:03.100200    1342 eviction_manager.go:344] eviction manager: attempting to reclaim memory
//	{"ts":1795779857911.402,"caller":"pleg/generic.go:334","msg":"Generic (PLEG): container finished","v":2,"podID":"3f6b…","exitCode":137}

// kubeletTags are the syslog identifiers under which kubelet lines reach a
// journal or a syslog file: the kubelet itself, and the distributions that
// run it inside another binary.
var kubeletTags = map[string]bool{
	"kubelet": true, "kubelet.daemon": true, "hyperkube": true,
	"k3s": true, "k3s-agent": true, "k3s-server": true,
	"rke2": true, "rke2-agent": true, "rke2-server": true,
	"microk8s.daemon-kubelite": true, "microk8s.daemon-kubelet": true, "kubelite": true,
}

// kubeletMsg is one kubelet message that matters for memory. Text is the
// message of an InfoS call (1.21+, matched whole; its arguments are the
// line's key=value pairs) or, when format is set, the printf format of an
// older release, whose %s arguments are named by keys so that build gets
// the same pairs from both eras. Kind "" takes the kind from build.
type kubeletMsg struct {
	kind   string
	text   string
	format bool
	keys   []string
	lead   string // text up to the first %s, for the cheap prefilter
	// need, when set, must occur in the line for it to matter (the
	// ContainerDied of a PLEG event): checked before the line is parsed.
	need string
	// build completes the event from the pairs after the common ones (pod,
	// podUID, containerName, containerID, exitCode) are set, and returns
	// false when the line is not one that matters after all.
	build func(e *KubeEvent, f kvPairs) bool
}

// kubeletInfoSMsg describes a structured (InfoS) message.
func kubeletInfoSMsg(kind, msg string, build func(*KubeEvent, kvPairs) bool) kubeletMsg {
	return kubeletMsg{kind: kind, text: msg, build: build}
}

// kubeletFormatMsg describes an unstructured message by its printf format.
func kubeletFormatMsg(kind, format string, keys []string, build func(*KubeEvent, kvPairs) bool) kubeletMsg {
	lead, _, _ := strings.Cut(format, "%s")
	return kubeletMsg{kind: kind, text: format, format: true, keys: keys, lead: lead, build: build}
}

// needs sets the substring the line must hold (see kubeletMsg.need).
func (m kubeletMsg) needs(s string) kubeletMsg {
	m.need = s
	return m
}

// kubeletMsgs lists the messages by family, with the wording of each era
// (kubernetes-side.md §5).
var kubeletMsgs = []kubeletMsg{
	// System OOM watcher: a global OOM as cAdvisor saw it.
	kubeletInfoSMsg("system_oom", "Got sys oom event", buildSystemOOM),
	kubeletFormatMsg("system_oom", "Got sys oom event from cadvisor: %s", []string{"event"}, buildSystemOOM),
	kubeletFormatMsg("system_oom", "Got sys oom event: %s", []string{"event"}, buildSystemOOM),
	// cAdvisor inside the kubelet (V(3)): a memcg OOM in a cgroup.
	kubeletFormatMsg("cadvisor_oom", "Created an OOM event in container %s at %s", []string{"cgroup", "time"}, buildCgroupOOM),

	// PLEG: a container died; "container finished" (1.24+) has the exit code.
	kubeletInfoSMsg("container_died", "SyncLoop (PLEG): event for pod", buildPLEG).needs("ContainerDied"),
	kubeletFormatMsg("container_died", "SyncLoop (PLEG): %s, event: %s", []string{"pod", "event"}, buildPLEG).needs("ContainerDied"),
	kubeletInfoSMsg("container_died", "Generic (PLEG): container finished", nil),

	// Kills. 1.21 logs only the "override" wording; 1.22+ logs both for an
	// override (V(3) then V(2)).
	kubeletInfoSMsg("kill_container", "Killing container with a grace period", nil),
	kubeletInfoSMsg("kill_container", "Killing container with a grace period override", buildKillOverride),
	kubeletFormatMsg("kill_container", "Killing container %s with a %s second grace period", []string{"containerID", "gracePeriod"}, nil),
	kubeletFormatMsg("kill_container", "Killing container %s with %s second grace period", []string{"containerID", "gracePeriod"}, nil),

	// Restart back-off.
	kubeletInfoSMsg("crashloop_backoff", "Back-off restarting failed container", buildBackOff),
	kubeletInfoSMsg("crashloop_backoff", "Error syncing pod, skipping", buildBackOff).needs("restarting failed container"),
	kubeletFormatMsg("crashloop_backoff", "Error syncing pod %s (%s), skipping: %s", []string{"podUID", "pod", "err"}, buildBackOff).needs("restarting failed container"),
	kubeletFormatMsg("crashloop_backoff", "back-off %s restarting failed container=%s pod=%s", []string{"backOff", "containerName", "pod"}, buildBackOff),
	kubeletFormatMsg("crashloop_backoff", "Back-off %s restarting failed container=%s pod=%s", []string{"backOff", "containerName", "pod"}, buildBackOff),

	// Eviction manager.
	kubeletInfoSMsg("eviction_attempt", "Eviction manager: attempting to reclaim", buildResource),
	kubeletFormatMsg("eviction_attempt", "eviction manager: attempting to reclaim %s", []string{"resourceName"}, buildResource),
	kubeletInfoSMsg("eviction_reclaimed", "Eviction manager: able to reduce resource pressure without evicting pods.", buildResource),
	kubeletInfoSMsg("eviction_must_evict", "Eviction manager: must evict pod(s) to reclaim", buildResource),
	kubeletFormatMsg("eviction_must_evict", "eviction manager: must evict pod(s) to reclaim %s", []string{"resourceName"}, buildResource),
	kubeletInfoSMsg("eviction_ranked", "Eviction manager: pods ranked for eviction", buildRanked),
	kubeletFormatMsg("eviction_ranked", "eviction manager: pods ranked for eviction: %s", []string{"pods"}, buildRanked),
	kubeletInfoSMsg("eviction_refused_critical", "Eviction manager: cannot evict a critical pod", nil),
	kubeletFormatMsg("eviction_refused_critical", "eviction manager: cannot evict a critical pod %s", []string{"pod"}, nil),
	kubeletInfoSMsg("evicted", "Eviction manager: pod is evicted successfully", buildEvicted),
	kubeletFormatMsg("evicted", "eviction manager: pod %s is evicted successfully", []string{"pod"}, buildEvicted),
	kubeletInfoSMsg("eviction_failed", "Eviction manager: pod failed to evict", nil),
	kubeletFormatMsg("eviction_failed", "eviction manager: pod %s failed to evict %s", []string{"pod", "err"}, nil),
	kubeletInfoSMsg("eviction_unable", "Eviction manager: unable to evict any pods from the node", nil),
	kubeletFormatMsg("eviction_unable", "eviction manager: unable to evict any pods from the node", nil, nil),

	// Admission refused under memory pressure.
	kubeletInfoSMsg("admission_rejected", "Failed to admit pod to node", buildAdmission).needs("MemoryPressure"),
	kubeletFormatMsg("admission_rejected", "Failed to admit pod %s - node has conditions: %s", []string{"pod", "nodeCondition"}, buildAdmission).needs("MemoryPressure"),

	// Node memory-pressure condition changes.
	kubeletInfoSMsg("memory_pressure", "Recording event message for node", buildNodeEvent).needs("ufficientMemory"),
	kubeletFormatMsg("memory_pressure", "Recording %s event message for node %s", []string{"event", "node"}, buildNodeEvent).needs("ufficientMemory"),

	// The pod sandbox is gone (was pause OOM-killed?).
	kubeletInfoSMsg("sandbox_recreate", "No ready sandbox for pod can be found. Need to start a new one", nil),
	kubeletFormatMsg("sandbox_recreate", "No ready sandbox for pod %s can be found. Need to start a new one", []string{"pod"}, nil),

	// Events the kubelet records, as its event broadcaster logs them (V(3));
	// the kind follows the event's reason.
	kubeletInfoSMsg("", "Event occurred", buildRecordedEvent),
	kubeletFormatMsg("", "Event(%s): type: '%s' reason: '%s' %s", []string{"object", "type", "reason", "message"}, buildRecordedEvent),
}

// kubeletInfoS indexes the InfoS messages; kubeletFormats lists the rest.
var (
	kubeletInfoS   = map[string]*kubeletMsg{}
	kubeletFormats []*kubeletMsg
)

func init() {
	for i := range kubeletMsgs {
		m := &kubeletMsgs[i]
		if m.format {
			kubeletFormats = append(kubeletFormats, m)
		} else {
			kubeletInfoS[m.text] = m
		}
	}
}

// KubeletEvent reads one record of a kubelet log and returns the event it
// reports, if it is one that matters for memory. The record must come from
// the kubelet: its tag is one of kubeletTags, or it is a bare klog or JSON
// line. Lines of other programs that quote kubelet messages give nothing.
//
// The event's Wall is the klog header's stamp (no year, the node's local
// time) or the JSON "ts", else the record's; Message is the text after the
// klog header (the whole line for JSON), at most 2 KiB.
func KubeletEvent(r Record) (KubeEvent, bool) {
	if r.Continuation || !isKubeletRecord(r) {
		return KubeEvent{}, false
	}
	s := strings.TrimSpace(r.Text)
	if s == "" {
		return KubeEvent{}, false
	}
	if s[0] == '{' {
		return kubeletJSON(r, s)
	}
	msg, header := klogMessage(s)
	if !header {
		if r.Tag != "kubelet" {
			return KubeEvent{}, false
		}
		msg = s // a kubelet run with --skip-headers
	}
	m, pairs, ok := matchKubeletText(msg)
	if !ok {
		return KubeEvent{}, false
	}
	var wall *Stamp
	if header {
		if wall, ok = klogStamp(s); !ok {
			return KubeEvent{}, false
		}
	}
	return m.event(r, wall, msg, pairs)
}

func isKubeletRecord(r Record) bool {
	if r.Tag != "" {
		return kubeletTags[r.Tag]
	}
	return r.Format == FormatKlog || r.Format == FormatJSON
}

// matchKubeletText finds the message of a klog line (the text after the
// header) and returns its arguments as pairs.
func matchKubeletText(msg string) (*kubeletMsg, kvPairs, bool) {
	if msg == "" {
		return nil, nil, false
	}
	if msg[0] == '"' {
		end := quotedEnd(msg, 0)
		if end < 2 || msg[end-1] != '"' {
			return nil, nil, false
		}
		// The messages we want hold no escapes, so the raw text is the
		// message; a map lookup is the whole prefilter.
		m, ok := kubeletInfoS[msg[1:end-1]]
		if !ok || !strings.Contains(msg[end:], m.need) {
			return nil, nil, false
		}
		return m, parseKeyValues(msg[end:]), true
	}
	return matchKubeletFormats(msg)
}

func matchKubeletFormats(msg string) (*kubeletMsg, kvPairs, bool) {
	for _, m := range kubeletFormats {
		if !strings.HasPrefix(msg, m.lead) || !strings.Contains(msg, m.need) {
			continue
		}
		args, ok := matchPrintf(m.text, msg)
		if !ok || len(args) != len(m.keys) {
			continue
		}
		pairs := make(kvPairs, len(args))
		for i, a := range args {
			pairs[i] = kvPair{m.keys[i], strings.TrimSpace(a)}
		}
		return m, pairs, true
	}
	return nil, nil, false
}

// kubeletJSON reads a line of --logging-format=json: {"ts":…,"msg":…,…}.
func kubeletJSON(r Record, s string) (KubeEvent, bool) {
	// Prefilter on the raw "msg" before decoding the object.
	raw, ok := rawJSONString(s, `"msg":`)
	if !ok || !kubeletMsgCandidate(raw) {
		return KubeEvent{}, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &obj) != nil {
		return KubeEvent{}, false
	}
	pairs := jsonPairs(obj)
	msg := pairs.get("msg")
	m, ok := kubeletInfoS[msg]
	var args kvPairs
	if ok && !strings.Contains(s, m.need) {
		return KubeEvent{}, false
	}
	if !ok {
		m, args, ok = matchKubeletFormats(msg)
		if !ok {
			return KubeEvent{}, false
		}
		pairs = append(pairs, args...)
	}
	return m.event(r, epochMillisStamp(pairs.get("ts")), s, pairs)
}

// kubeletMsgCandidate reports whether a JSON-escaped message may be one of
// kubeletMsgs.
func kubeletMsgCandidate(raw string) bool {
	if _, ok := kubeletInfoS[raw]; ok {
		return true
	}
	for _, m := range kubeletFormats {
		if strings.HasPrefix(raw, m.lead) {
			return true
		}
	}
	return false
}

// rawJSONString returns the still-escaped text of the string value that
// follows key in a JSON object text.
func rawJSONString(s, key string) (string, bool) {
	i := strings.Index(s, key)
	if i < 0 {
		return "", false
	}
	v := strings.TrimLeft(s[i+len(key):], " ")
	if v == "" || v[0] != '"' {
		return "", false
	}
	end := quotedEnd(v, 0)
	if end < 2 || v[end-1] != '"' {
		return "", false
	}
	return v[1 : end-1], true
}

// jsonPairs turns a decoded JSON object into pairs: strings unquoted,
// anything else (numbers, objects, arrays) as its JSON text.
func jsonPairs(obj map[string]json.RawMessage) kvPairs {
	ps := make(kvPairs, 0, len(obj))
	for k, v := range obj {
		val := string(v)
		if len(v) > 0 && v[0] == '"' {
			var str string
			if json.Unmarshal(v, &str) == nil {
				val = str
			}
		}
		ps = append(ps, kvPair{k, val})
	}
	return ps
}

// epochMillisStamp reads component-base's "ts": float milliseconds since
// the epoch. A value below 1e11 is taken as seconds, the unit the
// documentation's example shows.
func epochMillisStamp(s string) *Stamp {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) {
		return nil
	}
	if v < 1e11 {
		v *= 1000
	}
	if v > 9e12 { // past 2255: not a stamp
		return nil
	}
	// float64 milliseconds near 2026 resolve about 0.25 µs, and the
	// encoder prints microseconds: round to them.
	ms := math.Floor(v)
	ns := int64(ms)*int64(time.Millisecond) + int64(math.Round((v-ms)*1e3))*int64(time.Microsecond)
	return zoned(time.Unix(0, ns))
}

// klogMessage returns the message of a klog line, the text after its header
// "I1127 11:44:16.123456    1234 file.go:12] ". It only checks the header's
// shape; klogStamp reads its stamp once the message is known to matter.
func klogMessage(s string) (string, bool) {
	if len(s) < 21 || strings.IndexByte("IWEF", s[0]) < 0 || !allDigits(s[1:5]) ||
		s[5] != ' ' || s[8] != ':' || s[11] != ':' {
		return "", false
	}
	// After the clock: padding, the thread id, one blank, file:line.
	i := strings.IndexByte(s[14:], ' ')
	if i < 0 {
		return "", false
	}
	rest := strings.TrimLeft(s[14+i:], " ")
	i = 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(rest) || rest[i] != ' ' {
		return "", false
	}
	rest = rest[i+1:]
	end := strings.IndexByte(rest, ']')
	if end < 3 || strings.IndexByte(rest[:end], ' ') >= 0 || strings.IndexByte(rest[:end], ':') < 0 {
		return "", false
	}
	return strings.TrimLeft(rest[end+1:], " "), true
}

// klogStamp reads the stamp of a klog header: no year, the node's local
// time.
func klogStamp(s string) (*Stamp, bool) {
	sp := strings.IndexByte(s[6:], ' ')
	if sp < 0 {
		return nil, false
	}
	h, mi, sec, frac, ok := parseClock(s[6 : 6+sp])
	mon, _ := strconv.Atoi(s[1:3])
	day, _ := strconv.Atoi(s[3:5])
	if !ok || mon < 1 || mon > 12 || day < 1 || day > 31 {
		return nil, false
	}
	t := time.Date(0, time.Month(mon), day, h, mi, sec, frac, time.UTC)
	return &Stamp{T: t, NoYear: true}, true
}

// matchPrintf matches s against a printf format whose only verb is %s and
// returns the arguments. Each %s takes the text up to the first occurrence
// of the literal after it; a final %s takes the rest.
func matchPrintf(format, s string) ([]string, bool) {
	var args []string
	for {
		i := strings.Index(format, "%s")
		if i < 0 {
			return args, format == s
		}
		if !strings.HasPrefix(s, format[:i]) {
			return nil, false
		}
		s, format = s[i:], format[i+2:]
		lit := format
		if j := strings.Index(format, "%s"); j >= 0 {
			lit = format[:j]
		}
		if lit == "" {
			if format != "" { // two verbs in a row: not used
				return nil, false
			}
			return append(args, s), true
		}
		k := strings.Index(s, lit)
		if k < 0 {
			return nil, false
		}
		args = append(args, s[:k])
		s = s[k:]
	}
}

// event builds the KubeEvent of a matched message.
func (m *kubeletMsg) event(r Record, wall *Stamp, msg string, f kvPairs) (KubeEvent, bool) {
	e := KubeEvent{Kind: m.kind, Wall: wall, Host: r.Host, Message: clipMessage(msg), Source: r.Source}
	if e.Wall == nil {
		e.Wall = r.Wall
	}
	if p := f.get("pod"); p != "" {
		e.Namespace, e.Pod, e.PodUID = splitPodRef(p)
	}
	if u := f.get("podUID", "podID"); u != "" {
		e.PodUID = u
	}
	e.Container = f.get("containerName")
	e.ContainerID = f.get("containerID")
	e.ExitCode = intValue(f.get("exitCode"))
	if m.build != nil && !m.build(&e, f) {
		return KubeEvent{}, false
	}
	return e, e.Kind != ""
}

// buildSystemOOM reads cAdvisor's OomInstance: its ContainerName is the
// victim's task_memcg, which names the pod and container when the victim of
// the global OOM lived in one.
func buildSystemOOM(e *KubeEvent, f kvPairs) bool {
	ev := parseStructText(f.get("event"))
	cg := ev.get("ContainerName")
	if ev.get("Pid") == "" { // %v: &{1234 java 2026-… +0000 UTC / / CONSTRAINT_NONE}
		if pos := ev.positional(); len(pos) >= 3 {
			cg = pos[len(pos)-3]
		}
	}
	e.PodUID, e.ContainerID = cgroupPodAndContainer(cg)
	e.Reason = "SystemOOM"
	return true
}

func buildCgroupOOM(e *KubeEvent, f kvPairs) bool {
	e.PodUID, e.ContainerID = cgroupPodAndContainer(f.get("cgroup"))
	return true
}

// buildPLEG keeps ContainerDied events; Data is the bare container (or
// sandbox) ID and ID the pod UID.
func buildPLEG(e *KubeEvent, f kvPairs) bool {
	ev := parseStructText(f.get("event"))
	if ev.get("Type") != "ContainerDied" {
		return false
	}
	if id := ev.get("ID"); id != "" {
		e.PodUID = id
	}
	e.ContainerID = ev.get("Data")
	return true
}

func buildKillOverride(e *KubeEvent, _ kvPairs) bool {
	e.Reason = "GracePeriodOverride"
	return true
}

// buildBackOff reads "back-off 5m0s restarting failed container=c
// pod=name_ns(uid)", alone or inside an error (`failed to "StartContainer"
// for "c" with CrashLoopBackOff: "back-off …"`); other sync errors give
// nothing.
func buildBackOff(e *KubeEvent, f kvPairs) bool {
	err := f.get("err")
	if err != "" && !strings.Contains(err, "restarting failed container") {
		return false
	}
	const marker = "restarting failed container="
	if i := strings.Index(err, marker); i >= 0 {
		rest := err[i+len(marker):]
		c, rest, _ := strings.Cut(rest, " ")
		if e.Container == "" {
			e.Container = strings.Trim(c, `"\`)
		}
		if p, ok := strings.CutPrefix(rest, "pod="); ok {
			if j := strings.IndexByte(p, ')'); j >= 0 {
				p = p[:j+1]
			}
			ns, name, uid := splitPodRef(p)
			if e.Pod == "" {
				e.Namespace, e.Pod = ns, name
			}
			if e.PodUID == "" {
				e.PodUID = uid
			}
		}
	}
	if e.Container == "" {
		if _, rest, ok := strings.Cut(err, `for "`); ok {
			if c, _, ok := strings.Cut(rest, `"`); ok {
				e.Container = c
			}
		}
	}
	e.Reason = "CrashLoopBackOff"
	return true
}

// buildResource keeps the resource being reclaimed (memory, nodefs, pids, …)
// as the reason.
func buildResource(e *KubeEvent, f kvPairs) bool {
	e.Reason = f.get("resourceName")
	return true
}

// buildRanked names the first pod of the ranking, the next to be evicted.
func buildRanked(e *KubeEvent, f kvPairs) bool {
	e.Namespace, e.Pod, e.PodUID = splitPodRef(firstRankedPod(f.get("pods")))
	return true
}

func buildEvicted(e *KubeEvent, _ kvPairs) bool {
	e.Reason = "Evicted"
	return true
}

// buildAdmission keeps rejections under memory pressure; disk or PID
// pressure alone does not matter here.
func buildAdmission(e *KubeEvent, f kvPairs) bool {
	cond := f.get("nodeCondition")
	if !strings.Contains(cond, "MemoryPressure") {
		return false
	}
	e.Reason = strings.Trim(cond, "[]")
	return true
}

func buildNodeEvent(e *KubeEvent, f kvPairs) bool {
	switch ev := f.get("event"); ev {
	case "NodeHasInsufficientMemory", "NodeHasSufficientMemory":
		e.Reason = ev
		return true
	}
	return false
}

// buildRecordedEvent reads an event the kubelet recorded:
//
//	"Event occurred" object="ns/name" fieldPath="spec.containers{c}" kind="Pod" apiVersion="v1" type="Warning" reason="BackOff" message="…"
//	Event(v1.ObjectReference{Kind:"Pod", Namespace:"ns", Name:"name", UID:"…", FieldPath:"spec.containers{c}"}): type: 'Warning' reason: 'BackOff' …
func buildRecordedEvent(e *KubeEvent, f kvPairs) bool {
	reason, msg := f.get("reason"), f.get("message")
	switch reason {
	case "SystemOOM":
		e.Kind = "system_oom"
	case "Evicted":
		e.Kind = "evicted"
	case "BackOff":
		if !strings.Contains(msg, "restarting failed container") {
			return false // image pull back-off
		}
		e.Kind, reason = "crashloop_backoff", "CrashLoopBackOff"
	case "EvictionThresholdMet":
		e.Kind, reason = "eviction_attempt", strings.TrimPrefix(msg, "Attempting to reclaim ")
	case "NodeHasInsufficientMemory", "NodeHasSufficientMemory":
		e.Kind = "memory_pressure"
	default:
		return false
	}
	e.Reason = reason
	kind, object, fieldPath := f.get("kind"), f.get("object"), f.get("fieldPath")
	if strings.HasPrefix(object, "v1.ObjectReference{") || strings.HasPrefix(object, "&") {
		o := parseStructText(object)
		kind, fieldPath = o.get("Kind"), o.get("FieldPath")
		if kind == "Pod" {
			e.Namespace, e.Pod, e.PodUID = o.get("Namespace"), o.get("Name"), o.get("UID")
		}
	} else if kind == "Pod" {
		e.Namespace, e.Pod, _ = splitPodRef(object)
	}
	if c, ok := strings.CutPrefix(fieldPath, "spec.containers{"); ok {
		e.Container = strings.TrimSuffix(c, "}")
	} else if c, ok := strings.CutPrefix(fieldPath, "spec.initContainers{"); ok {
		e.Container = strings.TrimSuffix(c, "}")
	}
	return true
}

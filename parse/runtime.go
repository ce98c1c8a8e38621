package parse

import (
	"encoding/json"
	"strings"
)

// This file reads container-runtime log records (kubernetes-side.md §6):
//
//	containerd[1187]: time="2026-11-27T11:44:16.903512396Z" level=info msg="TaskOOM event container_id:\"1894…\""
//	containerd[1187]: time="…" level=info msg="TaskExit event container_id:\"1894…\" id:\"1894…\" pid:24211 exit_status:137 exited_at:{…}"
//	time="…" level=info msg="TaskOOM event &TaskOOM{ContainerID:1894…,XXX_unrecognized:[],}"       (containerd ≤1.6, bare containerd.log)
//	{"level":"info","msg":"TaskOOM event container_id:\"1894…\"","time":"…"}                        (--log-format json)
//	conmon[5678]: conmon 189459c7825e1561f401 <ninfo>: OOM received                                   (CRI-O's monitor)
//	2019-05-04T18:05:45.011072877-05:00 container oom <64hex> (io.kubernetes.pod.name=…, …)           (docker events)
//	systemd[1]: cri-containerd-<64hex>.scope: A process of this unit has been killed by the OOM killer.
//
// CRI-O itself logs nothing about OOM kills at info level; conmon, which it
// starts with --syslog, does.

// runtimeLogTags are the identifiers of runtimes that log in logrus format.
var runtimeLogTags = map[string]bool{
	"containerd": true, "microk8s.daemon-containerd": true,
	"crio": true, "dockerd": true, "docker": true,
}

// runtimeMsgs are the message heads RuntimeEvent reads, for the prefilter.
var runtimeMsgs = []string{"TaskOOM event ", "TaskExit event ", "received exit event ", "SandboxExit event "}

// RuntimeEvent reads one record of a container runtime's log and returns the
// event it reports: runtime_oom_event (containerd TaskOOM, with a container
// or sandbox ID; docker "oom"; conmon "OOM received"), runtime_exit
// (containerd TaskExit/SandboxExit, docker "die", conmon's exit status) or
// systemd_oom (systemd's "killed by the OOM killer" for a unit). The record
// must come from that program: its tag says so (containerd, crio, dockerd,
// docker, conmon, systemd), or it is a bare line in the program's own
// format. ContainerID is the ID as printed: bare, and 20 characters for
// conmon.
func RuntimeEvent(r Record) (KubeEvent, bool) {
	if r.Continuation {
		return KubeEvent{}, false
	}
	s := strings.TrimSpace(r.Text)
	switch {
	case s == "":
		return KubeEvent{}, false
	case runtimeLogTags[r.Tag]:
		if e, ok := runtimeLogLine(r, s); ok {
			return e, true
		}
		return dockerEventLine(r, s)
	case r.Tag == "conmon":
		return conmonLine(r, s)
	case r.Tag == "systemd":
		return systemdOOMLine(r, s)
	case r.Tag != "" || !bareRuntimeFormat(r.Format):
		return KubeEvent{}, false
	case s[0] == '{' && strings.Contains(s, `"level":`):
		return runtimeLogLine(r, s)
	case strings.HasPrefix(s, `time="`) && strings.Contains(s, " level="):
		return runtimeLogLine(r, s)
	}
	return dockerEventLine(r, s)
}

// bareRuntimeFormat reports the carriers a runtime's own line can arrive in
// without a wrapper: none (containerd.log, crio.log), JSON, and the ISO
// stamp that `docker events` prints. A kernel carrier (dmesg, kmsg) never
// brings one.
func bareRuntimeFormat(f Format) bool {
	return f == FormatRaw || f == FormatJSON || f == FormatDmesgISO
}

// runtimeLogLine reads a logrus line, as text (time="…" level=info
// msg="…") or JSON, of containerd or CRI-O.
func runtimeLogLine(r Record, s string) (KubeEvent, bool) {
	var msg, stamp string
	if s[0] == '{' {
		raw, ok := rawJSONString(s, `"msg":`)
		if !ok || !hasRuntimeMsg(raw) {
			return KubeEvent{}, false
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &obj) != nil {
			return KubeEvent{}, false
		}
		ps := jsonPairs(obj)
		msg, stamp = ps.get("msg"), ps.get("time")
	} else {
		i := strings.Index(s, "msg=")
		if i < 0 || !hasRuntimeMsg(strings.TrimPrefix(s[i+4:], `"`)) {
			return KubeEvent{}, false
		}
		ps := parseKeyValues(s)
		msg, stamp = ps.get("msg"), ps.get("time")
	}
	e, ok := containerdEvent(msg)
	if !ok {
		return KubeEvent{}, false
	}
	e.Host, e.Source, e.Message, e.Wall = r.Host, r.Source, clipMessage(msg), r.Wall
	if st := logrusStamp(stamp); st != nil {
		e.Wall = st
	}
	return e, true
}

func hasRuntimeMsg(s string) bool {
	for _, p := range runtimeMsgs {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// logrusStamp reads logrus' time: RFC 3339 (containerd) or with a blank
// instead of the T (CRI-O: "2023-05-31 15:54:15.113161747Z").
func logrusStamp(s string) *Stamp {
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	if t, ok := parseISOStamp(s); ok {
		return zoned(t)
	}
	return nil
}

// containerdEvent reads the message of containerd's CRI event handler. A
// TaskExit of an exec'd process (id ≠ container_id) is not a container exit
// and gives nothing. The protobuf text of 1.7+ omits a zero exit_status.
func containerdEvent(msg string) (KubeEvent, bool) {
	head, rest, ok := strings.Cut(msg, " event ")
	if !ok {
		return KubeEvent{}, false
	}
	rest = strings.TrimPrefix(rest, "in podsandbox handler ")
	f := parseStructText(rest)
	cid := f.get("container_id", "ContainerID")
	switch head {
	case "TaskOOM":
		if cid == "" {
			return KubeEvent{}, false
		}
		return KubeEvent{Kind: "runtime_oom_event", ContainerID: cid, Reason: "TaskOOM"}, true
	case "TaskExit", "received exit":
		if sid := f.get("sandbox_id", "SandboxID"); sid != "" && cid == "" {
			return KubeEvent{Kind: "runtime_exit", ContainerID: sid, ExitCode: exitStatus(f), Reason: "SandboxExit"}, true
		}
		if id := f.get("id", "ID"); cid == "" || id != "" && id != cid {
			return KubeEvent{}, false
		}
		return KubeEvent{Kind: "runtime_exit", ContainerID: cid, ExitCode: exitStatus(f), Reason: "TaskExit"}, true
	case "SandboxExit":
		sid := f.get("sandbox_id", "SandboxID")
		if sid == "" {
			return KubeEvent{}, false
		}
		return KubeEvent{Kind: "runtime_exit", ContainerID: sid, ExitCode: exitStatus(f), Reason: "SandboxExit"}, true
	}
	return KubeEvent{}, false
}

func exitStatus(f kvPairs) *int {
	if v := f.get("exit_status", "ExitStatus"); v != "" {
		return intValue(v)
	}
	zero := 0
	return &zero
}

// conmonLine reads conmon's syslog messages, "conmon <cid:20> <ninfo>: …":
// "OOM received" when the container's cgroup saw an OOM kill, and
// "container <pid> exited with status <n>" for a non-zero exit.
func conmonLine(r Record, s string) (KubeEvent, bool) {
	rest, ok := strings.CutPrefix(s, "conmon ")
	if !ok {
		return KubeEvent{}, false
	}
	cid, rest, ok := strings.Cut(rest, " <ninfo>: ")
	if !ok || cid == "" || strings.IndexByte(cid, ' ') >= 0 {
		return KubeEvent{}, false
	}
	rest = strings.TrimSpace(rest)
	e := KubeEvent{Host: r.Host, Wall: r.Wall, Source: r.Source, ContainerID: cid, Message: clipMessage(s)}
	switch {
	case rest == "OOM received":
		e.Kind, e.Reason = "runtime_oom_event", "OOM"
	case strings.HasPrefix(rest, "container ") && strings.Contains(rest, " exited with status "):
		_, code, _ := strings.Cut(rest, " exited with status ")
		e.Kind, e.Reason, e.ExitCode = "runtime_exit", "exit", intValue(code)
		if e.ExitCode == nil {
			return KubeEvent{}, false
		}
	default:
		return KubeEvent{}, false
	}
	return e, true
}

// dockerEventLine reads `docker events` output: "container oom <id>
// (labels…)" and "container die <id> (exitCode=137, …)". The kubelet's
// labels name the pod and container.
func dockerEventLine(r Record, s string) (KubeEvent, bool) {
	rest, ok := strings.CutPrefix(s, "container ")
	if !ok {
		return KubeEvent{}, false
	}
	action, rest, _ := strings.Cut(rest, " ")
	if action != "oom" && action != "die" {
		return KubeEvent{}, false
	}
	id, attrs, _ := strings.Cut(rest, " ")
	if !isHex64(id) {
		return KubeEvent{}, false
	}
	e := KubeEvent{Kind: "runtime_oom_event", Reason: action, ContainerID: id,
		Host: r.Host, Wall: r.Wall, Source: r.Source, Message: clipMessage(s)}
	attrs = strings.TrimSuffix(strings.TrimPrefix(attrs, "("), ")")
	for _, kv := range strings.Split(attrs, ", ") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "exitCode":
			e.ExitCode = intValue(v)
		case "io.kubernetes.container.name":
			e.Container = v
		case "io.kubernetes.pod.name":
			e.Pod = v
		case "io.kubernetes.pod.namespace":
			e.Namespace = v
		case "io.kubernetes.pod.uid":
			e.PodUID = v
		}
	}
	if action == "die" {
		e.Kind = "runtime_exit"
	}
	return e, true
}

// systemdOOMLine reads systemd's "<unit>: A process of this unit has been
// killed by the OOM killer." A container scope (cri-containerd-, docker-,
// crio-<64hex>.scope) gives the container ID.
func systemdOOMLine(r Record, s string) (KubeEvent, bool) {
	unit, ok := strings.CutSuffix(s, ": A process of this unit has been killed by the OOM killer.")
	if !ok || unit == "" || strings.IndexByte(unit, ' ') >= 0 {
		return KubeEvent{}, false
	}
	_, cid := cgroupPodAndContainer(unit)
	return KubeEvent{Kind: "systemd_oom", ContainerID: cid, Host: r.Host, Wall: r.Wall,
		Source: r.Source, Message: clipMessage(s)}, true
}

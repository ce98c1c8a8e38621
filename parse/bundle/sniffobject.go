package bundle

import "bytes"

// This file recognises structured heads: journalctl -o json, kubelet JSON
// logs, Kubernetes objects in JSON or YAML (kubectl get -o json|yaml, the
// support bundle's typed lists, must-gather YAML) and crictl inspectp.

// sniffJSON classifies a head that starts with '{' or '['.
func sniffJSON(b []byte) content {
	first, rest := nextLine(b)
	switch {
	case journalJSONLine(first):
		return sniffJournalJSON(b)
	case len(bytes.TrimSpace(first)) == 1 && bytes.Contains(firstLine(rest), []byte(`"__CURSOR"`)):
		return strongContent(KindJournal, "content: journalctl -o json-pretty")
	case bytes.Contains(first, []byte(`"caller":"`)) && bytes.Contains(first, []byte(`"msg":`)):
		return sniffKlogJSON(b)
	case bytes.Contains(first, []byte(`"log":"`)) && bytes.Contains(first, []byte(`"stream":"`)):
		return textContent("content: docker json-file container log")
	}
	return sniffObject(b)
}

func firstLine(b []byte) []byte {
	l, _ := nextLine(b)
	return l
}

// journalJSONLine matches one journalctl -o json record.
func journalJSONLine(l []byte) bool {
	if bytes.Contains(l, []byte(`"__CURSOR"`)) {
		return true
	}
	return bytes.Contains(l, []byte(`"MESSAGE"`)) && (bytes.Contains(l, []byte(`"_TRANSPORT"`)) ||
		bytes.Contains(l, []byte(`"__REALTIME_TIMESTAMP"`)) || bytes.Contains(l, []byte(`"SYSLOG_IDENTIFIER"`)))
}

// jsonValue returns the string value after key (which ends in `":"`).
func jsonValue(l []byte, key string) []byte {
	i := bytes.Index(l, []byte(key))
	if i < 0 {
		return nil
	}
	v := l[i+len(key):]
	if e := bytes.IndexByte(v, '"'); e >= 0 {
		return v[:e]
	}
	return nil
}

// sniffJournalJSON classifies journalctl -o json by who logged its records.
func sniffJournalJSON(b []byte) content {
	var t tally
	for n := 0; len(b) > 0 && n < maxSniffLines; n++ {
		var l []byte
		l, b = nextLine(b)
		if !journalJSONLine(l) {
			continue
		}
		if bytes.Contains(l, []byte(`"_TRANSPORT":"kernel"`)) {
			t.addTag([]byte("kernel"), nil)
			continue
		}
		id := jsonValue(l, `"SYSLOG_IDENTIFIER":"`)
		if id == nil {
			id = jsonValue(l, `"_SYSTEMD_UNIT":"`)
		}
		t.addTag(id, nil)
	}
	t.journalMark = true
	c := t.byTag()
	if c.kind == KindJournal {
		c.reason = "content: journalctl -o json"
	}
	return c
}

// sniffKlogJSON classifies --logging-format=json component logs.
func sniffKlogJSON(b []byte) content {
	for n := 0; len(b) > 0 && n < maxSniffLines; n++ {
		var l []byte
		l, b = nextLine(b)
		if f := jsonValue(l, `"caller":"`); f != nil && kubeletFile(bytes.TrimRight(f, ":0123456789")) {
			return weakContent(KindKubelet, "content: kubelet JSON log")
		}
	}
	return textContent("content: JSON log of another component")
}

// sniffObject classifies a JSON document by its Kubernetes kind.
func sniffObject(b []byte) content {
	top, item := jsonKinds(b)
	if c, ok := objectContent(top, item, "JSON"); ok {
		return c
	}
	switch {
	case crictlInspectp(b):
		c := strongContent(KindPods, "content: crictl inspectp JSON")
		c.structured = true
		return c
	case sosManifestJSON(b):
		return factContent(FactSosManifest, "content: sos manifest.json")
	case bytes.Contains(b, []byte(`"kernelVersion"`)) && bytes.Contains(b, []byte(`"platform"`)):
		return factContent(FactHostOSInfo, "content: troubleshoot hostos_info.json")
	}
	return content{verdict: verdict{kind: KindUnknown, reason: "content: JSON"}, structured: true}
}

// objectContent maps the top-level kind and the first list item's kind.
func objectContent(top, item []byte, format string) (content, bool) {
	k := objectKind(top)
	if k == KindUnknown && (len(top) == 0 || string(top) == "List") {
		k = objectKind(item)
		if len(item) == 0 {
			return content{}, false
		}
	}
	c := content{structured: true}
	if k == KindUnknown {
		c.reason, c.otherObject = "content: Kubernetes YAML of another kind", true
		if format == "JSON" {
			c.reason = "content: Kubernetes JSON of another kind"
		}
		return c, true
	}
	c.verdict = verdict{kind: k, str: strong, reason: objectReason(k, format)}
	return c, true
}

func objectKind(kind []byte) Kind {
	switch string(kind) {
	case "Pod", "PodList":
		return KindPods
	case "Node", "NodeList":
		return KindNodes
	case "Event", "EventList":
		return KindEvents
	}
	return KindUnknown
}

func objectReason(k Kind, format string) string {
	switch {
	case k == KindPods && format == "JSON":
		return "content: Pod JSON"
	case k == KindPods:
		return "content: Pod YAML"
	case k == KindNodes && format == "JSON":
		return "content: Node JSON"
	case k == KindNodes:
		return "content: Node YAML"
	case format == "JSON":
		return "content: Event JSON"
	}
	return "content: Event YAML"
}

// jsonKinds scans JSON for the top-level "kind" and the "kind" of the first
// element of a top-level array ("items" of a List, or a bare array).
// It stops early once the answer is known and tolerates a cut document.
func jsonKinds(b []byte) (top, item []byte) {
	var stack [32]byte
	depth := 0
	for i := 0; i < len(b); {
		switch c := b[i]; c {
		case '{', '[':
			if depth < len(stack) {
				stack[depth] = c
			}
			depth++
			i++
		case '}', ']':
			depth--
			i++
			if depth <= 0 {
				return top, item
			}
		case '"':
			key, j := jsonString(b, i)
			if j < 0 {
				return top, item
			}
			v, ok := kindValue(b, key, j)
			switch {
			case ok && depth == 1 && top == nil:
				top = v
			case ok && item == nil && itemDepth(stack[:min(depth, len(stack))]):
				item = v
			}
			i = j
		default:
			i++
		}
		if item != nil || (top != nil && string(top) != "List") {
			return top, item
		}
	}
	return top, item
}

// itemDepth reports whether the open containers are those of an element
// of a top-level array: {[{ or [{.
func itemDepth(s []byte) bool {
	return string(s) == "{[{" || string(s) == "[{"
}

// jsonString returns the string starting at b[i] == '"' and the index after it.
func jsonString(b []byte, i int) ([]byte, int) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return b[i+1 : j], j + 1
		}
	}
	return nil, -1
}

// kindValue returns the value when key is "kind" followed by ': "value"'.
func kindValue(b, key []byte, j int) ([]byte, bool) {
	if string(key) != "kind" {
		return nil, false
	}
	j = skipJSONSpace(b, j)
	if j >= len(b) || b[j] != ':' {
		return nil, false
	}
	j = skipJSONSpace(b, j+1)
	if j >= len(b) || b[j] != '"' {
		return nil, false
	}
	v, e := jsonString(b, j)
	return v, e >= 0
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// crictlInspectp matches crictl inspectp output: a sandbox status with the
// kubelet's pod labels.
func crictlInspectp(b []byte) bool {
	return (bytes.Contains(b, []byte(`"SANDBOX_READY"`)) || bytes.Contains(b, []byte(`"SANDBOX_NOTREADY"`))) &&
		bytes.Contains(b, []byte(`"io.kubernetes.pod.namespace"`))
}

// sosManifestJSON matches the start of sos_reports/manifest.json.
func sosManifestJSON(b []byte) bool {
	h := b[:min(len(b), 2048)]
	return bytes.Contains(h, []byte(`"cmdline"`)) && bytes.Contains(h, []byte(`"start_time"`)) &&
		bytes.Contains(h, []byte(`"tmpdir"`))
}

// sniffYAML classifies a YAML Kubernetes document; ok is false when the head
// does not start like one ("apiVersion:" or "kind:" at the left margin).
func sniffYAML(b []byte) (content, bool) {
	var top, item []byte
	started, inItems := false, false
	for n := 0; len(b) > 0 && n < maxSniffLines; n++ {
		var l []byte
		l, b = nextLine(b)
		if len(l) == 0 || l[0] == '#' || bytes.HasPrefix(l, []byte("---")) {
			continue
		}
		if !started && !yamlStarted(l) {
			return content{}, false
		}
		started = true
		switch {
		case bytes.HasPrefix(l, []byte("kind:")) && top == nil:
			top = yamlScalar(l[len("kind:"):])
		case bytes.HasPrefix(l, []byte("items:")):
			inItems = true
		case inItems && (bytes.HasPrefix(l, []byte("  kind:")) || bytes.HasPrefix(l, []byte("- kind:"))):
			item = yamlScalar(l[len("  kind:"):])
		}
		if item != nil || (top != nil && string(top) != "List") {
			break
		}
	}
	if !started {
		return content{}, false
	}
	c, ok := objectContent(top, item, "YAML")
	if !ok {
		c = content{verdict: verdict{kind: KindUnknown, reason: "content: YAML"}, structured: true}
	}
	return c, true
}

// yamlStarted reports whether a YAML line is a top-level Kubernetes key.
func yamlStarted(l []byte) bool {
	for _, k := range [...]string{"apiVersion:", "kind:", "items:", "metadata:"} {
		if bytes.HasPrefix(l, []byte(k)) {
			return true
		}
	}
	return false
}

// yamlScalar trims spaces and quotes around a YAML scalar.
func yamlScalar(v []byte) []byte {
	v = bytes.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return v
}

package bundle

// Classify decides from the member's slash path inside its bundle (a hint)
// and its first bytes (up to 64 KiB, maybe fewer, maybe none) what it holds.
//
// The path is read first: paths a collector is known to write
// ("sos_commands/kernel/dmesg", "host_service_logs/masters/kubelet_service.log",
// "cluster-resources/pods/<ns>.json") are trusted, file names that only
// suggest a kind ("node1-kubelet.txt") are a guess. The content then either
// confirms it, or wins where the two disagree in an obvious way: binary or
// compressed data is unknown whatever its name, a "messages" file full of
// dmesg stamps is kernel, a pods file that is not a Kubernetes object is
// unknown, a host fact file that does not look like one is unknown, and a
// guessed name whose content is not a log is unknown. Members whose path
// says nothing are classified from content alone.
//
// Classify does not keep head and allocates nothing proportional to it.
// Unknown members are KindUnknown.
func Classify(name string, head []byte) Class {
	p := newPathInfo(name)
	pv := classifyPath(p)
	cv := sniff(head)
	c := decide(pv, cv, head)
	c.Truncated = p.tailed
	return c
}

// classifyPath applies the layout rules, then the generic ones.
func classifyPath(p pathInfo) verdict {
	if containerLog(p) {
		return strongKind(KindUnknown, "path: container logs")
	}
	for _, rule := range [...]func(pathInfo) verdict{sosPathRule, troubleshootPath, mustGatherPath, eksPath, rancherPath} {
		if v := rule(p); v.str != noVerdict {
			return v
		}
	}
	return genericPath(p)
}

// sosPathRule applies the sos rules to members that look like they are in a
// sos report (or at the top of a folder, for its root symlinks).
func sosPathRule(p pathInfo) verdict {
	if p.dir == "" || hasSegment(p.dir, "sos_commands") || hasSegment(p.dir, "sos_strings") ||
		hasSegment(p.dir, "sos_reports") || isSosRoot(lastSeg(p.dir)) {
		return sosPath(p)
	}
	return verdict{}
}

// decide weighs what the path says against what the content says.
func decide(pv verdict, cv content, head []byte) Class {
	switch {
	case cv.binary:
		return Class{Kind: KindUnknown, Reason: cv.reason}
	case pv.str == strong:
		return decideStrong(pv, cv, head)
	case pv.str == weak:
		return decideWeak(pv, cv)
	}
	return cv.class()
}

// decideStrong keeps a trusted path unless the content plainly contradicts it.
func decideStrong(pv verdict, cv content, head []byte) Class {
	switch pv.kind.family() {
	case famNone:
		return pv.class()
	case famHost:
		if len(head) == 0 || factLooksRight(pv.fact, head) {
			return pv.class()
		}
		return overrule(cv, pv, "content does not look like "+string(pv.fact))
	case famObject:
		if cv.otherObject || (cv.known() && cv.kind != pv.kind) || cv.text {
			return overrule(cv, pv, "content is not a Kubernetes object of that kind")
		}
		return pv.class()
	}
	// a log path
	if f := cv.kind.family(); f == famObject || f == famHost || (cv.kernelCarrier && pv.kind != KindKernel) {
		return overrule(cv, pv, "")
	}
	return pv.class()
}

// decideWeak lets content settle a guess from a file name.
func decideWeak(pv verdict, cv content) Class {
	switch {
	case pv.kind == KindUnknown:
		if cv.str == strong {
			return cv.class()
		}
		return pv.class()
	case !cv.known():
		if cv.text || cv.otherObject || (cv.structured && pv.kind.family() == famLog) {
			return overrule(cv, pv, "content is not "+string(pv.kind))
		}
		return pv.class()
	case pv.kind.family() == famLog && cv.kind.family() == famLog && !cv.kernelCarrier:
		return pv.class() // content confirms a log; the name is more specific
	}
	return cv.class()
}

// overrule returns the content's class, saying what the path claimed.
func overrule(cv content, pv verdict, why string) Class {
	c := cv.class()
	if c.Kind == KindUnknown && why != "" {
		c.Reason = why
	}
	c.Reason += " (overrules " + pv.reason + ")"
	return c
}

func (v verdict) class() Class {
	k := v.kind
	if k == "" {
		k = KindUnknown
	}
	return Class{Kind: k, Fact: v.fact, Reason: v.reason}
}

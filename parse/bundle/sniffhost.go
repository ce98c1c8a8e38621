package bundle

import "bytes"

// This file recognises host fact files by content, and checks that a file
// whose path names a fact looks like that fact.

func factContent(f Fact, reason string) content {
	return content{verdict: hostFact(f, reason)}
}

// sniffFactText recognises the host fact files whose content is distinctive.
// (A date line or a bare host name is not: those need their path.)
func sniffFactText(b []byte) (content, bool) {
	h := b[:min(len(b), 4096)]
	switch {
	case bytes.HasPrefix(b, []byte("cpu ")) && (bytes.Contains(h, []byte("\ncpu0 ")) || bytes.Contains(b, []byte("\nbtime "))):
		return factContent(FactProcStat, "content: proc/stat"), true
	case bytes.HasPrefix(b, []byte("MemTotal:")):
		return factContent(FactMeminfo, "content: proc/meminfo"), true
	case bytes.HasPrefix(b, []byte("Linux version ")):
		return factContent(FactUname, "content: proc/version"), true
	case bytes.Contains(h, []byte("Local time:")) && (bytes.Contains(h, []byte("Time zone:")) || bytes.Contains(h, []byte("Universal time:"))):
		return factContent(FactTimedatectl, "content: timedatectl"), true
	case bytes.Contains(h, []byte("Static hostname:")):
		return factContent(FactHostname, "content: hostnamectl status"), true
	case unameALine(b):
		return factContent(FactUname, "content: uname -a"), true
	case lineStarts(h, "NAME=") && lineStarts(h, "ID="):
		return factContent(FactOSRelease, "content: os-release"), true
	}
	return content{}, false
}

// lineStarts reports whether some line of h starts with p.
func lineStarts(h []byte, p string) bool {
	for len(h) > 0 {
		var l []byte
		l, h = nextLine(h)
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}

// unameALine matches a whole head of one "Linux host 5.15.0-… #59-Ubuntu …" line.
func unameALine(b []byte) bool {
	line, rest := nextLine(b)
	if len(bytes.TrimSpace(rest)) != 0 || !bytes.HasPrefix(line, []byte("Linux ")) {
		return false
	}
	f1, f2, _ := tokens2(line)
	return len(f1) > 0 && len(f2) > 0 && isDigit(f2[0]) && bytes.Contains(line, []byte(" #"))
}

// tokens2 returns the second and third space-separated tokens.
func tokens2(l []byte) (second, third []byte, ok bool) {
	_, r, ok1 := bytes.Cut(bytes.TrimSpace(l), []byte(" "))
	r = bytes.TrimLeft(r, " ")
	second, r, ok2 := bytes.Cut(r, []byte(" "))
	r = bytes.TrimLeft(r, " ")
	third, _, _ = bytes.Cut(r, []byte(" "))
	return second, third, ok1 && ok2
}

// factLooksRight reports whether head plausibly holds the fact its path
// names; a command that failed ("command not found") or a renamed file does
// not.
func factLooksRight(f Fact, head []byte) bool {
	b := bytes.TrimLeft(head, " \t\r\n")
	if len(b) == 0 || binaryReason(b) != "" {
		return len(b) == 0
	}
	h := b[:min(len(b), 4096)]
	first, _ := nextLine(b)
	switch f {
	case FactProcStat:
		return bytes.HasPrefix(b, []byte("cpu")) || bytes.Contains(b, []byte("btime "))
	case FactMeminfo:
		return bytes.Contains(h, []byte("MemTotal:"))
	case FactHostname:
		return bytes.Contains(h, []byte("Static hostname:")) || hostnameLine(first)
	case FactUname:
		_, rel, _ := tokens2(first)
		return bytes.HasPrefix(b, []byte("Linux version ")) || (len(rel) > 0 && isDigit(rel[0]))
	case FactDate:
		c := bytes.IndexByte(first, ':')
		return c >= 2 && clockAt(first, c-2)
	case FactTimedatectl:
		return bytes.Contains(h, []byte("Local time:")) || bytes.Contains(h, []byte("Time zone:")) ||
			bytes.Contains(h, []byte("Timezone:")) || bytes.Contains(h, []byte("Universal time:"))
	case FactSosManifest, FactHostOSInfo:
		return b[0] == '{'
	case FactUptime:
		return bytes.Contains(first, []byte(" up ")) || bytes.HasPrefix(first, []byte("up ")) || isDigit(b[0])
	case FactOSRelease:
		return bytes.IndexByte(h, '=') > 0
	case FactTimezone:
		return zoneNameLine(first)
	}
	return true
}

// hostnameLine reports whether l is one host name.
func hostnameLine(l []byte) bool {
	l = bytes.TrimSpace(l)
	if len(l) == 0 || len(l) > 253 {
		return false
	}
	for _, c := range l {
		if !isLetter(c) && !isDigit(c) && c != '-' && c != '.' && c != '_' {
			return false
		}
	}
	return true
}

// zoneNameLine reports whether l is one IANA zone name ("Europe/Berlin").
func zoneNameLine(l []byte) bool {
	l = bytes.TrimSpace(l)
	if len(l) == 0 || len(l) > 64 {
		return false
	}
	for _, c := range l {
		if !isLetter(c) && !isDigit(c) && c != '/' && c != '_' && c != '-' && c != '+' {
			return false
		}
	}
	return true
}

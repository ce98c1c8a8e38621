package parse

import (
	"strconv"
	"strings"
	"time"
)

// This file decodes the syslog family of wrappers, which journalctl's short
// output formats share:
//
//	Nov 27 11:44:16 worker-3 kernel: [1237.900760] msg     RFC 3164 (stamp optional)
//	Nov 27 11:44:16 worker-3kernel: msg                   hostname glued to the tag
//	Nov 27 11:44:16.900760 worker-3 kernel: msg           journalctl -o short-precise
//	2026-11-27T11:44:16.900760+00:00 worker-3 kernel: msg rsyslog RFC 3339, short-iso(-precise)
//	<4>1 2026-11-27T11:44:16.900760Z worker-3 kernel - - - msg   RFC 5424
//	[ 1237.900760] worker-3 kernel: msg                   journalctl -o short-monotonic

// syslogHead is what a syslog wrapper says about its message.
type syslogHead struct {
	host string
	tag  string
	msg  string
	pid  bool // the tag carried a "[pid]"
}

// kernel reports whether the message was logged by the kernel.
func (h syslogHead) kernel() bool { return h.tag == "kernel" }

// cutHostTag reads "host tag[pid]: msg" or the glued "hostkernel: msg".
func cutHostTag(s string) (syslogHead, bool) {
	sp := strings.IndexByte(s, ' ')
	if sp < 0 {
		sp = len(s)
	}
	first := s[:sp]
	if strings.HasSuffix(first, ":") {
		// "worker-3kernel:" — no space between host and tag.
		host, ok := strings.CutSuffix(strings.TrimSuffix(first, ":"), "kernel")
		if !ok || host == "" {
			return syslogHead{}, false
		}
		return syslogHead{host: host, tag: "kernel", msg: strings.TrimPrefix(s[sp:], " ")}, true
	}
	if sp == len(s) {
		return syslogHead{}, false
	}
	rest := s[sp+1:]
	colon := strings.IndexByte(rest, ':')
	if colon <= 0 || (colon+1 < len(rest) && rest[colon+1] != ' ') {
		return syslogHead{}, false
	}
	tag, ok := cleanTag(rest[:colon])
	if !ok {
		return syslogHead{}, false
	}
	return syslogHead{host: first, tag: tag, msg: strings.TrimPrefix(rest[colon+1:], " "),
		pid: strings.HasSuffix(rest[:colon], "]")}, true
}

// cleanTag validates a syslog tag "name" or "name[pid]" and returns the name.
func cleanTag(t string) (string, bool) {
	if br := strings.IndexByte(t, '['); br >= 0 {
		if !strings.HasSuffix(t, "]") || !allDigits(t[br+1:len(t)-1]) {
			return "", false
		}
		t = t[:br]
	}
	if t == "" || strings.ContainsAny(t, " \t[]") {
		return "", false
	}
	return t, true
}

// cutRFC3164Stamp reads "Nov 27 11:44:16" (or "Nov  7", "jun 20",
// "11月 27", "Nov 27 11:44:16.900760") and the space after it.
func cutRFC3164Stamp(s string) (*Stamp, string, bool) {
	sp := strings.IndexByte(s, ' ')
	if sp < 2 || sp > 12 {
		return nil, s, false
	}
	mon, ok := parseMonth(s[:sp])
	if !ok {
		return nil, s, false
	}
	rest := strings.TrimLeft(s[sp:], " ")
	sp = strings.IndexByte(rest, ' ')
	if sp < 1 || sp > 2 || !allDigits(rest[:sp]) {
		return nil, s, false
	}
	day, _ := strconv.Atoi(rest[:sp])
	rest = rest[sp+1:]
	sp = strings.IndexByte(rest, ' ')
	if sp < 0 {
		return nil, s, false
	}
	h, m, sec, frac, ok := parseClock(rest[:sp])
	if !ok || day < 1 || day > 31 {
		return nil, s, false
	}
	t := time.Date(0, mon, day, h, m, sec, frac, time.UTC)
	return &Stamp{T: t, NoYear: true}, rest[sp+1:], true
}

// cutRFC5424 reads "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD " and returns
// the priority, the time and the head.
func cutRFC5424(s string) (int, *Stamp, syslogHead, bool) {
	pri, rest, ok := cutLevelPrefix(s)
	if !ok || !strings.HasPrefix(rest, "1 ") {
		return 0, nil, syslogHead{}, false
	}
	f := strings.SplitN(rest[2:], " ", 6)
	if len(f) < 5 {
		return 0, nil, syslogHead{}, false
	}
	var tp *Stamp
	if t, ok := parseISOStamp(f[0]); ok {
		tp = zoned(t)
	} else if f[0] != "-" {
		return 0, nil, syslogHead{}, false
	}
	h := syslogHead{host: nilDash(f[1]), tag: nilDash(f[2])}
	if len(f) == 6 {
		h.msg = cutStructuredData(f[5])
	}
	return pri, tp, h, true
}

func nilDash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// cutStructuredData skips RFC 5424 STRUCTURED-DATA ("-" or "[id k="v"]...").
func cutStructuredData(s string) string {
	if strings.HasPrefix(s, "-") {
		return strings.TrimPrefix(s[1:], " ")
	}
	for strings.HasPrefix(s, "[") {
		inQuote := false
		i := 1
		for ; i < len(s); i++ {
			switch {
			case s[i] == '\\':
				i++
			case s[i] == '"':
				inQuote = !inQuote
			case s[i] == ']' && !inQuote:
				goto done
			}
		}
	done:
		if i >= len(s) {
			return ""
		}
		s = s[i+1:]
	}
	return strings.TrimPrefix(s, " ")
}

// splitRsyslogEscapes splits a message on rsyslog's "#012" (newline)
// control-character escape and turns "#011" into a tab.
func splitRsyslogEscapes(msg string) []string {
	if !strings.Contains(msg, "#01") {
		return nil
	}
	msg = strings.ReplaceAll(msg, "#011", "\t")
	if !strings.Contains(msg, "#012") {
		return []string{msg}
	}
	return strings.Split(msg, "#012")
}

// cutUnixStamp reads journalctl -o short-unix's "1795779856.900760 ".
func cutUnixStamp(s string) (time.Time, string, bool) {
	sp := strings.IndexByte(s, ' ')
	dot := strings.IndexByte(s, '.')
	if sp < 12 || dot < 9 || dot > sp || !allDigits(s[:dot]) || !allDigits(s[dot+1:sp]) {
		return time.Time{}, s, false
	}
	secs, err1 := strconv.ParseInt(s[:dot], 10, 64)
	frac := s[dot+1 : sp]
	if len(frac) > 9 {
		frac = frac[:9]
	}
	nanos, err2 := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, s, false
	}
	return time.Unix(secs, nanos).UTC(), s[sp+1:], true
}

// cutShortFullStamp reads journalctl -o short-full's
// "Fri 2026-11-27 11:44:16 UTC " (or with a fraction). Only UTC and GMT
// give the instant; another zone name leaves the local clock to the host's
// zone.
func cutShortFullStamp(s string) (*Stamp, string, bool) {
	sp := strings.IndexByte(s, ' ')
	if sp < 2 || sp > 8 || len(s) < sp+12 || s[sp+5] != '-' || !allDigits(s[sp+1:sp+5]) {
		return nil, s, false // cheap: most lines are RFC 3164
	}
	f := strings.SplitN(s, " ", 5)
	if len(f) < 5 || len(f[0]) < 2 || len(f[1]) != 10 || !isISOStart(f[1]+"T00") {
		return nil, s, false
	}
	t, err := time.Parse("2006-01-02", f[1])
	h, m, sec, frac, ok := parseClock(f[2])
	if err != nil || !ok || f[3] == "" || strings.IndexFunc(f[3], func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r == '+' || r == '-' || r >= '0' && r <= '9') }) >= 0 {
		return nil, s, false
	}
	st := &Stamp{T: time.Date(t.Year(), t.Month(), t.Day(), h, m, sec, frac, time.UTC)}
	st.Zoned = f[3] == "UTC" || f[3] == "GMT"
	return st, f[4], true
}

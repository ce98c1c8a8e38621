package parse

import (
	"strconv"
	"strings"
)

// kmsgHeader is the "PRI,SEQ,USEC,FLAGS" part of a /dev/kmsg record.
type kmsgHeader struct {
	priority int
	seq      int64
	usec     int64
}

// cutKmsgHeader reads "4,1081,1237900760,-;" (further comma-separated fields
// before ';' are allowed, as newer kernels add them).
func cutKmsgHeader(s string) (kmsgHeader, string, bool) {
	semi := strings.IndexByte(s, ';')
	if semi < 7 || semi > 64 {
		return kmsgHeader{}, s, false
	}
	f := strings.SplitN(s[:semi], ",", 4)
	if len(f) < 4 || !allDigits(f[0]) || !allDigits(f[1]) || !allDigits(f[2]) {
		return kmsgHeader{}, s, false
	}
	var h kmsgHeader
	h.priority, _ = strconv.Atoi(f[0])
	h.seq, _ = strconv.ParseInt(f[1], 10, 64)
	h.usec, _ = strconv.ParseInt(f[2], 10, 64)
	return h, s[semi+1:], true
}

// isKmsgDictLine reports a dictionary line (" SUBSYSTEM=memory") that
// follows a /dev/kmsg record.
func isKmsgDictLine(s string) bool {
	if len(s) < 3 || s[0] != ' ' {
		return false
	}
	eq := strings.IndexByte(s, '=')
	if eq < 2 {
		return false
	}
	for i := 1; i < eq; i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// unescapeKmsg decodes the "\xNN" escapes /dev/kmsg uses for non-printable
// bytes (notably "\x0a" inside multi-line records).
func unescapeKmsg(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isKernelFacility reports whether a syslog priority's facility is kern (0):
// user space can write to /dev/kmsg too (systemd does, as facility daemon).
func isKernelFacility(pri int) bool { return pri>>3 == 0 }

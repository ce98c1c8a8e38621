package parse

import (
	"strconv"
	"strings"
	"time"
)

// This file decodes the wrappers that dmesg(1) prints:
//
//	[ 1237.900760] msg                      dmesg
//	[ 1237.900760][T24259] msg              CONFIG_PRINTK_CALLER
//	<4>[ 1237.900760] msg                   dmesg -r
//	kern  :warn  : [ 1237.900760] msg      dmesg -x
//	[Fri Nov 27 11:44:16 2026] msg          dmesg -T (day and month names localised)
//	2026-11-27T11:44:16,900760+00:00 msg    dmesg --time-format iso

// cutBootStamp reads a leading "[ 1237.900760]" (and a printk caller
// "[T24259]" or "[  C3]" after it) and returns the seconds and the rest of
// the line with one separating space removed.
func cutBootStamp(s string) (float64, string, bool) {
	if len(s) < 4 || s[0] != '[' {
		return 0, s, false
	}
	end := strings.IndexByte(s, ']')
	if end < 0 || end > 24 {
		return 0, s, false
	}
	num := strings.TrimLeft(s[1:end], " ")
	dot := strings.IndexByte(num, '.')
	if dot <= 0 || !allDigits(num[:dot]) || !allDigits(num[dot+1:]) {
		return 0, s, false
	}
	secs, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, s, false
	}
	rest := s[end+1:]
	rest = cutCaller(rest)
	return secs, strings.TrimPrefix(rest, " "), true
}

// cutCaller removes a CONFIG_PRINTK_CALLER field such as "[T24259]" or
// "[    C3]" (with or without a space before it).
func cutCaller(s string) string {
	t := strings.TrimPrefix(s, " ")
	if len(t) < 4 || t[0] != '[' {
		return s
	}
	end := strings.IndexByte(t, ']')
	if end < 0 {
		return s
	}
	id := strings.TrimLeft(t[1:end], " ")
	if len(id) < 2 || (id[0] != 'T' && id[0] != 'C') || !allDigits(id[1:]) {
		return s
	}
	return t[end+1:]
}

// cutLevelPrefix reads the "<4>" of dmesg -r and returns the priority.
func cutLevelPrefix(s string) (int, string, bool) {
	if len(s) < 3 || s[0] != '<' {
		return 0, s, false
	}
	end := strings.IndexByte(s, '>')
	if end < 2 || end > 5 || !allDigits(s[1:end]) {
		return 0, s, false
	}
	pri, _ := strconv.Atoi(s[1:end])
	return pri, s[end+1:], true
}

var dmesgFacilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6,
	"news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

var dmesgLevels = map[string]int{
	"emerg": 0, "alert": 1, "crit": 2, "err": 3, "warn": 4, "notice": 5, "info": 6, "debug": 7,
}

// cutFacilityLevel reads dmesg -x's "kern  :warn  : " and returns the
// priority.
func cutFacilityLevel(s string) (int, string, bool) {
	c1 := strings.IndexByte(s, ':')
	if c1 < 3 || c1 > 10 {
		return 0, s, false
	}
	fac, ok := dmesgFacilities[strings.TrimRight(s[:c1], " ")]
	if !ok {
		return 0, s, false
	}
	rest := s[c1+1:]
	c2 := strings.IndexByte(rest, ':')
	if c2 < 3 || c2 > 8 {
		return 0, s, false
	}
	lvl, ok := dmesgLevels[strings.TrimRight(rest[:c2], " ")]
	if !ok {
		return 0, s, false
	}
	return fac*8 + lvl, strings.TrimPrefix(rest[c2+1:], " "), true
}

// cutDmesgT reads dmesg -T's "[Fri Nov 27 11:44:16 2026] " in any locale:
// the bracket holds an optional weekday, a day and a month in either order,
// a clock and a four-digit year. A month that cannot be read still marks the
// line as dmesg -T but gives no time.
func cutDmesgT(s string) (*Stamp, string, bool) {
	if len(s) < 20 || s[0] != '[' {
		return nil, s, false
	}
	end := strings.IndexByte(s, ']')
	if end < 16 || end > 48 {
		return nil, s, false
	}
	toks := strings.Fields(s[1:end])
	if len(toks) == 5 {
		toks = toks[1:] // the weekday, which may look like a month ("mar.")
	}
	if len(toks) != 4 {
		return nil, s, false
	}
	h, m, sec, frac, ok := parseClock(toks[2])
	if !ok || len(toks[3]) != 4 || !allDigits(toks[3]) {
		return nil, s, false
	}
	rest := strings.TrimPrefix(s[end+1:], " ")
	year, _ := strconv.Atoi(toks[3])
	day, month := toks[0], toks[1]
	if !allDigits(strings.TrimSuffix(day, ".")) {
		day, month = month, day
	}
	d, err := strconv.Atoi(strings.TrimSuffix(day, "."))
	mon, mok := parseMonth(month)
	if err != nil || !mok || d < 1 || d > 31 {
		return nil, rest, true
	}
	return &Stamp{T: time.Date(year, mon, d, h, m, sec, frac, time.UTC)}, rest, true
}

// cutISOStamp reads a leading RFC 3339-like stamp and the space after it.
func cutISOStamp(s string) (time.Time, string, bool) {
	sp := strings.IndexByte(s, ' ')
	if sp < 20 || !isISOStart(s) {
		return time.Time{}, s, false
	}
	t, ok := parseISOStamp(s[:sp])
	if !ok {
		return time.Time{}, s, false
	}
	return t, s[sp+1:], true
}

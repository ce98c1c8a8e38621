package parse

import (
	"strconv"
	"strings"
	"time"
)

// monthNames maps lower-case month names and abbreviations, in the locales
// seen in dmesg -T and journalctl output, to month numbers. Lookups try the
// whole token, then its first four and first three letters.
var monthNames = map[string]time.Month{
	// English
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	// German
	"mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12,
	// French (juin/juil need four letters)
	"janv": 1, "fév": 2, "févr": 2, "avr": 4, "juin": 6, "juil": 7, "aoû": 8, "déc": 12,
	// Spanish, Italian, Portuguese
	"ene": 1, "abr": 4, "ago": 8, "dic": 12, "gen": 1, "mag": 5, "giu": 6,
	"lug": 7, "set": 9, "ott": 10, "fev": 2, "out": 10,
	// Dutch, Polish
	"mrt": 3, "mei": 5, "sty": 1, "lut": 2, "kwi": 4, "maj": 5, "cze": 6, "lip": 7,
	"sie": 8, "wrz": 9, "paź": 10, "lis": 11, "gru": 12,
	// Russian
	"янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6,
	"июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}

// parseMonth reads a month token in any of the locales above, or the CJK
// forms "11月" and "11월".
func parseMonth(tok string) (time.Month, bool) {
	if m, ok := englishMonth(tok); ok {
		return m, true // the common case, without allocating
	}
	t := strings.ToLower(strings.TrimSuffix(tok, "."))
	for _, suf := range []string{"月", "월"} {
		if n, ok := strings.CutSuffix(t, suf); ok {
			m, err := strconv.Atoi(n)
			return time.Month(m), err == nil && m >= 1 && m <= 12
		}
	}
	r := []rune(t)
	for _, n := range []int{len(r), 4, 3} {
		if n > len(r) || n < 3 {
			continue
		}
		if m, ok := monthNames[string(r[:n])]; ok {
			return m, true
		}
	}
	return 0, false
}

// englishMonth reads "Nov" (any case) without allocating.
func englishMonth(tok string) (time.Month, bool) {
	if len(tok) != 3 {
		return 0, false
	}
	var b [3]byte
	for i := 0; i < 3; i++ {
		c := tok[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	const names = "janfebmaraprmayjunjulaugsepoctnovdec"
	for i := 0; i < 12; i++ {
		if names[i*3:i*3+3] == string(b[:]) {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}

// parseClock reads "HH:MM:SS" with an optional fraction ".ffffff" into its
// parts; frac is in nanoseconds.
func parseClock(s string) (h, m, sec, frac int, ok bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return 0, 0, 0, 0, false
	}
	h, e1 := strconv.Atoi(s[0:2])
	m, e2 := strconv.Atoi(s[3:5])
	sec, e3 := strconv.Atoi(s[6:8])
	if e1 != nil || e2 != nil || e3 != nil || h > 23 || m > 59 || sec > 60 {
		return 0, 0, 0, 0, false
	}
	rest := s[8:]
	if rest == "" {
		return h, m, sec, 0, true
	}
	if rest[0] != '.' && rest[0] != ',' {
		return 0, 0, 0, 0, false
	}
	digits := rest[1:]
	if len(digits) == 0 || len(digits) > 9 || !allDigits(digits) {
		return 0, 0, 0, 0, false
	}
	frac, _ = strconv.Atoi(digits + strings.Repeat("0", 9-len(digits)))
	return h, m, sec, frac, true
}

// parseISOStamp reads an RFC 3339-like stamp as printed by dmesg
// --time-format iso, rsyslog, journalctl -o short-iso and RFC 5424: a comma
// or dot before the fraction, and "Z", "+hh:mm" or "+hhmm" as the zone.
func parseISOStamp(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' {
		return time.Time{}, false
	}
	s = strings.Replace(s, ",", ".", 1)
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isISOStart reports whether s starts like "2026-11-27T".
func isISOStart(s string) bool {
	return len(s) > 11 && allDigits(s[0:4]) && s[4] == '-' && allDigits(s[5:7]) &&
		s[7] == '-' && allDigits(s[8:10]) && s[10] == 'T'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func ptrFloat(f float64) *float64 { return &f }

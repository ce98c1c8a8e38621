package bundle

import (
	"strconv"
	"strings"
	"time"
)

// This file turns the time zone names dates print into locations.

// zoneAbbrevs are the abbreviations date and timedatectl print that name one
// offset. Ambiguous ones are left out (CST: US Central or China; AST, BST
// and others mean different offsets in different places), except IST,
// taken as India Standard Time (+05:30); Israel and Irish time also print IST.
var zoneAbbrevs = map[string]int{
	"WET": 0, "WEST": 1 * 3600, "CET": 1 * 3600, "CEST": 2 * 3600, "MET": 1 * 3600, "MEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600, "SAST": 2 * 3600, "CAT": 2 * 3600,
	"EAT": 3 * 3600, "WAT": 1 * 3600, "IST": 5*3600 + 1800, "PKT": 5 * 3600, "WIB": 7 * 3600,
	"WITA": 8 * 3600, "WIT": 9 * 3600, "HKT": 8 * 3600, "JST": 9 * 3600, "KST": 9 * 3600,
	"AWST": 8 * 3600, "ACST": 9*3600 + 1800, "ACDT": 10*3600 + 1800, "AEST": 10 * 3600,
	"AEDT": 11 * 3600, "NZST": 12 * 3600, "NZDT": 13 * 3600, "HST": -10 * 3600, "HDT": -9 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600, "MST": -7 * 3600,
	"MDT": -6 * 3600, "CDT": -5 * 3600, "EST": -5 * 3600, "EDT": -4 * 3600, "NST": -3*3600 - 1800,
	"NDT": -2*3600 - 1800,
}

// utcName reports whether a zone name means UTC.
func utcName(z string) bool {
	switch z {
	case "UTC", "GMT", "UCT", "Z", "Zulu", "Universal", "Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Universal":
		return true
	}
	return false
}

// parseOffset reads "+03", "+0530", "+05:30" or "-0330" as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	digits := strings.Replace(s[1:], ":", "", 1)
	if (len(digits) != 2 && len(digits) != 4) || !allDigits(digits) {
		return 0, false
	}
	h, _ := strconv.Atoi(digits[:2])
	m := 0
	if len(digits) == 4 {
		m, _ = strconv.Atoi(digits[2:])
	}
	if h > 14 || m > 59 {
		return 0, false
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// abbrevLocation returns the location a printed zone name stands for: UTC,
// a fixed offset, or a known abbreviation; ok is false for others.
func abbrevLocation(z string) (*time.Location, bool) {
	if utcName(z) {
		return time.UTC, true
	}
	if off, ok := parseOffset(z); ok {
		if off == 0 {
			return time.UTC, true
		}
		return time.FixedZone(z, off), true
	}
	if off, ok := zoneAbbrevs[z]; ok {
		return time.FixedZone(z, off), true
	}
	return nil, false
}

// namedLocation loads an IANA zone ("Europe/Berlin") from the system's or
// the embedded time zone database, or nil when there is none. "Local" is
// refused: it would be the zone of the machine oomtriage runs on.
func namedLocation(name string) *time.Location {
	if name == "" || name == "n/a" || name == "Local" {
		return nil
	}
	if utcName(name) {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

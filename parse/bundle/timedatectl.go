package bundle

import (
	"fmt"
	"strings"
	"time"
)

// parseTimedatectl reads timedatectl [status]:
//
//	    Local time: Fri 2026-11-27 12:44:16 CET
//	Universal time: Fri 2026-11-27 11:44:16 UTC
//	     Time zone: Europe/Berlin (CET, +0100)
//
// (older systemd prints "Timezone:"). The zone is loaded by name when a time
// zone database is at hand, else it is a FixedZone of the printed offset.
// timedatectl is the best source of the host's zone, so it replaces a
// location read before. Collected comes from "Universal time", else from
// "Local time" in that zone.
func parseTimedatectl(data []byte, f *HostFacts) error {
	var td timedatectl
	if err := eachLine(data, td.line); err != nil {
		return err
	}
	if err := td.resolveZone(); err != nil {
		return err
	}
	if td.loc != nil {
		f.Location = td.loc
	}
	t, err := td.collected()
	if err != nil {
		return err
	}
	if !t.IsZero() {
		utc := t.UTC()
		f.Collected = &utc
	}
	return nil
}

// timedatectl holds the lines of interest of timedatectl output.
type timedatectl struct {
	local, universal, zone             string
	localLine, universalLine, zoneLine int
	loc                                *time.Location
}

// line keeps the values of the keys used.
func (td *timedatectl) line(n int, l string) error {
	key, val, ok := strings.Cut(l, ":")
	if !ok {
		return nil
	}
	val = strings.TrimSpace(val)
	switch key {
	case "Local time":
		td.local, td.localLine = val, n
	case "Universal time":
		td.universal, td.universalLine = val, n
	case "Time zone", "Timezone":
		td.zone, td.zoneLine = val, n
	}
	return nil
}

// resolveZone turns the "Time zone:" value into a location.
func (td *timedatectl) resolveZone() error {
	if td.zone == "" {
		return nil
	}
	loc, err := timedatectlZone(td.zone)
	if err != nil {
		return &FactError{Fact: FactTimedatectl, Line: td.zoneLine, Err: err}
	}
	td.loc = loc
	return nil
}

// collected returns the instant the output was taken, or the zero time.
func (td *timedatectl) collected() (time.Time, error) {
	if td.universal != "" && td.universal != "n/a" {
		t, err := timedatectlTime(td.universal, time.UTC)
		if err != nil {
			return t, &FactError{Fact: FactTimedatectl, Line: td.universalLine, Err: err}
		}
		return t, nil
	}
	if td.local != "" && td.local != "n/a" && td.loc != nil {
		t, err := timedatectlTime(td.local, td.loc)
		if err != nil {
			return t, &FactError{Fact: FactTimedatectl, Line: td.localLine, Err: err}
		}
		return t, nil
	}
	return time.Time{}, nil
}

// timedatectlTime reads "Fri 2026-11-27 12:44:16 CET" in loc.
func timedatectlTime(v string, loc *time.Location) (time.Time, error) {
	var day, clock string
	for _, tok := range strings.Fields(v) {
		switch {
		case len(tok) == 10 && tok[4] == '-' && tok[7] == '-':
			day = tok
		case strings.Count(tok, ":") == 2:
			clock = tok
		}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05", day+" "+clock, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a timedatectl time", v)
	}
	return t, nil
}

// timedatectlZone reads "Europe/Berlin (CET, +0100)", "n/a (UTC, +0000)" or
// "Europe/Berlin".
func timedatectlZone(v string) (*time.Location, error) {
	name, paren, hasParen := strings.Cut(v, " (")
	if loc := namedLocation(name); loc != nil {
		return loc, nil
	}
	if !hasParen {
		return nil, nil // a name we cannot load, and no offset
	}
	abbr, offText, ok := strings.Cut(strings.TrimSuffix(paren, ")"), ",")
	abbr, offText = strings.TrimSpace(abbr), strings.TrimSpace(offText)
	off, okOff := parseOffset(offText)
	if !ok || !okOff {
		return nil, fmt.Errorf("time zone %q has no offset like \"(CET, +0100)\"", v)
	}
	if off == 0 && utcName(abbr) {
		return time.UTC, nil
	}
	return time.FixedZone(abbr, off), nil
}

package bundle

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseDate reads the output of date, date --utc, date -R or date
// --rfc-3339/--iso-8601: the time the bundle was made, and the zone the
// host's clock is in. A zone name date prints ("CET") becomes a FixedZone;
// it does not replace a location already known (from timedatectl), and a
// UTC date (date --utc) only sets the location when none is known.
func parseDate(data []byte, f *HostFacts) error {
	err := eachLine(data, func(n int, l string) error {
		if l == "" {
			return nil
		}
		t, loc, err := parseDateLine(l, f.Location)
		if err != nil {
			return &FactError{Fact: FactDate, Line: n, Err: err}
		}
		utc := t.UTC()
		f.Collected = &utc
		if f.Location == nil || (f.Location == time.UTC && loc != time.UTC) {
			f.Location = loc
		}
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// isoLayouts are the ISO 8601 forms date prints.
var isoLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05,999999999Z07:00", // date --iso-8601=ns
	"2006-01-02 15:04:05Z07:00",           // date --rfc-3339=seconds
	"2006-01-02 15:04:05.999999999Z07:00", // date --rfc-3339=ns
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
}

// parseDateLine reads one date line; hint is a location already known for
// the host, used to place an abbreviation the built-in table lacks.
func parseDateLine(s string, hint *time.Location) (time.Time, *time.Location, error) {
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			_, off := t.Zone()
			if off == 0 {
				return t, time.UTC, nil
			}
			return t, time.FixedZone("", off), nil
		}
	}
	w, err := dateWords(s)
	if err != nil {
		return time.Time{}, nil, err
	}
	return w.resolve(hint)
}

// wallDate is a date line cut into its parts, before its zone is placed.
type wallDate struct {
	year, day, hour, min, sec, nsec int
	month                           time.Month
	zone                            string
	pm, am                          bool
}

// dateWords reads "Fri Nov 27 11:44:16 CET 2026" (any order of the C
// locale and RFC 2822 forms, with an optional AM/PM).
func dateWords(s string) (wallDate, error) {
	var w wallDate
	clock := false
	for _, tok := range strings.Fields(s) {
		tok = strings.TrimSuffix(tok, ",")
		switch {
		case w.month == 0 && monthOf(tok) != 0:
			w.month = monthOf(tok)
		case isWeekday(tok):
		case !clock && strings.Count(tok, ":") == 2:
			if err := w.setClock(tok); err != nil {
				return w, err
			}
			clock = true
		case len(tok) == 4 && allDigits(tok):
			w.year, _ = strconv.Atoi(tok)
		case len(tok) <= 2 && allDigits(tok) && w.day == 0:
			w.day, _ = strconv.Atoi(tok)
		case tok == "AM" || tok == "PM":
			w.am, w.pm = tok == "AM", tok == "PM"
		case w.zone == "":
			w.zone = tok
		default:
			return w, fmt.Errorf("%q is not a date: unexpected %q", s, tok)
		}
	}
	if w.month == 0 || w.day == 0 || w.year == 0 || !clock {
		return w, fmt.Errorf("%q is not a date", s)
	}
	if w.zone == "" {
		return w, fmt.Errorf("%q has no time zone", s)
	}
	return w, nil
}

// setClock reads "11:44:16" or "11:44:16.123".
func (w *wallDate) setClock(tok string) error {
	t, err := time.Parse("15:04:05.999999999", tok)
	if err != nil {
		return fmt.Errorf("%q is not a time of day", tok)
	}
	w.hour, w.min, w.sec, w.nsec = t.Hour(), t.Minute(), t.Second(), t.Nanosecond()
	return nil
}

// resolve places the wall time in its zone.
func (w wallDate) resolve(hint *time.Location) (time.Time, *time.Location, error) {
	h := w.hour
	switch {
	case w.pm && h < 12:
		h += 12
	case w.am && h == 12:
		h = 0
	}
	if loc, ok := abbrevLocation(w.zone); ok {
		return time.Date(w.year, w.month, w.day, h, w.min, w.sec, w.nsec, loc), loc, nil
	}
	if hint != nil {
		t := time.Date(w.year, w.month, w.day, h, w.min, w.sec, w.nsec, hint)
		if name, _ := t.Zone(); name == w.zone {
			return t, hint, nil
		}
	}
	return time.Time{}, nil, fmt.Errorf("%w %q", ErrUnknownZone, w.zone)
}

// monthOf reads an English month name or its three-letter abbreviation.
func monthOf(s string) time.Month {
	if len(s) < 3 {
		return 0
	}
	for m := time.January; m <= time.December; m++ {
		name := m.String()
		if strings.EqualFold(s, name) || strings.EqualFold(s, name[:3]) {
			return m
		}
	}
	return 0
}

func isWeekday(s string) bool {
	if len(s) < 3 {
		return false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := d.String()
		if strings.EqualFold(s, name) || strings.EqualFold(s, name[:3]) {
			return true
		}
	}
	return false
}

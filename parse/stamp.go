package parse

import "time"

// Stamp is a wall-clock reading as a log printed it, before the host's zone
// and, for syslog and klog stamps, the year are known. Resolve turns it into
// an instant once they are.
type Stamp struct {
	// T holds the printed fields. For a zoned stamp it is the instant, in
	// UTC; otherwise its location is a placeholder and, with NoYear, its
	// year is 0.
	T      time.Time
	Zoned  bool // the stamp carried its zone or offset (ISO 8601, RFC 5424, journal)
	NoYear bool // the year was not printed (RFC 3164, journalctl short, klog)
}

// Clock is what turns stamps into instants for one host: the zone of
// stamps that print none, the year of stamps that print none (or the
// collection date it is inferred from), and the boot time that turns
// monotonic stamps into wall-clock time. Zero fields are unknown.
type Clock struct {
	Location  *time.Location
	Year      int        // overrides Collected for year-less stamps
	Collected *time.Time // when the logs were collected
	BootTime  *time.Time // proc/stat btime
}

func (c Clock) location() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// Resolve returns the instant of s under c, and false when the year is
// unknown. A year inferred from the collection date is the collection's
// year, or the one before when that would put the stamp in the future.
func (s Stamp) Resolve(c Clock) (time.Time, bool) {
	if s.Zoned {
		return s.T, true
	}
	year := s.T.Year()
	if s.NoYear {
		switch {
		case c.Year != 0:
			year = c.Year
		case c.Collected != nil:
			year = c.Collected.Year()
			if at(s.T, year, c.location()).After(c.Collected.Add(48 * time.Hour)) {
				year--
			}
		default:
			return time.Time{}, false
		}
	}
	return at(s.T, year, c.location()), true
}

// at places the printed fields of t in the given year and zone.
func at(t time.Time, year int, loc *time.Location) time.Time {
	return time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UTC()
}

func zoned(t time.Time) *Stamp { return &Stamp{T: t.UTC(), Zoned: true} }

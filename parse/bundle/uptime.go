package bundle

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseUptime reads the output of uptime (" 11:44:16 up 12 days,  3:04,  2
// users,  load average: …", "up 3 min", uptime -p's "up 2 weeks, 3 days,
// 4 hours, 5 minutes") or /proc/uptime ("350735.47 234388.90") into Uptime.
// uptime's own output is only good to the minute.
func parseUptime(data []byte, f *HostFacts) error {
	err := eachLine(data, func(n int, l string) error {
		if l == "" {
			return nil
		}
		d, err := uptimeLine(l)
		if err != nil {
			return &FactError{Fact: FactUptime, Line: n, Err: err}
		}
		f.Uptime = &d
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// uptimeLine reads one line of uptime or /proc/uptime.
func uptimeLine(l string) (time.Duration, error) {
	if fields := strings.Fields(l); len(fields) == 2 {
		if s, err := strconv.ParseFloat(fields[0], 64); err == nil && s >= 0 && s < 1e10 {
			return time.Duration(s * float64(time.Second)).Round(10 * time.Millisecond), nil
		}
	}
	i := strings.Index(l, "up ")
	if i < 0 || (i > 0 && l[i-1] != ' ') {
		return 0, fmt.Errorf("%q is not uptime output", l)
	}
	var total time.Duration
	found := false
	for _, part := range strings.Split(l[i+3:], ",") {
		part = strings.TrimSpace(part)
		if strings.Contains(part, "user") || strings.HasPrefix(part, "load average") || part == "" {
			break
		}
		d, err := uptimePart(part)
		if err != nil {
			return 0, err
		}
		total, found = total+d, true
	}
	if !found {
		return 0, fmt.Errorf("%q gives no uptime", l)
	}
	return total, nil
}

// uptimeUnits are the units uptime and uptime -p print.
var uptimeUnits = [...]struct {
	prefix string
	d      time.Duration
}{
	{"year", 365 * 24 * time.Hour}, {"week", 7 * 24 * time.Hour}, {"day", 24 * time.Hour},
	{"hour", time.Hour}, {"hr", time.Hour}, {"min", time.Minute}, {"sec", time.Second},
}

// uptimePart reads "12 days", "3:04" or "5 min".
func uptimePart(p string) (time.Duration, error) {
	if h, m, ok := strings.Cut(p, ":"); ok {
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
			return 0, fmt.Errorf("%q is not hours:minutes", p)
		}
		return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
	}
	fields := strings.Fields(p)
	if len(fields) == 2 {
		n, err := strconv.Atoi(fields[0])
		for _, u := range uptimeUnits {
			if err == nil && n >= 0 && strings.HasPrefix(fields[1], u.prefix) {
				return time.Duration(n) * u.d, nil
			}
		}
	}
	return 0, fmt.Errorf("%q is not an uptime part", p)
}

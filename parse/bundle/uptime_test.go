package bundle

import (
	"testing"
	"time"
)

func TestUptime(t *testing.T) {
	const day = 24 * time.Hour
	cases := map[string]time.Duration{
		" 11:44:16 up 12 days,  3:04,  2 users,  load average: 0.00, 0.01, 0.05": 12*day + 3*time.Hour + 4*time.Minute,
		" 11:44:16 up 3 min,  1 user,  load average: 0.52, 0.58, 0.59":           3 * time.Minute,
		" 11:44:16 up 1 day, 5 min,  0 users,  load average: 1.00, 1.00, 1.00":   day + 5*time.Minute,
		" 11:44:16 up  3:04,  load average: 0.00, 0.00, 0.00":                    3*time.Hour + 4*time.Minute,
		"up 2 weeks, 3 days, 4 hours, 5 minutes":                                 17*day + 4*time.Hour + 5*time.Minute,
		"up 1 year, 2 weeks":                                                     379 * day,
		"1237.90 4512.33\n":                                                      1237900 * time.Millisecond,
	}
	for in, want := range cases {
		var f HostFacts
		mustRead(t, FactUptime, in, &f)
		if f.Uptime == nil || *f.Uptime != want {
			t.Errorf("%q: Uptime = %v, want %v", in, f.Uptime, want)
		}
	}
}

func TestUptimeBad(t *testing.T) {
	for _, in := range []string{"11:44:16 up\n", "no uptime here\n", " 11:44:16 up forever, 1 user\n", "up 3:99, 1 user\n", "backup 3 days\n"} {
		var f HostFacts
		wantFactError(t, ReadFact(FactUptime, stringReader(in), &f), FactUptime, 1)
	}
}

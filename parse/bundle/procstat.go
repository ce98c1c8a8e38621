package bundle

import (
	"strconv"
	"strings"
	"time"
)

// parseProcStat reads /proc/stat's "btime <seconds since the epoch>" line,
// the boot time that turns dmesg's seconds-since-boot stamps into wall time.
func parseProcStat(data []byte, f *HostFacts) error {
	return eachLine(data, func(n int, l string) error {
		v, ok := strings.CutPrefix(l, "btime")
		if !ok || (v != "" && v[0] != ' ' && v[0] != '\t') {
			return nil
		}
		v = strings.TrimSpace(v)
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil || sec <= 0 {
			return factErr(FactProcStat, n, "btime %q is not a positive number of seconds", v)
		}
		t := time.Unix(sec, 0).UTC()
		f.BootTime = &t
		return nil
	})
}

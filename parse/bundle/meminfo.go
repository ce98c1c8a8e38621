package bundle

import (
	"math"
	"strconv"
	"strings"
)

// parseMeminfo reads /proc/meminfo's "MemTotal:  16318252 kB" line.
func parseMeminfo(data []byte, f *HostFacts) error {
	return eachLine(data, func(n int, l string) error {
		key, rest, ok := strings.Cut(l, ":")
		if !ok || key != "MemTotal" {
			return nil
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return factErr(FactMeminfo, n, "MemTotal %q is not \"<number> kB\"", strings.TrimSpace(rest))
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || kb < 0 || kb > math.MaxInt64/1024 {
			return factErr(FactMeminfo, n, "MemTotal %q is not a number of kB", fields[0])
		}
		b := kb * 1024
		f.MemTotalBytes = &b
		return nil
	})
}

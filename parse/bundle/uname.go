package bundle

import (
	"errors"
	"strings"
)

// parseUname reads "uname -a" ("Linux worker-3 5.15.0-1051-azure #59-Ubuntu
// SMP … x86_64 GNU/Linux": host name and kernel release), "uname -r" (the
// release alone) or /proc/version ("Linux version 5.15.0-1051-azure (…) …").
func parseUname(data []byte, f *HostFacts) error {
	err := eachLine(data, func(n int, l string) error {
		if l == "" {
			return nil
		}
		if err := unameLine(n, l, f); err != nil {
			return err
		}
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// unameLine reads the first non-blank line, line n.
func unameLine(n int, l string, f *HostFacts) error {
	if rest, ok := strings.CutPrefix(l, "Linux version "); ok {
		rel, _, _ := strings.Cut(rest, " ")
		if !isRelease(rel) {
			return factErr(FactUname, n, "%q is not a kernel release", rel)
		}
		f.KernelRelease = rel
		return nil
	}
	fields := strings.Fields(l)
	switch {
	case len(fields) == 1 && isRelease(fields[0]):
		f.KernelRelease = fields[0]
	case len(fields) >= 3 && isRelease(fields[2]) && hostnameLine([]byte(fields[1])):
		setHostname(f, fields[1])
		f.KernelRelease = fields[2]
	default:
		return factErr(FactUname, n, "%q is not uname -a output", l)
	}
	return nil
}

// isRelease reports whether s looks like a kernel release ("5.15.0-1051-azure").
func isRelease(s string) bool {
	return len(s) >= 3 && isDigit(s[0]) && strings.IndexByte(s, '.') > 0
}

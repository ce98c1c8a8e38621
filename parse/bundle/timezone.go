package bundle

import (
	"errors"
)

// parseTimezone reads etc/timezone ("Europe/Berlin"), Debian's record of the
// host's zone. The zone replaces a location read before, like timedatectl's;
// without a time zone database to load it from, nothing is set.
func parseTimezone(data []byte, f *HostFacts) error {
	err := eachLine(data, func(n int, l string) error {
		if l == "" || l[0] == '#' {
			return nil
		}
		if !zoneNameLine([]byte(l)) {
			return factErr(FactTimezone, n, "%q is not a time zone name", l)
		}
		if loc := namedLocation(l); loc != nil {
			f.Location = loc
		}
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

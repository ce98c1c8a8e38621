package parse

import (
	"strings"
	"time"

	kmsgparser "github.com/euank/go-kmsg-parser/kmsgparser"
)

// RecordsFromKmsg converts a message read live from /dev/kmsg by
// github.com/euank/go-kmsg-parser into Records for the same Assembler that
// reads files. bootTime is the instant the kernel booted; the parser's
// Timestamp is bootTime plus the record's monotonic stamp, so the
// difference gives the boot seconds that offline carriers print. A
// multi-line message gives one Record per line.
func RecordsFromKmsg(m kmsgparser.Message, bootTime time.Time, src Source, emit func(Record)) {
	boot := m.Timestamp.Sub(bootTime).Seconds()
	wall := zoned(m.Timestamp)
	for _, line := range strings.Split(unescapeKmsg(m.Message), "\n") {
		emit(Record{
			Text:     strings.TrimRight(line, " \t"),
			Format:   FormatKmsg,
			Source:   src,
			Boot:     ptrFloat(boot),
			Wall:     wall,
			Priority: m.Priority,
			Kernel:   isKernelFacility(m.Priority),
		})
	}
}

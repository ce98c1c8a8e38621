package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"
)

// HostFacts is what a bundle says about the host it came from. Nil pointers
// and empty strings are unknown.
type HostFacts struct {
	Hostname      string // the short name when both it and the FQDN are read
	KernelRelease string
	BootTime      *time.Time     // from proc/stat btime (UTC)
	Collected     *time.Time     // when the bundle was made (UTC): date output, sos manifest, timedatectl
	Location      *time.Location // the host's time zone; a time.FixedZone when only an offset or abbreviation is known
	MemTotalBytes *int64         // proc/meminfo MemTotal
	// Truncated lists member paths, relative to the report root, that the sos
	// manifest marks truncated: the sos_strings/….tailed file and the
	// sos_commands/… link to it (sorted, no duplicates).
	Truncated []string
	Uptime    *time.Duration // how long the host had been up when the bundle was made (uptime, proc/uptime)
	OS        string         // os-release PRETTY_NAME, else NAME and VERSION_ID
}

// Merge fills the unset fields of f from g; f wins where both are set.
func (f *HostFacts) Merge(g HostFacts) {
	if f.Hostname == "" {
		f.Hostname = g.Hostname
	}
	if f.KernelRelease == "" {
		f.KernelRelease = g.KernelRelease
	}
	if f.BootTime == nil {
		f.BootTime = g.BootTime
	}
	if f.Collected == nil {
		f.Collected = g.Collected
	}
	if f.Location == nil {
		f.Location = g.Location
	}
	if f.MemTotalBytes == nil {
		f.MemTotalBytes = g.MemTotalBytes
	}
	if len(f.Truncated) == 0 && len(g.Truncated) > 0 {
		f.Truncated = append([]string(nil), g.Truncated...)
	}
	if f.Uptime == nil {
		f.Uptime = g.Uptime
	}
	if f.OS == "" {
		f.OS = g.OS
	}
}

// maxFactBytes is how much of a fact file ReadFact reads.
const maxFactBytes = 4 << 20

// ErrUnknownZone is wrapped by the errors ReadFact returns when a date names
// a time zone abbreviation it cannot place (CST is US Central or China).
var ErrUnknownZone = errors.New("unknown time zone abbreviation")

// FactError is a fact file ReadFact could not read.
type FactError struct {
	Fact Fact
	Line int // 1-based; 0 when the error is not about one line
	Err  error
}

// Error says which fact file, where and what: "meminfo: line 1: …".
func (e *FactError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %v", e.Fact, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Fact, e.Err)
}

// Unwrap returns the underlying error.
func (e *FactError) Unwrap() error { return e.Err }

func factErr(fact Fact, line int, format string, args ...any) error {
	return &FactError{Fact: fact, Line: line, Err: fmt.Errorf(format, args...)}
}

// factParsers parse one fact file's bytes into f.
var factParsers = map[Fact]func(data []byte, f *HostFacts) error{
	FactProcStat:    parseProcStat,
	FactMeminfo:     parseMeminfo,
	FactHostname:    parseHostname,
	FactUname:       parseUname,
	FactDate:        parseDate,
	FactTimedatectl: parseTimedatectl,
	FactSosManifest: parseSosManifest,
	FactUptime:      parseUptime,
	FactOSRelease:   parseOSRelease,
	FactTimezone:    parseTimezone,
	FactHostOSInfo:  parseHostOSInfo,
}

// ReadFact parses one host fact file of the given Fact into f; fields the
// file does not carry are left alone. It reads r to the end or up to 4 MiB,
// whichever comes first (a line cut by that limit is ignored). Bad input
// gives a *FactError naming the fact and the line. A file that lacks a
// field (a proc/stat without btime) is not an error.
func ReadFact(fact Fact, r io.Reader, f *HostFacts) error {
	parse, ok := factParsers[fact]
	if !ok {
		return fmt.Errorf("bundle: no parser for fact %q", fact)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFactBytes+1))
	if err != nil {
		return &FactError{Fact: fact, Err: err}
	}
	if len(data) > maxFactBytes {
		data = data[:maxFactBytes]
		if fact == FactSosManifest || fact == FactHostOSInfo {
			return factErr(fact, 0, "file is larger than %d bytes", maxFactBytes)
		}
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			data = data[:i+1]
		}
	}
	return parse(data, f)
}

// eachLine calls fn with each line of data and its 1-based number, without
// the line end and surrounding blanks, until fn returns an error.
func eachLine(data []byte, fn func(n int, line string) error) error {
	for n := 1; len(data) > 0; n++ {
		var l []byte
		l, data = nextLine(data)
		if err := fn(n, string(bytes.TrimSpace(l))); err != nil {
			return err
		}
	}
	return nil
}

// sortedUnion returns the sorted union of a and b without duplicates.
func sortedUnion(a, b []string) []string {
	out := append(append([]string(nil), a...), b...)
	sort.Strings(out)
	w := 0
	for i, s := range out {
		if i == 0 || s != out[w-1] {
			out[w] = s
			w++
		}
	}
	return out[:w]
}

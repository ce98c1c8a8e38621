// Package parse turns the bytes that support engineers are handed into typed
// records: one kernel (or other program's) log message per Record, whatever
// carrier brought it (dmesg, /dev/kmsg, syslog, journald), and OOM-killer dumps
// assembled from those records.
//
// Data flows one way: a LineReader splits an input into lines, a Decoder strips
// each line's carrier and yields Records, and an Assembler turns the kernel
// Records into Dumps. The live /dev/kmsg reader (RecordFromKmsg) produces the
// same Record type, so offline files and a running node share one assembler.
package parse

// Format names the carrier a line arrived in.
type Format string

// The carriers that Decoder recognises. FormatRaw is kernel text with no
// wrapper at all (a paste, or kmsg text with its prefix stripped).
const (
	FormatRaw          Format = "raw"
	FormatDmesg        Format = "dmesg"
	FormatDmesgRaw     Format = "dmesg-raw" // dmesg -r: <level>[stamp]
	FormatDmesgX       Format = "dmesg-x"   // dmesg -x: facility:level:
	FormatDmesgT       Format = "dmesg-T"   // dmesg -T: [Fri Nov 27 11:44:16 2026]
	FormatDmesgISO     Format = "dmesg-iso" // dmesg --time-format iso
	FormatKmsg         Format = "kmsg"      // /dev/kmsg records
	FormatSyslog       Format = "syslog"    // RFC 3164, rsyslog RFC 3339, journalctl short*
	FormatSyslog5424   Format = "syslog-rfc5424"
	FormatJournalMono  Format = "journal-short-monotonic"
	FormatJournalJSON  Format = "journal-json"
	FormatKlog         Format = "klog" // a kubelet-style klog line outside any wrapper
	FormatJSON         Format = "json" // a JSON log line that is not a journal record
	FormatContinuation Format = "continuation"
)

// Source is a place in an input: the path as shown to the user and a 1-based
// line number.
type Source struct {
	Path string `json:"path"`
	Line int    `json:"line"`
}

// Record is one log message after its carrier has been removed.
//
// Optional values are pointers or zero-valued strings: a dmesg line has no
// host, a raw paste has no stamps at all. Kernel is true when the message is
// known or presumed to come from the kernel: the syslog/journal tag is
// "kernel", the carrier is a kernel-only one (dmesg, kmsg), or the line had no
// wrapper. Only kernel records feed the OOM assembler.
type Record struct {
	Text   string
	Format Format
	Source Source

	// Boot is the kernel's monotonic stamp in seconds since boot, when printed.
	Boot *float64
	// Wall is the wall-clock stamp as printed, when the carrier prints one.
	Wall *Stamp
	// Priority is the syslog priority (facility*8+level) or -1 when unknown.
	Priority int
	Host     string
	BootID   string
	Tag      string
	Kernel   bool
	// Continuation marks a line that carried no wrapper inside a file whose
	// other lines had one: the tail of a multi-line record or a hard wrap.
	Continuation bool
}

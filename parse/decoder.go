package parse

import (
	"sort"
	"strings"
)

// Decoder strips the carrier from each line of one input and yields Records.
// It detects the carrier per line, by content, so one file may mix dmesg,
// /dev/kmsg, syslog and journal lines. A Decoder keeps a little state between
// lines (the previous wrapped record, for continuation lines), so use one
// Decoder per input.
type Decoder struct {
	path string

	prev     Record // last record that had a wrapper
	havePrev bool
	prevKmsg bool
	// syslogMode is set once a line was unambiguously syslog-shaped, so that
	// later "[stamp] word word: …" lines are read as host and tag too.
	syslogMode bool

	counts map[Format]int
}

// NewDecoder returns a Decoder for the input named path.
func NewDecoder(path string) *Decoder {
	return &Decoder{path: path, counts: map[Format]int{}}
}

// Formats lists the carriers seen so far, most frequent first.
func (d *Decoder) Formats() []Format {
	fs := make([]Format, 0, len(d.counts))
	for f := range d.counts {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool {
		if d.counts[fs[i]] != d.counts[fs[j]] {
			return d.counts[fs[i]] > d.counts[fs[j]]
		}
		return fs[i] < fs[j]
	})
	return fs
}

// Decode turns one line into zero or more Records (a multi-line /dev/kmsg,
// journal or rsyslog record gives several) and passes them to emit. It
// returns an error only for a line that claims a format and breaks it (a
// malformed journal JSON object); the line is then skipped.
func (d *Decoder) Decode(line []byte, lineNo int, emit func(Record)) error {
	s := strings.TrimRight(string(line), " \t\r")
	if strings.IndexByte(s, 0x1b) >= 0 {
		s = stripANSI(s) // dmesg --color=always, captured through script(1)
	}
	s = cutMailQuote(s)
	if s == "" {
		return nil
	}
	src := Source{Path: d.path, Line: lineNo}
	rec, ok, err := d.decodeWrapped(s, src)
	if err != nil {
		return err
	}
	if !ok {
		if d.prevKmsg && isKmsgDictLine(s) {
			return nil
		}
		rec = d.unwrapped(s, src)
	} else {
		d.prev, d.havePrev = rec, true
		d.prevKmsg = rec.Format == FormatKmsg
	}
	if !rec.Continuation {
		d.counts[rec.Format]++
	}
	d.emitLines(rec, emit)
	return nil
}

// emitLines splits a record whose text holds several lines.
func (d *Decoder) emitLines(rec Record, emit func(Record)) {
	var parts []string
	switch {
	case strings.IndexByte(rec.Text, '\n') >= 0:
		parts = strings.Split(rec.Text, "\n")
	case rec.Format == FormatSyslog || rec.Format == FormatSyslog5424:
		parts = splitRsyslogEscapes(rec.Text)
	}
	if parts == nil {
		emit(rec)
		return
	}
	for _, p := range parts {
		r := rec
		r.Text = strings.TrimRight(p, " \t\r")
		emit(r)
	}
}

// unwrapped makes a record of a line without a recognised wrapper: the tail
// of the previous record (continuation lines, hard wraps) when the file has
// wrapped lines, raw kernel text otherwise.
func (d *Decoder) unwrapped(s string, src Source) Record {
	if d.havePrev {
		r := d.prev
		r.Text = strings.TrimLeft(s, " \t")
		r.Source = src
		r.Format = FormatContinuation
		r.Continuation = true
		return r
	}
	return Record{Text: s, Format: FormatRaw, Source: src, Priority: -1, Kernel: true}
}

func (d *Decoder) decodeWrapped(s string, src Source) (Record, bool, error) {
	rec := Record{Source: src, Priority: -1}
	switch c := s[0]; {
	case c == '{':
		return d.journalJSON(s, rec)
	case c == '<':
		return d.levelPrefixed(s, rec)
	case c == '[':
		return d.bracketed(s, rec)
	case c >= '0' && c <= '9':
		return d.digitLed(s, rec)
	case c == ' ' || c == '\t':
		return rec, false, nil
	default:
		return d.wordLed(s, rec)
	}
}

func (d *Decoder) journalJSON(s string, rec Record) (Record, bool, error) {
	if !strings.Contains(s, `"MESSAGE"`) && !strings.Contains(s, `"__REALTIME_TIMESTAMP"`) {
		// Another program's JSON log line (kubelet --logging-format=json).
		rec.Format, rec.Text = FormatJSON, s
		return rec, true, nil
	}
	e, msg, err := decodeJournalJSON([]byte(s))
	if err != nil {
		return rec, false, err
	}
	rec.Format = FormatJournalJSON
	rec.Text = msg
	rec.Wall = e.realtime()
	rec.Host = e.Hostname
	rec.BootID = e.BootID
	rec.Tag = e.Identifier
	rec.Priority = e.priority()
	rec.Kernel = e.kernel()
	if rec.Kernel {
		rec.Boot = e.boot()
		if b, rest, ok := cutBootStamp(rec.Text); ok && rec.Boot == nil {
			rec.Boot, rec.Text = ptrFloat(b), rest
		}
	}
	return rec, true, nil
}

// levelPrefixed reads "<4>[ 1.0] msg" (dmesg -r) and "<4>1 …" (RFC 5424).
func (d *Decoder) levelPrefixed(s string, rec Record) (Record, bool, error) {
	if pri, t, h, ok := cutRFC5424(s); ok {
		rec.Format, rec.Priority, rec.Wall = FormatSyslog5424, pri, t
		d.setSyslog(&rec, h)
		return rec, true, nil
	}
	pri, rest, ok := cutLevelPrefix(s)
	if !ok {
		return rec, false, nil
	}
	rec.Format, rec.Priority, rec.Kernel = FormatDmesgRaw, pri, isKernelFacility(pri)
	if b, r, ok := cutBootStamp(rest); ok {
		rec.Boot, rest = ptrFloat(b), r
	}
	rec.Text = rest
	return rec, true, nil
}

// bracketed reads "[ 1.0] msg" (dmesg), "[ 1.0] host kernel: msg"
// (journalctl short-monotonic) and "[Fri Nov 27 …] msg" (dmesg -T).
func (d *Decoder) bracketed(s string, rec Record) (Record, bool, error) {
	if b, rest, ok := cutBootStamp(s); ok {
		rec.Boot = ptrFloat(b)
		if h, ok := cutHostTag(rest); ok && d.looksSyslog(h) {
			rec.Format = FormatJournalMono
			d.setSyslog(&rec, h)
			return rec, true, nil
		}
		rec.Format, rec.Text, rec.Kernel = FormatDmesg, rest, true
		return rec, true, nil
	}
	if t, rest, ok := cutDmesgT(s); ok {
		rec.Format, rec.Wall, rec.Text, rec.Kernel = FormatDmesgT, t, rest, true
		return rec, true, nil
	}
	return rec, false, nil
}

// digitLed reads /dev/kmsg records and ISO-stamped lines (dmesg
// --time-format iso, rsyslog RFC 3339, journalctl short-iso).
func (d *Decoder) digitLed(s string, rec Record) (Record, bool, error) {
	if h, rest, ok := cutKmsgHeader(s); ok {
		rec.Format, rec.Priority, rec.Kernel = FormatKmsg, h.priority, isKernelFacility(h.priority)
		rec.Boot = ptrFloat(float64(h.usec) / 1e6)
		rec.Text = unescapeKmsg(rest)
		return rec, true, nil
	}
	if t, rest, ok := cutUnixStamp(s); ok {
		// journalctl -o short-unix: "1795779856.900760 host kernel: msg".
		if h, ok := cutHostTag(rest); ok && d.looksSyslog(h) {
			rec.Format, rec.Wall = FormatSyslog, zoned(t)
			d.setSyslog(&rec, h)
			return rec, true, nil
		}
	}
	t, rest, ok := cutISOStamp(s)
	if !ok {
		return rec, false, nil
	}
	rec.Wall = zoned(t)
	// dmesg writes a comma before the fraction; syslog daemons a dot.
	if !strings.Contains(s[:strings.IndexByte(s, ' ')], ",") {
		if h, ok := cutHostTag(rest); ok && d.looksSyslog(h) {
			rec.Format = FormatSyslog
			d.setSyslog(&rec, h)
			return rec, true, nil
		}
	}
	rec.Format, rec.Text, rec.Kernel = FormatDmesgISO, rest, true
	return rec, true, nil
}

// wordLed reads dmesg -x, RFC 3164 syslog and journalctl short lines, and
// recognises bare klog lines (which are never kernel records).
func (d *Decoder) wordLed(s string, rec Record) (Record, bool, error) {
	if pri, rest, ok := cutFacilityLevel(s); ok {
		rec.Format, rec.Priority, rec.Kernel = FormatDmesgX, pri, isKernelFacility(pri)
		if b, r, ok := cutBootStamp(rest); ok {
			rec.Boot, rest = ptrFloat(b), r
		} else if t, r, ok := cutDmesgT(rest); ok {
			rec.Wall, rest = t, r
		}
		rec.Text = rest
		return rec, true, nil
	}
	if t, rest, ok := cutShortFullStamp(s); ok {
		// journalctl -o short-full: "Fri 2026-11-27 11:44:16 UTC host kernel: msg".
		if h, ok := cutHostTag(rest); ok {
			rec.Format, rec.Wall = FormatSyslog, t
			d.syslogMode = true
			d.setSyslog(&rec, h)
			return rec, true, nil
		}
	}
	if t, rest, ok := cutRFC3164Stamp(s); ok {
		if h, ok := cutHostTag(rest); ok {
			rec.Format, rec.Wall = FormatSyslog, t
			d.syslogMode = true
			d.setSyslog(&rec, h)
			return rec, true, nil
		}
	}
	if isKlogHeader(s) {
		rec.Format, rec.Text = FormatKlog, s
		return rec, true, nil
	}
	return rec, false, nil
}

// looksSyslog decides whether "word word: …" after a stamp is a host and a
// tag or just kernel text ("Hardware name: …", "Call Trace:").
func (d *Decoder) looksSyslog(h syslogHead) bool {
	return h.kernel() || h.pid || d.syslogMode
}

// setSyslog fills rec from a syslog head; for kernel messages it also takes
// the "[seconds]" stamp klogd and rsyslog keep at the start of the message.
func (d *Decoder) setSyslog(rec *Record, h syslogHead) {
	if h.kernel() || h.pid {
		d.syslogMode = true
	}
	rec.Host, rec.Tag, rec.Text, rec.Kernel = h.host, h.tag, h.msg, h.kernel()
	if rec.Kernel {
		if b, rest, ok := cutBootStamp(rec.Text); ok {
			rec.Boot, rec.Text = ptrFloat(b), rest
		}
	}
}

// isKlogHeader reports a klog line: "I1127 11:44:16.123456    1234 file.go:12] …".
func isKlogHeader(s string) bool {
	return len(s) > 22 && strings.IndexByte("IWEF", s[0]) >= 0 && allDigits(s[1:5]) &&
		s[5] == ' ' && s[8] == ':' && s[11] == ':'
}

// stripANSI removes terminal escape sequences (CSI "ESC [ … letter").
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && !(s[j] >= '@' && s[j] <= '~') {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cutMailQuote removes e-mail quoting: "> ", ">> ", "> > ".
func cutMailQuote(s string) string {
	for len(s) > 0 && s[0] == '>' {
		s = strings.TrimPrefix(s[1:], " ")
	}
	return s
}

package parse

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// journalEntry is the part of a `journalctl -o json` record oomtriage reads.
// journald writes every field as a string, except MESSAGE, which is an array
// of byte values when the text is not valid UTF-8 (and null when too large).
type journalEntry struct {
	Message         json.RawMessage `json:"MESSAGE"`
	Realtime        string          `json:"__REALTIME_TIMESTAMP"`
	SourceMonotonic string          `json:"_SOURCE_MONOTONIC_TIMESTAMP"`
	Hostname        string          `json:"_HOSTNAME"`
	BootID          string          `json:"_BOOT_ID"`
	Transport       string          `json:"_TRANSPORT"`
	Identifier      string          `json:"SYSLOG_IDENTIFIER"`
	Priority        string          `json:"PRIORITY"`
	Facility        string          `json:"SYSLOG_FACILITY"`
}

// decodeJournalJSON parses one line of `journalctl -o json`.
func decodeJournalJSON(line []byte) (journalEntry, string, error) {
	var e journalEntry
	if err := json.Unmarshal(line, &e); err != nil {
		return e, "", fmt.Errorf("journal JSON: %w", err)
	}
	if e.Message == nil && e.Realtime == "" {
		return e, "", fmt.Errorf("journal JSON: no MESSAGE or __REALTIME_TIMESTAMP field")
	}
	msg, err := journalMessage(e.Message)
	return e, msg, err
}

func journalMessage(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var b []byte
	var nums []int
	if err := json.Unmarshal(raw, &nums); err != nil {
		return "", fmt.Errorf("journal JSON: MESSAGE is neither a string nor a byte array")
	}
	b = make([]byte, 0, len(nums))
	for _, n := range nums {
		b = append(b, byte(n))
	}
	return string(b), nil
}

// kernel reports whether the entry came in through the kernel transport.
func (e journalEntry) kernel() bool {
	return e.Transport == "kernel" || (e.Transport == "" && e.Identifier == "kernel")
}

func (e journalEntry) realtime() *Stamp {
	us, err := strconv.ParseInt(e.Realtime, 10, 64)
	if err != nil || us <= 0 {
		return nil
	}
	return zoned(time.UnixMicro(us))
}

// boot gives the kernel's own stamp of a kernel-transport message.
func (e journalEntry) boot() *float64 {
	us, err := strconv.ParseInt(e.SourceMonotonic, 10, 64)
	if err != nil || us < 0 {
		return nil
	}
	return ptrFloat(float64(us) / 1e6)
}

func (e journalEntry) priority() int {
	lvl, err := strconv.Atoi(e.Priority)
	if err != nil {
		return -1
	}
	fac, _ := strconv.Atoi(e.Facility)
	return fac*8 + lvl
}

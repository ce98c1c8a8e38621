package correlate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/oomtriage/oomtriage/parse"
)

// Collector gathers the incidents of a run. The same kill read from several
// inputs (dmesg, the journal and /var/log/messages of one node) becomes one
// incident that lists every source.
type Collector struct {
	byID     map[string]int
	list     []Incident
	ordinals map[string]int
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector {
	return &Collector{byID: map[string]int{}, ordinals: map[string]int{}}
}

// AddDump adds a dump read from the named input.
func (c *Collector) AddDump(input string, d *parse.Dump) {
	inc := FromDump(d)
	key := fmt.Sprintf("%s\x00%s\x00%s", d.Host, d.BootID, inc.fingerprint)
	// Identical dumps within one input (a memcg retrying with nothing to
	// kill) are told apart by their order of appearance.
	c.ordinals[input+"\x00"+key]++
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, c.ordinals[input+"\x00"+key])))
	inc.ID = hex.EncodeToString(sum[:8])
	if i, ok := c.byID[inc.ID]; ok {
		c.list[i] = merge(c.list[i], inc)
		return
	}
	c.byID[inc.ID] = len(c.list)
	c.list = append(c.list, inc)
}

// Incidents returns the incidents ordered by time, then host; incidents
// without a wall clock follow, ordered by host, boot stamp and source.
func (c *Collector) Incidents() []Incident {
	out := append([]Incident(nil), c.list...)
	sort.SliceStable(out, func(i, j int) bool { return less(&out[i], &out[j]) })
	return out
}

func less(a, b *Incident) bool {
	if (a.when == nil) != (b.when == nil) {
		return a.when != nil
	}
	if a.when != nil && !a.when.Equal(*b.when) {
		return a.when.Before(*b.when)
	}
	if ha, hb := strOr(a.Host), strOr(b.Host); ha != hb {
		return ha < hb
	}
	if a.BootSeconds != nil && b.BootSeconds != nil && *a.BootSeconds != *b.BootSeconds {
		return *a.BootSeconds < *b.BootSeconds
	}
	sa, sb := a.Sources[0], b.Sources[0]
	if sa.Path != sb.Path {
		return sa.Path < sb.Path
	}
	return sa.Line < sb.Line
}

// merge keeps the more complete copy of a kill and the sources of both.
func merge(a, b Incident) Incident {
	base, other := a, b
	if len(b.Missing) < len(a.Missing) || (len(b.Missing) == len(a.Missing) && len(b.Tasks) > len(a.Tasks)) {
		base, other = b, a
	}
	if base.Time == nil {
		base.Time, base.TimeSource, base.when = other.Time, other.TimeSource, other.when
	}
	if base.BootSeconds == nil {
		base.BootSeconds = other.BootSeconds
	}
	seen := map[Source]bool{}
	var srcs []Source
	for _, s := range append(append([]Source{}, a.Sources...), b.Sources...) {
		if !seen[s] {
			seen[s] = true
			srcs = append(srcs, s)
		}
	}
	base.Sources = srcs
	return base
}

func strOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

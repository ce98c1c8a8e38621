package bundle

import (
	"strings"
)

// parseOSRelease reads etc/os-release into OS: PRETTY_NAME, else NAME and
// VERSION_ID, else lsb-release's DISTRIB_DESCRIPTION. Lines that are not
// KEY=value are skipped, so "cat /etc/*release" (Rancher's osrelease, which
// mixes in redhat-release's prose line) reads too.
func parseOSRelease(data []byte, f *HostFacts) error {
	vals := map[string]string{}
	err := eachLine(data, func(n int, l string) error {
		key, raw, ok := strings.Cut(l, "=")
		if !ok || l[0] == '#' || !envKey(key) {
			return nil
		}
		v, ok := unquoteShell(raw)
		if !ok {
			return factErr(FactOSRelease, n, "%s has an unterminated quote", key)
		}
		if _, seen := vals[key]; !seen {
			vals[key] = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	name := vals["PRETTY_NAME"]
	if name == "" {
		name = strings.TrimSpace(vals["NAME"] + " " + vals["VERSION_ID"])
	}
	if name == "" {
		name = vals["DISTRIB_DESCRIPTION"]
	}
	if name != "" {
		f.OS = name
	}
	return nil
}

// envKey reports whether k is a shell variable name.
func envKey(k string) bool {
	if k == "" || isDigit(k[0]) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !isLetter(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

// unquoteShell undoes os-release quoting: "…" with \" \\ \$ \` escapes, '…'.
func unquoteShell(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" || (v[0] != '"' && v[0] != '\'') {
		return v, true
	}
	q := v[0]
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == q:
			return b.String(), true
		case q == '"' && c == '\\' && i+1 < len(v) && strings.IndexByte("\"\\$`", v[i+1]) >= 0:
			i++
			b.WriteByte(v[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

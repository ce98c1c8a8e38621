package bundle

import (
	"bytes"
	"errors"
	"strings"
)

// errStop ends an eachLine loop early without an error.
var errStop = errors.New("stop")

// parseHostname reads a host name: the output of hostname or hostname -f,
// etc/hostname, or hostnamectl status ("Static hostname: worker-3", falling
// back to "Transient hostname:" when the static one is unset).
func parseHostname(data []byte, f *HostFacts) error {
	if bytes.Contains(data, []byte("Static hostname:")) || bytes.Contains(data, []byte("Transient hostname:")) {
		return parseHostnamectl(data, f)
	}
	err := eachLine(data, func(n int, l string) error {
		if l == "" || l[0] == '#' {
			return nil
		}
		if !hostnameLine([]byte(l)) {
			return factErr(FactHostname, n, "%q is not a host name", l)
		}
		setHostname(f, l)
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// parseHostnamectl reads hostnamectl status.
func parseHostnamectl(data []byte, f *HostFacts) error {
	var static, transient string
	var line int
	_ = eachLine(data, func(n int, l string) error {
		key, val, ok := strings.Cut(l, ":")
		val = strings.TrimSpace(val)
		switch {
		case !ok:
		case key == "Static hostname" && val != "(unset)" && val != "n/a":
			static, line = val, n
		case key == "Transient hostname" && transient == "":
			transient = val
			if static == "" {
				line = n
			}
		}
		return nil
	})
	name := static
	if name == "" {
		name = transient
	}
	if name == "" {
		return nil
	}
	if !hostnameLine([]byte(name)) {
		return factErr(FactHostname, line, "%q is not a host name", name)
	}
	setHostname(f, name)
	return nil
}

// setHostname records a host name. Between a short name and the FQDN that
// extends it ("worker-3" and "worker-3.example.com", from hostname and
// hostname -f) the short one is kept, whatever the order they are read in.
func setHostname(f *HostFacts, name string) {
	if f.Hostname != "" && strings.HasPrefix(name, f.Hostname+".") {
		return
	}
	f.Hostname = name
}

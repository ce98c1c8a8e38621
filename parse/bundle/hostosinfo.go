package bundle

import (
	"encoding/json"
	"errors"
	"strings"
)

// hostOSInfo is troubleshoot's host-collectors/system/[<node>/]hostos_info.json
// (pkg/collect/host_os_info.go).
type hostOSInfo struct {
	Name            string `json:"name"` // the host name
	KernelVersion   string `json:"kernelVersion"`
	PlatformVersion string `json:"platformVersion"`
	Platform        string `json:"platform"`
}

// parseHostOSInfo reads a support bundle's hostos_info.json: host name,
// kernel release and OS.
func parseHostOSInfo(data []byte, f *HostFacts) error {
	var h hostOSInfo
	if err := json.Unmarshal(data, &h); err != nil {
		line := 0
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = lineAt(data, se.Offset)
		}
		return &FactError{Fact: FactHostOSInfo, Line: line, Err: err}
	}
	if h.Name != "" && hostnameLine([]byte(h.Name)) {
		setHostname(f, h.Name)
	}
	if isRelease(h.KernelVersion) {
		f.KernelRelease = h.KernelVersion
	}
	if h.Platform != "" {
		f.OS = strings.TrimSpace(h.Platform + " " + h.PlatformVersion)
	}
	return nil
}

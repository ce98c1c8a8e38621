// Package report writes the results of a run: the versioned JSON document
// (shared/spec/json-report-v1.md) and the reports people read. It only
// writes; it derives nothing.
package report

import "github.com/oomtriage/oomtriage/correlate"

// SchemaVersion is the version of the JSON contract this package writes.
const SchemaVersion = 1

// Report is the whole JSON document of one run.
type Report struct {
	SchemaVersion int                  `json:"schema_version"`
	Tool          Tool                 `json:"tool"`
	Inputs        []Input              `json:"inputs"`
	Hosts         []Host               `json:"hosts"`
	Skipped       []Skipped            `json:"skipped"`
	Incidents     []correlate.Incident `json:"incidents"`
	Pods          []correlate.Pod      `json:"pods"`
	KubeletEvents []correlate.Event    `json:"kubelet_events"`
	Warnings      []string             `json:"warnings"`
}

// Host is one host a bundle held, with what its fact files say and which
// kinds of input it had.
type Host struct {
	Key           string         `json:"key"`
	Name          *string        `json:"name"`
	Layout        string         `json:"layout"`
	KernelRelease *string        `json:"kernel_release"`
	BootTime      *string        `json:"boot_time"`
	Collected     *string        `json:"collected"`
	TimeZone      *string        `json:"time_zone"`
	MemTotalBytes *int64         `json:"mem_total_bytes"`
	Inputs        map[string]int `json:"inputs"`  // members read, by kind
	Missing       []string       `json:"missing"` // expected inputs the bundle lacks, e.g. "kernel log"
}

// Skipped counts the members of one input that hold nothing oomtriage reads.
type Skipped struct {
	Path    string `json:"path"`
	Members int    `json:"members"`
	Bytes   int64  `json:"bytes"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Input is one file read, after archives are opened.
type Input struct {
	Path      string   `json:"path"`
	Kind      string   `json:"kind"`
	Formats   []string `json:"formats"`
	Bytes     int64    `json:"bytes"`
	Lines     int      `json:"lines"`
	Truncated bool     `json:"truncated"`
	Incidents int      `json:"incidents"`
	Errors    []string `json:"errors"`
}

// New returns an empty report with every array present, so that consumers
// never meet a null where the contract promises a list.
func New(version string) *Report {
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "oomtriage", Version: version},
		Inputs:        []Input{},
		Hosts:         []Host{},
		Skipped:       []Skipped{},
		Incidents:     []correlate.Incident{},
		Pods:          []correlate.Pod{},
		KubeletEvents: []correlate.Event{},
		Warnings:      []string{},
	}
}

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
	Incidents     []correlate.Incident `json:"incidents"`
	Pods          []any                `json:"pods"`
	KubeletEvents []any                `json:"kubelet_events"`
	Warnings      []string             `json:"warnings"`
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
		Incidents:     []correlate.Incident{},
		Pods:          []any{},
		KubeletEvents: []any{},
		Warnings:      []string{},
	}
}

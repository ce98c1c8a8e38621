package main

import "time"

// watchCmd follows the running node's kernel ring buffer (Linux only; see
// watch_linux.go) and reports each OOM kill as soon as its dump is complete.
type watchCmd struct {
	Once    bool          `help:"Read the kernel ring buffer as it is now (up to the last record it held when watch started, or else until an --idle gap), report its OOM kills and exit, instead of following new messages."`
	FromEnd bool          `name:"from-end" help:"Start at the end of the ring buffer: report only the kills that happen from now on."`
	Output  string        `short:"o" enum:"text,jsonl" default:"text" help:"One line per incident: text, or jsonl (one JSON incident object per line, as in analyze -o json)."`
	Pods    []string      `placeholder:"FILE" help:"Pod YAML or JSON (kubectl get pods -o yaml|json, PodList, crictl inspectp, Node objects) naming the victims' pods and containers; repeatable."`
	Idle    time.Duration `default:"1s" help:"A gap without kernel messages this long closes the OOM report being read (and with --once ends the run)."`
}

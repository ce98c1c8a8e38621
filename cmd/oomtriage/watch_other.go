//go:build !linux

package main

import "errors"

// Run reports that watch needs Linux: it reads /dev/kmsg.
func (w *watchCmd) Run(e env) error {
	return &exitError{exitFailure, errors.New("watch reads the kernel ring buffer through /dev/kmsg and runs on Linux only; use analyze on a copy of the log")}
}

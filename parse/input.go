package parse

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// maxErrorsPerInput bounds the per-line errors kept for one input; the rest
// are counted.
const maxErrorsPerInput = 20

// InputStats describes one input after it was read.
type InputStats struct {
	Path    string
	Bytes   int64
	Lines   int
	Formats []Format // carriers seen, most frequent first
	Kernel  int      // kernel records
	Dumps   int      // OOM dumps assembled
	Events  int      // kubelet and runtime events found
	Errors  []string // what went wrong, with line numbers
	Notes   []string // what the log itself says is missing (rate limiting)
}

// Sink receives what a log input holds. A nil field is not wanted, and the
// work of finding it is skipped.
type Sink struct {
	Dump  func(*Dump)     // OOM-killer dumps from kernel records
	Event func(KubeEvent) // kubelet and container-runtime events from the other records
}

// ScanKernelLog reads one log input and passes each OOM dump to emit.
func ScanKernelLog(ctx context.Context, path string, r io.Reader, emit func(*Dump)) (InputStats, error) {
	return ScanLog(ctx, path, r, Sink{Dump: emit})
}

// ScanLog reads one log input line by line, decodes its carriers, and
// passes OOM dumps and kubelet or runtime events to sink, in input order.
// A full journal or /var/log/messages holds both. It holds at most one
// line and the dumps in progress in memory. A read error ends the input
// but keeps what was read: what was emitted stands, an open dump is
// flushed, and the error is returned with the stats.
func ScanLog(ctx context.Context, path string, r io.Reader, sink Sink) (InputStats, error) {
	st := InputStats{Path: path}
	dec := NewDecoder(path)
	var asm *Assembler
	if sink.Dump != nil {
		asm = NewAssembler(func(d *Dump) { st.Dumps++; sink.Dump(d) }, func(src Source, msg string) {
			if len(st.Notes) < maxErrorsPerInput {
				st.Notes = append(st.Notes, fmt.Sprintf("%s:%d: %s", src.Path, src.Line, msg))
			}
		})
	}
	intern := map[string]string{}
	onRecord := func(rec Record) {
		if rec.Kernel {
			st.Kernel++
			if asm != nil {
				asm.Add(rec)
			}
			if rec.Tag == "kernel" || kernelOnly(rec.Format) {
				return
			}
		}
		if sink.Event == nil {
			return
		}
		e, ok := KubeletEvent(rec)
		if !ok {
			e, ok = RuntimeEvent(rec)
		}
		if ok {
			st.Events++
			if len(intern) > 1<<16 {
				clear(intern) // bounded: a log of ever-new names does not grow it without end
			}
			e.detach(intern)
			sink.Event(e)
		}
	}
	lr := NewLineReader(r)
	readErr := scanLines(ctx, path, lr, dec, onRecord, &st)
	if asm != nil {
		asm.Flush()
	}
	st.Bytes, st.Lines, st.Formats = lr.Bytes(), lr.Lines(), dec.Formats()
	if msg := lr.LongLines(); msg != "" {
		st.addError(msg)
	}
	if readErr != nil {
		st.addError(readErr.Error())
	}
	return st, readErr
}

// kernelOnly reports the carriers that hold nothing but kernel messages, so
// their records need no kubelet or runtime parsing. (dmesg --time-format iso
// is not one: docker events print the same stamp.)
func kernelOnly(f Format) bool {
	switch f {
	case FormatDmesg, FormatDmesgRaw, FormatDmesgX, FormatDmesgT, FormatKmsg, FormatContinuation:
		return true
	}
	return false
}

// scanLines feeds every line to the decoder until the end of input, a read
// error or a cancelled context.
func scanLines(ctx context.Context, path string, lr *LineReader, dec *Decoder, onRecord func(Record), st *InputStats) error {
	for {
		if lr.Lines()%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, n, err := lr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", path, n+1, err)
		}
		if err := dec.Decode(line, n, onRecord); err != nil {
			st.addError(fmt.Sprintf("line %d: %v", n, err))
		}
	}
}

func (st *InputStats) addError(msg string) {
	switch {
	case len(st.Errors) < maxErrorsPerInput:
		st.Errors = append(st.Errors, msg)
	case len(st.Errors) == maxErrorsPerInput:
		st.Errors = append(st.Errors, "further errors not shown")
	}
}

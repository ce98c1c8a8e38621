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
	Errors  []string // what went wrong, with line numbers
	Notes   []string // what the log itself says is missing (rate limiting)
}

// ScanKernelLog reads one log input line by line, decodes its carriers and
// assembles OOM dumps, passing each to emit. It holds at most one line and
// the dumps in progress in memory. A read error ends the input but keeps
// what was read: the dumps already emitted stand, an open dump is flushed,
// and the error is returned with the stats.
func ScanKernelLog(ctx context.Context, path string, r io.Reader, emit func(*Dump)) (InputStats, error) {
	st := InputStats{Path: path}
	dec := NewDecoder(path)
	asm := NewAssembler(func(d *Dump) { st.Dumps++; emit(d) }, func(src Source, msg string) {
		if len(st.Notes) < maxErrorsPerInput {
			st.Notes = append(st.Notes, fmt.Sprintf("%s:%d: %s", src.Path, src.Line, msg))
		}
	})
	lr := NewLineReader(r)
	onRecord := func(rec Record) {
		if rec.Kernel {
			st.Kernel++
		}
		asm.Add(rec)
	}
	var readErr error
	for {
		if lr.Lines()%4096 == 0 && ctx.Err() != nil {
			readErr = ctx.Err()
			break
		}
		line, n, err := lr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = fmt.Errorf("%s: line %d: %w", path, n+1, err)
			}
			break
		}
		if err := dec.Decode(line, n, onRecord); err != nil {
			st.addError(fmt.Sprintf("line %d: %v", n, err))
		}
	}
	asm.Flush()
	st.Bytes, st.Lines, st.Formats = lr.Bytes(), lr.Lines(), dec.Formats()
	if msg := lr.LongLines(); msg != "" {
		st.addError(msg)
	}
	if readErr != nil {
		st.addError(readErr.Error())
	}
	return st, readErr
}

func (st *InputStats) addError(msg string) {
	switch {
	case len(st.Errors) < maxErrorsPerInput:
		st.Errors = append(st.Errors, msg)
	case len(st.Errors) == maxErrorsPerInput:
		st.Errors = append(st.Errors, "further errors not shown")
	}
}

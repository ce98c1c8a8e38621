package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes bounds the memory one line may take. Longer lines (a journal
// JSON record with a huge MESSAGE, a binary file) are cut at this length and
// the rest of the line is discarded; LineReader reports that once per line.
const MaxLineBytes = 1 << 20

// LineReader splits a stream into lines without holding more than
// MaxLineBytes of it. Line endings (LF or CRLF) are removed.
type LineReader struct {
	r     *bufio.Reader
	buf   []byte
	line  int
	bytes int64
	long  []int // line numbers that were cut, for diagnostics
}

// NewLineReader returns a LineReader reading from r.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 256<<10)}
}

// Next returns the next line and its 1-based number. The returned slice is
// valid until the next call. At the end of input it returns io.EOF; other
// errors are read errors of the underlying reader.
func (lr *LineReader) Next() ([]byte, int, error) {
	lr.buf = lr.buf[:0]
	cut := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		lr.bytes += int64(len(chunk))
		if len(lr.buf)+len(chunk) <= MaxLineBytes {
			lr.buf = append(lr.buf, chunk...)
		} else if !cut {
			lr.buf = append(lr.buf, chunk[:MaxLineBytes-len(lr.buf)]...)
			cut = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (err != io.EOF || len(lr.buf) == 0) {
			return nil, lr.line, err
		}
		break
	}
	lr.line++
	if cut {
		lr.long = append(lr.long, lr.line)
	}
	return trimEOL(lr.buf), lr.line, nil
}

// Lines is the number of lines returned so far.
func (lr *LineReader) Lines() int { return lr.line }

// Bytes is the number of bytes consumed so far.
func (lr *LineReader) Bytes() int64 { return lr.bytes }

// LongLines describes the lines that exceeded MaxLineBytes, or "" if none.
func (lr *LineReader) LongLines() string {
	if len(lr.long) == 0 {
		return ""
	}
	return fmt.Sprintf("%d line(s) longer than %d bytes were cut (first at line %d)",
		len(lr.long), MaxLineBytes, lr.long[0])
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

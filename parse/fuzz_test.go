package parse

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureFiles are the hand-made logs in testdata; the fuzz targets start
// from their lines and whole texts.
func fixtureFiles(f *testing.F) [][]byte {
	var out [][]byte
	for _, pattern := range []string{"../testdata/kernel/*.log", "../testdata/carriers/*.log", "../testdata/sample/*.log"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// FuzzDecode checks that no line makes the decoder panic and that every
// record it yields is one line, at the place it was read.
func FuzzDecode(f *testing.F) {
	for _, b := range fixtureFiles(f) {
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		dec := NewDecoder("f")
		for i := 1; i <= 2; i++ { // twice: the second call sees the state the first left
			_ = dec.Decode(line, i, func(r Record) {
				if strings.Contains(r.Text, "\n") {
					t.Fatalf("record text holds a newline: %q", r.Text)
				}
				if r.Source.Line != i || r.Source.Path != "f" {
					t.Fatalf("source = %+v", r.Source)
				}
			})
		}
	})
}

// FuzzAssemble runs whole texts through decoding and assembly: no panic,
// and every dump has a header, a kill part or a summary.
func FuzzAssemble(f *testing.F) {
	for _, b := range fixtureFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		_, err := ScanKernelLog(context.Background(), "f", bytes.NewReader(text), func(d *Dump) {
			if d.Trigger == nil && d.Victim == nil && d.Summary == nil && d.Selected == nil {
				t.Fatalf("dump with nothing in it: %+v", d)
			}
			if d.First.Line < 1 {
				t.Fatalf("dump without a first line: %+v", d.First)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

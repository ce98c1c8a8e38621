package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"time"
)

// parseSosManifest reads sos_reports/manifest.json (sos ≥ 4.0). Its layout,
// from sos/component.py and sos/report/plugins/__init__.py:
//
//	{"version": "4.7.2", "cmdline": "…", "start_time": "2026-11-27 11:44:16.123456",
//	 "end_time": …, "policy": …,
//	 "components": {"report": {…, "plugins": {"kernel": {
//	     "commands": [{"exec": "dmesg", "filepath": "sos_commands/kernel/dmesg",
//	                   "truncated": false, "return_code": 0,
//	                   "start_time": 1795779856.12, …}],
//	     "files": […], "containers": {"<name>": {"commands": […]}}}}}}}
//
// The top-level start_time is the host's local time without a zone
// (Python's str(datetime.now())); a command's start_time is seconds since the
// epoch. So Collected is the start time in the host's zone when f.Location is
// already known, else the earliest command start. Truncated gets the
// filepath of every command marked truncated (sos_strings/<plugin>/<name>.tailed)
// and the sos_commands/<plugin>/<name> link to it. The manifest names no
// host. The document is walked as a stream of tokens, so commands are found
// wherever they are nested.
func parseSosManifest(data []byte, f *HostFacts) error {
	w := manifestWalker{dec: json.NewDecoder(bytes.NewReader(data)), earliest: math.Inf(1)}
	if err := w.top(); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("the document ends early")
		}
		return &FactError{Fact: FactSosManifest, Line: lineAt(data, w.dec.InputOffset()), Err: err}
	}
	w.apply(f)
	return nil
}

// lineAt returns the 1-based line of a byte offset.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

const maxManifestDepth = 32

type manifestWalker struct {
	dec       *json.Decoder
	start     string  // top-level start_time, host local time
	earliest  float64 // earliest command start_time, seconds since the epoch
	truncated []string
}

// manifestCommand is the part of a command entry we use. Fields are decoded
// loosely: a manifest from another sos version may type them differently.
type manifestCommand struct {
	Filepath  *string `json:"filepath"`
	Truncated any     `json:"truncated"`
	StartTime any     `json:"start_time"`
}

// top reads the document, which must be an object.
func (w *manifestWalker) top() error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	return w.object(1)
}

// value reads the value of key at depth, descending into containers.
func (w *manifestWalker) value(depth int, key string) error {
	if depth > maxManifestDepth {
		return errors.New("nested too deeply")
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return w.object(depth + 1)
		}
		return w.array(depth+1, key)
	case string:
		if depth == 1 && key == "start_time" {
			w.start = t
		}
	}
	return nil
}

// object reads the members of an object whose "{" was read.
func (w *manifestWalker) object(depth int) error {
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := w.value(depth, key); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	return err
}

// array reads the elements of an array whose "[" was read; the elements
// of a "commands" array are commands.
func (w *manifestWalker) array(depth int, key string) error {
	for w.dec.More() {
		var err error
		if key == "commands" {
			err = w.command()
		} else {
			err = w.value(depth, "")
		}
		if err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // ']'
	return err
}

// command reads one command entry: its start time and truncation.
func (w *manifestWalker) command() error {
	var c manifestCommand
	if err := w.dec.Decode(&c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil // not a command object; skip it
		}
		return err
	}
	if st, ok := c.StartTime.(float64); ok && st > 0 && st < w.earliest {
		w.earliest = st
	}
	if tr, ok := c.Truncated.(bool); ok && tr && c.Filepath != nil && *c.Filepath != "" {
		w.truncated = append(w.truncated, *c.Filepath)
		if link, ok := tailedLink(*c.Filepath); ok {
			w.truncated = append(w.truncated, link)
		}
	}
	return nil
}

// tailedLink maps sos_strings/<plugin>/<name>.tailed to the
// sos_commands/<plugin>/<name> link sos leaves in its place.
func tailedLink(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "sos_strings/")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, ".tailed")
	return "sos_commands/" + rest, ok
}

// apply stores what the walk found in f.
func (w *manifestWalker) apply(f *HostFacts) {
	if t, ok := w.startIn(f.Location); ok {
		f.Collected = &t
	} else if !math.IsInf(w.earliest, 1) {
		sec, frac := math.Modf(w.earliest)
		t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
		f.Collected = &t
	}
	if len(w.truncated) > 0 {
		f.Truncated = sortedUnion(f.Truncated, w.truncated)
	}
}

// startIn reads the top-level start_time in loc.
func (w *manifestWalker) startIn(loc *time.Location) (time.Time, bool) {
	if loc == nil || w.start == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999", w.start, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

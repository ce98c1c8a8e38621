package main

// The --state file: what each input file gave when it was last read, so
// that a rerun over a growing folder reads only the new or changed files
// and still reports everything, exactly as a full run would.
//
// Format: gzip members, one after the other (zcat reads them as one
// stream), each holding one JSON line. The first is a stateHeader, which
// lists the files of the run that wrote it, in path order, each with its
// stamp (path, size, mtime, and a digest of its size, head and tail) and
// where its entry is. Then one member per file, its entry: the file's
// whole parse output (members with their dumps, events and Kubernetes
// objects; the bundle hosts and their facts; skipped members; problems).
//
// Only the header is read at the start. An entry is decompressed, which
// checks its CRC, when its file is unchanged; a damaged one is named on
// stderr and its file read again. A header that cannot be read, or whose
// entries do not add up to the file's length, makes the whole state
// unusable: it is named on stderr and the run reads everything and
// rewrites it. So is a state written by another build of oomtriage (the
// parse output's types and the parsers change between builds) or with
// other limits. Nothing in a state is used unchecked.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/oomtriage/oomtriage/parse/archive"
	"github.com/oomtriage/oomtriage/parse/bundle"
	"github.com/oomtriage/oomtriage/parse/ingest"
)

const (
	stateFormat  = "oomtriage-state"
	stateVersion = 1 // bump when the layout of the file changes; the entries' content is tied to the build by stateHeader.Tool
)

// stateHeader is the first gzip member of a state file.
type stateHeader struct {
	Format  string         `json:"format"`
	Version int            `json:"version"`
	Tool    string         `json:"tool"`   // version and commit of the oomtriage that wrote it: parsers change between releases
	Limits  archive.Limits `json:"limits"` // the limits change what a file gives
	Written time.Time      `json:"written"`
	Files   []stateIndex   `json:"files"`
}

// stateIndex is one file in the header: its stamp and where its entry's
// gzip member is, counted from the end of the header.
type stateIndex struct {
	stateStamp
	Offset int64 `json:"offset"`
	Length int64 `json:"length"`
}

// stateStamp is the part of an entry that says which file, and which
// content of it, the entry is about.
type stateStamp struct {
	Path    string    `json:"path"`
	Rel     string    `json:"rel,omitempty"`
	Direct  bool      `json:"direct,omitempty"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	Digest  string    `json:"digest"`
}

// stateRecord is one entry as it is written: one JSON line in its own gzip
// member.
type stateRecord struct {
	Path string    `json:"path"`
	Data stateData `json:"data"`
}

// stateEntry is one entry in memory: its stamp and its gzip member, which
// is decompressed only when the file is unchanged and copied as it is into
// the next state file. So the state costs its compressed size in memory,
// and rewriting it costs only the files read this time.
type stateEntry struct {
	stateStamp
	member []byte
}

func (e *stateStamp) key() string { return stateKey(e.Path, e.Rel, e.Direct) }

func stateKey(path, rel string, direct bool) string {
	return fmt.Sprintf("%s\x00%s\x00%t", path, rel, direct)
}

// stateData is an ingest.FileResult in a form JSON keeps whole: errors
// become their text, time zones their name (and offset when fixed).
type stateData struct {
	Members  []stateMember    `json:"members"`
	Hosts    []stateHost      `json:"hosts"`
	Skipped  ingest.Skipped   `json:"skipped"`
	Problems []ingest.Problem `json:"problems"`
}

type stateMember struct {
	ingest.Member
	Err          string `json:"Err"` // shadows Member.Err
	ErrLimit     bool   `json:"ErrLimit,omitempty"`
	ErrTruncated bool   `json:"ErrTruncated,omitempty"`
}

type stateHost struct {
	ingest.Host
	Facts stateFacts `json:"Facts"` // shadows Host.Facts
}

type stateFacts struct {
	bundle.HostFacts
	Location *stateZone `json:"Location"` // shadows HostFacts.Location
}

// stateZone is a *time.Location: an IANA name, or a fixed offset.
type stateZone struct {
	Name   string `json:"name"`
	Fixed  bool   `json:"fixed,omitempty"`
	Offset int    `json:"offset,omitempty"` // seconds east of UTC
}

// restoredError is a member's error read back from the state: its text,
// and the sentinels it wrapped.
type restoredError struct {
	msg             string
	limit, truncate bool
}

func (e *restoredError) Error() string { return e.msg }
func (e *restoredError) Is(target error) bool {
	return (e.limit && target == archive.ErrLimit) || (e.truncate && target == archive.ErrTruncated)
}

// stateFile is the --state of one run. It implements ingest.Cache.
type stateFile struct {
	path   string
	header stateHeader // what this run writes
	loaded bool        // old is what the file held

	mu    sync.Mutex
	old   map[string]*stateEntry // from the file, by key
	next  map[string]*stateEntry // what this run will write: entries reused or stored
	fresh int                    // entries of next that were stored, not reused
	err   error                  // the first entry that could not be stored
	warn  func(string)           // a note for stderr
}

// onStateStore, when set (by tests), is told of every file read because the
// state did not have it.
var onStateStore func(path string)

// maxStateBytes bounds the state file read: it is read whole.
const maxStateBytes = 4 << 30

// openState reads the state file at path. A missing file is a first run; a
// file that cannot be used is reported through warn and ignored (the run
// reads everything and rewrites it).
func openState(path string, tool string, limits archive.Limits, warn func(string)) *stateFile {
	s := &stateFile{path: path, header: stateHeader{Format: stateFormat, Version: stateVersion, Tool: tool, Limits: limits},
		old: map[string]*stateEntry{}, next: map[string]*stateEntry{}, warn: warn}
	data, err := readFileMax(path, maxStateBytes)
	if errors.Is(err, os.ErrNotExist) {
		return s
	}
	if err != nil {
		warn(fmt.Sprintf("--state %s: %v; reading every input again and rewriting it", path, err))
		return s
	}
	old, reason, err := readState(data, s.header)
	switch {
	case err != nil:
		warn(fmt.Sprintf("--state %s: not a valid state file (%v); reading every input again and rewriting it", path, err))
	case reason != "":
		warn(fmt.Sprintf("--state %s: %s; reading every input again and rewriting it", path, reason))
	default:
		s.old, s.loaded = old, true
	}
	return s
}

func readFileMax(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("larger than %d bytes", max)
	}
	return data, err
}

// readState reads the header of a state file and cuts the rest into its
// entries. err is set when the file is damaged or not a state file; reason
// when it is sound but was written under other conditions (another
// version of oomtriage, other limits).
func readState(data []byte, want stateHeader) (entries map[string]*stateEntry, reason string, err error) {
	br := bytes.NewReader(data) // an io.ByteReader: gzip stops at the end of the member
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, "", err
	}
	zr.Multistream(false)
	var h stateHeader
	if err := readStateMember(zr, &h); err != nil {
		return nil, "", fmt.Errorf("header: %w", err)
	}
	if h.Format != stateFormat {
		return nil, "", fmt.Errorf("header names format %q, not %q", h.Format, stateFormat)
	}
	body := data[len(data)-br.Len():]
	entries = map[string]*stateEntry{}
	var end int64
	for n, ix := range h.Files {
		if ix.Path == "" || ix.Offset != end || ix.Length <= 0 || ix.Offset+ix.Length > int64(len(body)) {
			return nil, "", fmt.Errorf("file %d of the header: no path, or its entry is not where the one before ends", n+1)
		}
		end = ix.Offset + ix.Length
		entries[ix.key()] = &stateEntry{stateStamp: ix.stateStamp, member: body[ix.Offset:end:end]}
	}
	if end != int64(len(body)) {
		return nil, "", fmt.Errorf("%d bytes of entries, header accounts for %d", len(body), end)
	}
	switch {
	case h.Version != want.Version:
		return nil, fmt.Sprintf("state format %d, this oomtriage writes %d", h.Version, want.Version), nil
	case h.Tool != want.Tool:
		return nil, fmt.Sprintf("written by oomtriage %s, this is %s", h.Tool, want.Tool), nil
	case h.Limits != want.Limits:
		return nil, "written with other --max-* limits", nil
	}
	return entries, "", nil
}

// readStateMember decodes the JSON value of one gzip member, reading the
// member to its end (and so checking its CRC).
func readStateMember(zr *gzip.Reader, v any) error {
	b, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Lookup implements ingest.Cache.
func (s *stateFile) Lookup(st ingest.FileStamp) (ingest.FileResult, bool) {
	key := stateKey(st.Path, st.Rel, st.Direct)
	s.mu.Lock()
	e := s.old[key]
	s.mu.Unlock()
	if e == nil || e.Size != st.Size || !e.ModTime.Equal(st.ModTime) || e.Digest != st.Digest {
		return ingest.FileResult{}, false
	}
	fr, err := e.result()
	if err != nil {
		s.warn(fmt.Sprintf("--state %s: entry for %s: %v; reading the file again", s.path, st.Path, err))
		return ingest.FileResult{}, false
	}
	s.mu.Lock()
	s.next[key] = e
	s.mu.Unlock()
	return fr, true
}

// result decompresses and decodes what the entry's file gave.
func (e *stateEntry) result() (ingest.FileResult, error) {
	zr, err := gzip.NewReader(bytes.NewReader(e.member))
	if err != nil {
		return ingest.FileResult{}, err
	}
	zr.Multistream(false)
	var rec stateRecord
	if err := readStateMember(zr, &rec); err != nil {
		return ingest.FileResult{}, err
	}
	if rec.Path != e.Path {
		return ingest.FileResult{}, fmt.Errorf("the entry is about %q", rec.Path)
	}
	return decodeStateData(rec.Data)
}

// Store implements ingest.Cache.
func (s *stateFile) Store(st ingest.FileStamp, fr ingest.FileResult) {
	if onStateStore != nil {
		onStateStore(st.Path)
	}
	stamp := stateStamp{Path: st.Path, Rel: st.Rel, Direct: st.Direct, Size: st.Size, ModTime: st.ModTime.UTC(), Digest: st.Digest}
	member, err := encodeStateEntry(stamp, fr)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.err == nil {
			s.err = fmt.Errorf("%s: %w", st.Path, err)
		}
		return
	}
	s.next[stamp.key()] = &stateEntry{stateStamp: stamp, member: member}
	s.fresh++
}

// encodeStateEntry is the gzip member of one entry.
func encodeStateEntry(stamp stateStamp, fr ingest.FileResult) ([]byte, error) {
	return gzipJSON(stateRecord{Path: stamp.Path, Data: encodeStateData(fr)})
}

// gzipJSON is one gzip member holding v as a JSON line.
func gzipJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// write replaces the state file with the entries of this run: the files
// of earlier runs that are no longer inputs are dropped, which keeps the
// file as large as what one run reads. When every entry was reused and
// none dropped, the file is left as it is. Else the new file is written
// beside the old one, synced and renamed over it, so that a crash leaves
// one or the other.
func (s *stateFile) write(now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		// The file will be read again next time; say why.
		s.warn(fmt.Sprintf("--state %s: %v; not kept", s.path, s.err))
	}
	if s.loaded && s.fresh == 0 && s.err == nil && len(s.next) == len(s.old) {
		return nil
	}
	entries := make([]*stateEntry, 0, len(s.next))
	for _, e := range s.next {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key() < entries[j].key() })
	h := s.header
	h.Written, h.Files = now.UTC(), make([]stateIndex, len(entries))
	var off int64
	for i, e := range entries {
		h.Files[i] = stateIndex{stateStamp: e.stateStamp, Offset: off, Length: int64(len(e.member))}
		off += int64(len(e.member))
	}
	head, err := gzipJSON(h)
	if err != nil {
		return err
	}

	dir := filepath.Dir(s.path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // fails harmlessly after the rename
	bw := bufio.NewWriterSize(f, 1<<16)
	_, err = bw.Write(head)
	for _, e := range entries {
		if err != nil {
			break
		}
		_, err = bw.Write(e.member)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), s.path); err != nil {
		return err
	}
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func encodeStateData(fr ingest.FileResult) stateData {
	d := stateData{Skipped: fr.Skipped, Problems: fr.Problems,
		Members: make([]stateMember, len(fr.Members)), Hosts: make([]stateHost, len(fr.Hosts))}
	for i, m := range fr.Members {
		sm := stateMember{Member: m}
		if m.Err != nil {
			sm.Err = m.Err.Error()
			sm.ErrLimit = errors.Is(m.Err, archive.ErrLimit)
			sm.ErrTruncated = errors.Is(m.Err, archive.ErrTruncated)
		}
		sm.Member.Err = nil
		d.Members[i] = sm
	}
	for i, h := range fr.Hosts {
		d.Hosts[i] = stateHost{Host: *h, Facts: stateFacts{HostFacts: h.Facts, Location: zoneOf(h.Facts.Location)}}
	}
	return d
}

func decodeStateData(d stateData) (ingest.FileResult, error) {
	fr := ingest.FileResult{Skipped: d.Skipped, Problems: d.Problems,
		Members: make([]ingest.Member, len(d.Members)), Hosts: make([]*ingest.Host, len(d.Hosts))}
	for i, sm := range d.Members {
		m := sm.Member
		if sm.Err != "" {
			m.Err = &restoredError{msg: sm.Err, limit: sm.ErrLimit, truncate: sm.ErrTruncated}
		}
		fr.Members[i] = m
	}
	for i, sh := range d.Hosts {
		h := sh.Host
		h.Facts = sh.Facts.HostFacts
		loc, err := sh.Facts.Location.location()
		if err != nil {
			return ingest.FileResult{}, err
		}
		h.Facts.Location = loc
		if h.Kinds == nil {
			h.Kinds = map[bundle.Kind]int{}
		}
		fr.Hosts[i] = &h
	}
	return fr, nil
}

// zoneProbes are the instants at which a location read back must give the
// zone the original gave.
var zoneProbes = func() []time.Time {
	var ts []time.Time
	for y := 1970; y <= 2050; y += 4 {
		ts = append(ts, time.Date(y, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(y, 7, 15, 12, 0, 0, 0, time.UTC))
	}
	return ts
}()

// zoneOf names a location so that it can be loaded again: by its IANA name
// when loading that name gives the same zone, else as a fixed offset (the
// bundle package makes those from "+0100" or "CET" when no zone database
// names the host's zone).
func zoneOf(loc *time.Location) *stateZone {
	if loc == nil {
		return nil
	}
	if loc == time.UTC {
		return &stateZone{Name: "UTC"}
	}
	name := loc.String()
	if l, err := time.LoadLocation(name); err == nil && sameZone(l, loc) {
		return &stateZone{Name: name}
	}
	_, off := zoneProbes[0].In(loc).Zone()
	return &stateZone{Name: name, Fixed: true, Offset: off}
}

func sameZone(a, b *time.Location) bool {
	for _, t := range zoneProbes {
		an, ao := t.In(a).Zone()
		bn, bo := t.In(b).Zone()
		if an != bn || ao != bo {
			return false
		}
	}
	return true
}

func (z *stateZone) location() (*time.Location, error) {
	switch {
	case z == nil:
		return nil, nil
	case z.Fixed:
		return time.FixedZone(z.Name, z.Offset), nil
	case z.Name == "UTC":
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(z.Name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", z.Name, err)
	}
	return loc, nil
}

// toolID names the parsers that wrote a state: the version and commit of a
// release build; a development build adds a digest of its own executable,
// so that a rebuilt binary does not trust what an older one parsed.
func toolID() string {
	toolIDOnce.Do(func() {
		toolIDValue = version + " (commit " + commit + ")"
		if version != "dev" {
			return
		}
		exe, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			toolIDValue += " build " + hex.EncodeToString(h.Sum(nil))[:12]
		}
	})
	return toolIDValue
}

var (
	toolIDOnce  sync.Once
	toolIDValue string
)

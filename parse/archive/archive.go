// Package archive walks support bundles and hands every leaf file to a
// callback as a stream, without writing anything to disk.
//
// An input is a folder, a file or standard input. Containers (tar, zip) and
// compression layers (gzip, xz, zstd, bzip2) are detected from magic bytes,
// never from names, and may nest in any order: a sos collect tarball holding
// one .tar.xz per node, or a rotated messages-2026.gz inside a tar, is
// walked down to the plain files. OpenPGP-encrypted inputs are reported, not
// read.
//
// Walk bounds what one input may cost with Limits, and reports what is wrong
// with one member (a limit hit, a path escaping the archive, a link loop, a
// truncated stream) to a Problem callback while it goes on with the rest.
//
// # Decompression
//
// xz, zstd and gzip streams are decompressed by a child process (xz -dc,
// zstd -dc, pigz -dc) when that binary is on PATH: it is faster than the
// pure-Go decoders (about 2x for xz) and runs on another core. Walk falls
// back to pure Go, silently, when the binary is missing or does not start,
// and for streams known to be smaller than 1 MiB. Set the environment
// variable OOMTRIAGE_PURE_GO=1 to always decode in pure Go.
package archive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Limits bound what one input may cost. Zero fields take the defaults.
type Limits struct {
	MaxTotalBytes  int64 // decompressed bytes over the whole input (default 64 GiB)
	MaxMemberBytes int64 // decompressed bytes of one leaf member (default 8 GiB)
	MaxDepth       int   // nesting of containers: a tar.gz inside a tar.xz is depth 2 (default 6); also bounds compression layers stacked on one stream
	MaxMembers     int   // leaf members per input (default 1_000_000)
	MaxSpoolBytes  int64 // a zip found inside a stream is buffered in memory up to this (default 256 MiB)
}

// DefaultLimits returns the limits that zero fields of Limits take.
func DefaultLimits() Limits {
	return Limits{
		MaxTotalBytes:  64 << 30,
		MaxMemberBytes: 8 << 30,
		MaxDepth:       6,
		MaxMembers:     1_000_000,
		MaxSpoolBytes:  256 << 20,
	}
}

// withDefaults returns l with every zero or negative field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxMemberBytes <= 0 {
		l.MaxMemberBytes = d.MaxMemberBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxMembers <= 0 {
		l.MaxMembers = d.MaxMembers
	}
	if l.MaxSpoolBytes <= 0 {
		l.MaxSpoolBytes = d.MaxSpoolBytes
	}
	return l
}

// Member is one leaf of an input: a plain file after every container and
// compression layer was removed.
type Member struct {
	// Path is the display path: '!' between an archive and its member, as in
	// "b.tar.xz!sosreport-x/var/log/messages", nested
	// "c.tar.xz!sosreport-n1.tar.xz!sosreport-n1/proc/stat"; for a file in a
	// folder input, the file's path.
	Path string
	// Name is the slash path inside the innermost archive or folder
	// ("sosreport-x/var/log/messages"); a folder input's own name is its
	// first element. For a plain file input it is the file's base name.
	Name string
	// Outer holds the display paths of the containing archives, outermost
	// first (empty for a plain file).
	Outer []string
	// Size is the decompressed size when known, else -1.
	Size int64
	// ModTime is zero when unknown.
	ModTime time.Time
	// Links holds the names (like Name) of symlinks inside the same archive
	// or folder that resolve to this member, when those links were seen
	// before the member, sorted. For example
	// "sosreport-x/var/log/messages" for
	// "sosreport-x/sos_strings/logs/var.log.messages.tailed".
	Links []string
	// Compression lists the layers removed, outermost first, e.g. ["xz"]
	// for a .log.xz inside a tar; nil for a plain member.
	Compression []string
	// Content is the decompressed bytes, valid only during the callback.
	// Reads beyond MaxMemberBytes or MaxTotalBytes fail with an error
	// wrapping ErrLimit; a truncated or corrupt stream fails with an error
	// wrapping ErrTruncated. Walk reports such failures to Problem itself.
	Content io.Reader
}

// Visit is called for every leaf member, in archive order (folders: sorted
// by name, depth-first). Returning an error stops the walk and Walk returns
// it, except an error that wraps a failed read of m.Content: Walk has
// reported that as a Problem and goes on. The callback need not read
// Content to the end.
type Visit func(m *Member) error

// Problem reports something wrong with one member or container (limit hit,
// path traversal, link loop, truncated or corrupt stream, encrypted file);
// the walk continues with the next member where the container format
// allows it. The error does not repeat path.
type Problem func(path string, err error)

// Errors that problems and Content reads wrap; test them with errors.Is.
var (
	// ErrLimit means a Limits bound was reached.
	ErrLimit = errors.New("limit exceeded")
	// ErrTraversal means a member name or link target escapes the archive
	// or folder; it is skipped.
	ErrTraversal = errors.New("path escapes the archive")
	// ErrLinkLoop means a chain of links loops or is longer than 40.
	ErrLinkLoop = errors.New("link loop")
	// ErrEncrypted means an input or member is encrypted and was not read.
	ErrEncrypted = errors.New("encrypted")
	// ErrTruncated means a stream ended early or is corrupt.
	ErrTruncated = errors.New("truncated or corrupt")
)

// errStopInput ends the walk of one input after a problem that leaves
// nothing more to read (total budget spent, too many members); Walk returns
// nil for it.
var errStopInput = errors.New("archive: input stopped")

// Walk opens the input named path ("-" reads stdin) and visits every leaf
// member. It detects containers and compression by magic bytes, never by
// name: folders (recursive), tar (ustar/gnu/pax and old v7 headers), gzip
// (multi-member), xz, zstd, bzip2, zip, and any nesting of these; a
// non-container file is one leaf. Nothing is written to disk. It returns an
// error only when the input itself cannot be opened or read at all, when ctx
// is done, or when visit returned an error.
func Walk(ctx context.Context, path string, stdin io.Reader, lim Limits, visit Visit, problem Problem) error {
	return newWalker(ctx, lim, visit, problem, systemDecoders()).walk(path, stdin)
}

// walker holds the state of one Walk call.
type walker struct {
	ctx     context.Context
	lim     Limits
	dec     decoders
	visit   Visit
	problem Problem
	total   int64           // bytes read or skipped, against MaxTotalBytes
	members int             // leaves visited, against MaxMembers
	buf     []byte          // scratch for skipping
	readers []*bufio.Reader // free readers, so that members do not each allocate one
}

func newWalker(ctx context.Context, lim Limits, visit Visit, problem Problem, dec decoders) *walker {
	if visit == nil {
		visit = func(*Member) error { return nil }
	}
	if problem == nil {
		problem = func(string, error) {}
	}
	return &walker{ctx: ctx, lim: lim.withDefaults(), dec: dec, visit: visit, problem: problem}
}

// walk walks the input named name.
func (w *walker) walk(name string, stdin io.Reader) error {
	err := w.input(name, stdin)
	if errors.Is(err, errStopInput) {
		return nil
	}
	return err
}

// input opens the input named name and walks it.
func (w *walker) input(name string, stdin io.Reader) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if name == "-" {
		if stdin == nil {
			return errors.New("read -: no standard input")
		}
		return w.top(stdin, &node{path: "-", name: "-", size: -1})
	}
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return w.walkFolder(name)
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return w.top(f, fileNode(f, fi, name, filepath.Base(name)))
}

// top walks a top-level stream. A read failure of the stream itself is an
// error when nothing could be visited, else a problem.
func (w *walker) top(r io.Reader, n *node) error {
	before := w.members
	readErr, err := w.walkSource(r, n)
	if err != nil || readErr == nil {
		return err
	}
	if w.members == before {
		if pe := (*fs.PathError)(nil); errors.As(readErr, &pe) {
			return readErr
		}
		return fmt.Errorf("read %s: %w", n.path, readErr)
	}
	w.problem(n.path, fmt.Errorf("%w: read failed after %d members: %w", ErrTruncated, w.members-before, readErr))
	return nil
}

// walkSource walks the stream r of a file or stdin and returns, apart, the
// error with which reading r itself failed.
func (w *walker) walkSource(r io.Reader, n *node) (readErr, err error) {
	src := &trap{r: r}
	n.src = src
	err = w.walkStream(src, n)
	return src.err(), err
}

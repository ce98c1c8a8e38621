package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"sort"
	"strconv"
	"time"
)

// Cache lets a run skip the files an earlier run read (oomtriage's --state).
// Before a file is read, Lookup is asked with the file's stamp; when it
// returns what the file gave last time, the file is not opened again. What
// a file that was read gave is passed to Store. Both are called from
// several workers at once. Standard input is never cached, nor is a file
// that is not a regular file or that could not be read at all.
type Cache interface {
	// Lookup returns what the file gave when it was read with the same
	// stamp, or false to have it read.
	Lookup(FileStamp) (FileResult, bool)
	// Store is told what a file gave, before Run merges it: the cache must
	// copy (serialize) what it keeps, since Run and its caller change and
	// release the result afterwards.
	Store(FileStamp, FileResult)
}

// FileStamp identifies one file and, cheaply, its content: a file whose
// stamp is unchanged is taken to hold what it held.
type FileStamp struct {
	Path    string // the file as the run reads it (the folder's path joined with the file's)
	Rel     string // its slash path from the parent of the folder named on the command line; "" for a file named directly
	Direct  bool   // named on the command line, not found in a folder
	Size    int64
	ModTime time.Time
	// Digest is "sha256:" and the hex SHA-256 of the size, the first
	// DigestSpan bytes and the last DigestSpan bytes (the whole file when
	// it is at most twice that). Compressed archives end with a checksum of
	// their whole content (gzip, xz, zstd, zip), so their tail covers them;
	// a log that grows changes its size and its tail.
	Digest string
}

// DigestSpan is how much of each end of a file FileStamp.Digest covers.
const DigestSpan = 1 << 20

// FileResult is what one file gave: its classified members, the bundle
// hosts it holds (with the facts its own members gave), the members that
// were skipped, and the problems met. A file's result does not depend on
// the other files of the run; Run merges them in input order.
type FileResult struct {
	Members  []Member
	Hosts    []*Host
	Skipped  Skipped
	Problems []Problem
}

// errNotCacheable is a file that cannot be stamped without consuming it.
var errNotCacheable = errors.New("not a regular file")

// stampFile stats and digests the file of u (see FileStamp). A file that is
// not a regular file (a FIFO, a device) is not stamped: reading its head
// would consume it.
func stampFile(u unit) (FileStamp, error) {
	fi, err := os.Stat(u.path)
	if err != nil {
		return FileStamp{}, err
	}
	if !fi.Mode().IsRegular() {
		return FileStamp{}, errNotCacheable
	}
	f, err := os.Open(u.path)
	if err != nil {
		return FileStamp{}, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return FileStamp{}, err
	}
	if !fi.Mode().IsRegular() {
		return FileStamp{}, errNotCacheable
	}
	digest, err := digestFile(f, fi.Size())
	if err != nil {
		return FileStamp{}, err
	}
	return FileStamp{Path: u.path, Rel: u.rel, Direct: u.direct, Size: fi.Size(), ModTime: fi.ModTime(), Digest: digest}, nil
}

// digestFile hashes the size, the head and the tail of a file of the given
// size.
func digestFile(f io.ReaderAt, size int64) (string, error) {
	h := sha256.New()
	h.Write([]byte(strconv.FormatInt(size, 10) + "\n"))
	head := min(size, 2*DigestSpan)
	if size > 2*DigestSpan {
		head = DigestSpan
	}
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, head)); err != nil {
		return "", err
	}
	if size > 2*DigestSpan {
		if _, err := io.Copy(h, io.NewSectionReader(f, size-DigestSpan, DigestSpan)); err != nil {
			return "", err
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// cacheable reports whether a unit's result may be kept: not when the run
// was cancelled or the file could not be read at all (the next run tries
// again).
func (ur unitResult) cacheable() bool {
	for _, p := range ur.problems {
		if p.Failed {
			return false
		}
	}
	return true
}

// fileResult is the exported form of a unit's result, hosts sorted by key.
func (ur unitResult) fileResult() FileResult {
	hosts := append([]*Host(nil), ur.hosts...)
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].Key < hosts[j].Key })
	return FileResult{Members: ur.members, Hosts: hosts, Skipped: ur.skipped, Problems: ur.problems}
}

func (fr FileResult) unitResult(path string) unitResult {
	return unitResult{members: fr.Members, hosts: fr.Hosts, skipped: fr.Skipped, problems: fr.Problems, reused: path}
}

// Package ingest reads everything a user hands oomtriage — log files,
// folders, sosreports, support bundles, must-gathers, log archives, stdin —
// and returns what the parsers found in it, member by member, with the host
// each member belongs to. Inputs are read concurrently; the result is in
// input order, so the same inputs always give the same result.
package ingest

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/oomtriage/oomtriage/parse"
	"github.com/oomtriage/oomtriage/parse/archive"
	"github.com/oomtriage/oomtriage/parse/bundle"
)

// Options control a run.
type Options struct {
	Limits  archive.Limits
	Workers int       // inputs read at once; 0 means GOMAXPROCS
	Stdin   io.Reader // read for the path "-"; nil means os.Stdin
	// Progress, when set, is told as each input starts and as its bytes
	// (after decompression) are read. It is called from several workers.
	Progress Progress
	// Cache, when set, is asked before each file is read and skips the
	// files whose stamp it knows (see Cache). The result is the same as
	// when every file is read.
	Cache Cache
	// Exclude names files that are never read, even in a folder given:
	// oomtriage's own --state file. Files that do not exist are ignored.
	Exclude []string
}

// Progress follows how far the inputs have been read.
type Progress interface {
	Start(path string) InputProgress
}

// InputProgress follows one input.
type InputProgress interface {
	Read(n int) // n more bytes read
	Done()
}

// Result is what the inputs held.
type Result struct {
	Members  []Member         // every classified member, in input order
	Hosts    map[string]*Host // by host key
	Skipped  []Skipped        // per unit: members not of interest
	Problems []Problem        // what went wrong outside the parsers (unreadable input, limit hit, unsafe link)
	Reused   []string         // files whose result came from Options.Cache instead of being read, in input order
}

// Problem is something wrong with an input or one of its members. Failed
// is set when the input could not be read at all.
type Problem struct {
	Path   string
	Err    string
	Failed bool
}

// Member is one classified member and what its parser found.
type Member struct {
	Path      string // display path, '!' between archive and member
	Kind      bundle.Kind
	HostKey   string // "" when the member belongs to no bundle host
	Truncated bool
	Stats     parse.InputStats
	Dumps     []*parse.Dump
	Events    []parse.KubeEvent
	Objects   parse.Objects
	Err       error // what the parser reported, if anything
}

// Host is one host of a bundle: where its members live and what its fact
// files say.
type Host struct {
	Key    string
	Root   string
	Layout bundle.Layout
	Facts  bundle.HostFacts
	Hint   string // the host name the bundle's folder names
	Kinds  map[bundle.Kind]int
}

// Name is the host's name: from its fact files, else from its folder.
func (h *Host) Name() string {
	if h.Facts.Hostname != "" {
		return h.Facts.Hostname
	}
	return h.Hint
}

// Skipped counts the members of one unit that hold nothing oomtriage reads.
type Skipped struct {
	Path    string
	Members int
	Bytes   int64
}

// unit is one file (or stdin) to walk; folders are split into their files
// so that they are read in parallel.
type unit struct {
	path   string // on disk, or "-"
	rel    string // slash path for classification, relative to the input folder's parent; "" for a top-level file
	direct bool   // named by the user: read even when its kind is unknown
}

// Run reads every path. It returns an error only when ctx is cancelled;
// unreadable inputs are reported in Result.Problems.
func Run(ctx context.Context, paths []string, opt Options) (*Result, error) {
	units, problems := expand(paths, excluded(opt.Exclude))
	results := make([]unitResult, len(units))
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = readUnit(ctx, units[i], opt)
			}
		}()
	}
	for i := range units {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{Hosts: map[string]*Host{}, Problems: problems}
	for _, ur := range results {
		res.add(ur)
	}
	return res, nil
}

// add merges one unit's result, in unit order.
func (res *Result) add(ur unitResult) {
	if ur.reused != "" {
		res.Reused = append(res.Reused, ur.reused)
	}
	res.Problems = append(res.Problems, ur.problems...)
	if ur.skipped.Members > 0 {
		res.Skipped = append(res.Skipped, ur.skipped)
	}
	for _, h := range ur.hosts {
		if have, ok := res.Hosts[h.Key]; ok {
			have.Facts.Merge(h.Facts)
			for k, n := range h.Kinds {
				have.Kinds[k] += n
			}
			continue
		}
		res.Hosts[h.Key] = h
	}
	for _, m := range ur.members {
		if h := res.Hosts[m.HostKey]; h != nil && !m.Truncated {
			m.Truncated = isManifestTruncated(h, m.Path)
		}
		res.Members = append(res.Members, m)
	}
}

// isManifestTruncated reports whether the sos manifest of the member's host
// lists it as cut.
func isManifestTruncated(h *Host, path string) bool {
	for _, t := range h.Facts.Truncated {
		if strings.HasSuffix(path, "/"+t) {
			return true
		}
	}
	return false
}

// HostKeys returns the keys of res.Hosts in a stable order.
func (res *Result) HostKeys() []string {
	keys := make([]string, 0, len(res.Hosts))
	for k := range res.Hosts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// expand turns the user's paths into units: files as they are, folders
// into their regular files in sorted order. Symbolic links inside a folder
// are followed only to files inside that folder, and a file reached twice
// is read once.
func expand(paths []string, skip func(os.FileInfo) bool) ([]unit, []Problem) {
	var units []unit
	var problems []Problem
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case p == "-":
			units = append(units, unit{path: p, direct: true})
		case err != nil:
			units = append(units, unit{path: p, direct: true}) // the walk reports it
		case skip(fi):
		case !fi.IsDir():
			units = append(units, unit{path: p, direct: true})
		default:
			us, errs := folderUnits(p, skip)
			units = append(units, us...)
			problems = append(problems, errs...)
		}
	}
	return units, problems
}

// excluded returns whether a file is one of paths.
func excluded(paths []string) func(os.FileInfo) bool {
	var fis []os.FileInfo
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			fis = append(fis, fi)
		}
	}
	return func(fi os.FileInfo) bool {
		for _, x := range fis {
			if os.SameFile(fi, x) {
				return true
			}
		}
		return false
	}
}

func folderUnits(root string, skip func(os.FileInfo) bool) ([]unit, []Problem) {
	var units []unit
	var problems []Problem
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, []Problem{{Path: root, Err: err.Error(), Failed: true}}
	}
	seen := map[string]bool{}
	parent := filepath.Dir(filepath.Clean(root))
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, Problem{Path: p, Err: err.Error()})
			return nil
		}
		if d.IsDir() {
			return nil
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			problems = append(problems, Problem{Path: p, Err: err.Error()})
			return nil
		}
		if !within(realRoot, real) {
			problems = append(problems, Problem{Path: p, Err: fmt.Sprintf("link leads outside %s, not followed", root)})
			return nil
		}
		if fi, err := os.Stat(real); err != nil || !fi.Mode().IsRegular() || seen[real] || skip(fi) {
			return nil
		}
		seen[real] = true
		rel, _ := filepath.Rel(parent, p)
		units = append(units, unit{path: p, rel: filepath.ToSlash(rel)})
		return nil
	})
	return units, problems
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/oomtriage/oomtriage/parse"
	"github.com/oomtriage/oomtriage/parse/archive"
	"github.com/oomtriage/oomtriage/parse/bundle"
)

// headBytes is how much of a member Classify sees.
const headBytes = 64 << 10

// unitResult is what one unit gave.
type unitResult struct {
	members  []Member
	hosts    []*Host
	skipped  Skipped
	problems []Problem
	reused   string // the file's path when its result came from Options.Cache
}

// unitReader walks one unit and routes each member to its parser.
type unitReader struct {
	ctx      context.Context
	u        unit
	opt      Options
	res      unitResult
	hosts    map[string]*Host
	progress InputProgress // nil without Options.Progress
}

// readUnit reads one unit, or takes what it gave from Options.Cache when
// its stamp is unchanged.
func readUnit(ctx context.Context, u unit, opt Options) unitResult {
	var stamp *FileStamp
	if opt.Cache != nil && u.path != "-" {
		if s, err := stampFile(u); err == nil {
			if fr, ok := opt.Cache.Lookup(s); ok {
				return fr.unitResult(u.path)
			}
			stamp = &s
		}
	}
	res := walkUnit(ctx, u, opt)
	if stamp != nil && ctx.Err() == nil && res.cacheable() {
		opt.Cache.Store(*stamp, res.fileResult())
	}
	return res
}

// walkUnit walks one unit and reads its members.
func walkUnit(ctx context.Context, u unit, opt Options) unitResult {
	ur := &unitReader{ctx: ctx, u: u, opt: opt, hosts: map[string]*Host{}}
	if opt.Progress != nil {
		ur.progress = opt.Progress.Start(u.path)
		defer ur.progress.Done()
	}
	ur.res.skipped.Path = u.path
	var stdin io.Reader = os.Stdin
	if opt.Stdin != nil {
		stdin = opt.Stdin
	}
	problem := func(path string, err error) {
		ur.res.problems = append(ur.res.problems, Problem{Path: path, Err: err.Error()})
	}
	if err := archive.Walk(ctx, u.path, stdin, opt.Limits, ur.visit, problem); err != nil && ctx.Err() == nil {
		ur.res.problems = append(ur.res.problems, Problem{Path: u.path, Err: err.Error(), Failed: true})
	}
	for _, h := range ur.hosts {
		ur.res.hosts = append(ur.res.hosts, h)
	}
	return ur.res
}

// visit classifies one member and reads it with the parser for its kind.
func (ur *unitReader) visit(m *archive.Member) error {
	name := m.Name
	if len(m.Outer) == 0 && ur.u.rel != "" {
		name = ur.u.rel
	}
	var content io.Reader = m.Content
	if ur.progress != nil {
		content = &progressReader{r: content, p: ur.progress}
	}
	br := bufio.NewReaderSize(content, headBytes)
	head, _ := br.Peek(headBytes)
	cls := bundle.Classify(name, head)
	binary := bytes.IndexByte(head, 0) >= 0
	switch {
	case cls.Kind != bundle.KindUnknown:
	case ur.direct(m) && binary:
		ur.res.problems = append(ur.res.problems, Problem{Path: m.Path, Err: "binary data, not a log, an archive or a known bundle; not read", Failed: true})
	case ur.direct(m) || looksLikeOOM(head):
		cls.Kind = bundle.KindKernel // a paste or a file the user named: read it as a log
	}
	host := ur.host(m, name)
	if cls.Kind == bundle.KindUnknown {
		n, _ := io.Copy(io.Discard, br)
		ur.res.skipped.Members++
		ur.res.skipped.Bytes += n
		return nil
	}
	if host != nil {
		host.Kinds[cls.Kind]++
	}
	mem := Member{Path: m.Path, Kind: cls.Kind, Truncated: cls.Truncated}
	if host != nil {
		mem.HostKey = host.Key
	}
	ur.read(&mem, cls, br, host)
	ur.res.members = append(ur.res.members, mem)
	return nil
}

// direct reports a member that is the user's own file, not one found in a
// folder or an archive.
func (ur *unitReader) direct(m *archive.Member) bool {
	return ur.u.direct && len(m.Outer) == 0
}

// looksLikeOOM catches raw kernel text that no carrier or path names.
func looksLikeOOM(head []byte) bool {
	return bytes.Contains(head, []byte(" invoked oom-killer: ")) || bytes.Contains(head, []byte("Killed process "))
}

func (ur *unitReader) read(mem *Member, cls bundle.Class, r io.Reader, host *Host) {
	var err error
	switch cls.Kind {
	case bundle.KindKernel, bundle.KindSyslog, bundle.KindJournal, bundle.KindKubelet, bundle.KindRuntime:
		mem.Stats, err = parse.ScanLog(ur.ctx, mem.Path, r, parse.Sink{
			Dump:  func(d *parse.Dump) { mem.Dumps = append(mem.Dumps, d) },
			Event: func(e parse.KubeEvent) { mem.Events = append(mem.Events, e) },
		})
	case bundle.KindPods, bundle.KindNodes, bundle.KindEvents:
		mem.Objects, mem.Stats, err = parse.ReadObjects(ur.ctx, mem.Path, r)
	case bundle.KindHost:
		cr := &countingReader{r: r}
		var f bundle.HostFacts
		err = bundle.ReadFact(cls.Fact, cr, &f)
		if host != nil {
			host.Facts.Merge(f)
		}
		_, _ = io.Copy(io.Discard, cr)
		mem.Stats = parse.InputStats{Path: mem.Path, Bytes: cr.n}
	}
	if err != nil {
		mem.Err = err
		if errors.Is(err, archive.ErrLimit) || errors.Is(err, archive.ErrTruncated) {
			mem.Truncated = true
		}
	}
}

// host returns the host context of a member, creating it on first sight;
// nil for a member outside any bundle host (a plain log, or cluster-wide
// data such as a support bundle's cluster-resources). Members of one host
// that a layout spreads over several folders (a troubleshoot bundle's
// per-collector node folders) share the host's name and so its context.
func (ur *unitReader) host(m *archive.Member, name string) *Host {
	root, layout := bundle.HostRoot(name)
	container := ur.u.path
	if len(m.Outer) > 0 {
		container = m.Outer[len(m.Outer)-1]
	} else if ur.u.rel != "" {
		container = strings.TrimSuffix(ur.u.path, ur.u.rel)
	}
	if root == "" && layout == bundle.LayoutEKS {
		root = "." // an EKS archive has no top folder: the archive is the host
	}
	if root == "" {
		return nil
	}
	hint := bundle.HostNameHint(root, layout)
	if hint == "" && root == "." {
		hint = bundle.HostNameHint(container, layout)
	}
	key := container + "!" + root
	if hint != "" {
		key = container + "!" + string(layout) + ":" + hint
	}
	h, ok := ur.hosts[key]
	if !ok {
		h = &Host{Key: key, Root: root, Layout: layout, Hint: hint, Kinds: map[bundle.Kind]int{}}
		ur.hosts[key] = h
	}
	return h
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// progressReader tells an InputProgress how much has been read.
type progressReader struct {
	r io.Reader
	p InputProgress
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.p.Read(n)
	return n, err
}

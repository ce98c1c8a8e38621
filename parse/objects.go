package parse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/api/resource"
)

// This file reads Kubernetes objects (pods, nodes, events) and crictl pod
// sandboxes out of the YAML and JSON that bundles hold:
//
//	kubectl get … -o yaml|json     a single object, or a List of them
//	support bundle                 cluster-resources/pods/<ns>.json (PodList), nodes.json, events/<ns>.json
//	must-gather                    namespaces/<ns>/pods/<pod>/<pod>.yaml, namespaces/<ns>/core/pods.yaml
//	sos                            kubectl_get_-o_json_…_pods, crio/pods/crictl_inspectp_<id>
//
// Inputs are streamed: a YAML stream is split into documents (and a List's
// block-sequence items into one unit each) before yaml.v3 sees them, and a
// JSON List's items are decoded one at a time with json.Decoder. Every item
// is decoded into kubeObject, a struct of only the fields oomtriage keeps, so
// a 50 MB PodList never exists in memory as a tree.

// The formats ReadObjects reports in InputStats.Formats.
const (
	FormatKubeYAML Format = "kube-yaml"
	FormatKubeJSON Format = "kube-json"
)

// Objects holds what one input contributed.
type Objects struct {
	Pods   []Pod
	Nodes  []Node
	Events []KubeEvent
	// Sandboxes are the pod sandboxes of crictl inspectp (and crictl pods -o
	// json). Each also gives a Pod with what it has; the sandbox ID and the
	// cgroup parent have no place in Pod, so they are kept here.
	Sandboxes []Sandbox
	// Skipped counts the objects read but not kept, by kind: other kinds
	// (ConfigMap, …), "" for objects that name no kind and have no known
	// shape, and "Event" for Events whose reason does not concern memory.
	Skipped map[string]int
}

// Sandbox is a pod sandbox as a container runtime reports it (crictl
// inspectp, crictl pods). Empty strings are unknown.
type Sandbox struct {
	ID        string // the sandbox (pause container) ID
	PodUID    string
	Namespace string
	Name      string
	// CgroupParent is the pod cgroup the kubelet asked for
	// (info.config.linux.cgroup_parent with containerd, the
	// io.kubernetes.cri-o.CgroupParent annotation with CRI-O), e.g.
	// "/kubepods/burstable/pod<uid>" or "kubepods-burstable-pod<u>.slice".
	CgroupParent string
	// CgroupsPath is the sandbox's own OCI cgroupsPath
	// (info.runtimeSpec.linux.cgroupsPath), e.g.
	// "kubepods-burstable-pod<u>.slice:cri-containerd:<id>".
	CgroupsPath string
	Runtime     string // "containerd", "cri-o", or "" when not told
	Source      Source
}

// maxObjectBytes caps one YAML document, one List item or one JSON value.
// A variable so that tests can lower it.
var maxObjectBytes = 64 << 20

// maxObjectResyncs bounds how often a JSON input that keeps failing is
// searched for the next object before reading it is given up. A variable
// so that tests can change it.
var maxObjectResyncs = 100

// maxQuantityLen bounds a quantity string handed to resource.ParseQuantity,
// which spends time and memory linear in an exponent like 1e-999999999.
const maxQuantityLen = 64

var errObjectTooLarge = errors.New("object larger than the size cap")

// ObjectsError lists the documents of one input that could not be read, or
// were read only in part.
type ObjectsError struct {
	Path     string
	Problems []string // the first maxErrorsPerInput problems, each naming document and line
	Total    int      // all problems, shown or not
}

func (e *ObjectsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s) reading Kubernetes objects: ", e.Path, e.Total)
	b.WriteString(strings.Join(e.Problems, "; "))
	if n := e.Total - len(e.Problems); n > 0 {
		fmt.Fprintf(&b, "; and %d more", n)
	}
	return b.String()
}

// ReadObjects reads one input holding Kubernetes objects: a single object, a
// List/PodList/NodeList/EventList, multi-document YAML (--- separated), a
// JSON stream of objects (or a JSON array of them), or crictl inspectp /
// crictl pods JSON.
//
// Pods, Nodes and the Events that matter for memory are kept; other kinds are
// counted in Objects.Skipped. A List item without a kind takes it from the
// List's kind, or from its shape. A broken document gives a problem naming
// the path, the document number (and List item) and the line, and reading
// goes on with the next document (JSON: the next line that starts with '{'
// or '['); everything read stays in Objects. The returned error is an
// *ObjectsError listing at most the first 20 problems (and ctx.Err() joined
// when ctx ended the read); the same problems are in InputStats.Errors.
//
// Memory stays bounded by the largest single object: YAML documents, List
// items and JSON values over 64 MiB are refused, and so are YAML documents
// whose aliases expand to far more nodes than they hold (alias bombs).
func ReadObjects(ctx context.Context, path string, r io.Reader) (Objects, InputStats, error) {
	or := &objectReader{ctx: ctx, path: path}
	or.st.Path = path
	lc := &objCountingReader{r: r, track: true}
	br := bufio.NewReaderSize(lc, 64<<10)
	var bom int64
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
		bom = 3
	}
	if objLooksJSON(br) {
		or.st.Formats = []Format{FormatKubeJSON}
		or.readJSON(lc, br, bom)
		or.st.Lines = lc.lines()
	} else {
		lc.track, lc.nl = false, nil // the splitter counts lines itself
		or.st.Formats = []Format{FormatKubeYAML}
		or.readYAML(br)
	}
	or.st.Bytes = lc.off
	return or.finish()
}

// objLooksJSON tells whether the first byte that is not white space opens a
// JSON object or array.
func objLooksJSON(br *bufio.Reader) bool {
	for i := 1; i <= br.Size(); i++ { // one byte more at a time: a pipe may be slow
		b, err := br.Peek(i)
		if err != nil {
			return false
		}
		switch b[i-1] {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// objectReader collects what one input gives.
type objectReader struct {
	ctx      context.Context
	path     string
	objs     Objects
	st       InputStats
	problems []string
	total    int
	ctxErr   error
	doc      int // documents begun
}

func (r *objectReader) finish() (Objects, InputStats, error) {
	if len(r.objs.Skipped) > 0 {
		kinds := make([]string, 0, len(r.objs.Skipped))
		for k := range r.objs.Skipped {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			name := k
			if name == "" {
				name = "(no kind)"
			}
			parts[i] = fmt.Sprintf("%s %d", name, r.objs.Skipped[k])
		}
		r.st.Notes = append(r.st.Notes, "objects not kept: "+strings.Join(parts, ", "))
	}
	var errs []error
	if r.total > 0 {
		errs = append(errs, &ObjectsError{Path: r.path, Problems: r.problems, Total: r.total})
	}
	if r.ctxErr != nil {
		errs = append(errs, r.ctxErr)
	}
	return r.objs, r.st, errors.Join(errs...)
}

// cancelled records and reports the end of ctx.
func (r *objectReader) cancelled() bool {
	if r.ctxErr == nil {
		r.ctxErr = r.ctx.Err()
	}
	return r.ctxErr != nil
}

// where names a place in the input: "document 3 item 7 (line 45)".
func (r *objectReader) where(doc, item, line int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "document %d", doc)
	if item > 0 {
		fmt.Fprintf(&b, " item %d", item)
	}
	if line > 0 {
		fmt.Fprintf(&b, " (line %d)", line)
	}
	return b.String()
}

// problem records one thing that went wrong at a place.
func (r *objectReader) problem(doc, item, line int, format string, args ...any) {
	msg := r.where(doc, item, line) + ": " + fmt.Sprintf(format, args...)
	r.total++
	if len(r.problems) < maxErrorsPerInput {
		r.problems = append(r.problems, r.path+": "+msg)
	}
	r.st.addError(msg)
}

func (r *objectReader) skip(kind string) {
	if r.objs.Skipped == nil {
		r.objs.Skipped = map[string]int{}
	}
	r.objs.Skipped[kind]++
}

// add keeps one decoded object. listKind is the kind of the List it came
// from, if any.
func (r *objectReader) add(o *kubeObject, listKind string, line, doc, item int) {
	src := Source{Path: r.path, Line: line}
	kind := o.kind(listKind)
	var errs []string
	switch kind {
	case "Pod":
		p := o.pod(src, &errs)
		r.objs.Pods = append(r.objs.Pods, p)
	case "Node":
		r.objs.Nodes = append(r.objs.Nodes, o.node(src, &errs))
	case "Event":
		if ev, ok := o.event(src, &errs); ok {
			r.objs.Events = append(r.objs.Events, ev)
		} else {
			r.skip("Event")
		}
	case kindCrictlSandbox:
		sb, p := o.sandbox(src)
		r.objs.Sandboxes = append(r.objs.Sandboxes, sb)
		r.objs.Pods = append(r.objs.Pods, p)
	default:
		if len(o.Items) > 0 || objIsListKind(kind) {
			for i := range o.Items {
				// Items decoded with their List (flow style, nested
				// Lists) share the List's line.
				r.add(&o.Items[i], kind, line, doc, item)
			}
			return
		}
		r.skip(kind)
	}
	for _, e := range errs {
		r.problem(doc, item, line, "%s", e)
	}
}

func objSizeText(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

func objIsListKind(kind string) bool { return strings.HasSuffix(kind, "List") }

// ---------------------------------------------------------------------------
// YAML

// readYAML splits the input into documents at "---" lines and hands each to
// yaml.v3. Inside a document, a top-level "items:" block sequence (kubectl's
// List layout) is cut into one unit per item, so a big List is parsed one
// item at a time; everything else of the document is parsed at its end.
func (r *objectReader) readYAML(br *bufio.Reader) {
	s := &objYAMLSplitter{r: r, src: objLineSource{br: br, max: maxObjectBytes}}
	s.run()
	r.st.Lines = s.src.n
}

// objUnit is a piece of YAML text (a document, or one List item) with the
// input lines it came from. The text of a document that had its items cut
// out is not contiguous, so the unit keeps segments to map its own line
// numbers back to the input's.
type objUnit struct {
	buf    []byte
	segs   []objSeg
	lines  int
	start  int // input line where the unit's content starts, for messages
	tooBig bool
}

type objSeg struct{ rel, abs int } // unit line rel is input line abs, and so on until the next seg

func (u *objUnit) add(line []byte, abs int, cut bool) {
	if n := len(u.segs); n == 0 || u.segs[n-1].abs+(u.lines+1-u.segs[n-1].rel) != abs {
		u.segs = append(u.segs, objSeg{rel: u.lines + 1, abs: abs})
	}
	u.lines++
	if cut || len(u.buf)+len(line) > maxObjectBytes {
		u.tooBig = true
	}
	if !u.tooBig {
		u.buf = append(u.buf, line...)
		if len(line) == 0 || line[len(line)-1] != '\n' {
			u.buf = append(u.buf, '\n')
		}
	}
}

// abs maps a 1-based line of the unit to the input line.
func (u *objUnit) abs(rel int) int {
	if len(u.segs) == 0 || rel < 1 {
		return 0
	}
	i := sort.Search(len(u.segs), func(i int) bool { return u.segs[i].rel > rel }) - 1
	if i < 0 {
		i = 0
	}
	return u.segs[i].abs + rel - u.segs[i].rel
}

func (u *objUnit) firstLine() int {
	if u.start > 0 {
		return u.start
	}
	return u.abs(1)
}

func (u *objUnit) reset() {
	if cap(u.buf) > 4<<20 {
		u.buf = nil // do not keep a huge document's buffer for the rest of the input
	}
	u.buf, u.segs, u.lines, u.start, u.tooBig = u.buf[:0], u.segs[:0], 0, 0, false
}

const (
	yamlNormal     = iota
	yamlItemsStart // after "items:", before its first "- "
	yamlInItems
)

type objYAMLSplitter struct {
	r        *objectReader
	src      objLineSource
	doc      int  // number of the current document, 0 before its first content
	content  bool // the current document has content besides comments and markers
	mode     int
	header   objUnit // the document without its cut-out items
	item     objUnit
	itemNum  int
	indent   int  // column of the items' dashes
	split    bool // items were cut out of the current document
	marker   bool // the current document has its "---" line
	pending  []objPendingLine
	listKind string // a top-level "kind:" seen so far in the document
}

type objPendingLine struct {
	text []byte
	abs  int
}

func (s *objYAMLSplitter) run() {
	for {
		if s.src.n%1024 == 0 && s.r.cancelled() {
			return
		}
		line, cut, err := s.src.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.r.problem(max(s.doc, 1), 0, s.src.n+1, "read error: %v", err)
			}
			break
		}
		abs := s.src.n
		switch {
		case objIsDocStart(line):
			if s.content {
				s.endDoc()
			} else if s.marker {
				// "---" then only comments: an empty document, which
				// would hide the next one from yaml.Unmarshal.
				s.header.reset()
			}
			s.marker = true
			s.header.add(line, abs, cut)
			if rest := bytes.TrimSpace(line[3:]); len(rest) > 0 && rest[0] != '#' {
				s.begin(abs)
			}
			continue
		case objIsDocEnd(line):
			s.endDoc()
			continue
		case !s.content && len(line) > 0 && line[0] == '%':
			// A directive before "---". yaml.v3 refuses "%YAML 1.2",
			// and the version changes nothing read here: drop it.
			if !bytes.HasPrefix(line, []byte("%YAML")) {
				s.header.add(line, abs, cut)
			}
			continue
		}
		if !s.content && !objBlankOrComment(line) {
			s.begin(abs)
		}
		s.dispatch(line, abs, cut)
		if s.r.ctxErr != nil {
			return
		}
	}
	s.endDoc()
}

// begin marks the current document as holding content and numbers it.
func (s *objYAMLSplitter) begin(line int) {
	if !s.content {
		s.content = true
		s.r.doc++
		s.doc = s.r.doc
		s.header.start = line
	}
}

func (s *objYAMLSplitter) dispatch(line []byte, abs int, cut bool) {
	switch s.mode {
	case yamlNormal:
		if objIsItemsKey(line) {
			s.mode = yamlItemsStart
			s.pending = append(s.pending[:0], objPendingLine{append([]byte(nil), line...), abs})
			return
		}
		if k, ok := objTopKind(line); ok {
			s.listKind = k
		}
		s.header.add(line, abs, cut)
	case yamlItemsStart:
		if objBlankOrComment(line) && len(s.pending) < 1000 {
			s.pending = append(s.pending, objPendingLine{append([]byte(nil), line...), abs})
			return
		}
		if ind, ok := objDashAt(line); ok {
			s.mode, s.indent, s.pending, s.split = yamlInItems, ind, s.pending[:0], true
			s.startItem(line, abs, cut, ind)
			return
		}
		// Not a block sequence after all ("items:" holding a mapping, or too
		// many blank lines): leave the document whole.
		for _, p := range s.pending {
			s.header.add(p.text, p.abs, false)
		}
		s.pending = s.pending[:0]
		s.mode = yamlNormal
		s.header.add(line, abs, cut)
	case yamlInItems:
		if objBlankOrComment(line) {
			if s.item.lines > 0 {
				s.item.add(line, abs, cut)
			}
			return
		}
		ind := objIndent(line)
		switch {
		case ind == s.indent && objIsDash(line, ind):
			s.flushItem()
			s.startItem(line, abs, cut, ind)
		case ind > s.indent:
			s.item.add(line, abs, cut)
		default: // the items are over
			s.flushItem()
			s.mode = yamlNormal
			s.dispatch(line, abs, cut)
		}
	}
}

// startItem begins a List item: its dash becomes a space, which leaves the
// item as a block mapping indented like the rest of its lines.
func (s *objYAMLSplitter) startItem(line []byte, abs int, cut bool, ind int) {
	s.itemNum++
	s.item.reset()
	s.item.add(line, abs, cut)
	s.item.start = abs
	if !s.item.tooBig && ind < len(s.item.buf) {
		s.item.buf[ind] = ' '
	}
}

func (s *objYAMLSplitter) flushItem() {
	if s.item.lines == 0 {
		return
	}
	if s.r.cancelled() {
		return
	}
	s.r.decodeYAMLUnit(&s.item, s.doc, s.itemNum, s.listKind, false)
	s.item.reset()
}

func (s *objYAMLSplitter) endDoc() {
	s.flushItem()
	for _, p := range s.pending { // "items:" with nothing after it
		s.header.add(p.text, p.abs, false)
	}
	if s.content && s.r.ctxErr == nil {
		s.r.decodeYAMLUnit(&s.header, s.doc, 0, "", s.split)
	}
	s.header.reset()
	s.item.reset()
	s.pending = s.pending[:0]
	s.content, s.mode, s.itemNum, s.doc, s.listKind, s.split, s.marker = false, yamlNormal, 0, 0, "", false, false
}

// decodeYAMLUnit parses one unit and keeps the objects in it. item > 0 marks
// a List item cut out by the splitter; listKind is the List's kind if it was
// seen before the item. listHeader marks what is left of a document whose
// items were cut out: the List itself, which is not an object to keep.
func (r *objectReader) decodeYAMLUnit(u *objUnit, doc, item int, listKind string, listHeader bool) {
	if u.tooBig {
		r.problem(doc, item, u.firstLine(), "larger than %s; skipped", objSizeText(maxObjectBytes))
		return
	}
	var root yaml.Node
	if err := objYAMLUnmarshal(u.buf, &root); err != nil {
		r.problem(doc, item, u.firstLine(), "%s", objFixYAMLLines(err.Error(), u))
		return
	}
	if len(root.Content) == 0 {
		return // comments only
	}
	n := root.Content[0]
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty document
	}
	line := u.abs(n.Line)
	if n.Kind != yaml.MappingNode {
		r.problem(doc, item, line, "not a Kubernetes object (a YAML %s)", objNodeKindName(n.Kind))
		return
	}
	if err := objCheckAliases(n); err != nil {
		r.problem(doc, item, line, "%v", err)
		return
	}
	// Items of a List that the splitter left in place (flow style, an
	// indented layout it does not cut) are decoded one by one, each with
	// its own line.
	var items *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "items" && n.Content[i+1].Kind == yaml.SequenceNode {
			items = n.Content[i+1]
			n.Content = append(n.Content[:i:i], n.Content[i+2:]...)
			break
		}
	}
	var o kubeObject
	ok := r.decodeYAMLNode(n, &o, u, doc, item, line)
	if items == nil {
		if ok && !listHeader {
			r.add(&o, listKind, line, doc, item)
		}
		return
	}
	for i, it := range items.Content {
		if r.cancelled() {
			return
		}
		var io kubeObject
		iline := u.abs(it.Line)
		if it.Kind != yaml.MappingNode {
			r.problem(doc, i+1, iline, "List item is not an object (a YAML %s)", objNodeKindName(it.Kind))
			continue
		}
		if r.decodeYAMLNode(it, &io, u, doc, i+1, iline) {
			r.add(&io, o.Kind, iline, doc, i+1)
		}
	}
}

// decodeYAMLNode decodes n into o. A type mismatch in one field is recorded
// and the rest is kept; any other error drops the object.
func (r *objectReader) decodeYAMLNode(n *yaml.Node, o *kubeObject, u *objUnit, doc, item, line int) bool {
	err := objYAMLDecode(n, o)
	if err == nil {
		return true
	}
	msg := objFixYAMLLines(err.Error(), u)
	var te *yaml.TypeError
	if errors.As(err, &te) {
		r.problem(doc, item, line, "%s", strings.ReplaceAll(msg, "\n", " "))
		return true
	}
	r.problem(doc, item, line, "%s", msg)
	return false
}

// objYAMLUnmarshal and objYAMLDecode turn a panic inside yaml.v3 into an
// error: a bad input must not end the program.
func objYAMLUnmarshal(b []byte, n *yaml.Node) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("yaml: internal error: %v", p)
		}
	}()
	return yaml.Unmarshal(b, n)
}

func objYAMLDecode(n *yaml.Node, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("yaml: internal error: %v", p)
		}
	}()
	return n.Decode(v)
}

var objYAMLLineRe = regexp.MustCompile(`\bline (\d+)`)

// objFixYAMLLines rewrites yaml.v3's "line N" (a line of the unit) to the
// input's line number. yaml.v3 prints the 0-based line of its mark for the
// parser's errors ("did not find expected …") and the 1-based one for the
// scanner's and for type errors.
func objFixYAMLLines(msg string, u *objUnit) string {
	delta := 0
	if strings.Contains(msg, "did not find expected") || strings.Contains(msg, "found duplicate %TAG directive") {
		delta = 1
	}
	return objYAMLLineRe.ReplaceAllStringFunc(msg, func(m string) string {
		n, err := strconv.Atoi(m[len("line "):])
		if err != nil {
			return m
		}
		return "line " + strconv.Itoa(u.abs(n+delta))
	})
}

func objNodeKindName(k yaml.Kind) string {
	switch k {
	case yaml.ScalarNode:
		return "scalar"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "mapping"
}

// objCheckAliases refuses a document whose aliases expand to many more nodes
// than it holds: the "billion laughs". yaml.v3 checks the aliases it expands
// while decoding (and fails with "document contains excessive aliasing"),
// but it expands only the fields being decoded, so a bomb elsewhere in the
// document would be passed over silently; this check counts them all,
// without expanding anything. A document of N nodes may expand to
// max(1 Mi, 16·N) nodes.
func objCheckAliases(n *yaml.Node) error {
	var literal int64
	aliases := false
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		literal++
		if n.Kind == yaml.AliasNode {
			aliases = true
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	if !aliases {
		return nil
	}
	limit := max(int64(1)<<20, 16*literal)
	memo := map[*yaml.Node]int64{}
	active := map[*yaml.Node]bool{}
	var size func(*yaml.Node) (int64, error)
	size = func(n *yaml.Node) (int64, error) {
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return 1, nil
			}
			n = n.Alias
		}
		if v, ok := memo[n]; ok {
			return v, nil
		}
		if active[n] {
			return 0, fmt.Errorf("yaml: anchor %q value contains itself", n.Anchor)
		}
		active[n] = true
		total := int64(1)
		for _, c := range n.Content {
			v, err := size(c)
			if err != nil {
				return 0, err
			}
			total += v
			if total > limit {
				total = limit + 1
				break
			}
		}
		delete(active, n)
		memo[n] = total
		return total, nil
	}
	total, err := size(n)
	if err != nil {
		return err
	}
	if total > limit {
		return fmt.Errorf("yaml: document contains excessive aliasing: %d nodes expand to more than %d", literal, limit)
	}
	return nil
}

// objLineSource yields the lines of an input, each with its line end. A
// line longer than max is cut there and reported as cut.
type objLineSource struct {
	br   *bufio.Reader
	long []byte
	n    int
	max  int
}

// next returns the next line, valid until the next call.
func (s *objLineSource) next() ([]byte, bool, error) {
	chunk, err := s.br.ReadSlice('\n')
	if err == nil || (errors.Is(err, io.EOF) && len(chunk) > 0) {
		s.n++
		return chunk, false, nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return nil, false, err
	}
	if cap(s.long) > 4<<20 {
		s.long = nil
	}
	s.long = append(s.long[:0], chunk...)
	cut := false
	for {
		chunk, err = s.br.ReadSlice('\n')
		if room := s.max - len(s.long); room < len(chunk) {
			chunk, cut = chunk[:max(room, 0)], true
		}
		s.long = append(s.long, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		s.n++
		return s.long, cut, nil
	}
}

func objIsDocStart(line []byte) bool {
	return bytes.HasPrefix(line, []byte("---")) && (len(line) == 3 || objIsSpace(line[3]))
}

func objIsDocEnd(line []byte) bool {
	return bytes.HasPrefix(line, []byte("...")) && (len(line) == 3 || objIsSpace(line[3]))
}

func objIsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func objBlankOrComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n")
	return len(t) == 0 || t[0] == '#'
}

// objIsItemsKey matches a top-level "items:" that opens a block value.
func objIsItemsKey(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, []byte("items:"))
	if !ok {
		return false
	}
	rest = bytes.TrimLeft(rest, " \t\r\n")
	return len(rest) == 0 || rest[0] == '#'
}

// objTopKind reads a top-level "kind: X" line.
func objTopKind(line []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(line, []byte("kind:"))
	if !ok {
		return "", false
	}
	k := string(bytes.Trim(bytes.TrimSpace(rest), `"'`))
	if k == "" || strings.ContainsAny(k, " #{[") {
		return "", false
	}
	return k, true
}

func objIndent(line []byte) int {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i
}

func objIsDash(line []byte, i int) bool {
	return i < len(line) && line[i] == '-' && (i+1 == len(line) || objIsSpace(line[i+1]))
}

func objDashAt(line []byte) (int, bool) {
	i := objIndent(line)
	return i, objIsDash(line, i)
}

// ---------------------------------------------------------------------------
// JSON

// objCountingReader counts the bytes and newlines read from the input and
// maps an offset to its line.
type objCountingReader struct {
	r        io.Reader
	track    bool // keep newline offsets for lineAt
	off      int64
	newlines int
	last     byte
	nl       []int64 // offsets of newlines not yet passed by lineAt
	head     int
	passed   int // newlines before nl[head]
}

func (c *objCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		if c.track {
			c.nl = append(c.nl, c.off+int64(i+j))
		}
		c.newlines++
		i += j + 1
	}
	if n > 0 {
		c.last = p[n-1]
	}
	c.off += int64(n)
	return n, err
}

// lineAt returns the 1-based line of offset off. Offsets must not go back.
func (c *objCountingReader) lineAt(off int64) int {
	for c.head < len(c.nl) && c.nl[c.head] < off {
		c.head++
		c.passed++
	}
	if c.head > 1024 && c.head*2 > len(c.nl) {
		c.nl = append(c.nl[:0], c.nl[c.head:]...)
		c.head = 0
	}
	return c.passed + 1
}

func (c *objCountingReader) lines() int {
	if c.off > 0 && c.last != '\n' {
		return c.newlines + 1
	}
	return c.newlines
}

// objJSONSource is what the JSON decoder reads: bytes put back after an
// error, then the input. It knows the input offset of the next byte, and
// refuses to read past limit (when set), which caps what json.Decoder
// buffers for one value.
type objJSONSource struct {
	prefix []byte
	br     *bufio.Reader
	off    int64
	limit  int64
}

func (s *objJSONSource) Read(p []byte) (int, error) {
	if s.limit > 0 {
		room := s.limit - s.off
		if room <= 0 {
			return 0, errObjectTooLarge
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	var n int
	var err error
	if len(s.prefix) > 0 {
		n = copy(p, s.prefix)
		s.prefix = s.prefix[n:]
	} else {
		n, err = s.br.Read(p)
	}
	s.off += int64(n)
	return n, err
}

// skip drops n bytes.
func (s *objJSONSource) skip(n int64) {
	k := min(n, int64(len(s.prefix)))
	s.prefix = s.prefix[k:]
	d, _ := s.br.Discard(int(n - k))
	s.off += k + int64(d)
}

// skipLine drops the rest of the line.
func (s *objJSONSource) skipLine() error {
	if len(s.prefix) > 0 {
		if i := bytes.IndexByte(s.prefix, '\n'); i >= 0 {
			s.prefix = s.prefix[i+1:]
			s.off += int64(i + 1)
			return nil
		}
		s.off += int64(len(s.prefix))
		s.prefix = nil
	}
	for {
		chunk, err := s.br.ReadSlice('\n')
		s.off += int64(len(chunk))
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return err
	}
}

// peek returns the next byte.
func (s *objJSONSource) peek() (byte, bool) {
	if len(s.prefix) > 0 {
		return s.prefix[0], true
	}
	b, err := s.br.Peek(1)
	if err != nil {
		return 0, false
	}
	return b[0], true
}

// objJSONStream reads a JSON stream of values. After an error it looks for
// the next line starting with '{' or '[' and goes on with a new decoder from
// there.
type objJSONStream struct {
	r       *objectReader
	lc      *objCountingReader
	src     *objJSONSource
	dec     *json.Decoder
	base    int64 // input offset where dec started
	resyncs int
	// where the last fatal error happened, for fail
	failItem  int
	failStart int64
}

func (r *objectReader) readJSON(lc *objCountingReader, br *bufio.Reader, start int64) {
	j := &objJSONStream{r: r, lc: lc, src: &objJSONSource{br: br, off: start}}
	j.dec = json.NewDecoder(j.src)
	j.base = start
	j.run()
}

func (j *objJSONStream) pos() int64 { return j.base + j.dec.InputOffset() }

// arm lets the decoder read one more value of at most maxObjectBytes from
// where it is.
func (j *objJSONStream) arm() { j.armAt(j.pos()) }

func (j *objJSONStream) armAt(start int64) { j.src.limit = start + int64(maxObjectBytes) }

// peekStart returns the offset and the first byte of the next value: the
// decoder's position past white space and a ',' or ':' separator. The byte
// is 0 when the decoder has not read that far.
func (j *objJSONStream) peekStart() (int64, byte) {
	p := j.pos()
	var buf [512]byte
	rd := j.dec.Buffered()
	for {
		n, _ := rd.Read(buf[:])
		if n == 0 {
			return p, 0
		}
		for _, c := range buf[:n] {
			switch c {
			case ' ', '\t', '\r', '\n', ',', ':':
				p++
			default:
				return p, c
			}
		}
	}
}

// objJSONKind names the JSON type of a token or of a value's first byte.
func objJSONKind(c byte) string {
	switch {
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '[':
		return "array"
	case c == '-' || c >= '0' && c <= '9':
		return "number"
	}
	return "value"
}

func (j *objJSONStream) line(off int64) int { return j.lc.lineAt(off) }

func (j *objJSONStream) run() {
	for doc := 1; ; doc++ {
		if j.r.cancelled() {
			return
		}
		j.arm()
		more := j.dec.More()
		start, first := j.peekStart()
		tok, err := j.dec.Token()
		if errors.Is(err, io.EOF) && !more {
			return
		}
		j.r.doc = doc
		if err != nil {
			if !j.fail(doc, 0, start, err) {
				return
			}
			continue
		}
		switch tok {
		case json.Delim('{'):
			err = j.object(doc, start)
		case json.Delim('['):
			err = j.items(doc, "", start)
		default:
			j.r.problem(doc, 0, j.line(start), "not a Kubernetes object (a JSON %s)", objJSONKind(first))
			continue
		}
		if j.r.ctxErr != nil {
			return
		}
		if err != nil && !j.fail(doc, j.failItem, j.failStart, err) {
			return
		}
	}
}

// object reads the members of a top-level object (its '{' already read).
// "items" is streamed; the other members fill a kubeObject.
func (j *objJSONStream) object(doc int, start int64) error {
	var o kubeObject
	line := j.line(start)
	list := false
	for j.dec.More() {
		if list {
			j.arm() // what follows a List's items is capped on its own
		} else {
			j.armAt(start) // the whole object is capped
		}
		kt, err := j.dec.Token()
		if err != nil {
			return j.failAt(0, start, err)
		}
		key, _ := kt.(string)
		if key == "items" {
			list = true
			if err := j.itemsValue(doc, o.Kind); err != nil {
				return err
			}
			continue
		}
		dst := o.member(key)
		if dst == nil {
			dst = &objSkipJSON{}
		}
		if err := j.dec.Decode(dst); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				j.r.problem(doc, 0, line, "%v", err)
				continue
			}
			return j.failAt(0, start, err)
		}
	}
	if _, err := j.dec.Token(); err != nil { // '}'
		return j.failAt(0, start, err)
	}
	if !list {
		j.r.add(&o, "", line, doc, 0)
	}
	return nil
}

// itemsValue reads the value of a List's "items" member.
func (j *objJSONStream) itemsValue(doc int, listKind string) error {
	j.arm()
	start, first := j.peekStart()
	t, err := j.dec.Token()
	if err != nil {
		return j.failAt(0, start, err)
	}
	switch t {
	case nil:
		return nil // "items": null
	case json.Delim('['):
		return j.items(doc, listKind, start)
	case json.Delim('{'):
		j.r.problem(doc, 0, j.line(start), "items is an object, not a list; skipped")
		return j.skipRest(1, start)
	}
	j.r.problem(doc, 0, j.line(start), "items is a %s, not a list; skipped", objJSONKind(first))
	return nil
}

// items reads the elements of a list (its '[' already read) as objects.
func (j *objJSONStream) items(doc int, listKind string, listStart int64) error {
	n := 0
	for j.dec.More() {
		n++
		if j.r.cancelled() {
			return j.r.ctxErr
		}
		start, first := j.peekStart()
		j.arm()
		var o kubeObject
		var err error
		if first == 0 {
			// The decoder holds the ',' but not the value after it: learn
			// where the value starts from its length.
			w := objSizedItem{o: &o}
			err = j.dec.Decode(&w)
			if w.n > 0 {
				start = j.pos() - int64(w.n)
			}
		} else {
			err = j.dec.Decode(&o)
		}
		if err != nil {
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) {
				return j.failAt(n, start, err)
			}
			if te.Field == "" { // the item itself is not an object
				j.r.problem(doc, n, j.line(start), "not a Kubernetes object (a JSON %s)", te.Value)
				continue
			}
			j.r.problem(doc, n, j.line(start), "%v", err)
		}
		j.r.add(&o, listKind, j.line(start), doc, n)
	}
	if _, err := j.dec.Token(); err != nil { // ']'
		return j.failAt(n, listStart, err)
	}
	return nil
}

// objSizedItem decodes a List item and notes its length in bytes.
type objSizedItem struct {
	o *kubeObject
	n int
}

func (w *objSizedItem) UnmarshalJSON(b []byte) error {
	w.n = len(b)
	return json.Unmarshal(b, w.o)
}

// skipRest reads to the end of a value whose opening delimiter (depth deep)
// was read.
func (j *objJSONStream) skipRest(depth int, start int64) error {
	for depth > 0 {
		j.arm()
		t, err := j.dec.Token()
		if err != nil {
			return j.failAt(0, start, err)
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// objSkipJSON swallows a JSON value without keeping it.
type objSkipJSON struct{}

func (*objSkipJSON) UnmarshalJSON([]byte) error { return nil }

// objJSONFail marks a fatal decoder error; failAt noted where it happened.
type objJSONFail struct{ err error }

func (e *objJSONFail) Error() string { return e.err.Error() }

// failAt notes the item and offset of a fatal error for fail.
func (j *objJSONStream) failAt(item int, start int64, err error) error {
	j.failItem, j.failStart = item, start
	return &objJSONFail{err}
}

// fail reports a fatal decoder error and looks for a place to go on. It
// returns false when the input is over.
func (j *objJSONStream) fail(doc, item int, start int64, err error) bool {
	var f *objJSONFail
	if errors.As(err, &f) {
		err = f.err
	}
	j.failItem, j.failStart = 0, 0
	at := start // where the error is, as far as it can be told
	var msg string
	var se *json.SyntaxError
	switch {
	case errors.Is(err, errObjectTooLarge):
		msg = fmt.Sprintf("larger than %s; skipped", objSizeText(maxObjectBytes))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		msg = "unexpected end of input (truncated?)"
		at = j.src.off
	case errors.As(err, &se):
		msg = se.Error()
		at = j.syntaxErrorAt(start)
	default:
		msg = err.Error()
	}
	line := j.line(start)
	if eline := j.line(max(at, start)); eline != line {
		msg += fmt.Sprintf(" (at line %d)", eline)
	}
	j.r.problem(doc, item, line, "%s", msg)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return false
	}
	j.resyncs++
	if j.resyncs > maxObjectResyncs {
		j.r.problem(doc, 0, j.line(at), "too many errors; the rest of the input was not read")
		return false
	}
	return j.resync(max(at, start))
}

// syntaxErrorAt finds the offset of a syntax error in the value that starts
// at start by decoding what the failed decoder still holds on its own (a
// json.Decoder's SyntaxError.Offset does not count the bytes it read as
// tokens).
func (j *objJSONStream) syntaxErrorAt(start int64) int64 {
	p := j.pos()
	b, _ := io.ReadAll(j.dec.Buffered())
	if start > p && start-p <= int64(len(b)) {
		b, p = b[start-p:], start
	}
	d := json.NewDecoder(bytes.NewReader(b))
	var skip objSkipJSON
	if err := d.Decode(&skip); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return p + se.Offset
		}
	}
	return start
}

// resync skips the line holding offset at, then lines until one starts with
// '{' or '[', and starts a new decoder there.
func (j *objJSONStream) resync(at int64) bool {
	src := j.src
	src.limit = 0
	left, _ := io.ReadAll(j.dec.Buffered())
	src.prefix = append(left, src.prefix...)
	src.off = j.pos()
	if at > src.off {
		src.skip(at - src.off)
	}
	for {
		if err := src.skipLine(); err != nil {
			return false
		}
		if j.r.cancelled() {
			return false
		}
		c, ok := src.peek()
		if !ok {
			return false
		}
		if c == '{' || c == '[' {
			j.dec = json.NewDecoder(src)
			j.base = src.off
			return true
		}
	}
}

// ---------------------------------------------------------------------------
// Quantities

// kubeQuantityUnits returns a resource quantity in base units (bytes for memory),
// rounded up like resource.Quantity.Value(): "500m" of memory is 1 byte.
func kubeQuantityUnits(s string) (int64, error) { return kubeQuantityScaled(s, 0) }

// kubeQuantityMilli returns a resource quantity in thousandths (millicores for
// cpu), rounded up like resource.Quantity.MilliValue().
func kubeQuantityMilli(s string) (int64, error) { return kubeQuantityScaled(s, 3) }

// kubeQuantityScaled parses s with resource.ParseQuantity and returns it times
// 10^exp10 (0 or 3), rounded up. Values beyond int64 are capped at
// math.MaxInt64, as Value() does for "8Ei" (Value() itself returns 0 or a
// wrapped number for others, such as "1e19"). Negative quantities are
// refused: no request or limit can be negative.
func kubeQuantityScaled(s string, exp10 int) (int64, error) {
	if len(s) > maxQuantityLen {
		return 0, fmt.Errorf("quantity %q is longer than %d bytes", s[:16]+"…", maxQuantityLen)
	}
	if e := kubeQuantityExponent(s); e > 100 || e < -100 {
		return 0, fmt.Errorf("quantity %q: exponent out of range", s)
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return 0, fmt.Errorf("quantity %q: %w", s, err)
	}
	if q.Sign() < 0 {
		return 0, fmt.Errorf("quantity %q is negative", s)
	}
	f := q.AsApproximateFloat64() * math.Pow10(exp10)
	switch {
	case f >= 1e19 || math.IsInf(f, 1):
		return math.MaxInt64, nil
	case f >= 9e18: // near the int64 edge: compute exactly
		return kubeQuantityExact(q, exp10), nil
	case exp10 == 3:
		return q.MilliValue(), nil
	}
	return q.Value(), nil
}

// kubeQuantityExact computes ceil(q·10^exp10) with big integers, capped at
// math.MaxInt64; only used for values close to that cap.
func kubeQuantityExact(q resource.Quantity, exp10 int) int64 {
	d := q.AsDec()
	u := new(big.Int).Set(d.UnscaledBig())
	scale := int64(d.Scale()) - int64(exp10) // value = u · 10^-scale
	ten := big.NewInt(10)
	if scale <= 0 {
		u.Mul(u, new(big.Int).Exp(ten, big.NewInt(-scale), nil))
	} else {
		div := new(big.Int).Exp(ten, big.NewInt(scale), nil)
		var rem big.Int
		u.QuoRem(u, div, &rem)
		if rem.Sign() > 0 {
			u.Add(u, big.NewInt(1))
		}
	}
	if !u.IsInt64() {
		return math.MaxInt64
	}
	return u.Int64()
}

// kubeQuantityExponent returns the decimal exponent of "<number>e<exp>" (0 when
// there is none): ParseQuantity's time grows with it.
func kubeQuantityExponent(s string) int {
	i := strings.LastIndexAny(s, "eE")
	if i < 0 || i+1 >= len(s) {
		return 0 // no exponent, or the E (exa) suffix
	}
	e, err := strconv.Atoi(s[i+1:])
	if err != nil {
		if len(strings.Trim(s[i+1:], "+-0123456789")) == 0 {
			return math.MaxInt32 // digits beyond int
		}
		return 0
	}
	return e
}

package report

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oomtriage/oomtriage/correlate"
)

// The page, its style sheet and its script. The style sheet and the script
// are our own files and go into the page verbatim; everything taken from the
// report goes through html/template's contextual escaping, never as
// template.HTML, because process names, cgroup paths and pod names come from
// logs and manifests that an attacker may have written.
//
//go:embed html/report.html.tmpl html/style.css html/filter.js
var htmlFiles embed.FS

var (
	htmlCSS    = htmlMustRead("html/style.css")
	htmlScript = htmlMustRead("html/filter.js")
	// htmlCSP allows the inline style sheet and exactly our inline script;
	// nothing else may load or run, so even markup that slipped through
	// escaping could not fetch or execute anything.
	htmlCSP  = "default-src 'none'; style-src 'unsafe-inline'; script-src '" + cspScriptHash(htmlScript) + "'; base-uri 'none'; form-action 'none'"
	htmlPage = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"scopeClass": htmlScopeClass,
	}).ParseFS(htmlFiles, "html/report.html.tmpl"))
)

func htmlMustRead(name string) string {
	b, err := htmlFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func cspScriptHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// WriteHTML writes one self-contained HTML page: a summary, filters by
// namespace, QoS class and scope, a timeline per host, and a card per
// incident with its memory at the kill, the badness ranking and the
// findings. The page loads nothing from the network. The same report gives
// the same bytes: the page carries no generation time.
func WriteHTML(w io.Writer, r *Report) error {
	if err := htmlPage.Execute(w, htmlBuildPage(r)); err != nil {
		return fmt.Errorf("writing HTML report: %w", err)
	}
	return nil
}

type htmlPageData struct {
	CSP     string
	CSS     template.CSS
	Script  template.JS
	Version string
	Count   int
	Summary runSummary
	Range   string
	Inputs  []Input
	Hosts   []htmlHostRow
	// InputsOpen unfolds the inputs and hosts tables when one of them
	// had a problem.
	InputsOpen bool
	Warnings   []string
	Filters    []htmlFilter
	Timelines  []htmlTimeline
	Cards      []htmlCard
}

// htmlHostRow is one host of a bundle, as the hosts table shows it.
type htmlHostRow struct {
	Name, Layout, Kernel, BootTime, Collected, Inputs, Missing string
}

// htmlFilter is one select of the filter bar; Attr is the data- attribute of
// cards, overview rows and timeline marks it matches.
type htmlFilter struct {
	Label, Attr string
	Options     []keyCount
}

func htmlBuildPage(r *Report) htmlPageData {
	s := summarizeRun(r)
	p := htmlPageData{
		CSP:        htmlCSP,
		CSS:        template.CSS(htmlCSS),
		Script:     template.JS(htmlScript),
		Version:    r.Tool.Version,
		Count:      len(r.Incidents),
		Summary:    s,
		Range:      s.timeRange(),
		Inputs:     r.Inputs,
		InputsOpen: len(s.Problems) > 0,
		Warnings:   r.Warnings,
		Filters: []htmlFilter{
			{"Namespace", "ns", countsByName(s.ByNamespace)},
			{"QoS class", "qos", countsByName(s.ByQoS)},
			{"Scope", "scope", countsByName(s.ByScope)},
		},
	}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		p.Hosts = append(p.Hosts, htmlHostRow{Name: hostName(h), Layout: h.Layout, Kernel: show(h.KernelRelease),
			BootTime: show(h.BootTime), Collected: show(h.Collected), Inputs: hostInputs(h), Missing: strings.Join(h.Missing, ", ")})
		if len(h.Missing) > 0 {
			p.InputsOpen = true
		}
	}
	for i := range r.Incidents {
		p.Cards = append(p.Cards, htmlBuildCard(i+1, &r.Incidents[i]))
	}
	p.Timelines = htmlBuildTimelines(p.Cards)
	return p
}

// countsByName orders filter options by name, the unknown value last.
func countsByName(cs []keyCount) []keyCount {
	out := append([]keyCount(nil), cs...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Key, out[j].Key
		if (a == unknownKey) != (b == unknownKey) {
			return b == unknownKey
		}
		return a < b
	})
	return out
}

// htmlCard is one incident as the page shows it.
type htmlCard struct {
	N                   int
	ID                  string
	NS, QoS, Scope      string // filter keys
	Host                string
	When, WhenLong      string
	KindLabel           string
	Kernel              string
	Victim              string
	Pod                 string
	Severity            string // worst finding: "warning", "info" or ""
	Facts               []htmlFact
	Memory              htmlMemBar
	Ranking             []htmlRankRow
	RankingMore         int
	RankingTotal        int
	RankingBasis        string
	Findings            []correlate.Finding
	Events              []string
	Sources             []string
	inc                 *correlate.Incident
	wall                time.Time
	hasWall             bool
	bootKey, bootLabel  string
	bootTitle           string
	podLane, podLaneKey string
}

type htmlFact struct {
	Label, Value string
	Mono         bool // a path or an identifier
}

type htmlRankRow struct {
	Rank               int
	PID                int64
	Name, Adj, RSS     string
	Points, WithoutAdj int64
	Killed, Trigger    bool
	BarW               string
}

func htmlBuildCard(n int, inc *correlate.Incident) htmlCard {
	c := htmlCard{
		N: n, ID: inc.ID, inc: inc,
		NS: incNamespaceKey(inc), QoS: incQoSKey(inc), Scope: orUnknownKey(inc.Scope),
		Host: orUnknownKey(inc.Host), When: when(inc), WhenLong: incWhenLong(inc),
		KindLabel: incKindLabel(inc), Kernel: show(inc.KernelVersion),
	}
	c.wall, c.hasWall = incWallClock(inc)
	add := func(label, value string, mono bool) { c.Facts = append(c.Facts, htmlFact{label, value, mono}) }

	if v := inc.Victim; v != nil {
		c.Victim = v.Comm
		add("killed", fmt.Sprintf("%s (pid %d, uid %s)", v.Comm, v.PID, show(v.UID)), false)
		add("victim RSS", fmt.Sprintf("anon %s, file %s, shmem %s", kbHuman(v.AnonRSSKB), kbHuman(v.FileRSSKB), kbHuman(v.ShmemRSSKB)), false)
	} else {
		c.Victim = incNoVictim(inc)
		if k := inc.Kubernetes; k != nil && k.Container != nil && inc.Kind != "oom_kill" {
			c.Victim = "container " + *k.Container
		}
		add("killed", incNoVictim(inc), false)
	}
	for _, g := range inc.GroupKills {
		add("group kill", fmt.Sprintf("%s (pid %d), memory.oom.group", g.Comm, g.PID), false)
	}
	if k := inc.Kubernetes; k != nil {
		c.Pod = k8sPodName(k)
		add("pod", k8sPodName(k), false)
		add("container", k8sContainerName(k), false)
		add("QoS class", show(k.QOSClass), false)
	} else {
		add("pod", "not in a pod cgroup (or not known)", false)
	}
	add("memory at kill", incMemoryLine(inc), false)
	add("oom_score_adj", incAdjLine(inc), false)
	add("outcome", show(inc.Outcome), false)
	if tr := inc.Trigger; tr != nil {
		add("trigger", fmt.Sprintf("%s (pid %s, oom_score_adj %s, gfp %s, order %s)",
			tr.Comm, show(tr.PID), show(tr.OOMScoreAdj), show(tr.GFPMask), show(tr.Order)), false)
	}
	if inc.Constraint != nil {
		add("constraint", *inc.Constraint, true)
	}
	if inc.OOMMemcg != nil {
		add("limit of", *inc.OOMMemcg, true)
	}
	if inc.TaskMemcg != nil {
		add("cgroup", *inc.TaskMemcg, true)
	}
	tasks := fmt.Sprintf("%d row(s)", len(inc.Tasks))
	if inc.TasksDropped > 0 {
		tasks += fmt.Sprintf(", %d dropped", inc.TasksDropped)
	}
	if !inc.Complete {
		tasks += "; incomplete dump, missing: " + strings.Join(inc.Missing, ", ")
	}
	add("task table", tasks, false)
	add("id", inc.ID, true)

	c.Memory = htmlBuildMemBar(inc)
	c.buildRanking()
	c.Findings = inc.Findings
	for _, f := range inc.Findings {
		switch {
		case f.Severity == "warning" || f.Severity == "error":
			c.Severity = "warning"
		case c.Severity == "":
			c.Severity = "info"
		}
	}
	for i := range inc.KubeletEvents {
		c.Events = append(c.Events, eventLine(&inc.KubeletEvents[i]))
	}
	for _, s := range inc.Sources {
		c.Sources = append(c.Sources, fmt.Sprintf("%s:%d (%s)", s.Path, s.Line, s.Format))
	}

	// Timeline lanes: pods for wall-clock incidents, boots for the others.
	switch k := inc.Kubernetes; {
	case k != nil && k.Pod != nil:
		c.podLane = k8sPodName(&correlate.Kubernetes{Namespace: k.Namespace, Pod: k.Pod})
	case k != nil && k.PodUID != nil:
		c.podLane = "pod uid " + *k.PodUID
	default:
		c.podLane = "not in a pod"
	}
	c.podLaneKey = c.podLane
	if c.podLane == "not in a pod" {
		c.podLaneKey = "\xff" // last
	}
	switch {
	case inc.BootID != nil:
		c.bootKey, c.bootLabel, c.bootTitle = "id "+*inc.BootID, "boot "+ellipsize(*inc.BootID, 9), "boot "+*inc.BootID
	case len(inc.Sources) > 0:
		c.bootKey, c.bootLabel, c.bootTitle = "src "+inc.Sources[0].Path, path.Base(inc.Sources[0].Path), "the boot logged in "+inc.Sources[0].Path
	default:
		c.bootKey, c.bootLabel, c.bootTitle = "none", "since boot", "an unnamed boot"
	}
	return c
}

func (c *htmlCard) buildRanking() {
	inc := c.inc
	c.RankingTotal = len(inc.Ranking)
	if inc.RankingBasis != nil {
		b := inc.RankingBasis
		c.RankingBasis = fmt.Sprintf("%s; totalpages %s", b.Formula, show(b.TotalPages))
		if b.Note != "" {
			c.RankingBasis += "; " + b.Note
		}
	}
	tasks := incTasksByPID(inc)
	top := min(10, len(inc.Ranking))
	c.RankingMore = len(inc.Ranking) - top
	var maxPts int64 = 1
	for _, rk := range inc.Ranking[:top] {
		maxPts = max(maxPts, rk.Points, rk.PointsWithoutAdj)
	}
	page := incPageKB(inc)
	for _, rk := range inc.Ranking[:top] {
		row := htmlRankRow{Rank: rk.Rank, PID: rk.PID, Name: "?", Adj: "?", RSS: "?", Points: rk.Points, WithoutAdj: rk.PointsWithoutAdj}
		if t, ok := tasks[rk.PID]; ok {
			row.Name, row.Adj = t.Name, show(t.OOMScoreAdj)
			rss := t.RSSPages * page
			row.RSS = kbHuman(&rss)
		}
		row.Killed = inc.Victim != nil && int64(inc.Victim.PID) == rk.PID
		row.Trigger = inc.Trigger != nil && inc.Trigger.PID != nil && int64(*inc.Trigger.PID) == rk.PID
		row.BarW = svgNum(math.Max(0, float64(rk.Points)) / float64(maxPts) * 100)
		c.Ranking = append(c.Ranking, row)
	}
}

// htmlMemBar is the memory at the kill drawn as a bar: the limit (or RAM) is
// the whole width, usage (or RAM in use) and the victim's RSS are filled.
type htmlMemBar struct {
	Kind              string // "memcg", "ram" or "" when the dump gives no figures
	TotalLabel        string
	UsedW, VictimW    string // widths in the 0–600 view box
	UsedLabel, Legend string
	Title             string
	Over              bool
}

const memBarWidth = 600.0

func htmlBuildMemBar(inc *correlate.Incident) htmlMemBar {
	rss, hasRSS := incVictimRSS(inc)
	width := func(part, whole int64) string {
		return svgNum(math.Min(1, math.Max(0, float64(part)/float64(whole))) * memBarWidth)
	}
	if m := inc.Memcg; m != nil && m.UsageKB != nil && m.LimitKB != nil && *m.LimitKB > 0 {
		b := htmlMemBar{Kind: "memcg", TotalLabel: "limit " + kbHuman(m.LimitKB), UsedW: width(*m.UsageKB, *m.LimitKB),
			UsedLabel: fmt.Sprintf("usage %s (%.0f%% of limit)", kbHuman(m.UsageKB), percentOf(*m.UsageKB, *m.LimitKB)),
			Over:      *m.UsageKB >= *m.LimitKB}
		b.Title = fmt.Sprintf("cgroup usage %d kB of limit %d kB", *m.UsageKB, *m.LimitKB)
		if hasRSS {
			b.VictimW = width(rss, *m.LimitKB)
			b.Legend = fmt.Sprintf("victim RSS %s (%.0f%% of limit)", kbHuman(&rss), percentOf(rss, *m.LimitKB))
			b.Title += fmt.Sprintf(", victim RSS %d kB", rss)
		}
		return b
	}
	if mi := inc.MemInfo; mi != nil && mi.RAMPages != nil && *mi.RAMPages > 0 {
		page := incPageKB(inc)
		ram := *mi.RAMPages * page
		b := htmlMemBar{Kind: "ram", TotalLabel: "RAM " + kbHuman(&ram), Title: fmt.Sprintf("RAM %d kB", ram)}
		if mi.FreePages != nil {
			used := ram - *mi.FreePages*page
			b.UsedW = width(used, ram)
			b.UsedLabel = fmt.Sprintf("in use %s (%.0f%% of RAM)", kbHuman(&used), percentOf(used, ram))
			b.Title += fmt.Sprintf(", free %d kB", *mi.FreePages*page)
		}
		if hasRSS {
			b.VictimW = width(rss, ram)
			b.Legend = fmt.Sprintf("victim RSS %s (%.1f%% of RAM)", kbHuman(&rss), percentOf(rss, ram))
			b.Title += fmt.Sprintf(", victim RSS %d kB", rss)
		}
		return b
	}
	return htmlMemBar{}
}

// Timeline geometry, in SVG user units (the SVG scales to the page width).
const (
	htmlTLLeft   = 300.0 // lane labels and boot scales to the left of this
	htmlTLRight  = 970.0
	htmlTLLaneH  = 30.0
	htmlTLTop    = 34.0 // room for the wall-clock axis
	htmlTLBottom = 8.0
	htmlMarkR    = 9.0
)

type htmlTimeline struct {
	Host   string
	Height string
	Ticks  []htmlTick
	HasAx  bool
	Lanes  []htmlLane
	AxisY  string
	Incs   int
	Label  string
	EndX   string
	StartX string
}

type htmlTick struct {
	X, Label string
}

type htmlLane struct {
	Label, Title   string
	Kind           string // "wall", "boot" or "none"
	Y, TextY, MidY string
	Scale          string // the scale of a boot lane
	Marks          []htmlMark
}

type htmlMark struct {
	Ref, NS, QoS, Scope string
	X, DY               string // DY moves a crowded mark off the lane's line
	Title               string
	Class               string
	N                   int
	x                   float64
}

func htmlBuildTimelines(cards []htmlCard) []htmlTimeline {
	byHost := map[string][]*htmlCard{}
	var hosts []string
	for i := range cards {
		c := &cards[i]
		if byHost[c.Host] == nil {
			hosts = append(hosts, c.Host)
		}
		byHost[c.Host] = append(byHost[c.Host], c)
	}
	sort.Slice(hosts, func(i, j int) bool {
		if (hosts[i] == unknownKey) != (hosts[j] == unknownKey) {
			return hosts[j] == unknownKey
		}
		return hosts[i] < hosts[j]
	})
	out := make([]htmlTimeline, 0, len(hosts))
	for _, h := range hosts {
		out = append(out, htmlBuildTimeline(h, byHost[h]))
	}
	return out
}

func htmlBuildTimeline(host string, cards []*htmlCard) htmlTimeline {
	tl := htmlTimeline{Host: host, Incs: len(cards), StartX: svgNum(htmlTLLeft), EndX: svgNum(htmlTLRight)}
	var wall, noTime []*htmlCard
	boots := map[string][]*htmlCard{}
	var bootKeys []string
	for _, c := range cards {
		switch {
		case c.hasWall:
			wall = append(wall, c)
		case c.inc.BootSeconds != nil:
			if boots[c.bootKey] == nil {
				bootKeys = append(bootKeys, c.bootKey)
			}
			boots[c.bootKey] = append(boots[c.bootKey], c)
		default:
			noTime = append(noTime, c)
		}
	}
	sort.Strings(bootKeys)
	y := htmlTLBottom
	newLane := func(label, title, kind string) *htmlLane {
		// Boot lanes print their scale beside the label, so their label is
		// shorter.
		width := 40
		if kind == "boot" {
			width = 26
		}
		tl.Lanes = append(tl.Lanes, htmlLane{Label: ellipsize(label, width), Title: title, Kind: kind,
			Y: svgNum(y), TextY: svgNum(y + htmlTLLaneH/2 + 4), MidY: svgNum(y + htmlTLLaneH/2)})
		y += htmlTLLaneH
		return &tl.Lanes[len(tl.Lanes)-1]
	}
	span := htmlTLRight - htmlTLLeft

	if len(wall) > 0 {
		tl.HasAx = true
		y = htmlTLTop
		lo, hi := wall[0].wall, wall[0].wall
		for _, c := range wall {
			if c.wall.Before(lo) {
				lo = c.wall
			}
			if c.wall.After(hi) {
				hi = c.wall
			}
		}
		if !hi.After(lo) {
			lo, hi = lo.Add(-time.Minute), hi.Add(time.Minute)
		}
		d := hi.Sub(lo)
		pad := d / 40
		lo, hi = lo.Add(-pad), hi.Add(pad)
		d = hi.Sub(lo)
		xOf := func(t time.Time) float64 { return htmlTLLeft + float64(t.Sub(lo))/float64(d)*span }
		layout := "15:04:05"
		switch {
		case d > 48*time.Hour:
			layout = "2006-01-02"
		case d > 6*time.Hour:
			layout = "01-02 15:04"
		}
		for i := 0; i <= 4; i++ {
			t := lo.Add(d * time.Duration(i) / 4)
			tl.Ticks = append(tl.Ticks, htmlTick{X: svgNum(xOf(t)), Label: t.UTC().Format(layout)})
		}
		tl.Label = fmt.Sprintf("wall clock, UTC: %s to %s", lo.UTC().Format("2006-01-02 15:04:05"), hi.UTC().Format("2006-01-02 15:04:05"))
		lanes := map[string][]*htmlCard{}
		var keys []string
		for _, c := range wall {
			if lanes[c.podLaneKey] == nil {
				keys = append(keys, c.podLaneKey)
			}
			lanes[c.podLaneKey] = append(lanes[c.podLaneKey], c)
		}
		sort.Strings(keys)
		for _, k := range keys {
			cs := lanes[k]
			l := newLane(cs[0].podLane, cs[0].podLane, "wall")
			for _, c := range cs {
				l.Marks = append(l.Marks, htmlNewMark(c, xOf(c.wall)))
			}
		}
	}
	tl.AxisY = svgNum(y)
	for _, k := range bootKeys {
		cs := boots[k]
		hi := 0.0
		for _, c := range cs {
			hi = math.Max(hi, *c.inc.BootSeconds)
		}
		hi = niceBootSeconds(hi * 1.04)
		l := newLane(cs[0].bootLabel, cs[0].bootTitle+": no wall-clock time, placed by seconds since boot (0 to "+bootUptime(hi)+")", "boot")
		l.Scale = "boot → " + bootUptime(hi)
		for _, c := range cs {
			l.Marks = append(l.Marks, htmlNewMark(c, htmlTLLeft+*c.inc.BootSeconds/hi*span))
		}
	}
	if len(noTime) > 0 {
		l := newLane("no time stamp", "no wall-clock time and no boot stamp: in report order", "none")
		for i, c := range noTime {
			l.Marks = append(l.Marks, htmlNewMark(c, htmlTLLeft+span*(float64(i)+0.5)/float64(len(noTime))))
		}
	}
	for i := range tl.Lanes {
		htmlStagger(tl.Lanes[i].Marks)
	}
	tl.Height = svgNum(y + htmlTLBottom)
	return tl
}

// htmlStagger moves marks that would cover each other in a lane up and
// down by turns, so that each number stays readable.
func htmlStagger(marks []htmlMark) {
	order := make([]int, len(marks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return marks[order[a]].x < marks[order[b]].x })
	shift := 0.0
	for k := 1; k < len(order); k++ {
		prev, cur := &marks[order[k-1]], &marks[order[k]]
		if cur.x-prev.x < 2*htmlMarkR {
			if shift == 0 {
				shift = -htmlMarkR * 0.8
				prev.DY = svgNum(shift)
			}
			shift = -shift
			cur.DY = svgNum(shift)
		} else {
			shift = 0
		}
	}
}

func htmlNewMark(c *htmlCard, x float64) htmlMark {
	title := fmt.Sprintf("#%d %s: %s, %s, scope %s", c.N, c.When, c.Victim, c.KindLabel, c.Scope)
	if c.Pod != "" {
		title += ", pod " + c.Pod
	}
	return htmlMark{Ref: c.ID, NS: c.NS, QoS: c.QoS, Scope: c.Scope, X: svgNum(x), DY: "0", x: x, Title: title, Class: htmlScopeClass(c.Scope), N: c.N}
}

// htmlScopeClass groups scopes into the page's colours.
func htmlScopeClass(scope string) string {
	switch scope {
	case "container", "pod":
		return "s-pod"
	case "qos_tier", "node_allocatable", "cgroup":
		return "s-cgroup"
	case "system":
		return "s-system"
	case "cpuset", "mempolicy":
		return "s-numa"
	}
	return "s-unknown"
}

// niceBootSeconds rounds a duration in seconds up to a round number of the
// unit bootUptime prints it in.
func niceBootSeconds(s float64) float64 {
	unit := bootUptimeUnit(s)
	v := s / unit
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.5, 2, 3, 4, 5, 6, 8, 10} {
		if m*p >= v {
			return m * p * unit
		}
	}
	return 10 * p * unit
}

func bootUptimeUnit(s float64) float64 {
	switch {
	case s >= 2*86400:
		return 86400
	case s >= 2*3600:
		return 3600
	case s >= 120:
		return 60
	}
	return 1
}

// bootUptime prints seconds since boot for a scale label.
func bootUptime(s float64) string {
	unit := bootUptimeUnit(s)
	v := strconv.FormatFloat(math.Round(s/unit*10)/10, 'f', -1, 64)
	switch unit {
	case 86400:
		return v + " d"
	case 3600:
		return v + " h"
	case 60:
		return v + " min"
	}
	return v + " s"
}

// svgNum prints a coordinate with at most two decimals, so that output is
// stable and small.
func svgNum(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// kbHuman prints kB in binary units.
func kbHuman(p *int64) string {
	if p == nil {
		return "?"
	}
	kb := *p
	switch {
	case kb >= 1<<20:
		return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	case kb >= 1<<10:
		return fmt.Sprintf("%.0f MiB", float64(kb)/(1<<10))
	}
	return fmt.Sprintf("%d kB", kb)
}

// ellipsize cuts s to n runes with an ellipsis.
func ellipsize(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func renderMarkdown(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatalf("WriteMarkdown: %v", err)
	}
	return b.String()
}

// mdCells counts the cells of a table row: pipes that a backslash does not
// escape, minus the outer two.
func mdCells(row string) int {
	pipes, backslashes := 0, 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			backslashes++
			continue
		case '|':
			if backslashes%2 == 0 {
				pipes++
			}
		}
		backslashes = 0
	}
	return pipes - 1
}

func TestMarkdownTableShape(t *testing.T) {
	out := renderMarkdown(t, fixtureReport())
	delim := regexp.MustCompile(`^\|(\s*:?-+:?\s*\|)+$`)
	tables := 0
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		// A table: header, delimiter, rows, all with the header's width.
		tables++
		head := lines[i]
		want := mdCells(head)
		if i+1 >= len(lines) || !delim.MatchString(lines[i+1]) || mdCells(lines[i+1]) != want {
			t.Errorf("table at line %d: no delimiter row of %d cells after %q", i+1, want, head)
		}
		for i++; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			if !strings.HasSuffix(lines[i], "|") {
				t.Errorf("line %d does not end its row: %q", i+1, lines[i])
			}
			if got := mdCells(lines[i]); got != want {
				t.Errorf("line %d has %d cells, the header %d: %q", i+1, got, want, lines[i])
			}
		}
		if i < len(lines) && lines[i] != "" {
			t.Errorf("line %d follows a table without a blank line: %q", i+1, lines[i])
		}
	}
	// Summary, hosts, inputs with problems, and per incident a facts
	// table; two incidents have a ranking.
	if want := 3 + 4 + 2; tables != want {
		t.Errorf("%d tables, want %d", tables, want)
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"a|b":                        `a\|b`,
		"`rm -rf`":                   "\\`rm -rf\\`",
		"one\ntwo\r\nthree\rfour":    "one<br>two<br>three<br>four",
		"<script>alert(1)</script>":  `\<script\>alert(1)\</script\>`,
		"*bold* _em_ [x](y) ~s~ #1!": `\*bold\* \_em\_ \[x\](y) \~s\~ \#1\!`,
		`back\slash &amp;`:           `back\\slash \&amp;`,
		"tab\there bell\a":           `tab here bell\\x07`,
		"plain /kubepods.slice/x-1":  "plain /kubepods.slice/x-1",
	} {
		if got := mdEsc(in); got != want {
			t.Errorf("mdEsc(%q) = %q, want %q", in, got, want)
		}
	}

	out := renderMarkdown(t, fixtureReport())
	for _, raw := range []string{"a|b`c", injectedComm, injectedPath, "line one\n"} {
		if strings.Contains(out, raw) {
			t.Errorf("the Markdown holds the raw string %q", raw)
		}
	}
	// Apart from the line breaks it writes, every "<" is escaped, so no
	// HTML reaches a renderer that allows it.
	if m := regexp.MustCompile(`(^|[^\\])<`).FindString(strings.ReplaceAll(out, "<br>", "")); m != "" {
		t.Errorf("an unescaped %q in the Markdown", m)
	}
	for _, want := range []string{
		"| victim | a\\|b\\`c (pid 7, uid ?) |",
		"| victim | \\<script\\>alert(1)\\</script\\> (pid 24177, uid 0) |",
		"- **info** note: line one<br>line \\| two",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
}

func TestMarkdownContent(t *testing.T) {
	out := renderMarkdown(t, fixtureReport())
	for _, want := range []string{
		"oomtriage test: 4 OOM incident(s) in 2 input(s)",
		"| by scope | container 1, pod 1, system 1, (unknown) 1 |",
		"| by namespace | mesh 1, shop 1, (unknown) 2 |",
		"| by QoS class | Burstable 1, Guaranteed 1, (unknown) 2 |",
		"| hosts | worker-3 2, (unknown) 2 |",
		"| time range | 2026-11-27T11:44:16.901031Z to 2026-11-27T12:10:00Z (2 incidents with wall-clock time); 1 with boot time only (boot+5123.402635s); 1 without any time |",
		"| worker-3 | sosreport | 6.1.0-18-amd64 | 2026-11-27T11:23:39Z | ? | host 3, journal 1, kernel 1 | kubelet log |",
		"| node-b/dmesg.txt | kernel | 60 | yes | bad line \\<b onmouseover=alert(2)\\>here\\</b\\> |",
		"## 1. memcg OOM kill, scope container, 2026-11-27T11:44:16.901031Z",
		"| pod | shop/checkout-0 (uid 7c9d1e2f-4a5b-4c6d-8e7f-0a1b2c3d4e5f) |",
		"| QoS class | Burstable |",
		"| memory at kill | usage 131072 kB of limit 131072 kB (100%), failcnt 74 |",
		"| oom_score_adj | actual 990, expected 986 (mismatch) |",
		"| outcome | restarted |",
		"**Ranking** (recomputed badness, top 3 of 12)",
		"| 1 | 900 | proc0 (killed) | 0 | 375000 | 375000 |",
		"| memory at kill | RAM 2097088 kB, free 13712 kB, victim RSS 1502000 kB (71.6% of RAM), swap 0 kB (0 kB free) |",
		"| victim | nothing killed |",
		"| tasks | 0 row(s); incomplete dump, missing: kill\\_line, task\\_table |",
		"- **warning** adj\\_mismatch: oom\\_score\\_adj 990 of",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	if strings.Contains(out, "| 4 | 903 |") {
		t.Error("the ranking shows more than the top 3")
	}
}

func TestMarkdownDeterministic(t *testing.T) {
	first := renderMarkdown(t, fixtureReport())
	for i := 0; i < 5; i++ {
		if again := renderMarkdown(t, fixtureReport()); again != first {
			t.Fatal("two renders of the same report differ")
		}
	}
}

func TestMarkdownEmptyReport(t *testing.T) {
	out := renderMarkdown(t, New("test"))
	for _, want := range []string{"0 OOM incident(s) in 0 input(s)", "| time range | no incidents |", "| by scope | none |"} {
		if !strings.Contains(out, want) {
			t.Errorf("the Markdown of an empty report lacks %q:\n%s", want, out)
		}
	}
}

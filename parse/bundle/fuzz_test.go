package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var validKinds = map[Kind]bool{
	KindKernel: true, KindSyslog: true, KindJournal: true, KindKubelet: true, KindRuntime: true,
	KindPods: true, KindNodes: true, KindEvents: true, KindHost: true, KindUnknown: true,
}

// FuzzClassify checks that no name or head makes Classify or HostRoot panic,
// and that their results keep their promises. Seeds: the classification
// table, plus the corpus in testdata/fuzz/FuzzClassify.
func FuzzClassify(f *testing.F) {
	for _, c := range classifyCases {
		f.Add(c.name, caseHead(f, c.head))
	}
	f.Fuzz(func(t *testing.T, name string, head []byte) {
		keep := string(head)
		c := Classify(name, head)
		if !validKinds[c.Kind] || (c.Kind == KindHost) != (c.Fact != "") || c.Reason == "" {
			t.Fatalf("Classify(%q, %q) = %+v", name, head, c)
		}
		if string(head) != keep {
			t.Fatal("Classify changed head")
		}
		root, layout := HostRoot(name)
		if !strings.HasPrefix(name, root) || layout == "" {
			t.Fatalf("HostRoot(%q) = %q, %q", name, root, layout)
		}
		_ = HostNameHint(root, layout)
		_ = HostNameHint(name, layout)
	})
}

// FuzzReadFact checks that no input makes a fact parser panic, and that an
// error is always a *FactError for the fact.
func FuzzReadFact(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "facts", "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(0), b)
	}
	f.Add(uint8(4), []byte("Fri Nov 27 12:44:16 CET 2026\n"))
	f.Add(uint8(7), []byte(" 11:44:16 up 12 days,  3:04,  2 users\n"))
	facts := make([]Fact, 0, len(factParsers))
	for fact := range factParsers {
		facts = append(facts, fact)
	}
	sortFacts(facts)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		for i, fact := range facts {
			if which != 0 && int(which)%len(facts) != i {
				continue
			}
			var hf HostFacts
			err := ReadFact(fact, strings.NewReader(string(data)), &hf)
			if err != nil && !strings.HasPrefix(err.Error(), string(fact)+": ") {
				t.Fatalf("ReadFact(%s): error %q does not name the fact", fact, err)
			}
		}
	})
}

func sortFacts(fs []Fact) {
	for i := range fs {
		for j := i + 1; j < len(fs); j++ {
			if fs[j] < fs[i] {
				fs[i], fs[j] = fs[j], fs[i]
			}
		}
	}
}

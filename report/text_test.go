package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func loadReport(t *testing.T, path string) *Report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestTextColor checks that colour appears only when asked for, and that
// the coloured report says the same once the escapes are removed.
func TestTextColor(t *testing.T) {
	r := loadReport(t, "testdata/parquet/full.json")
	var plain, colored bytes.Buffer
	if err := WriteTextWith(&plain, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTextWith(&colored, r, TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain report holds ANSI escapes")
	}
	if !strings.Contains(colored.String(), "\x1b[") {
		t.Error("coloured report holds no ANSI escapes")
	}
	if stripANSI(colored.String()) != plain.String() {
		t.Error("the coloured report differs from the plain one beyond its escapes")
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

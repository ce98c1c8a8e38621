package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// incidentRow is the part of the Parquet incidents table this test reads.
type incidentRow struct {
	ID        string `parquet:"id"`
	VictimPID *int64 `parquet:"victim_pid"`
	Kind      string `parquet:"kind"`
}

// TestFormatsAgree writes every report of the sample bundle and checks that
// JSON, text, Markdown, HTML and Parquet show the same incidents.
func TestFormatsAgree(t *testing.T) {
	sample := sampleReport + ".tar.xz"
	dir := t.TempDir()
	pq := filepath.Join(dir, "pq")
	htmlFile := filepath.Join(dir, "report.html")
	outputs := map[string]string{}
	for _, format := range []string{"json", "text", "markdown", "html"} {
		args := []string{"analyze", "-o", format, sample}
		if format == "json" {
			args = append(args, "--parquet", pq, "--html", htmlFile)
		}
		code, out, stderr := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("-o %s: exit %d: %s", format, code, stderr)
		}
		outputs[format] = out
	}
	var doc struct {
		Incidents []struct {
			ID     string `json:"id"`
			Kind   string `json:"kind"`
			Time   string `json:"time"`
			Victim *struct {
				PID  int    `json:"pid"`
				Comm string `json:"comm"`
			} `json:"victim"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(outputs["json"]), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Incidents) < 2 {
		t.Fatalf("the sample gave %d incidents", len(doc.Incidents))
	}
	fileHTML, err := os.ReadFile(htmlFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(fileHTML) != outputs["html"] {
		t.Error("--html FILE differs from -o html")
	}
	rows, err := parquet.ReadFile[incidentRow](filepath.Join(pq, "incidents", mustOnePart(t, filepath.Join(pq, "incidents"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(doc.Incidents) {
		t.Errorf("parquet has %d incidents, JSON %d", len(rows), len(doc.Incidents))
	}
	byID := map[string]incidentRow{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	for _, inc := range doc.Incidents {
		if !strings.Contains(outputs["html"], `data-incident-id="`+inc.ID+`"`) {
			t.Errorf("HTML lacks incident %s", inc.ID)
		}
		if !strings.Contains(outputs["markdown"], inc.ID) {
			t.Errorf("Markdown lacks incident %s", inc.ID)
		}
		if inc.Time != "" && !strings.Contains(outputs["text"], inc.Time) {
			t.Errorf("text lacks the time %s of incident %s", inc.Time, inc.ID)
		}
		row, ok := byID[inc.ID]
		if !ok || row.Kind != inc.Kind {
			t.Errorf("parquet row of %s = %+v", inc.ID, row)
		}
		if inc.Victim == nil {
			continue
		}
		pid := strconv.Itoa(inc.Victim.PID)
		for _, format := range []string{"text", "markdown", "html"} {
			if !strings.Contains(outputs[format], pid) {
				t.Errorf("%s lacks victim pid %s", format, pid)
			}
		}
		if row.VictimPID == nil || *row.VictimPID != int64(inc.Victim.PID) {
			t.Errorf("parquet victim_pid of %s = %v, want %d", inc.ID, row.VictimPID, inc.Victim.PID)
		}
	}
}

func mustOnePart(t *testing.T, dir string) string {
	t.Helper()
	parts, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	if len(parts) != 1 {
		t.Fatalf("%s holds %d part files", dir, len(parts))
	}
	return filepath.Base(parts[0])
}

package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestWriteJSONMatchesEncoder checks that the streaming writer gives the
// bytes encoding/json gives for the whole document, so streaming changes
// nothing a consumer can see.
func TestWriteJSONMatchesEncoder(t *testing.T) {
	paths, _ := filepath.Glob("testdata/parquet/*.json")
	if len(paths) == 0 {
		t.Fatal("no report fixtures")
	}
	reports := []*Report{New("test")}
	for _, p := range paths {
		reports = append(reports, loadReport(t, p))
	}
	for i, r := range reports {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := WriteJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("report %d: streaming output differs from encoding/json (%d vs %d bytes)", i, got.Len(), want.Len())
		}
	}
}

package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes r as one indented JSON document. Field order is fixed by
// the types and every list is ordered by the caller, so the same inputs give
// byte-identical output.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}

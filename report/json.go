package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// WriteJSON writes r as one indented JSON document. Field order is fixed by
// the types and every list is ordered by the caller, so the same inputs give
// byte-identical output. The top-level lists are written element by element,
// so a report with many events is never held twice in memory as text.
func WriteJSON(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := writeJSONObject(bw, reflect.ValueOf(r).Elem()); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}

// writeJSONObject writes a struct's exported fields in order, as
// encoding/json with two-space indentation would, streaming slices.
func writeJSONObject(w *bufio.Writer, v reflect.Value) error {
	w.WriteString("{")
	t := v.Type()
	first := true
	for i := 0; i < t.NumField(); i++ {
		name, ok := jsonName(t.Field(i))
		if !ok {
			continue
		}
		if !first {
			w.WriteString(",")
		}
		first = false
		fmt.Fprintf(w, "\n  %q: ", name)
		f := v.Field(i)
		var err error
		if f.Kind() == reflect.Slice && !f.IsNil() {
			err = writeJSONArray(w, f)
		} else {
			err = writeJSONValue(w, f.Interface(), "  ")
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	_, err := w.WriteString("\n}\n")
	return err
}

func writeJSONArray(w *bufio.Writer, s reflect.Value) error {
	if s.Len() == 0 {
		_, err := w.WriteString("[]")
		return err
	}
	w.WriteString("[")
	for i := 0; i < s.Len(); i++ {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n    ")
		if err := writeJSONValue(w, s.Index(i).Interface(), "    "); err != nil {
			return err
		}
	}
	_, err := w.WriteString("\n  ]")
	return err
}

// writeJSONValue writes one value indented as if it stood at prefix's depth.
func writeJSONValue(w *bufio.Writer, v any, prefix string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}

// jsonName is a field's name in JSON, or false for a skipped field.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name, true
	}
	return f.Name, true
}

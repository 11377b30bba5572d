package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes doc as one indented JSON document.
func WriteJSON(w io.Writer, doc *Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// ReadJSON reads a document written by WriteJSON and checks its schema.
func ReadJSON(r io.Reader) (*Document, error) {
	var in struct {
		Document
		// Signals is in racetest probe's verdict, which has no schema:
		// it is named as what it is rather than as a schema mismatch.
		Signals json.RawMessage `json:"signals"`
	}
	if err := json.NewDecoder(r).Decode(&in); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	doc := in.Document
	switch {
	case doc.Schema == "" && in.Signals != nil:
		return nil, fmt.Errorf("this is a racetest probe verdict (probe -o json), which racetest report does not render")
	case doc.Schema != Schema:
		return nil, fmt.Errorf("report schema %q is not %q", doc.Schema, Schema)
	}
	return &doc, nil
}

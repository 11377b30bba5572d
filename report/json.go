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
	var doc Document
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	if doc.Schema != Schema {
		return nil, fmt.Errorf("report schema %q is not %q", doc.Schema, Schema)
	}
	return &doc, nil
}

package demo

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// errorBody is the shape of every error response.
type errorBody struct {
	Error string `json:"error"`
}

// writeJSON writes v as the response body with the given status.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	// An encoding error here means the client went away; there is nobody
	// left to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes {"error": msg} with the given status.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

// decodeJSON decodes the (already buffered) request body into dst. An empty
// body is an error unless optional, in which case dst keeps its defaults.
func decodeJSON(r *http.Request, dst any, optional bool) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(dst); err != nil {
		if errors.Is(err, io.EOF) {
			if optional {
				return nil
			}
			return errors.New("request body is required")
		}
		return err
	}
	if dec.More() {
		return errors.New("trailing data after json body")
	}
	return nil
}

// badRequest answers 400 for a body that could not be decoded.
func badRequest(w http.ResponseWriter, err error) {
	writeError(w, http.StatusBadRequest, "bad json body: "+err.Error())
}

// bearer returns the user named by "Authorization: Bearer <user>". The token
// is the user id itself: the demo has no secrets, only identities.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// unauthorized answers 401 for a request without a bearer user.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="racetest-demo"`)
	writeError(w, http.StatusUnauthorized, "missing bearer token: send Authorization: Bearer <user>")
}

// unknownVariant answers 404 with the variants that do exist, so a typo in a
// URL explains itself.
func unknownVariant(w http.ResponseWriter, variant string, valid []string) {
	writeJSON(w, http.StatusNotFound, struct {
		Error    string   `json:"error"`
		Variants []string `json:"variants"`
	}{Error: "unknown variant " + `"` + variant + `"`, Variants: valid})
}

package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// maxBody is the largest request body accepted (413 beyond it).
const maxBody = 1 << 20

// bindJSON decodes the request body strictly into v: valid UTF-8, a single JSON value, no unknown
// fields, at most 1 MiB. Failures are EInvalid (or ETooLarge) with a message fit for the client.
func bindJSON(c *gin.Context, v any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tenants.Errorf(tenants.ETooLarge, "The request body is larger than 1 MiB.")
		}
		return tenants.Errorf(tenants.EInvalid, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return tenants.Errorf(tenants.EInvalid, "The request body must be a JSON object.")
	}
	if !utf8.Valid(body) {
		return tenants.Errorf(tenants.EInvalid, "The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	// More() misses a trailing ']' or '}', so read on: only the end of the input may follow.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return tenants.Errorf(tenants.EInvalid, "The request body must hold a single JSON value.")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return tenants.Errorf(tenants.EInvalid, "The request body must be a JSON object.")
		}
		return &tenants.Error{Code: tenants.EInvalid, Message: "Some fields are not valid.",
			Fields: map[string]string{field: "must be " + jsonKind(typeErr.Type.Kind().String())}}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return tenants.Errorf(tenants.EInvalid, "The request body is not valid JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return &tenants.Error{Code: tenants.EInvalid, Message: "The request has a field that is not accepted.",
			Fields: map[string]string{trimQuotes(name): "is not a known field"}}
	}
	return tenants.Errorf(tenants.EInvalid, "The request body is not valid JSON.")
}

func trimQuotes(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64", "float64", "uint8":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "ptr", "struct", "map":
		return "an object"
	}
	return "of another type"
}

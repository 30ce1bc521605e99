package tenants

import (
	"errors"
	"fmt"
)

// Error codes. They are the contract's error codes and map one-to-one to HTTP statuses in the server.
const (
	EInvalid         = "invalid"
	EUnauthenticated = "unauthenticated"
	EForbidden       = "forbidden"
	ENotFound        = "not_found"
	EConflict        = "conflict"
	ETooLarge        = "too_large"
	ERateLimited     = "rate_limited"
	EInternal        = "internal"
)

// Error is a domain error with a code, a message that is safe to show to users, optional per-field
// reasons, and an optional cause that is logged but never shown.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Err     error
}

// Error implements the error interface. It includes the cause for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected cause as an internal error with a generic message.
func Internal(err error) *Error {
	return &Error{Code: EInternal, Message: "Something went wrong on our side.", Err: err}
}

// FieldErrors collects validation failures keyed by field name.
type FieldErrors map[string]string

// Add records a reason for a field; the first reason for a field wins.
func (f FieldErrors) Add(field, reason string) {
	if _, ok := f[field]; !ok {
		f[field] = reason
	}
}

// Err returns nil when no field failed, or an EInvalid *Error carrying the fields.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "Some fields are not valid.", Fields: f}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for other errors and
// "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of err: the *Error's message, or a generic one.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message
	}
	return "Something went wrong on our side."
}

// ErrorFields returns the per-field reasons of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// NotFound is the error for a missing object, also used for objects of another tenant so that
// their existence is never confirmed.
func NotFound(what string) *Error { return Errorf(ENotFound, "%s not found.", what) }

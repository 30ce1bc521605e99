package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// statusOf maps domain error codes to HTTP statuses.
var statusOf = map[string]int{
	tenants.EInvalid:         http.StatusBadRequest,
	tenants.EUnauthenticated: http.StatusUnauthorized,
	tenants.EForbidden:       http.StatusForbidden,
	tenants.ENotFound:        http.StatusNotFound,
	tenants.EConflict:        http.StatusConflict,
	tenants.ETooLarge:        http.StatusRequestEntityTooLarge,
	tenants.ERateLimited:     http.StatusTooManyRequests,
	tenants.EInternal:        http.StatusInternalServerError,
}

// errorBody is the contract's error shape.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// isAPI reports whether the request is for the JSON API (as opposed to a page).
func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}

// fail renders err as the contract's JSON error for the API or as an HTML error page, and aborts.
// Only internal errors are logged with their cause; their details never reach the client.
func (s *Server) fail(c *gin.Context, err error) {
	code := tenants.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code, err = tenants.ETooLarge, tenants.Errorf(tenants.ETooLarge, "The request body is larger than 1 MiB.")
	}
	status := statusOf[code]
	if status == 0 {
		status, code = http.StatusInternalServerError, tenants.EInternal
	}
	if code == tenants.EInternal {
		s.log.Error("internal error", "request_id", c.GetString(ctxRequestID), "path", c.FullPath(), "err", err)
	}
	if code == tenants.ENotFound || code == tenants.EForbidden {
		s.log.Info("denied", "request_id", c.GetString(ctxRequestID), "path", c.FullPath(), "code", code,
			"slug", c.Param("slug"), "workspace", c.Param("ws"), "user", principalUser(c), "session_tenants", principalTenants(c))
	}
	body := errorBody{Error: errorDetail{Code: code, Message: tenants.ErrorMessage(err), Fields: tenants.ErrorFields(err)}}
	if isAPI(c) || c.GetHeader("Accept") == "application/json" {
		c.AbortWithStatusJSON(status, body)
		return
	}
	c.Abort()
	s.page(c, status, "error", pageData{Title: http.StatusText(status), Data: body.Error})
}

// principalUser returns the id of the request's account, or "", for audit lines.
func principalUser(c *gin.Context) string {
	if p := principal(c); p != nil && p.User != nil {
		return p.User.ID
	}
	return ""
}

// principalTenants returns the ids of the tenants the request's session belongs to (memberships
// and participant identities), for audit lines that show which tenant reached for which.
func principalTenants(c *gin.Context) []string {
	p := principal(c)
	if p == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, m := range p.Memberships {
		add(m.TenantID)
	}
	for _, pt := range p.Participants {
		add(pt.TenantID)
	}
	return out
}

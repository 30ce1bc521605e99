package server

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

// getLive upgrades to the workspace's WebSocket after the chain has authenticated the session and
// resolved the workspace for it (anonymous 401, anything not the caller's 404, before any upgrade).
// ?since=N asks for every event after seq N before live ones.
func (s *Server) getLive(c *gin.Context) {
	if s.live == nil {
		s.fail(c, tenants.Errorf(tenants.EInternal, "Live updates are not available."))
		return
	}
	var since int64
	raw, hasSince := c.GetQuery("since")
	if hasSince {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			s.fail(c, &tenants.Error{Code: tenants.EInvalid, Message: "Some fields are not valid.", Fields: map[string]string{"since": "must be a non-negative integer"}})
			return
		}
		since = n
	}
	v := viewerOf(c)
	st, err := s.svc.SessionState(c.Request.Context(), v)
	if err != nil {
		s.fail(c, err)
		return
	}
	// attribution tells the live layer how to show presence (names or groups only).
	hello := map[string]any{"you": youOut(v), "session": st, "attribution": workspaceOf(c).Attribution}
	w, r := c.Writer, c.Request
	sess := principal(c).Session
	// A socket outlives no session: when the session's absolute lifetime ends, its sockets close
	// (logout and removal close them at once elsewhere).
	expire := time.AfterFunc(time.Until(sess.ExpiresAt), func() { s.live.CloseSession(sess.TokenHash) })
	defer expire.Stop()
	s.live.Serve(w, r, v, sess.TokenHash, since, hasSince, hello)
	// Nothing touches c after the upgrade: Serve returned when the connection ended.
}

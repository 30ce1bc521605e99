package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

type commentResponse struct {
	Comment tenants.Comment `json:"comment"`
	Seq     int64           `json:"seq"`
}

type commentsResponse struct {
	Comments []tenants.Comment `json:"comments"`
}

func (s *Server) getComments(c *gin.Context) {
	cs, err := s.svc.FindComments(c.Request.Context(), viewerOf(c), workspaceOf(c), c.Param("question"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, commentsResponse{Comments: cs})
}

func (s *Server) postComment(c *gin.Context) {
	var in tenants.CommentInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	v, w := viewerOf(c), workspaceOf(c)
	cm, seq, err := s.svc.CreateComment(c.Request.Context(), v, w, c.Param("question"), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, commentResponse{Comment: cm.VisibleTo(v, w), Seq: seq})
}

func (s *Server) postSeen(c *gin.Context) {
	if err := s.svc.MarkSeen(c.Request.Context(), viewerOf(c), workspaceOf(c), c.Param("question")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) patchComment(c *gin.Context) {
	var in tenants.CommentInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	v, w := viewerOf(c), workspaceOf(c)
	cm, seq, err := s.svc.UpdateComment(c.Request.Context(), v, w, c.Param("comment"), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, commentResponse{Comment: cm.VisibleTo(v, w), Seq: seq})
}

func (s *Server) deleteComment(c *gin.Context) {
	v, w := viewerOf(c), workspaceOf(c)
	cm, seq, err := s.svc.DeleteComment(c.Request.Context(), v, w, c.Param("comment"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, commentResponse{Comment: cm.VisibleTo(v, w), Seq: seq})
}

func (s *Server) postHideComment(c *gin.Context) {
	var in tenants.HideInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	v, w := viewerOf(c), workspaceOf(c)
	cm, seq, err := s.svc.HideComment(c.Request.Context(), v, w, c.Param("comment"), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, commentResponse{Comment: cm.VisibleTo(v, w), Seq: seq})
}

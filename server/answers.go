package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"workshop/tenants"
)

type answerResponse struct {
	Answer *tenants.Answer `json:"answer"`
	Seq    int64           `json:"seq"`
}

// putAnswer saves a new revision of the caller's answer. An Idempotency-Key header makes retries
// (an offline queue replaying) safe: the same key returns the revision already saved.
func (s *Server) putAnswer(c *gin.Context) {
	var in tenants.AnswerInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	a, seq, err := s.svc.SaveAnswer(c.Request.Context(), viewerOf(c), workspaceOf(c), c.Param("question"), in, c.GetHeader("Idempotency-Key"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, answerResponse{Answer: a, Seq: seq})
}

type answersResponse struct {
	Answers []tenants.Answer      `json:"answers"`
	Session *tenants.SessionState `json:"session"`
}

func (s *Server) getAnswers(c *gin.Context) {
	f := tenants.AnswerFilter{QuestionID: c.Query("question_id")}
	as, st, err := s.svc.FindAnswers(c.Request.Context(), viewerOf(c), workspaceOf(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, answersResponse{Answers: as, Session: st})
}

type historyResponse struct {
	Revisions []*tenants.Answer `json:"revisions"`
}

func (s *Server) getAnswerHistory(c *gin.Context) {
	w := workspaceOf(c)
	if in := s.svc.Catalogue.Instrument(w.InstrumentVersion); in == nil || in.Question(c.Param("question")) == nil {
		s.fail(c, tenants.NotFound("Question"))
		return
	}
	revs, err := s.svc.AnswerHistory(c.Request.Context(), viewerOf(c), c.Param("question"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if revs == nil {
		revs = []*tenants.Answer{}
	}
	c.JSON(http.StatusOK, historyResponse{Revisions: revs})
}

type synthesisResponse struct {
	Synthesis *tenants.Synthesis `json:"synthesis"`
	Seq       int64              `json:"seq"`
}

func (s *Server) putSynthesis(c *gin.Context) {
	var in tenants.SynthesisInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	syn, seq, err := s.svc.SaveSynthesis(c.Request.Context(), viewerOf(c), workspaceOf(c), c.Param("question"), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, synthesisResponse{Synthesis: syn, Seq: seq})
}

func (s *Server) getSyntheses(c *gin.Context) {
	out, err := s.svc.FindSyntheses(c.Request.Context(), viewerOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if out == nil {
		out = []*tenants.Synthesis{}
	}
	c.JSON(http.StatusOK, map[string][]*tenants.Synthesis{"syntheses": out})
}

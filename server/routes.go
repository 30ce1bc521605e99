package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// route is one line of the route table.
type route struct {
	Method   string
	Path     string
	Handlers []gin.HandlerFunc
}

func r(method, path string, h ...gin.HandlerFunc) route { return route{method, path, h} }

// Routes lists every route as "METHOD PATH", in table order. Tests use it to make sure each route
// has a row in the authorization matrix.
func (s *Server) Routes() []string {
	var out []string
	for _, rt := range s.routes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}

// routes is the whole route table. Each line names the method, the path and the chain:
// loadPrincipal resolves the session; requireLogin refuses anonymous callers; inTenant and
// inWorkspace resolve :slug and :ws for the caller (404 for anything that is not theirs).
func (s *Server) routes() []route {
	const (
		GET, POST, PUT, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	)
	p, login, tenant, ws := s.loadPrincipal, s.requireLogin, s.inTenant, s.inWorkspace
	api := "/api/v1"
	t := api + "/tenants/:slug"
	w := t + "/workspaces/:ws"
	return []route{
		// Operations.
		r(GET, "/healthz", s.healthz),
		r(GET, "/readyz", s.readyz),
		r(GET, "/static/*file", s.static),

		// Public catalogue.
		r(GET, api+"/taxonomy", s.getTaxonomy),
		r(GET, api+"/instrument", s.getInstrument),
		r(GET, api+"/case-studies", p, s.getCaseStudies),
		r(GET, api+"/case-studies/:id", p, s.getCaseStudy),

		// Accounts and sessions.
		r(POST, api+"/signup", p, s.postSignup),
		r(POST, api+"/login", p, s.postLogin),
		r(POST, api+"/logout", p, s.postLogout),
		r(GET, api+"/me", p, login, s.getMe),
		r(GET, api+"/join/:token", s.getJoinInfo),
		r(POST, api+"/join/:token", p, s.postJoin),
		r(POST, api+"/return/:token", p, s.postReturn),

		// Tenant.
		r(GET, t+"/members", p, login, tenant, s.getMembers),
		r(POST, t+"/members", p, login, tenant, s.postMember),
		r(GET, t+"/case-studies", p, login, tenant, s.getTenantCaseStudies),
		r(POST, t+"/case-studies", p, login, tenant, s.postCaseStudy),
		r(GET, t+"/workspaces", p, login, tenant, s.getWorkspaces),
		r(POST, t+"/workspaces", p, login, tenant, s.postWorkspace),

		// Workspace.
		r(GET, w, p, login, ws, s.getWorkspace),
		r(PATCH, w, p, login, ws, s.patchWorkspace),
		r(GET, w+"/invites", p, login, ws, s.getInvites),
		r(POST, w+"/invites", p, login, ws, s.postInvite),
		r(POST, w+"/invites/:invite/revoke", p, login, ws, s.postRevokeInvite),
		r(GET, w+"/participants", p, login, ws, s.getParticipants),
		r(PATCH, w+"/participants/:participant", p, login, ws, s.patchParticipant),
		r(DELETE, w+"/participants/:participant", p, login, ws, s.deleteParticipant),
		r(POST, w+"/return-link", p, login, ws, s.postRotateReturn),
		r(GET, w+"/answers", p, login, ws, s.getAnswers),
		r(PUT, w+"/answers/:question", p, login, ws, s.putAnswer),
		r(GET, w+"/answers/:question/history", p, login, ws, s.getAnswerHistory),
		r(GET, w+"/questions/:question/comments", p, login, ws, s.getComments),
		r(POST, w+"/questions/:question/comments", p, login, ws, s.postComment),
		r(POST, w+"/questions/:question/seen", p, login, ws, s.postSeen),
		r(PATCH, w+"/comments/:comment", p, login, ws, s.patchComment),
		r(DELETE, w+"/comments/:comment", p, login, ws, s.deleteComment),
		r(POST, w+"/comments/:comment/hide", p, login, ws, s.postHideComment),
		r(PATCH, w+"/session", p, login, ws, s.patchSession),
		r(GET, w+"/synthesis", p, login, ws, s.getSyntheses),
		r(PUT, w+"/synthesis/:question", p, login, ws, s.putSynthesis),
		r(GET, w+"/live", p, login, ws, s.getLive),

		// Results.
		r(GET, w+"/results", p, login, ws, s.getResults),
		r(GET, w+"/export.csv", p, login, ws, s.getExportCSV),
		r(GET, w+"/export.json", p, login, ws, s.getExportJSON),

		// Pages.
		r(GET, "/", p, s.pageHome),
		r(GET, "/signup", p, s.pageSignup),
		r(POST, "/signup", p, s.formSignup),
		r(GET, "/login", p, s.pageLogin),
		r(POST, "/login", p, s.formLogin),
		r(POST, "/logout", p, s.formLogout),
		r(GET, "/taxonomy", p, s.pageTaxonomy),
		r(GET, "/instrument", p, s.pageInstrument),
		r(GET, "/case-studies", p, s.pageCaseStudies),
		r(GET, "/case-studies/:id", p, s.pageCaseStudy),
		r(GET, "/join/:token", p, s.pageJoin),
		r(POST, "/join/:token", p, s.formJoin),
		r(GET, "/r/:token", p, s.pageReturn),
		r(GET, "/t/:slug", p, login, tenant, s.pageDashboard),
		r(POST, "/t/:slug/workspaces", p, login, tenant, s.formCreateWorkspace),
		r(POST, "/t/:slug/members", p, login, tenant, s.formAddMember),
		r(POST, "/t/:slug/case-studies", p, login, tenant, s.formCaseStudy),
		r(GET, "/t/:slug/case-studies/:id", p, login, tenant, s.pageTenantCaseStudy),
		r(GET, "/t/:slug/w/:ws", p, login, ws, s.pageWorkspace),
		r(POST, "/t/:slug/w/:ws/answers/:question", p, login, ws, s.formAnswer),
		r(POST, "/t/:slug/w/:ws/questions/:question/comments", p, login, ws, s.formComment),
		r(POST, "/t/:slug/w/:ws/comments/:comment/hide", p, login, ws, s.formHideComment),
		r(POST, "/t/:slug/w/:ws/session", p, login, ws, s.formSession),
		r(POST, "/t/:slug/w/:ws/synthesis/:question", p, login, ws, s.formSynthesis),
		r(POST, "/t/:slug/w/:ws/return-link", p, login, ws, s.formRotateReturn),
		r(GET, "/t/:slug/w/:ws/manage", p, login, ws, s.pageManage),
		r(POST, "/t/:slug/w/:ws/manage", p, login, ws, s.formManage),
		r(POST, "/t/:slug/w/:ws/invites", p, login, ws, s.formInvite),
		r(GET, "/t/:slug/w/:ws/results", p, login, ws, s.pageResults),
		r(GET, "/t/:slug/w/:ws/report", p, login, ws, s.pageReport),
	}
}

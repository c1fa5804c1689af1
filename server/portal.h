/*
 * server/portal.h - what the portal's request handlers share (portal.c,
 * admin.c, api.c): the request state and the helpers that answer it.
 * Internal to sekishod.
 */
#ifndef SEKISHOD_PORTAL_H
#define SEKISHOD_PORTAL_H

#include "http.h"
#include "pages.h"
#include "parse.h"
#include "sekisho/sekisho.h"

/* One request on a worker: its context, input, output and session. */
struct rq {
	sk_ctx *ctx;
	const server_config *sc;
	const http_in *in;
	http_out *out;
	const char *lang;
	char token[SK_TOKEN_LEN + 1];
	int have_session;
	sk_session sess;
	char csrf[SK_TOKEN_LEN + 1];
	form form;
	char error[512];
	const char *notice;
};

/* Answers: a 303 to url; a whole message page; the error text of a catalog key. */
void rq_redirect(struct rq *q, const char *url);
void rq_message(struct rq *q, int status, const char *title_key, const char *text_key,
		const char *link);
void rq_say(struct rq *q, const char *key);
void rq_say_locked(struct rq *q, int64_t retry_at);

/* The page_base of this request (language, CSRF token, user, error, notice). */
void rq_base(struct rq *q, page_base *pb);

int rq_is_post(const struct rq *q);
/* A form field of a POST (after rq_check_post), "" when absent. */
const char *rq_field(const struct rq *q, const char *name);
/* Parses the form and checks session and CSRF token; 0 = go on, else answered. */
int rq_check_post(struct rq *q);
/* 1 when the session is signed in. */
int rq_active(const struct rq *q);
/* 0 when signed in, else answered with a redirect to /login. */
int rq_need_active(struct rq *q);

/* The administrator's console under /admin (admin.c). */
void admin_handle(struct rq *q);
/* The JSON API under /api/v1 (api.c). */
void api_handle(struct rq *q);

#endif

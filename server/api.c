/* server/api.c - the JSON API (placeholder until it lands). */
#include "portal.h"

void
api_handle(struct rq *q)
{
	q->out->status = 404;
	q->out->content_type = "application/json";
	buf_add(&q->out->body, "{\"error\":\"not_found\",\"message\":\"no such endpoint\"}\n");
}

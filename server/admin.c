/* server/admin.c - the administrator's console (placeholder until it lands). */
#include "portal.h"

void
admin_handle(struct rq *q)
{
	if (rq_need_active(q) != 0)
		return;
	rq_message(q, 404, "title.error", "error.not_found", "/account");
}

/* sekisho/sekisho.h - everything of libsekisho in one include. */
#ifndef SEKISHO_SEKISHO_H
#define SEKISHO_SEKISHO_H

#include "sekisho/error.h"
#include "sekisho/config.h"
#include "sekisho/store.h"
#include "sekisho/ctx.h"
#include "sekisho/vault.h"
#include "sekisho/password.h"
#include "sekisho/policy.h"
#include "sekisho/otp.h"
#include "sekisho/lockout.h"
#include "sekisho/audit.h"
#include "sekisho/account.h"
#include "sekisho/mfa.h"
#include "sekisho/recovery.h"
#include "sekisho/privilege.h"
#include "sekisho/signin.h"
#include "sekisho/inventory.h"
#include "sekisho/session.h"
#include "sekisho/apitoken.h"
#include "sekisho/access.h"

#define SEKISHO_VERSION "0.1.0"

#endif

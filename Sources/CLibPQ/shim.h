#ifndef TURNSTILE_CLIBPQ_SHIM_H
#define TURNSTILE_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif

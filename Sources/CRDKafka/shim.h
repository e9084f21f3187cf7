#ifndef TURNSTILE_CRDKAFKA_SHIM_H
#define TURNSTILE_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>

/* Debian bookworm's librdkafka 2.0.2 fails the ApiVersion v3 handshake with current brokers
   ("Read underflow"). Refuse to build against it rather than fail at run time. */
#if RD_KAFKA_VERSION < 0x020800ff
#error "Turnstile needs librdkafka >= 2.8. Run ops/install and source ops/env.sh (PKG_CONFIG_PATH must point at the private prefix)."
#endif

/* The version the headers describe, so the binary can check the library it actually loaded. */
static inline int turnstile_rdkafka_header_version(void) { return RD_KAFKA_VERSION; }

#endif

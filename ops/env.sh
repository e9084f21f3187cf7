# shellcheck shell=bash
# Source this (from any directory) to use the tools ops/install put in place:
#   . ops/env.sh
# Sets TURNSTILE_TOOLS, and puts the private librdkafka 2.8 prefix first on PKG_CONFIG_PATH (build time)
# and LD_LIBRARY_PATH (run time: Debian's librdkafka1 2.0.2 has the same soname and cannot talk to Tansu),
# and $TURNSTILE_TOOLS/bin (tansu) first on PATH. Sourcing it again changes nothing.

_turnstile_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
export TURNSTILE_TOOLS="${TURNSTILE_TOOLS:-$_turnstile_root/.tools}"

# _turnstile_front VAR DIR: make DIR the first entry of the colon list VAR, removing other copies of it.
_turnstile_front() {
  local rest="" entry parts=()
  IFS=: read -r -a parts <<<"${!1-}"
  for entry in "${parts[@]}"; do
    [ -n "$entry" ] && [ "$entry" != "$2" ] && rest="$rest${rest:+:}$entry"
  done
  export "$1=$2${rest:+:$rest}"
}
_turnstile_front PKG_CONFIG_PATH "$TURNSTILE_TOOLS/librdkafka/lib/pkgconfig"
_turnstile_front LD_LIBRARY_PATH "$TURNSTILE_TOOLS/librdkafka/lib"
_turnstile_front PATH "$TURNSTILE_TOOLS/bin"

unset -f _turnstile_front
unset _turnstile_root

#!/usr/bin/env bash
# The API contract: Schemathesis against /api/openapi.json as a caller, a head and the
# director, on a fresh demo database (docs/security.md, "API contract").
#
#   bench/schemathesis.sh [MAX_EXAMPLES]     (default 10; needs `pip install schemathesis==4.32.5`)
#
# Passes when no answer is a 5xx, every answer matches its documented status and schema, and
# no schema-valid request is refused (checks configured in bench/schemathesis.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-10}"
target="${CARGO_TARGET_DIR:-target}"
cargo build -q -p baton
bin="$target/debug/baton"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" demo --db "sqlite://$work/demo.db" --fresh --today 2026-11-27 >"$work/demo.log"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" serve --db "sqlite://$work/demo.db" --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -sf "$base/api/health" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"baton-demo\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

status=0
for login in caller1.msk head.msk director; do
  echo "== Schemathesis as $login ($examples examples per operation)"
  # Logout would end the run's own token; the password change needs the current password.
  st --no-color --config-file bench/schemathesis.toml run "$base/api/openapi.json" \
    -H "Authorization: Bearer $(token "$login")" \
    --mode positive --phases examples,fuzzing --max-examples "$examples" --seed 1 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,positive_data_acceptance \
    --exclude-path /api/auth/logout --exclude-path /api/me/password \
    --workers 2 --request-timeout 30 || status=1
done
if [ "$status" -ne 0 ]; then tail -n 20 "$work/serve.log"; fi
exit "$status"

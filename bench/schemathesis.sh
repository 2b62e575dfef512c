#!/bin/sh
# The whole API fuzzed from its own OpenAPI document with schemathesis, over real HTTP:
# a throwaway SQLite database with the small demo data, an administrator's token, gunicorn on a
# free local port, then every phase (examples, coverage, fuzzing, stateful). Exit code is
# schemathesis's: 0 when no server error, no response outside the schema, no schema-violating
# request accepted, no 405 without Allow. Usage: bench/schemathesis.sh [MAX_EXAMPLES]
set -eu
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export COOP_TRACKER_SQLALCHEMY_DATABASE_URI="sqlite:///$WORK/api.sqlite3"
export COOP_TRACKER_SECRET_KEY=schemathesis-only
flask() { .venv/bin/flask --app coop_tracker "$@"; }
flask db upgrade >/dev/null 2>&1
flask seed >/dev/null
flask demo --scale small >/dev/null
echo 'bla-fjaril-over-angen-42' | flask users create --email st@example.se --name Schemathesis --role admin >/dev/null
TOKEN=$(flask users token st@example.se | tail -1)
.venv/bin/gunicorn -c gunicorn.conf.py --workers 2 --bind "127.0.0.1:$PORT" 'coop_tracker:create_app()' >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER; rm -rf "$WORK"' EXIT
.venv/bin/python -c "
import time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen('http://127.0.0.1:$PORT/api/v1/openapi.json'); break
    except OSError:
        time.sleep(0.3)
"
.venv/bin/st run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,negative_data_rejection,unsupported_method,allow_header_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "${1:-20}" --workers 2 --no-color

#!/usr/bin/env bash
# The README's first command. Installs what smart needs (Debian 12, as root),
# builds it, and runs one real experiment end to end on a throwaway nginx:
# 002_nginx_keepalive (keep-alive off vs keepalive_timeout 65) over https on
# 127.0.0.1, with short phases. Then renders the dashboard and prints where
# everything is.
#
# The machine's own nginx and /etc are never touched: the demo's nginx has
# its own prefix, configuration, certificate and pid under SMART_DEMO_DIR
# (default /tmp/smart-demo) and is stopped by pid at the end. Running the
# demo again adds a run to the same history, so the dashboard shows trends.
#
#   SMART_DEMO_DIR=DIR         where the demo keeps its nginx and state
#   SMART_DEMO_SECONDS=N       measurement per variant (default 20)
#   SMART_BUILD_DIR=DIR        build directory (default build)
#   SMART_DEMO_NO_BUILD=1      use SMART_BUILD_DIR as it is (the demo's own test)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

say() { printf '\n== %s\n' "$*" >&2; }

build=${SMART_BUILD_DIR:-build}
case $build in /*) ;; *) build=$src/$build ;; esac
if [ -z "${SMART_DEMO_NO_BUILD:-}" ]; then
  say "installing packages (Debian 12)"
  bash packaging/install-deps.sh
  say "building"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" | tail -n 1
fi

demo=${SMART_DEMO_DIR:-/tmp/smart-demo}
seconds=${SMART_DEMO_SECONDS:-20}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)

say "starting a throwaway nginx on 127.0.0.1 (prefix $demo/nginx)"
# shellcheck source=../test/lib/nginx.sh
. "$src/test/lib/nginx.sh"
nginx_stop "$demo/nginx"   # a previous demo interrupted before its cleanup
rm -rf "$demo/nginx"
mkdir -p "$demo/nginx"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$demo/nginx/tls.key" -out "$demo/nginx/tls.crt" >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
trap 'nginx_stop "$demo/nginx"' EXIT
nginx_start "$demo/nginx" "listen 127.0.0.1:$port ssl; ssl_certificate $demo/nginx/tls.crt; ssl_certificate_key $demo/nginx/tls.key;"
# The starting point the experiment improves on: keep-alive off, so every
# probe pays a new TCP connection and TLS handshake.
sed -i 's/^\( *\)keepalive_timeout 65;$/\1keepalive_timeout 0;/' "$NGINX_CONF"
nginx_reload "$demo/nginx"

say "preparing experiment 002_nginx_keepalive against https://127.0.0.1:$port/"
rm -rf "$demo/experiments"
mkdir -p "$demo/experiments"
cp -R experiments/002_nginx_keepalive "$demo/experiments/"
# The shipped experiment with the demo's target and a probe every 50 ms.
python3 - "$demo/experiments/002_nginx_keepalive/meta.json" "https://127.0.0.1:$port/" <<'PY'
import json, sys
path, url = sys.argv[1], sys.argv[2]
meta = json.load(open(path))
meta["target_url"] = url
meta["measure_interval_sec"] = 0.05
json.dump(meta, open(path, "w"), indent=2)
PY
nginx=$(nginx_bin)
cat >"$demo/smart.conf" <<CONF
# smart.conf of the demo (see docs/run.md for every key)
BASE_DIR=$demo/state
EXPERIMENTS_DIR=$demo/experiments
SMART_BIN_DIR=$build/tools
SMART_LIBEXEC_DIR=$src/packaging
DASH_ASSETS_DIR=$src/dashboard
MEASURE_CA_FILE=$demo/nginx/tls.crt
NGINX_CONF=$NGINX_CONF
NGINX_TEST="$nginx -t -q -p $demo/nginx -c $NGINX_CONF -e $demo/nginx/error.log"
NGINX_RELOAD="$nginx -p $demo/nginx -c $NGINX_CONF -e $demo/nginx/error.log -s reload"
CONF

say "smart-run 002_nginx_keepalive (${seconds}s of interleaved measurement per side)"
set +e
"$build/tools/smart-run" --config "$demo/smart.conf" --variant-seconds "${seconds}s" \
  --block-seconds 1s --warmup-seconds 0.2s 002_nginx_keepalive
rc=$?
set -e

say "result"
"$build/tools/smart-dashboard" --config "$demo/smart.conf" --text || true
run_dir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$demo/state/var/state.json" 2>/dev/null || true)
echo
# The outcome is the run's summary, not the exit code (0 means "the run
# finished", kept or reverted alike).
summary=$demo/state/var/runs/$run_dir/summary.json
outcome=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["status"] + " " + s["kept_variant"] + "\t" + s["reason"])' \
  "$summary" 2>/dev/null || true)
if [ -n "$run_dir" ] && [ -n "$outcome" ]; then
  status=${outcome%% *}
  rest=${outcome#* }
  case $status in
    kept) echo "verdict:   keep ${rest%%$'\t'*}" ;;
    reverted) echo "verdict:   revert (nothing was kept)" ;;
    *) echo "verdict:   $status (smart-run exit $rc)" ;;
  esac
  echo "reason:    ${rest#*$'\t'}"
else
  echo "verdict:   unknown: no summary.json (smart-run exited $rc; see the log above)"
fi
echo "config:    $demo/smart.conf"
[ -n "$run_dir" ] && echo "run dir:   $demo/state/var/runs/$run_dir"
echo "dashboard: $demo/state/www/index.html"
echo "           (or serve it: python3 -m http.server --bind 127.0.0.1 --directory $demo/state/www 8080)"
[ "$rc" -le 1 ]

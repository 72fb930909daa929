# A throwaway nginx on 127.0.0.1: its own prefix, config, pid and logs in a
# directory of ours, never the machine's configuration. Stopped by pid.
#
#   nginx_start DIR [EXTRA_SERVER_DIRECTIVES [EXTRA_HTTP_DIRECTIVES]]
#                                               sets NGINX_PORT NGINX_CONF NGINX_URL
#   nginx_reload DIR / nginx_stop DIR
#   nginx_tls_directives DIR PORT               a self-signed certificate for
#                                               127.0.0.1 in DIR; sets TLS_CACERT
#                                               (the CA to trust) and
#                                               TLS_DIRECTIVES (server directives
#                                               answering https on PORT: pass them
#                                               as nginx_start's second argument)

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

nginx_write_conf() {
  local dir=$1 port=$2 extra=${3:-} http_extra=${4:-}
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root root;"
  cat >"$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    keepalive_timeout 65;
    server {
        listen 127.0.0.1:$port;
        root $dir/html;
        location = / { return 200 "ok\n"; }
        location = /500 { return 500 "boom\n"; }
        $extra
    }
    $http_extra
}
CONF
}

nginx_start() {
  local dir=$1 extra=${2:-} http_extra=${3:-}
  mkdir -p "$dir/tmp" "$dir/html"
  NGINX_PORT=${NGINX_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')}
  NGINX_CONF=$dir/nginx.conf
  NGINX_URL=http://127.0.0.1:$NGINX_PORT/
  nginx_write_conf "$dir" "$NGINX_PORT" "$extra" "$http_extra"
  "$(nginx_bin)" -p "$dir" -c "$NGINX_CONF" -e "$dir/error.log"
  local i
  for i in $(seq 1 200); do
    if curl -fsS -o /dev/null "$NGINX_URL" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nginx did not come up on $NGINX_URL; see $dir/error.log" >&2
  return 1
}

nginx_reload() {
  local dir=$1
  "$(nginx_bin)" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -s reload
}

nginx_stop() {
  local dir=$1 pid
  [ -f "$dir/nginx.pid" ] || return 0
  pid=$(cat "$dir/nginx.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

nginx_tls_directives() {
  local dir=$1 port=$2
  command -v openssl >/dev/null || skip "openssl is not installed"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" >/dev/null 2>&1 || fail "openssl could not make a certificate"
  TLS_CACERT=$dir/tls.crt
  TLS_DIRECTIVES="listen 127.0.0.1:$port ssl; ssl_certificate $dir/tls.crt; ssl_certificate_key $dir/tls.key;"
}

# A throwaway PHP-FPM on 127.0.0.1 behind the throwaway nginx of nginx.sh:
# its own main config, pool file, pid and log in a directory of ours, never
# the machine's (Debian's www.conf is only copied as the pool file's starting
# point, so the edits meet its real layout and comments). Sourced after
# common.sh.
#
#   phpfpm_need              fails unless php-fpm8.2 and nginx are installed
#                            (packaging/install-deps.sh --tests installs them)
#   phpfpm_start DIR         DIR/php-fpm.conf including DIR/pool.d/www.conf
#                            (pm = dynamic, max_children 5, listening on
#                            127.0.0.1:<free port>, its status page at
#                            /fpm-status), starts php-fpm8.2, waits
#                            for the port; exports PHPFPM_POOL_CONF PHPFPM_TEST
#                            PHPFPM_RELOAD (SIGUSR2 to the master) PHPFPM_PID
#                            PHPFPM_PORT; stopped at exit
#   phpfpm_nginx_directives DIR
#                            sets PHPFPM_LOCATION: nginx server directives
#                            passing /*.php to it through FastCGI (pass them
#                            to nginx_start / exp_start_nginx), and writes
#                            DIR/html/index.php for nginx's root DIR/html
#   phpfpm_site              phpfpm_start TMP/fpm, then a throwaway nginx in
#                            TMP/nginx passing /*.php to it; sets page (the
#                            PHP page's URL) and copies the pool file to
#                            TMP/pool.before
#   phpfpm_smart_conf FILE   smart.conf for smart-run on it (BASE_DIR
#                            TMP/base, EXPERIMENTS_DIR TMP/exp, the PHPFPM_*
#                            keys of phpfpm_start)
#   phpfpm_workers           the number of worker processes of the master now
#   phpfpm_pm_is PM          PHP-FPM's status page (through nginx at
#                            $NGINX_URL) says it runs process manager PM
#   phpfpm_stop DIR          stops it by pid
phpfpm_bin() { command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2; }

phpfpm_need() {
  [ -x "$(phpfpm_bin)" ] || fail "php-fpm8.2 is not installed (packaging/install-deps.sh --tests: php8.2-fpm)"
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || fail "nginx is not installed (packaging/install-deps.sh --tests)"
  command -v jq >/dev/null || fail "jq is not installed (packaging/install-deps.sh --tests)"
}

phpfpm_start() {
  local dir=$1 i
  mkdir -p "$dir/pool.d"
  PHPFPM_PORT=$(free_port)
  # as root the workers run as www-data (the pool's user), which must reach the scripts
  [ "$(id -u)" -ne 0 ] || chmod 755 "$TMP" "$dir"
  if [ -f /etc/php/8.2/fpm/pool.d/www.conf ]; then
    # Debian's pool file, with our listen address and no socket owner lines
    sed -e "s|^listen = .*|listen = 127.0.0.1:$PHPFPM_PORT|" -e '/^listen\.\(owner\|group\) =/d' \
      /etc/php/8.2/fpm/pool.d/www.conf >"$dir/pool.d/www.conf"
  else
    cat >"$dir/pool.d/www.conf" <<CONF
[www]
user = www-data
group = www-data
listen = 127.0.0.1:$PHPFPM_PORT
pm = dynamic
pm.max_children = 5
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
CONF
  fi
  echo "pm.status_path = /fpm-status" >>"$dir/pool.d/www.conf"
  cat >"$dir/php-fpm.conf" <<CONF
[global]
pid = $dir/php-fpm.pid
error_log = $dir/php-fpm.log
daemonize = no
include = $dir/pool.d/*.conf
CONF
  PHPFPM_POOL_CONF=$dir/pool.d/www.conf
  PHPFPM_TEST="$(phpfpm_bin) -t -y $dir/php-fpm.conf"
  on_exit phpfpm_stop "$dir"
  # in the foreground, as systemd runs it: a reload (SIGUSR2) re-executes
  # the master in place, under the same pid
  "$(phpfpm_bin)" -F -y "$dir/php-fpm.conf" -p "$dir" >>"$dir/php-fpm.out" 2>&1 &
  PHPFPM_PID=$!
  for i in $(seq 1 200); do
    [ -s "$dir/php-fpm.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$PHPFPM_PORT") 2>/dev/null && break
    kill -0 "$PHPFPM_PID" 2>/dev/null || fail "php-fpm did not start; see $dir/php-fpm.log"
    [ "$i" -lt 200 ] || fail "php-fpm did not listen on 127.0.0.1:$PHPFPM_PORT; see $dir/php-fpm.log"
    sleep 0.05
  done
  PHPFPM_RELOAD="$(command -v kill) -USR2 $PHPFPM_PID"
  export PHPFPM_POOL_CONF PHPFPM_TEST PHPFPM_RELOAD PHPFPM_PID PHPFPM_PORT
}

phpfpm_nginx_directives() {
  local dir=$1
  mkdir -p "$dir/html"
  chmod 755 "$dir" "$dir/html"
  printf '<?php\necho "php ok ", getmypid(), "\\n";\n' >"$dir/html/index.php"
  chmod 644 "$dir/html/index.php"
  PHPFPM_LOCATION="location ~ \\.php\$ { include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name; fastcgi_pass 127.0.0.1:$PHPFPM_PORT; }
    location = /fpm-status { include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME /fpm-status; fastcgi_pass 127.0.0.1:$PHPFPM_PORT; }"
}

phpfpm_workers() {
  pgrep -c -P "$PHPFPM_PID" || true
}

phpfpm_pm_is() {
  curl -fsS --max-time 10 "${NGINX_URL}fpm-status" 2>/dev/null | grep -qx "process manager: *$1"
}

phpfpm_stop() {
  local dir=$1 pid=${PHPFPM_PID:-} i
  [ -n "$pid" ] || return 0
  kill -QUIT "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

phpfpm_site() {
  phpfpm_start "$TMP/fpm"
  phpfpm_nginx_directives "$TMP/nginx"
  mkdir -p "$TMP/nginx"
  on_exit nginx_stop "$TMP/nginx"
  nginx_start "$TMP/nginx" "$PHPFPM_LOCATION"
  page=${NGINX_URL}index.php
  cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"
}

phpfpm_smart_conf() {
  cat >"$1" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
PHPFPM_POOL_CONF=$PHPFPM_POOL_CONF
PHPFPM_TEST="$PHPFPM_TEST"
PHPFPM_RELOAD="$PHPFPM_RELOAD"
CONF
}

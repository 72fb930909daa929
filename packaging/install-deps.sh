#!/usr/bin/env bash
# Installs what smart needs to build, test and run its demo, from Debian 12's
# own packages. Run as root. Safe to run again.
set -euo pipefail

build_deps=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost-program-options1.81-dev libboost-json1.81-dev
  libfmt-dev catch2 libcurl4-openssl-dev libssl-dev
  libpq-dev
)
# The demo and the tests drive real programs: a throwaway nginx on loopback,
# curl and wrk as measurement peers, openssl for a self-signed certificate,
# python3 for the loopback coach and slow targets, chromium for the dashboard.
run_deps=(nginx-light curl ca-certificates openssl python3 procps iproute2 wrk)
# Tests also need: chromium for the dashboard, sudo and systemd (unit files
# verified with systemd-analyze, sudoers with visudo), jq for reading JSON in
# shell tests, time for peak-RSS figures in benchmarks, hey as a load peer,
# goaccess as the access-log parsing peer of the replay benchmark,
# lintian for the package test; debootstrap and systemd-container for
# packaging/test-deb-install.sh (run by hand, not by ctest);
# prometheus-node-exporter, which a test starts on 127.0.0.1 to scrape the
# textfile smart-dashboard writes (no daemon starts without systemd running);
# cloud-init for `cloud-init schema` on packaging/cloud-init.yaml;
# redis-server and redis-tools: the Redis experiments' tests start their own
# redis-server on 127.0.0.1 and drive it with redis-cli;
# ansible-core for ansible-playbook: the Ansible role and playbooks
# (packaging/ansible) run against hosts on this machine (connection local).
# clang and libclang-rt-14-dev: the libFuzzer targets (test/fuzz/) need
# clang's libFuzzer and sanitizer runtimes; GCC has no libFuzzer.
# postgresql (initdb, pg_ctl) and postgresql-client (psql): the postgres://
# probe's and the PostgreSQL experiments' tests start their own cluster in a
# temp dir on 127.0.0.1.
# php8.2-fpm: the PHP-FPM experiments' tests start their own php-fpm8.2
# (a copy of Debian's pool file, listening on 127.0.0.1) behind their nginx.
# faketime (libfaketime): a test jumps the wall clock of one smart-run (and
# its children) during a run, without touching the machine's clock.
# dnsmasq-base (the dnsmasq binary without the system service): the dns://
# probe's test starts its own DNS server on 127.0.0.1.
test_deps=(chromium fonts-dejavu-core sudo systemd jq time hey goaccess lintian debootstrap systemd-container
  prometheus-node-exporter cloud-init redis-server redis-tools ansible-core)
test_deps+=(clang libclang-rt-14-dev)
test_deps+=(postgresql postgresql-client)
test_deps+=(faketime)
test_deps+=(php8.2-fpm)
test_deps+=(dnsmasq-base)

want=("${build_deps[@]}" "${run_deps[@]}")
if [ "${1:-}" = "--tests" ]; then
  want+=("${test_deps[@]}")
fi

# promtool (dashboard-promtool test: metrics.prom must pass `promtool check
# metrics`) comes with Debian's prometheus package, which would also install
# and start a Prometheus server listening on every interface. Only the one
# binary is taken from the package, into a directory of the tests' own.
promtool_dir=/usr/local/lib/smart-test
install_promtool() {
  [ -x "$promtool_dir/promtool" ] && return 0
  command -v promtool >/dev/null && return 0
  local tmp
  tmp=$(mktemp -d)
  if (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root prometheus >/dev/null) &&
     dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$tmp" ./usr/bin/promtool; then
    install -D -m 0755 "$tmp/usr/bin/promtool" "$promtool_dir/promtool"
  else
    echo "install-deps: warning: could not extract promtool from Debian's prometheus package; the promtool test will be skipped" >&2
  fi
  rm -rf "$tmp"
}

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
need_promtool=false
if [ "${1:-}" = "--tests" ] && [ ! -x "$promtool_dir/promtool" ] && ! command -v promtool >/dev/null; then
  need_promtool=true
fi
if [ ${#missing[@]} -eq 0 ] && ! $need_promtool; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: warning: promtool is missing and extracting it needs root; the promtool test will be skipped" >&2
    exit 0
  fi
  echo "install-deps: these packages are missing and installing them needs root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if $need_promtool; then
  install_promtool
fi
# The Debian nginx package starts the machine's own nginx; smart's tests and
# demo never use it, and it is left as the package set it up.
# Debian's redis-server package starts (and enables) the machine's own Redis
# on port 6379; the tests start their own on free ports and never use it, so
# a Redis installed here for the tests is stopped and not started at boot.
if [ "${1:-}" = "--tests" ] && printf '%s\n' "${missing[@]}" | grep -qx redis-server; then
  service redis-server stop >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now redis-server >/dev/null 2>&1 || true
  else
    update-rc.d redis-server disable >/dev/null 2>&1 || true
  fi
fi
# Debian's postgresql package creates and starts a cluster of the machine's
# own on port 5432; the tests run their own clusters, so one installed here
# for the tests is stopped and not started at boot.
if [ "${1:-}" = "--tests" ] && printf '%s\n' "${missing[@]}" | grep -qx postgresql; then
  service postgresql stop >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now postgresql >/dev/null 2>&1 || true
  else
    update-rc.d postgresql disable >/dev/null 2>&1 || true
  fi
fi
# Debian's php8.2-fpm package starts (and enables) the machine's own
# PHP-FPM; the tests start their own, so one installed here for the tests is
# stopped and not started at boot.
if [ "${1:-}" = "--tests" ] && printf '%s\n' "${missing[@]}" | grep -qx php8.2-fpm; then
  service php8.2-fpm stop >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now php8.2-fpm >/dev/null 2>&1 || true
  else
    update-rc.d php8.2-fpm disable >/dev/null 2>&1 || true
  fi
fi

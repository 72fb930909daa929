#!/usr/bin/env bash
# packaging/ansible for real: five "hosts" on this machine (ansible
# connection local, each with its own smart.conf, state directory,
# experiments and nginx serving https with keep-alive off on its own
# loopback port). site.yml configures them with the role; rollout.yml runs
# 002_nginx_keepalive in full on the canary (web-1), which keeps
# keepalive_65, then confirms it in batches of 1, 2 and 1 hosts: web-2
# keeps it; in the second batch web-4 keeps it too, but web-3's config test
# rejects the value, so smart-run puts web-3 back on its previous config
# (byte-identical) and the rollout stops naming web-3 and why; web-5, in
# the third batch, is untouched (a batch only partly failed would go on
# without max_fail_percentage: 0). report.yml then fetches every host's
# state into one directory that smart-dashboard --fleet renders.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run
command -v ansible-playbook >/dev/null || fail "ansible-playbook is not installed (packaging/install-deps.sh --tests)"

# ansible reads nothing of the machine's (no /etc/ansible, no ~/.ansible)
export ANSIBLE_CONFIG=$TMP/ansible.cfg ANSIBLE_HOME=$TMP/ansible-home ANSIBLE_LOCAL_TEMP=$TMP/ansible-tmp \
  ANSIBLE_REMOTE_TEMP=$TMP/ansible-tmp ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
printf '[defaults]\nretry_files_enabled = False\ninterpreter_python = %s\n' "$(command -v python3)" >"$ANSIBLE_CONFIG"
play=$SMART_SOURCE_DIR/packaging/ansible
hosts=(web-1 web-2 web-3 web-4 web-5)

# One nginx per host, https with keep-alive off (002's starting point).
mkdir -p "$TMP/shared"
nginx_tls_directives "$TMP/shared" 0 >/dev/null
inventory_hosts=""
for h in "${hosts[@]}"; do
  d=$TMP/$h
  mkdir -p "$d/nginx"
  https=$(free_port)
  NGINX_PORT=$(free_port)
  on_exit nginx_stop "$d/nginx"
  nginx_start "$d/nginx" "listen 127.0.0.1:$https ssl; ssl_certificate $TMP/shared/tls.crt; ssl_certificate_key $TMP/shared/tls.key;"
  unset NGINX_PORT
  sed -i 's/^\( *\)keepalive_timeout 65;$/\1keepalive_timeout 0;/' "$NGINX_CONF"
  nginx_reload "$d/nginx"
  exp_nginx_env
  nginx_test=$NGINX_TEST
  if [ "$h" = web-3 ]; then
    # web-3's nginx rejects the value the canary keeps (an older build, a
    # conflicting include...): its config test fails once it is in.
    cat >"$d/nginx-test" <<SH
#!/bin/sh
if grep -q 'keepalive_timeout 65;' '$NGINX_CONF'; then
  echo "nginx: [emerg] keepalive_timeout 65 is not allowed on this host" >&2
  exit 1
fi
exec $NGINX_TEST
SH
    chmod +x "$d/nginx-test"
    nginx_test=$d/nginx-test
  fi
  cp -p "$NGINX_CONF" "$d/nginx.conf.before"
  inventory_hosts+="        $h:
          smart_conf_path: $d/smart.conf
          smart_state_dir: $d/state
          smart_experiments_dir: $d/experiments
          smart_experiment_settings: {target_url: \"https://127.0.0.1:$https/\", measure_interval_sec: 0.02}
          smart_conf:
            NGINX_CONF: $NGINX_CONF
            NGINX_TEST: \"$nginx_test\"
            NGINX_RELOAD: \"$NGINX_RELOAD\"
            SMART_LIBEXEC_DIR: $SMART_LIBEXEC_DIR
            SMART_BIN_DIR: $SMART_BUILD_DIR/tools
            DASH_ASSETS_DIR: $SMART_SOURCE_DIR/dashboard
            MEASURE_CA_FILE: $TLS_CACERT
"
done

# Each host's nginx keys come from its smart.conf only (the environment
# would beat the file, and point every host at the last nginx).
unset NGINX_CONF NGINX_TEST NGINX_RELOAD SMART_LIBEXEC_DIR

# web-1 is the canary; the others follow in batches of 1, 2, 1.
{
  cat <<YAML
all:
  vars:
    ansible_connection: local
    smart_install: none
    smart_become: false
    smart_run_user: ""
    smart_timer: false
    smart_bin_dir: $SMART_BUILD_DIR/tools
    smart_experiments_source: $SMART_SOURCE_DIR/experiments
    smart_experiments: [002_nginx_keepalive]
    smart_canary_args: [--variant-seconds, 4s, --block-seconds, 0.5s, --warmup-seconds, 0.2s]
    smart_confirm_args: [--variant-seconds, 2s, --block-seconds, 0.5s, --warmup-seconds, 0.2s]
  children:
    canary:
      hosts:
YAML
  printf '%s' "$inventory_hosts" | awk '/^        web-1:/{p=1} /^        web-[2-9]:/{p=0} p'
  printf '    web:\n      hosts:\n'
  printf '%s' "$inventory_hosts" | awk '/^        web-1:/{p=0} /^        web-[2-9]:/{p=1} p'
} >"$TMP/inventory.yml"

# 0. Bad variables: the role refuses them and writes no smart.conf.
cat >"$TMP/bad.yml" <<YAML
all:
  vars: {ansible_connection: local, smart_install: none, smart_become: false, smart_timer: false,
         smart_bin_dir: $SMART_BUILD_DIR/tools, smart_state_dir: $TMP/bad/state}
  hosts:
    bad-quote: {smart_conf_path: $TMP/bad/quote.conf, smart_conf: {NGINX_TEST: 'nginx -t "-q"'}}
    bad-value: {smart_conf_path: $TMP/bad/value.conf, smart_conf: {IMPROVE_PCT: ten}}
YAML
mkdir -p "$TMP/bad"
run ansible-playbook -i "$TMP/bad.yml" "$play/site.yml"
[ "$RC" -ne 0 ] || { _show; fail "site.yml accepted bad variables"; }
expect_in "$TMP/out" "smart_conf.NGINX_TEST: a key is upper case, a value holds no quote"
expect_in "$TMP/out" "IMPROVE_PCT"
if [ -e "$TMP/bad/quote.conf" ] || [ -e "$TMP/bad/value.conf" ]; then
  fail "a smart.conf was written from bad variables"
fi

# 1. The role configures every host.
expect_exit 0 ansible-playbook -i "$TMP/inventory.yml" "$play/site.yml"
for h in "${hosts[@]}"; do
  expect_in "$TMP/$h/smart.conf" "BASE_DIR=$TMP/$h/state"
  expect_in "$TMP/$h/smart.conf" "NGINX_RELOAD=\""
  expect_eq "$(jq -r .target_url "$TMP/$h/experiments/002_nginx_keepalive/meta.json")" \
    "$(sed -n "/^        $h:/,/target_url/s/.*target_url: \"\([^\"]*\)\".*/\1/p" "$TMP/inventory.yml")" "$h target_url"
done

# 2. A canary that keeps nothing (here an --advise run, which always
#    reverts) stops the rollout before any other host is touched.
run ansible-playbook -i "$TMP/inventory.yml" "$play/rollout.yml" -e smart_experiment=002_nginx_keepalive \
  -e '{"smart_canary_args": ["--advise", "--variant-seconds", "1s", "--block-seconds", "0.5s"]}'
[ "$RC" -ne 0 ] || { _show; fail "the rollout went on after a canary that kept nothing"; }
expect_in "$TMP/out" "web-1 (canary): 002_nginx_keepalive was not kept (smart-run exit 0, status reverted"
expect_in "$TMP/out" "nothing to roll out, the rollout stops here"
for h in "${hosts[@]}"; do
  cmp "$TMP/$h/nginx/nginx.conf" "$TMP/$h/nginx.conf.before" || fail "$h's config changed after an advise run"
done
for h in web-2 web-3 web-4 web-5; do
  [ ! -e "$TMP/$h/state/var/state.json" ] || fail "$h ran although the canary kept nothing"
done

# 3. The rollout: canary, then web-2, then web-3 with web-4, then web-5;
#    web-3 fails and stops it after its batch.
SECONDS=0
run ansible-playbook -i "$TMP/inventory.yml" "$play/rollout.yml" -e smart_experiment=002_nginx_keepalive \
  -e '{"smart_batches": [1, 2, 1]}'
cp "$TMP/out" "$TMP/rollout.out"
echo "rollout.yml: ${SECONDS}s; it said:"
grep -o '"msg": "web-3: [^"]*"' "$TMP/rollout.out" || true
[ "$RC" -ne 0 ] || { _show; fail "the rollout succeeded although web-3 failed"; }
expect_in "$TMP/rollout.out" "web-1 (canary): kept keepalive_65"
expect_in "$TMP/rollout.out" "web-2: kept keepalive_65"
expect_in "$TMP/rollout.out" "web-3: confirming keepalive_65 of 002_nginx_keepalive failed (smart-run exit 1, status failed"
expect_in "$TMP/rollout.out" "run directory $TMP/web-3/state/var/runs/2"
expect_in "$TMP/rollout.out" "smart-run put the host back on its previous value; the rollout stops here"
expect_in "$TMP/rollout.out" "web-4: kept keepalive_65"
expect_not_in "$TMP/rollout.out" "web-5: kept"

# web-1, web-2 and web-4 run keepalive 65, their config otherwise unchanged
for h in web-1 web-2 web-4; do
  expect_eq "$(jq -r .kept_variant "$TMP/$h/state/var/state.json")" keepalive_65 "$h kept_variant"
  sed 's/^\( *\)keepalive_timeout 65;$/\1keepalive_timeout 0;/' "$TMP/$h/nginx/nginx.conf" | cmp - "$TMP/$h/nginx.conf.before" \
    || fail "$h: the config differs from before in more than keepalive_timeout"
  grep -q '^ *keepalive_timeout 65;$' "$TMP/$h/nginx/nginx.conf" || fail "$h: keepalive_timeout 65 not in its config"
done
# web-2 ran a confirmation of that one variant, not the whole experiment
expect_eq "$(jq -r '[.variants[].name] | join(",")' "$TMP/web-2/state/var/state.json")" keepalive_65 "web-2 variants"
# web-3: failed, back on its previous config byte for byte, nothing pending
expect_eq "$(jq -r .status "$TMP/web-3/state/var/state.json")" failed "web-3 status"
cmp "$TMP/web-3/nginx/nginx.conf" "$TMP/web-3/nginx.conf.before" || fail "web-3 is not back on its previous config"
[ ! -e "$TMP/web-3/state/var/pending.json" ] || fail "web-3: pending.json left behind"
# web-5: never touched
cmp "$TMP/web-5/nginx/nginx.conf" "$TMP/web-5/nginx.conf.before" || fail "web-5's config was changed"
[ ! -e "$TMP/web-5/state/var/state.json" ] || fail "web-5 ran an experiment after the rollout stopped"

# 4. The report: every host's state in one directory, rendered as the fleet page.
expect_exit 0 ansible-playbook -i "$TMP/inventory.yml" "$play/report.yml" -e "smart_report_dir=$TMP/report"
for h in web-1 web-2 web-3 web-4; do
  [ -s "$TMP/report/$h/history.jsonl" ] || fail "report: no history.jsonl of $h"
done
for h in "${hosts[@]}"; do
  [ -s "$TMP/report/$h/health.json" ] || fail "report: no health.json of $h"
done
printf 'BASE_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$TMP/controller" "$SMART_SOURCE_DIR/dashboard" >"$TMP/controller.conf"
expect_exit 0 smart-dashboard --config "$TMP/controller.conf" --fleet "$TMP/report" --out "$TMP/fleet-www"
for h in "${hosts[@]}"; do
  expect_in "$TMP/fleet-www/index.html" ">$h<"
done
expect_eq "$(jq -r '.hosts[] | select(.host == "web-2") | .experiments["002_nginx_keepalive"].value' "$TMP/fleet-www/fleet.json")" \
  keepalive_65 "fleet: web-2's value"
expect_eq "$(jq -r '.hosts[] | select(.host == "web-3") | .experiments["002_nginx_keepalive"].value' "$TMP/fleet-www/fleet.json")" \
  baseline "fleet: web-3's value"

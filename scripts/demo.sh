#!/usr/bin/env bash
# make demo: a real fleet in network namespaces, end to end, as a user would run it.
# KEEP_LAB=1 make demo leaves the lab up to play with (hafleet lab down --name demo removes it).
set -uo pipefail
cd "$(dirname "$0")/.."
hf() { node dist/src/cli/main.js "$@"; }
name=${HAFLEET_DEMO_LAB:-demo}
keep=${KEEP_LAB:-0}
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then b=$'\e[1m'; n=$'\e[0m'; else b=; n=; fi
step() { printf '\n%s== %s%s\n' "$b" "$*" "$n"; }
admin() { hf lab exec --name "$name" -- node "$PWD/dist/src/cli/main.js" "$@"; }

cleanup() {
  if [ "$keep" = 1 ]; then
    printf '\nThe lab is still up. Try:\n'
    printf '  node dist/src/cli/main.js lab status --name %s\n' "$name"
    printf '  node dist/src/cli/main.js lab exec --name %s -- curl -s http://%s/\n' "$name" "${vip:-VIP}"
    printf '  node dist/src/cli/main.js lab exec --name %s -- node dist/src/cli/main.js drill -i %s --fault kill-keepalived\n' "$name" "${inv:-INVENTORY}"
    printf 'Remove it with: node dist/src/cli/main.js lab down --name %s\n' "$name"
  else
    step "lab down (KEEP_LAB=1 make demo keeps it up to play with)"
    hf lab down --name "$name"
  fi
}
trap cleanup EXIT

step "1/5 lab up: 2 directors (nginx + keepalived, unconfigured) and 2 realservers, each a network namespace with its own sshd"
hf lab down --name "$name" >/dev/null 2>&1 || true
inv=$(hf lab up --name "$name") || exit 1
vip=$(hf lab status --name "$name" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).vips[0]))')

step "2/5 plan: what deploy would change on every host (dry run, validated on the hosts)"
admin plan -i "$inv"; rc=$?
[ "$rc" = 0 ] || [ "$rc" = 2 ] || exit "$rc"

step "3/5 deploy: directors one at a time, validated with keepalived -t / nginx -t, atomic, rolled back on failure"
admin deploy -i "$inv" --yes || exit $?

step "4/5 verify: where the VIP is, ARP, daemons, traffic through the VIP"
admin verify -i "$inv" || exit $?

step "5/5 drill: stop the master's keepalived, then kill it (-9), and measure the failover"
mkdir -p out
admin drill -i "$inv" --fault stop-keepalived --yes || exit $?
admin drill -i "$inv" --fault kill-keepalived --yes --report "$PWD/out/drill-report.html" || exit $?
printf '\nDrill report: %s\n' "$PWD/out/drill-report.html"

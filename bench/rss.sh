#!/usr/bin/env bash
# bench/rss.sh — throughput and peak-memory benchmark for `oomtriage analyze`.
#
# Usage: bench/rss.sh [SIZE]        (SIZE defaults to 1GiB; e.g. 100MiB, 4GiB)
#
# Environment:
#   SCRATCH       directory to keep the generated log in (reused on the next
#                 run if it is still there with the right size); without it
#                 the log goes into a temporary directory removed at exit
#   OOMS          OOM dumps to put in the log (default 300)
#   SEED          genlog seed (default 1)
#   FORMAT        genlog carrier: syslog, dmesg or journal-json (default syslog)
#   RSS_LIMIT_MB  fail if oomtriage's peak RSS is at least this (default 64)
#
# Exits 0 when oomtriage stays under the RSS limit and reports exactly OOMS
# oom_kill incidents; 1 otherwise; 2 on a usage or setup error.
set -euo pipefail

SIZE=${1:-1GiB}
OOMS=${OOMS:-300}
SEED=${SEED:-1}
FORMAT=${FORMAT:-dmesg}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-64}

die() { echo "rss.sh: $*" >&2; exit 2; }
log() { echo "rss.sh: $*" >&2; }

case "${1:-}" in
-h | --help)
	sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
[ $# -le 1 ] || die "usage: bench/rss.sh [SIZE]"
[[ $OOMS =~ ^[0-9]+$ ]] || die "OOMS must be a number, not '$OOMS'"
[[ $RSS_LIMIT_MB =~ ^[0-9]+$ ]] || die "RSS_LIMIT_MB must be a number, not '$RSS_LIMIT_MB'"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

work=$(mktemp -d "${TMPDIR:-/tmp}/oomtriage-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- GNU time -----------------------------------------------------------
if ! /usr/bin/time -v -o /dev/null true 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		log "installing GNU time (Debian package 'time')"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y time >/dev/null 2>&1 ||
			{ apt-get update >/dev/null && apt-get install -y time >/dev/null; } ||
			die "apt-get install time failed"
	fi
	/usr/bin/time -v -o /dev/null true 2>/dev/null ||
		die "/usr/bin/time (GNU time, with -v) is missing: install the Debian package 'time'"
fi

# --- build --------------------------------------------------------------
log "building oomtriage and genlog"
go build -o "$work/oomtriage" ./cmd/oomtriage || die "go build ./cmd/oomtriage failed"
go build -o "$work/genlog" ./bench/genlog || die "go build ./bench/genlog failed"

bytes=$("$work/genlog" -print-size -size "$SIZE") || die "bad SIZE '$SIZE'"

# --- the log ------------------------------------------------------------
datadir=${SCRATCH:-$work}
mkdir -p "$datadir"
file="$datadir/oomtriage-bench-$FORMAT-$bytes-ooms$OOMS-seed$SEED.log"
if [ -f "$file" ] && [ "$(stat -c %s "$file")" = "$bytes" ]; then
	log "reusing $file"
else
	avail_kb=$(df -Pk "$datadir" | awk 'NR == 2 { print $4 }')
	need_kb=$((bytes / 1024 + 65536))
	[ "$avail_kb" -ge "$need_kb" ] ||
		die "not enough space in $datadir: need $((need_kb / 1024)) MiB, have $((avail_kb / 1024)) MiB (set SCRATCH?)"
	log "generating $SIZE ($bytes bytes, $OOMS OOM dumps, $FORMAT) into $file"
	rm -f "$file" "$file.genlog"
	"$work/genlog" -size "$bytes" -ooms "$OOMS" -format "$FORMAT" -seed "$SEED" \
		-o "$file.tmp" 2>"$file.genlog.tmp" ||
		{ cat "$file.genlog.tmp" >&2; rm -f "$file.tmp" "$file.genlog.tmp"; die "genlog failed"; }
	mv "$file.genlog.tmp" "$file.genlog"
	mv "$file.tmp" "$file"
fi

# --- measuring ----------------------------------------------------------
# measure NAME OUTFILE CMD...: runs CMD under GNU time with stdout to
# OUTFILE; sets wall (seconds), rss_kb and rc.
measure() {
	local name=$1 out=$2 t0 t1
	shift 2
	rc=0
	t0=${EPOCHREALTIME:-}
	/usr/bin/time -v -o "$work/$name.time" "$@" >"$out" || rc=$?
	t1=${EPOCHREALTIME:-}
	if [ -n "$t0" ] && [ -n "$t1" ]; then
		wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	else # time's own clock: h:mm:ss or m:ss.ss
		wall=$(awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0
			for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.3f", s }' "$work/$name.time")
	fi
	rss_kb=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$work/$name.time")
	[ -n "$rss_kb" ] || die "could not read peak RSS of $name from GNU time"
}

rows=()
row() { # LABEL WALL RSS_KB
	rows+=("$(awk -v l="$1" -v w="$2" -v r="$3" -v b="$bytes" -v wc="${wc_wall:-0}" 'BEGIN {
		mbs = (w > 0) ? sprintf("%.1f", b / 1048576 / w) : "-"
		ratio = (wc > 0) ? sprintf("%.2f", w / wc) : "-"
		printf "%-36s %9.3f %13.1f %9s %9s", l, w, r / 1024, mbs, ratio }')")
}

log "warming the page cache"
cat "$file" >/dev/null

measure cat /dev/null cat "$file"
[ "$rc" = 0 ] || die "cat failed"
cat_wall=$wall cat_rss=$rss_kb

measure wc "$work/wc.out" wc -l "$file"
[ "$rc" = 0 ] || die "wc -l failed"
wc_wall=$wall wc_rss=$rss_kb
lines=$(awk '{ print $1 }' "$work/wc.out")

# The JSON goes to a file rather than /dev/null so that it can be checked;
# it is small (one object per incident), so this costs nothing measurable.
log "running oomtriage analyze -o json"
measure oomtriage "$work/out.json" "$work/oomtriage" analyze -o json "$file"
ot_wall=$wall ot_rss=$rss_kb ot_rc=$rc

row "cat FILE > /dev/null" "$cat_wall" "$cat_rss"
row "wc -l FILE" "$wc_wall" "$wc_rss"
row "oomtriage analyze -o json FILE" "$ot_wall" "$ot_rss"

# --- checking the JSON --------------------------------------------------
# Counts oom_kill incidents: the elements of the incident list (a top-level
# array, or the array under "incidents") whose "kind" is "oom_kill" (every
# element, if none has a "kind"); failing that, every object anywhere with
# "kind": "oom_kill". JSON Lines output (one incident a line) works too.
# Also reports how many of genlog's victim pids appear as a *pid* value.
count_py='
import json, sys

def load(path):
    text = open(path, encoding="utf-8").read()
    if not text.strip():
        raise ValueError("empty output")
    try:
        return json.loads(text)
    except ValueError:
        return [json.loads(l) for l in text.splitlines() if l.strip()]

def walk(o, f):
    f(o)
    if isinstance(o, dict):
        for v in o.values():
            walk(v, f)
    elif isinstance(o, list):
        for v in o:
            walk(v, f)

doc = load(sys.argv[1])
incs = doc.get("incidents") if isinstance(doc, dict) else doc
if isinstance(incs, list) and all(isinstance(i, dict) for i in incs):
    if any("kind" in i for i in incs):
        n = sum(1 for i in incs if i.get("kind") == "oom_kill")
    else:
        n = len(incs)
else:
    found = []
    walk(doc, lambda o: found.append(1) if isinstance(o, dict) and o.get("kind") == "oom_kill" else None)
    n = len(found)

pids = set()
def collect(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if "pid" in k.lower() and isinstance(v, int):
                pids.add(v)
walk(doc, collect)
want = [int(p) for p in sys.argv[2].split(",") if p] if len(sys.argv) > 2 else []
print(n, sum(1 for p in want if p in pids), len(want))
'

victims=""
if [ -f "$file.genlog" ]; then
	victims=$(sed -n 's/.*victim_pids=//p' "$file.genlog")
fi

fail=0
json_ok=1
if command -v python3 >/dev/null 2>&1; then
	if counts=$(python3 -c "$count_py" "$work/out.json" "$victims" 2>"$work/py.err"); then
		read -r incidents pid_hits pid_total <<<"$counts"
	else
		json_ok=0
		incidents="?"
	fi
else
	incidents=$(grep -o '"kind": *"oom_kill"' "$work/out.json" | wc -l)
	pid_total=0
fi

# --- report -------------------------------------------------------------
echo
echo "file:   $file"
echo "size:   $bytes bytes ($SIZE), $lines lines, $FORMAT, $OOMS OOM dumps, seed $SEED"
echo "cpus:   $(nproc)   go: $(go env GOVERSION)"
echo
printf "%-36s %9s %13s %9s %9s\n" "command" "wall_s" "peak_rss_MiB" "MiB/s" "x_wc_-l"
printf "%s\n" "${rows[@]}"
echo

if [ "$ot_rc" != 0 ]; then
	log "note: oomtriage exited with status $ot_rc"
fi
if [ "$json_ok" = 0 ]; then
	log "FAIL: oomtriage's output is not valid JSON ($(head -c 300 "$work/py.err" | tail -n 1))"
	head -c 500 "$work/out.json" >&2
	echo >&2
	fail=1
elif [ "$incidents" != "$OOMS" ]; then
	log "FAIL: oomtriage reported $incidents oom_kill incidents, the log has $OOMS"
	fail=1
else
	log "ok: $incidents oom_kill incidents, as generated"
fi
if [ "${pid_total:-0}" -gt 0 ] && [ "$json_ok" = 1 ]; then
	log "info: $pid_hits of $pid_total victim pids appear as a pid value in the JSON"
fi

limit_kb=$((RSS_LIMIT_MB * 1024))
if [ "$ot_rss" -ge "$limit_kb" ]; then
	log "FAIL: oomtriage peak RSS $((ot_rss / 1024)) MiB >= limit $RSS_LIMIT_MB MiB"
	fail=1
else
	log "ok: oomtriage peak RSS $((ot_rss / 1024)) MiB < $RSS_LIMIT_MB MiB"
fi
exit "$fail"

#!/usr/bin/env bash
# Throughput of `oomtriage analyze` on one generated log, plain and as .gz,
# .zst and .xz, each beside the matching decompressor (cat, zcat, zstd -dc,
# xz -dc) measured in the same run; pure-Go decoding too (OOMTRIAGE_PURE_GO=1).
# Usage: bench/decompress.sh [SIZE]   (default 1GiB; SCRATCH=dir keeps the files;
# FORMAT=syslog|dmesg|journal-json picks the log, default syslog)
set -euo pipefail
size=${1:-1GiB}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${SCRATCH:-$(mktemp -d)}
[ -n "${SCRATCH:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
go build -o "$work/oomtriage" "$root/cmd/oomtriage"
go build -o "$work/genlog" "$root/bench/genlog"
format=${FORMAT:-syslog}
log=$work/bench-$size.log
[ "$format" = syslog ] || log=$work/bench-$size-$format.log
bytes=$("$work/genlog" -size "$size" -print-size)
if [ ! -f "$log" ] || [ "$(stat -c %s "$log")" != "$bytes" ]; then
  "$work/genlog" -size "$size" -ooms 300 -format "$format" -o "$log" 2>/dev/null
fi
[ -f "$log.gz" ] || pigz -6 -k -c "$log" > "$log.gz"
[ -f "$log.zst" ] || zstd -q -3 -T2 -c "$log" > "$log.zst"
[ -f "$log.xz" ] || xz -3 -T1 -k -c "$log" > "$log.xz"   # one block, like sos 4.x
cat "$log" "$log.gz" "$log.zst" "$log.xz" > /dev/null     # warm the page cache

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > /dev/null 2> "$work/err.txt" || { cat "$work/err.txt" >&2; return 1; }
  read -r secs kb < "$work/time.txt"
  awk -v l="$label" -v s="$secs" -v kb="$kb" -v b="$bytes" \
    'BEGIN { printf "%-34s %8.2f s %9.0f MB/s %8.1f MiB\n", l, s, b/1e6/(s>0?s:0.001), kb/1024 }'
}
printf '%-34s %10s %14s %12s\n' "command ($size of $format text)" wall throughput "peak RSS"
measure "cat" cat "$log"
measure "oomtriage analyze (plain)" "$work/oomtriage" analyze -o json "$log"
measure "zcat (gzip -dc)" gzip -dc "$log.gz"
measure "pigz -dc" pigz -dc "$log.gz"
measure "oomtriage analyze .gz" "$work/oomtriage" analyze -o json "$log.gz"
measure "oomtriage analyze .gz (pure Go)" env OOMTRIAGE_PURE_GO=1 "$work/oomtriage" analyze -o json "$log.gz"
measure "zstd -dc" zstd -dc "$log.zst"
measure "oomtriage analyze .zst" "$work/oomtriage" analyze -o json "$log.zst"
measure "oomtriage analyze .zst (pure Go)" env OOMTRIAGE_PURE_GO=1 "$work/oomtriage" analyze -o json "$log.zst"
measure "xz -dc" xz -dc "$log.xz"
measure "oomtriage analyze .xz" "$work/oomtriage" analyze -o json "$log.xz"
measure "oomtriage analyze .xz (pure Go)" env OOMTRIAGE_PURE_GO=1 "$work/oomtriage" analyze -o json "$log.xz"

#!/usr/bin/env bash
# Packs the sample sosreport folder into the .tar.xz the README analyzes,
# reproducibly (sorted names, fixed owner and mtime), as sos 4.x does (xz, one block).
set -euo pipefail
cd "$(dirname "$0")"
name=sosreport-worker-3-2026-11-27-qxvbtnm
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-11-27 12:02:40Z' \
    --format=gnu -cf - "$name" | xz -3 -T1 -c > "$name.tar.xz"
echo "wrote testdata/sample/$name.tar.xz"

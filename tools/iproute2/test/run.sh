#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [IP]: offline tests of the iproute2 plugins (see ovltest.py).
# Needs the plugins built (make -C tools); no kernel module, no root
# (as root it runs in a fresh network namespace when it can).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ip=${1:-$(command -v ip)}
out=$here/out
mkdir -p "$out"
${CC:-cc} -O2 -Wall -Wextra -Werror -fPIC -shared -o "$out/nlfake.so" \
	"$here/nlfake.c" -ldl

cmd=(python3 "$here/ovltest.py" "$ip" "$here/.." "$out/nlfake.so" "$out")
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
	exec unshare -n "${cmd[@]}"
fi
exec "${cmd[@]}"

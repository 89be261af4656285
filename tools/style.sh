#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel coding-style check: checkpatch.pl --strict over kmod/ *.c and *.h.
#
# checkpatch.pl (plus the spelling and const_structs lists it reads) is
# extracted once from Debian's /usr/src/linux-source-6.1.tar.xz into
# $CACHE/checkpatch.  Exit 0 when every file is clean.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
CP=$CACHE/checkpatch
TARBALL=/usr/src/linux-source-6.1.tar.xz

if [ ! -x "$CP/scripts/checkpatch.pl" ]; then
	[ -f "$TARBALL" ] || { echo "style: $TARBALL missing (tools/deps.sh)" >&2; exit 1; }
	echo "style: extracting checkpatch.pl into $CP (once)" >&2
	rm -rf "$CP.tmp"
	mkdir -p "$CP.tmp"
	tar -xJf "$TARBALL" -C "$CP.tmp" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	rm -rf "$CP"
	mv "$CP.tmp" "$CP"
fi

mapfile -t files < <(cd "$TOP" && find kmod selftests/mod -type f \( -name '*.c' -o -name '*.h' \) | sort)
if [ ${#files[@]} -eq 0 ]; then
	echo "style: no C sources under kmod/ yet"
	exit 0
fi

# Ignored message types, each inapplicable to an out-of-tree module:
#   FILE_PATH_CHANGES  only about MAINTAINERS updates for new files in a patch
#   (--no-tree: there is no kernel tree, so checks needing one are skipped)
ignore=FILE_PATH_CHANGES

rc=0
cd "$TOP"
for f in "${files[@]}"; do
	if ! out=$(perl "$CP/scripts/checkpatch.pl" --no-tree --strict --terse \
		--show-types --ignore "$ignore" --file "$f" 2>&1); then
		echo "$out"
		rc=1
	fi
done
# Selftests run under pipefail: a pipeline in the test's own shell whose
# writer writes more than once (bridge, ip, tcpdump, dmesg...) and that
# ends in `grep -q` or `head` fails by timing (SIGPIPE of the writer).
# Exempt: lines inside a `bash -c "..."` string (no pipefail), `|| true`,
# and single-write writers (echo, printf, here-strings).
if bad=$(grep -nE '\| *(grep -[a-zA-Z]*q|head)\b' selftests/net/*.sh \
	selftests/demo/*.sh | grep -vE 'bash -c|\|\| true|<<<|^[^:]+:[0-9]+:[[:space:]]*("|printf |echo )'); then
	echo "$bad"
	echo "style: selftests: a pipeline under pipefail ends in grep -q/head (see selftests/README.md)" >&2
	rc=1
fi
if [ $rc -eq 0 ]; then
	echo "style: ${#files[@]} files clean"
else
	echo "style: checkpatch found problems" >&2
fi
exit $rc

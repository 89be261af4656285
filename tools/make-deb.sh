#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-deb.sh [OUTDIR]   (`make deb`, OUTDIR defaults to build/deb)
#
# Builds the ovlnet-dkms and ovlnet-tools binary packages the way a Debian
# build machine would: the source tree is exported clean (the files git
# knows, tracked or new but not ignored; no build products) into
# OUTDIR/ovlnet-VERSION, `dpkg-buildpackage -us -uc -b` runs there, the
# .debs, .buildinfo and .changes land in OUTDIR, and lintian checks them
# (any error fails; warnings are printed, see debian/*.lintian-overrides).
# The last lines on stdout are the paths of the two .debs.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$TOP/build/deb}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
VERSION=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -SVersion)
SRC=$OUT/ovlnet-${VERSION%%-*}

say() { echo "make-deb: $*" >&2; }

rm -rf "$SRC"
mkdir -p "$SRC"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		rsync -a --from0 --files-from=- ./ "$SRC/")
else
	rsync -a --exclude=/build --exclude='*.o' --exclude='*.ko' \
		--exclude='*.so' --exclude='.*.cmd' "$TOP/" "$SRC/"
fi
say "clean tree in $SRC ($(find "$SRC" -type f | wc -l) files)"

rm -f "$OUT"/ovlnet*_"$VERSION"_*.deb "$OUT"/ovlnet_"$VERSION"_*.{changes,buildinfo}
log=$OUT/build.log
say "dpkg-buildpackage -us -uc -b (log: $log)"
if ! (cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	say "dpkg-buildpackage FAILED"
	exit 1
fi
changes=$(ls "$OUT"/ovlnet_"$VERSION"_*.changes)

say "lintian $(basename "$changes")"
rc=0
lintian --fail-on error --display-info "$changes" >"$OUT/lintian.log" 2>&1 || rc=$?
sed 's/^/  lintian: /' "$OUT/lintian.log" >&2
if [ $rc -ne 0 ]; then
	say "lintian reports errors (exit $rc)"
	exit 1
fi
say "lintian: $(grep -c '^E:' "$OUT/lintian.log" || true) errors, $(grep -c '^W:' "$OUT/lintian.log" || true) warnings"
ls "$OUT"/ovlnet-dkms_"$VERSION"_all.deb "$OUT"/ovlnet-tools_"$VERSION"_*.deb

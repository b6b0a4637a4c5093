#!/bin/sh
# deb.sh — `make deb`: build the Debian package from a copy of the tree
# (build/deb/rnnlab-VERSION), check it with lintian (no error), unpack it in
# a scratch root and run lesson 1 from the unpacked files, from another
# directory, as a user of the installed package would.
set -eu
v=$1
top=$(pwd)
out=$top/build/deb
rm -rf "$out"
mkdir -p "$out/rnnlab-$v"
tar --exclude=./build --exclude=./.git --exclude='./rnnlab' --exclude='./rnnlab-autosave-*' -cf - . |
	(cd "$out/rnnlab-$v" && tar xf -)
(cd "$out/rnnlab-$v" && dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1) ||
	{ tail -30 "$out/build.log"; echo "deb.sh: dpkg-buildpackage failed (build/deb/build.log)"; exit 1; }
deb=$(ls "$out"/rnnlab_"$v"_*.deb)
echo "deb.sh: built $deb"
lintian --fail-on error "$deb" >"$out/lintian.log" 2>&1 || { cat "$out/lintian.log"; echo "deb.sh: lintian reports errors"; exit 1; }
echo "deb.sh: lintian: $(grep -c '^E:' "$out/lintian.log" || true) errors, $(grep -c '^W:' "$out/lintian.log" || true) warnings"
dpkg-deb -c "$deb" | grep 'usr/share/man/man1/rnnlab.1.gz' >/dev/null || { echo "deb.sh: no man page in the package"; exit 1; }
dpkg-deb -I "$deb" | grep '^ Depends:'
root=$out/root
dpkg -x "$deb" "$root"
cd /
n=$(ls "$top"/scenarios/[0-9]*-*.lab | wc -l)
"$root/usr/bin/rnnlab" --version | grep "^lessons: $n in $root" ||
	{ echo "deb.sh: the unpacked rnnlab does not find its $n lessons"; exit 1; }
"$root/usr/bin/rnnlab" --fast -c "run 1" >"$out/lesson1.log" 2>&1 || { tail "$out/lesson1.log"; echo "deb.sh: lesson 1 failed"; exit 1; }
grep -c '  ok: ' "$out/lesson1.log" | sed 's/^/deb.sh: lesson 1 from the unpacked package: expect checks held: /'

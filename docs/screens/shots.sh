#!/bin/sh
# shots.sh — the README's pictures of the panes in colour and in shades:
# rnnlab in tmux, each picture taken by tui-shot.sh (tmux capture-pane -e,
# then aha and headless chromium).  From the top of the tree, after make:
#
#     sh docs/screens/shots.sh [TUI_SHOT]    (default ../shared/tools/tui-shot.sh, beside the checkout)
#
# Needs tmux, aha, chromium, infocmp and tic; writes docs/screens/*.png.
#
# Two things keep capture-pane's text true to the screen, and change
# nothing rnnlab draws:
# - capture-pane drops the blanks at the end of a line even when they have
#   a background colour, and a map's last column often ends its line: a
#   `tmux` first in PATH adds -N (keep trailing blanks) to capture-pane;
# - cells that curses paints by erasing (ECH and EL on a terminal with bce,
#   back-colour erase) show their colour on the screen but are missing from
#   capture-pane's text: rnnlab runs on a copy of xterm-256color without
#   bce (TERMINFO), so curses writes those cells out.
set -eu
shot=${1:-../shared/tools/tui-shot.sh}
case $shot in /*) ;; *) shot=$(pwd)/$shot ;; esac	# absolute, as bin and out are
bin=$(pwd)/rnnlab
out=$(pwd)/docs/screens
[ -x "$bin" ] || { echo "shots.sh: build rnnlab first (make)"; exit 1; }
[ -r "$shot" ] || { echo "shots.sh: no tui-shot.sh at $shot"; exit 1; }
tmp=$(mktemp -d)
sock=rnnlab-shots-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin" "$tmp/terminfo"
cat >"$tmp/bin/tmux" <<'EOF'
#!/bin/sh
for a; do shift; set -- "$@" "$a"; [ "$a" = capture-pane ] && set -- "$@" -N; done
exec /usr/bin/tmux "$@"
EOF
chmod +x "$tmp/bin/tmux"
infocmp -x xterm-256color | sed 's/\bbce,//' >"$tmp/xterm.src"
tic -x -o "$tmp/terminfo" "$tmp/xterm.src"

start() {	# start ENV...: rnnlab at 120x40 in a fresh tmux server
	tmux -L $sock kill-server 2>/dev/null || true
	tmux -L $sock new-session -d -x 120 -y 40 -s main \
		"cd '$tmp' && HOME='$tmp' TERMINFO='$tmp/terminfo' TERM=xterm-256color $* '$bin'; sleep 600"
	wait_for "F1 help"
}
wait_for() {	# wait_for PATTERN: until the screen shows it (60 s at most)
	i=0
	until tmux -L $sock capture-pane -p -t main | grep -q -- "$1"; do
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "shots.sh: '$1' never showed"; exit 1; }
		sleep 0.1
	done
	sleep 0.5	# the pane's last redraw
}
keys() { tmux -L $sock send-keys -t main "$@"; }
take() {	# take NAME: docs/screens/NAME.png
	PATH="$tmp/bin:$PATH" sh "$shot" main "$out/$1.png" $sock >/dev/null
	echo "wrote docs/screens/$1.png"
}

# The gates pane: an LSTM's gates on viridis, g and c_t on RdBu; then the
# same in 256 colours, 8, and none.
start COLORTERM=truecolor
keys "data adding T=30 n=2000; model lstm hidden=16; set lr=1e-2 log_every=0; train 400" Enter
wait_for "step  *400 .*done"
keys F4
wait_for "c_t (cell state)"
take gates-truecolor
for m in 256 8 none; do
	keys "set colour=$m" Enter
	wait_for "> set colour=$m"
	take gates-$m
done

# The attention pane: a seq2seq model with attention reversing strings.
start COLORTERM=truecolor
keys "data reverse len=6 n=2000; model seq2seq cell=gru hidden=32 embed=16 attention=dot; set lr=1e-2 log_every=0; train 500; translate \"abcdef\"" Enter
wait_for '"abcdef" -> '
keys F7
wait_for "attention a_ts"
take attention-truecolor
keys "set colour=none" Enter
wait_for "> set colour=none"
take attention-none

# The compare pane: three series in the Okabe-Ito colours; without colour
# told apart by their dot patterns.
start COLORTERM=truecolor
keys "data adding T=60; model rnn hidden=32; train 1; model lstm hidden=32; train 1; model gru hidden=32; train 1; compare flow" Enter
wait_for "of the runs at step 1"
take compare-truecolor
keys "set colour=none" Enter
wait_for "> set colour=none"
take compare-none

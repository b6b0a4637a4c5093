# bash completion for rnnlab: its options, for a script the .lab files here
# and the lessons rnnlab finds (rnnlab --version names their directory), and
# inside -c '...' the commands (from rnnlab's own help), sweep's words
# (collect, steps=, target=, emit=), set's keys (from show config: jobs=
# and the rest) and every other command's keys (its usage line: distill's
# hidden= cell= layers= embed= T= alpha= steps= baseline=, model's, ...).  Installed as $(PREFIX)/share/bash-completion/completions/rnnlab.
# The lessons rnnlab finds (rnnlab --version names their directory), by file
# name: `run 02-vanishing.lab` and `rnnlab 02-vanishing.lab` work from any
# directory.
_rnnlab_lessons()
{
	local dir
	dir=$("$1" --version 2>/dev/null | sed -n 's/^lessons: [0-9]* in //p')
	[[ -n $dir && -d $dir ]] && (cd "$dir" && ls [0-9]*.lab 2>/dev/null)
}

_rnnlab_c()
{
	local bin=$1 t=$2 q= head= last words
	case $t in [\'\"]*) q=${t:0:1} t=${t:1} ;; esac
	last=${t##*[ ;]}
	head=${t:0:${#t}-${#last}}
	local cmd=${head##*;}
	cmd=${cmd# }
	cmd=${cmd%% *}
	if [[ -z $cmd ]]; then
		words=$("$bin" -c help 2>/dev/null | sed -n 's/^  \([a-z][a-z0-9]*\) .*/\1/p')
	elif [[ $cmd == run || $cmd == lesson ]]; then
		words=$(_rnnlab_lessons "$bin"; compgen -f -X '!*.lab' -- "$last")
	elif [[ $cmd == sweep ]]; then
		words="collect steps= target= emit= cell= $("$bin" -c 'show config' 2>/dev/null |
			sed -n 's/^  \([a-z_0-9]*\) .*/\1=/p' | grep -v '^\(jobs\|colour\)=$')"
	elif [[ $cmd == set ]]; then
		words=$("$bin" -c 'show config' 2>/dev/null | sed -n 's/^  \([a-z_0-9]*\) .*/\1=/p')
	else
		words=$("$bin" -c "help $cmd" 2>/dev/null | sed -n '1s/^usage: //p' | grep -o '[A-Za-z_]*=' | sort -u)
	fi
	local w
	COMPREPLY=()
	for w in $(compgen -W "$words" -- "$last"); do
		COMPREPLY+=("$q$head$w")
	done
	# words, not paths: readline must neither quote them nor, for one match,
	# close the -c argument's quote after it.  Two matches that differ only in
	# a trailing space make it insert what they share and leave the quote open.
	compopt +o filenames -o nospace 2>/dev/null
	if [[ ${#COMPREPLY[@]} == 1 ]]; then
		w=${COMPREPLY[0]}
		[[ $w == *= ]] || w="$w "
		COMPREPLY=("$w" "$w ")
	fi
}

_rnnlab()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--log)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-c)
		_rnnlab_c "${COMP_WORDS[0]}" "$cur"
		return ;;
	--seed-shift|--max-commands|--max-output)
		return ;;
	--bench)
		COMPREPLY=($(compgen -W "cell= in= hidden= layers= batch= seq= steps= warmup= threads= checkpoint=" -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--ascii --plain --batch -c --bench --help -h --version --man --fast --seed-shift --log
			--max-commands --max-output" -- "$cur"))
		return
	fi
	# the .lab files and directories here, and the lessons by name (once each)
	COMPREPLY=($( { compgen -f -X '!*.lab' -- "$cur"; compgen -d -- "$cur";
		compgen -W "$(_rnnlab_lessons "${COMP_WORDS[0]}")" -- "$cur"; } | sort -u))
}
complete -o filenames -F _rnnlab rnnlab

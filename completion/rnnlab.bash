# bash completion for rnnlab: its options, and for a script the .lab files
# here and the lessons rnnlab finds (rnnlab --version names their directory).
# Installed as $(PREFIX)/share/bash-completion/completions/rnnlab.

# The argument of -c, a line of commands ('data sine; distill hidden=4 T=2'):
# a command's name (rnnlab -c help lists them), then the keys of its usage
# line (rnnlab -c 'help CMD'): distill's hidden= cell= layers= embed= T=
# alpha= steps= baseline=, model's, ...  bash replaces the whole word after
# its opening quote.
_rnnlab_line()
{
	local cur=${COMP_WORDS[COMP_CWORD]} q= pre stmt cmd words w
	case $cur in \'* | \"*) q=${cur:0:1}; cur=${cur:1} ;; esac
	stmt=${cur##*;}			# the statement being typed
	pre=${cur%"$stmt"}		# what comes before it, as typed (readline keeps the quote)
	while [[ $stmt == " "* ]]; do pre="$pre "; stmt=${stmt# }; done
	if [[ $stmt == *" "* ]]; then	# after the command's name: its keys
		cmd=${stmt%% *}
		pre="$pre${stmt% *} "
		stmt=${stmt##* }
		words=$(rnnlab -c "help $cmd" 2>/dev/null | sed -n '1s/^usage: //p' | grep -o '[A-Za-z_]*=' | sort -u)
		compopt -o nospace 2>/dev/null
	else
		words=$(rnnlab -c help 2>/dev/null | awk '/^  [a-z]/ { print $1 }')
	fi
	compopt +o filenames 2>/dev/null
	COMPREPLY=()
	for w in $(compgen -W "$words" -- "$stmt"); do
		COMPREPLY+=("$pre$w")
	done
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
	--seed-shift|--max-commands|--max-output)
		return ;;
	-c)
		_rnnlab_line
		return ;;
	--bench)
		COMPREPLY=($(compgen -W "cell= in= hidden= layers= batch= seq= steps= warmup= threads= checkpoint=" -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--ascii --plain --batch -c --bench --help --version --man --fast --seed-shift --log
			--max-commands --max-output" -- "$cur"))
		return
	fi
	local dir
	dir=$(rnnlab --version 2>/dev/null | sed -n 's/^lessons: [0-9]* in //p')
	COMPREPLY=($(compgen -f -X '!*.lab' -- "$cur") $(compgen -d -- "$cur"))
	if [[ -n $dir && -d $dir ]]; then
		COMPREPLY+=($(compgen -W "$(ls "$dir"/*.lab 2>/dev/null)" -- "$cur"))
	fi
}
complete -o filenames -F _rnnlab rnnlab

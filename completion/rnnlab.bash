# bash completion for rnnlab: its options, and for a script the .lab files
# here and the lessons rnnlab finds (rnnlab --version names their directory).
# Installed as $(PREFIX)/share/bash-completion/completions/rnnlab.
_rnnlab()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--log)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--seed-shift|--max-commands|--max-output|-c)
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

# bash completion for taskmaster: the binary answers, with the running daemon's names.
_taskmaster_complete() {
    local IFS=$'\n' line="${COMP_LINE:0:$COMP_POINT}" cur out
    # mapfile, not $(...) in an array: a candidate such as web:* must not glob.
    mapfile -t out < <(command "${COMP_WORDS[0]}" __complete --line "$line" 2>/dev/null)
    cur="${line##*[[:space:]]}"
    if [[ ${out[0]} == files ]]; then
        COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
    else
        COMPREPLY=("${out[@]:1}")
        if [[ $cur == *:* ]]; then
            local prefix="${cur%:*}:"
            COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
        fi
    fi
}
complete -F _taskmaster_complete taskmaster

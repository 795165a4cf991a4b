# fish completion for taskmaster: the binary answers, with the running daemon's names.
function _taskmaster_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out (command $tokens[1] __complete --cword (count $tokens) -- $tokens $current 2>/dev/null)
    if test "$out[1]" = files
        __fish_complete_path $current
    else
        printf '%s\n' $out[2..-1]
    end
end
complete -c taskmaster -f -a '(_taskmaster_complete)'

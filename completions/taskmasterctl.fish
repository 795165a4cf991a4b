# fish completion for taskmasterctl: the binary answers, with the running daemon's names.
function _taskmasterctl_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out (command $tokens[1] __complete --cword (count $tokens) -- $tokens $current 2>/dev/null)
    if test "$out[1]" = files
        __fish_complete_path $current
    else
        printf '%s\n' $out[2..-1]
    end
end
complete -c taskmasterctl -f -a '(_taskmasterctl_complete)'

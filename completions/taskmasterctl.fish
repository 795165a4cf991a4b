# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_taskmasterctl_global_optspecs
    string join \n c/configuration= s/serverurl= i/interactive v/version h/help
end

function __fish_taskmasterctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_taskmasterctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_taskmasterctl_using_subcommand
    set -l cmd (__fish_taskmasterctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -s c -l configuration -d 'The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)' -r -F
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -s s -l serverurl -d 'The daemon\'s socket, as unix:///path/to.sock or a path (overrides the config file)' -r -F
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -s i -l interactive -d 'Open the interactive shell after running the action'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -s v -l version -d 'Print the version and exit'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "status" -d 'Show the state of processes (all of them with no NAME)'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "shutdown" -d 'Stop every process and shut the daemon down'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "events" -d 'Follow events live (supervisord\'s event types), one line each, until Ctrl-C'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "reread" -d 'Read the config file again and show which groups would change, changing nothing'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "update" -d 'Apply the config file\'s changes per group: a changed group is stopped and renewed'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "add" -d 'Activate groups present in the config but not active'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "remove" -d 'Drop stopped groups from the active configuration'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "reload" -d 'Restart the daemon\'s whole configuration: stop everything, reload, start again'
complete -c taskmasterctl -n "__fish_taskmasterctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand status" -l json -d 'Print machine-readable JSON instead of a table'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand status" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand start" -l no-deps -d 'Start only the named processes, now: neither start what they depend on nor wait for it'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand start" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand start" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand stop" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand stop" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand restart" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand restart" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand signal" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand pid" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand avail" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand shutdown" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand wait" -l state -d 'The state to wait for' -r -f -a "STOPPED\t''
STARTING\t''
RUNNING\t''
BACKOFF\t''
STOPPING\t''
EXITED\t''
FATAL\t''"
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand wait" -l timeout -d 'Give up after this many seconds (exit code 1)' -r
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand wait" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand tail" -s n -l bytes -d 'How many bytes from the end to print (default 1600); also written -N, as in -3000' -r
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand tail" -s f -l follow -d 'Follow: stream new output until Ctrl-C'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand tail" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand events" -s t -l type -d 'Only events of these types (supervisord\'s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several' -r -f -a "EVENT\t''
PROCESS_COMMUNICATION\t''
PROCESS_COMMUNICATION_STDERR\t''
PROCESS_COMMUNICATION_STDOUT\t''
PROCESS_GROUP\t''
PROCESS_GROUP_ADDED\t''
PROCESS_GROUP_REMOVED\t''
PROCESS_HEALTH\t''
PROCESS_LOG\t''
PROCESS_LOG_STDERR\t''
PROCESS_LOG_STDOUT\t''
PROCESS_STATE\t''
PROCESS_STATE_BACKOFF\t''
PROCESS_STATE_EXITED\t''
PROCESS_STATE_FATAL\t''
PROCESS_STATE_RUNNING\t''
PROCESS_STATE_STARTING\t''
PROCESS_STATE_STOPPED\t''
PROCESS_STATE_STOPPING\t''
PROCESS_STATE_UNKNOWN\t''
REMOTE_COMMUNICATION\t''
SUPERVISOR_STATE_CHANGE\t''
SUPERVISOR_STATE_CHANGE_RUNNING\t''
SUPERVISOR_STATE_CHANGE_STOPPING\t''
TICK\t''
TICK_3600\t''
TICK_5\t''
TICK_60\t''"
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand events" -l json -d 'One JSON object per line: eventname, time, headers, data, payload'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand events" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand maintail" -s n -l bytes -d 'How many bytes from the end to print (default 1600); also written -N' -r
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand maintail" -s f -l follow -d 'Follow: stream new lines until Ctrl-C'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand maintail" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand clear" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand reopen" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand fg" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand reread" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand update" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand add" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand remove" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand reload" -s y -l yes -d 'Do not ask for confirmation in the interactive shell'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand reload" -s h -l help -d 'Print help'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "status" -d 'Show the state of processes (all of them with no NAME)'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "shutdown" -d 'Stop every process and shut the daemon down'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "events" -d 'Follow events live (supervisord\'s event types), one line each, until Ctrl-C'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "reread" -d 'Read the config file again and show which groups would change, changing nothing'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "update" -d 'Apply the config file\'s changes per group: a changed group is stopped and renewed'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "add" -d 'Activate groups present in the config but not active'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "remove" -d 'Drop stopped groups from the active configuration'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "reload" -d 'Restart the daemon\'s whole configuration: stop everything, reload, start again'
complete -c taskmasterctl -n "__fish_taskmasterctl_using_subcommand help; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

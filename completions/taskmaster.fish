# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_taskmaster_global_optspecs
    string join \n v/version h/help
end

function __fish_taskmaster_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_taskmaster_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_taskmaster_using_subcommand
    set -l cmd (__fish_taskmaster_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c taskmaster -n "__fish_taskmaster_needs_command" -s v -l version -d 'Print the version and exit'
complete -c taskmaster -n "__fish_taskmaster_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c taskmaster -n "__fish_taskmaster_needs_command" -f -a "daemon" -d 'The taskmaster supervisor daemon'
complete -c taskmaster -n "__fish_taskmaster_needs_command" -f -a "ctl" -d 'Control a running taskmaster daemon'
complete -c taskmaster -n "__fish_taskmaster_needs_command" -f -a "check" -d 'Validate a config file and print every error, or a one-line summary (like `nginx -t`)'
complete -c taskmaster -n "__fish_taskmaster_needs_command" -f -a "convert" -d 'Print the taskmaster TOML equivalent of a supervisord config file'
complete -c taskmaster -n "__fish_taskmaster_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s c -l configuration -d 'The config file, TOML or supervisord\'s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord\'s own search path)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s n -l nodaemon -d 'Stay in the foreground instead of daemonizing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s s -l silent -d 'In the foreground, do not copy the activity log to stderr'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s v -l version -d 'Print the version and exit'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -s c -l configuration -d 'The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -s s -l serverurl -d 'The daemon\'s unix socket (overrides the config file)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -s i -l interactive -d 'Open the interactive shell after running the action'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -s v -l version -d 'Print the version and exit'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "status" -d 'Show the state of processes (all of them with no NAME)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "shutdown" -d 'Stop every process and shut the daemon down (the interactive shell asks first)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "reread" -d 'Read the config file again and show what would change, changing nothing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "update" -d 'Apply the config file\'s changes (all programs, or the named ones)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "add" -d 'Activate programs present in the config but not active'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "remove" -d 'Drop stopped programs from the active configuration'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "reload" -d 'Restart the daemon\'s whole configuration: stop everything, reload, start again'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail maintail clear reopen fg reread update add remove reload help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from status" -l json -d 'Print JSON instead of a table (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from start" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from start" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from stop" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from stop" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from restart" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from restart" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from signal" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from signal" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from pid" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from pid" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from avail" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from avail" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from version" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from shutdown" -s y -l yes -d 'Do not ask for confirmation in the interactive shell'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from shutdown" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from wait" -l state -d 'The state to wait for' -r -f -a "STOPPED\t''
STARTING\t''
RUNNING\t''
BACKOFF\t''
STOPPING\t''
EXITED\t''
FATAL\t''"
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from wait" -l timeout -d 'Give up after this many seconds (exit code 1)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from wait" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from tail" -s n -l bytes -d 'How many bytes from the end to print (default 1600); also written -N, as in -3000' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from tail" -s f -l follow -d 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from tail" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from maintail" -s n -l bytes -d 'How many bytes from the end to print (default 1600); also written -N' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from maintail" -s f -l follow -d 'Follow: stream new lines until Ctrl-C'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from maintail" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reopen" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from fg" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reread" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reread" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from update" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from add" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from remove" -l json -d 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reload" -s y -l yes -d 'Do not ask for confirmation in the interactive shell'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reload" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the state of processes (all of them with no NAME)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "shutdown" -d 'Stop every process and shut the daemon down (the interactive shell asks first)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "reread" -d 'Read the config file again and show what would change, changing nothing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "update" -d 'Apply the config file\'s changes (all programs, or the named ones)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "add" -d 'Activate programs present in the config but not active'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Drop stopped programs from the active configuration'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "reload" -d 'Restart the daemon\'s whole configuration: stop everything, reload, start again'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand check" -s c -l configuration -d 'The config file (default: the same search as the daemon\'s)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand check" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and not __fish_seen_subcommand_from daemon ctl check convert help" -f -a "daemon" -d 'The taskmaster supervisor daemon'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and not __fish_seen_subcommand_from daemon ctl check convert help" -f -a "ctl" -d 'Control a running taskmaster daemon'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and not __fish_seen_subcommand_from daemon ctl check convert help" -f -a "check" -d 'Validate a config file and print every error, or a one-line summary (like `nginx -t`)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and not __fish_seen_subcommand_from daemon ctl check convert help" -f -a "convert" -d 'Print the taskmaster TOML equivalent of a supervisord config file'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and not __fish_seen_subcommand_from daemon ctl check convert help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "status" -d 'Show the state of processes (all of them with no NAME)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "shutdown" -d 'Stop every process and shut the daemon down (the interactive shell asks first)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "reread" -d 'Read the config file again and show what would change, changing nothing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "update" -d 'Apply the config file\'s changes (all programs, or the named ones)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "add" -d 'Activate programs present in the config but not active'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "remove" -d 'Drop stopped programs from the active configuration'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "reload" -d 'Restart the daemon\'s whole configuration: stop everything, reload, start again'

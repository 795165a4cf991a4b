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
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s c -l configuration -d 'The config file, TOML or supervisord\'s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord\'s own search path)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s u -l user -d 'Run as this user (overrides [taskmasterd] user)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s m -l umask -d 'The daemon\'s umask, octal (overrides [taskmasterd] umask)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s d -l directory -d 'The directory to change to when daemonizing (overrides [taskmasterd] directory)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s l -l logfile -d 'The activity log, or NONE (overrides [taskmasterd] logfile)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s y -l logfile_maxbytes -d 'Rotate the activity log at this size, such as 50MB (overrides [taskmasterd] logfile_maxbytes)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s z -l logfile_backups -d 'Rotated activity logs to keep (overrides [taskmasterd] logfile_backups)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s e -l loglevel -d 'critical, error, warn, info, debug, trace or blather (overrides [taskmasterd] loglevel)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s j -l pidfile -d 'The pidfile (overrides [taskmasterd] pidfile)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s q -l childlogdir -d 'Where AUTO child logs go (overrides [taskmasterd] childlogdir)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s a -l minfds -d 'The descriptors to make available (overrides [taskmasterd] minfds)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s i -l identifier -d 'What the daemon calls itself over XML-RPC (overrides [taskmasterd] identifier)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -l minprocs -d 'Accepted and ignored, with a warning: no process-count limit is raised' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -l profile_options -d 'Refused: taskmaster has no profiler' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s n -l nodaemon -d 'Stay in the foreground instead of daemonizing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s s -l silent -d 'In the foreground, do not copy the activity log to stderr'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s k -l nocleanup -d 'Accepted and ignored, with a warning: AUTO child logs are removed when the daemon stops'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s t -l strip_ansi -d 'Refused: taskmaster logs output as the program writes it (no ANSI stripping yet)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s v -l version -d 'Print the version and exit'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand daemon" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -s c -l configuration -d 'The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -s s -l serverurl -d 'The daemon\'s socket, as unix:///path/to.sock or a path (overrides the config file)' -r -F
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -s i -l interactive -d 'Open the interactive shell after running the action'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -s v -l version -d 'Print the version and exit'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "status" -d 'Show the state of processes (all of them with no NAME)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "shutdown" -d 'Stop every process and shut the daemon down'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "events" -d 'Follow events live (supervisord\'s event types), one line each, until Ctrl-C'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "reread" -d 'Read the config file again and show which groups would change, changing nothing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "update" -d 'Apply the config file\'s changes per group: a changed group is stopped and renewed'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "add" -d 'Activate groups present in the config but not active'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "remove" -d 'Drop stopped groups from the active configuration'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "reload" -d 'Restart the daemon\'s whole configuration: stop everything, reload, start again'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and not __fish_seen_subcommand_from status start stop restart signal pid avail version shutdown wait tail events maintail clear reopen fg reread update add remove reload help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from status" -l json -d 'Print machine-readable JSON instead of a table'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from start" -l no-deps -d 'Start only the named processes, now: neither start what they depend on nor wait for it'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from start" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from stop" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from restart" -l no-wait -d 'Return at once instead of waiting for the outcome'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from signal" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from pid" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from avail" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from version" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from shutdown" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from wait" -l state -d 'The state to wait for' -r -f -a "STOPPED\t''
STARTING\t''
RUNNING\t''
BACKOFF\t''
STOPPING\t''
EXITED\t''
FATAL\t''"
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from wait" -l timeout -d 'Give up after this many seconds (exit code 1)' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from tail" -s n -l bytes -d 'How many bytes from the end to print (default 1600); also written -N, as in -3000' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from tail" -s f -l follow -d 'Follow: stream new output until Ctrl-C'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from tail" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from events" -s t -l type -d 'Only events of these types (supervisord\'s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several' -r -f -a "EVENT\t''
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
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from events" -l json -d 'One JSON object per line: eventname, time, headers, data, payload'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from events" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from maintail" -s n -l bytes -d 'How many bytes from the end to print (default 1600); also written -N' -r
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from maintail" -s f -l follow -d 'Follow: stream new lines until Ctrl-C'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from maintail" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reopen" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from fg" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reread" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reload" -s y -l yes -d 'Do not ask for confirmation in the interactive shell'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from reload" -s h -l help -d 'Print help'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the state of processes (all of them with no NAME)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "shutdown" -d 'Stop every process and shut the daemon down'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "events" -d 'Follow events live (supervisord\'s event types), one line each, until Ctrl-C'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "reread" -d 'Read the config file again and show which groups would change, changing nothing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "update" -d 'Apply the config file\'s changes per group: a changed group is stopped and renewed'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "add" -d 'Activate groups present in the config but not active'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand ctl; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Drop stopped groups from the active configuration'
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
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "start" -d 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "stop" -d 'Stop processes, waiting until each has stopped'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "restart" -d 'Stop, then start processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "signal" -d 'Send a signal to processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "pid" -d 'Print the pid of processes, or of the daemon with no NAME'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "avail" -d 'List every configured process with its group, autostart and priority'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "version" -d 'Print the daemon\'s version'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "shutdown" -d 'Stop every process and shut the daemon down'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "wait" -d 'Wait until processes reach a state'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "tail" -d 'Print the end of a process\'s log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "events" -d 'Follow events live (supervisord\'s event types), one line each, until Ctrl-C'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "maintail" -d 'Print the end of the daemon\'s own log, or follow it with -f'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "clear" -d 'Empty the log files of processes'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "reopen" -d 'Close and reopen every log file (as SIGUSR2 does)'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "fg" -d 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "reread" -d 'Read the config file again and show which groups would change, changing nothing'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "update" -d 'Apply the config file\'s changes per group: a changed group is stopped and renewed'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "add" -d 'Activate groups present in the config but not active'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "remove" -d 'Drop stopped groups from the active configuration'
complete -c taskmaster -n "__fish_taskmaster_using_subcommand help; and __fish_seen_subcommand_from ctl" -f -a "reload" -d 'Restart the daemon\'s whole configuration: stop everything, reload, start again'

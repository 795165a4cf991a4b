
use builtin;
use str;

set edit:completion:arg-completer[taskmaster] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'taskmaster'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'taskmaster'= {
            cand -v 'Print the version and exit'
            cand --version 'Print the version and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand daemon 'The taskmaster supervisor daemon'
            cand ctl 'Control a running taskmaster daemon'
            cand check 'Validate a config file and print every error, or a one-line summary (like `nginx -t`)'
            cand convert 'Print the taskmaster TOML equivalent of a supervisord config file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'taskmaster;daemon'= {
            cand -c 'The config file, TOML or supervisord''s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord''s own search path)'
            cand --configuration 'The config file, TOML or supervisord''s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord''s own search path)'
            cand -u 'Run as this user (overrides [taskmasterd] user)'
            cand --user 'Run as this user (overrides [taskmasterd] user)'
            cand -m 'The daemon''s umask, octal (overrides [taskmasterd] umask)'
            cand --umask 'The daemon''s umask, octal (overrides [taskmasterd] umask)'
            cand -d 'The directory to change to when daemonizing (overrides [taskmasterd] directory)'
            cand --directory 'The directory to change to when daemonizing (overrides [taskmasterd] directory)'
            cand -l 'The activity log, or NONE (overrides [taskmasterd] logfile)'
            cand --logfile 'The activity log, or NONE (overrides [taskmasterd] logfile)'
            cand -y 'Rotate the activity log at this size, such as 50MB (overrides [taskmasterd] logfile_maxbytes)'
            cand --logfile_maxbytes 'Rotate the activity log at this size, such as 50MB (overrides [taskmasterd] logfile_maxbytes)'
            cand -z 'Rotated activity logs to keep (overrides [taskmasterd] logfile_backups)'
            cand --logfile_backups 'Rotated activity logs to keep (overrides [taskmasterd] logfile_backups)'
            cand -e 'critical, error, warn, info, debug, trace or blather (overrides [taskmasterd] loglevel)'
            cand --loglevel 'critical, error, warn, info, debug, trace or blather (overrides [taskmasterd] loglevel)'
            cand -j 'The pidfile (overrides [taskmasterd] pidfile)'
            cand --pidfile 'The pidfile (overrides [taskmasterd] pidfile)'
            cand -q 'Where AUTO child logs go (overrides [taskmasterd] childlogdir)'
            cand --childlogdir 'Where AUTO child logs go (overrides [taskmasterd] childlogdir)'
            cand -a 'The descriptors to make available (overrides [taskmasterd] minfds)'
            cand --minfds 'The descriptors to make available (overrides [taskmasterd] minfds)'
            cand -i 'What the daemon calls itself over XML-RPC (overrides [taskmasterd] identifier)'
            cand --identifier 'What the daemon calls itself over XML-RPC (overrides [taskmasterd] identifier)'
            cand --minprocs 'Accepted and ignored, with a warning: no process-count limit is raised'
            cand --profile_options 'Refused: taskmaster has no profiler'
            cand -n 'Stay in the foreground instead of daemonizing'
            cand --nodaemon 'Stay in the foreground instead of daemonizing'
            cand -s 'In the foreground, do not copy the activity log to stderr'
            cand --silent 'In the foreground, do not copy the activity log to stderr'
            cand -k 'Keep the AUTO child logs of an earlier run, as [taskmasterd] nocleanup = true does'
            cand --nocleanup 'Keep the AUTO child logs of an earlier run, as [taskmasterd] nocleanup = true does'
            cand -t 'Refused: taskmaster logs output as the program writes it (no ANSI stripping yet)'
            cand --strip_ansi 'Refused: taskmaster logs output as the program writes it (no ANSI stripping yet)'
            cand -v 'Print the version and exit'
            cand --version 'Print the version and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'taskmaster;ctl'= {
            cand -c 'The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)'
            cand --configuration 'The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)'
            cand -s 'The daemon''s socket, as unix:///path/to.sock or a path (overrides the config file)'
            cand --serverurl 'The daemon''s socket, as unix:///path/to.sock or a path (overrides the config file)'
            cand -i 'Open the interactive shell after running the action'
            cand --interactive 'Open the interactive shell after running the action'
            cand -v 'Print the version and exit'
            cand --version 'Print the version and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand status 'Show the state of processes (all of them with no NAME)'
            cand start 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
            cand stop 'Stop processes, waiting until each has stopped'
            cand restart 'Stop, then start processes'
            cand signal 'Send a signal to processes'
            cand pid 'Print the pid of processes, or of the daemon with no NAME'
            cand avail 'List every configured process with its group, autostart and priority'
            cand version 'Print the daemon''s version'
            cand shutdown 'Stop every process and shut the daemon down (the interactive shell asks first)'
            cand wait 'Wait until processes reach a state'
            cand tail 'Print the end of a process''s log, or follow it with -f'
            cand events 'Follow events live (supervisord''s event types), one line each, until Ctrl-C'
            cand maintail 'Print the end of the daemon''s own log, or follow it with -f'
            cand clear 'Empty the log files of processes'
            cand reopen 'Close and reopen every log file (as SIGUSR2 does)'
            cand fg 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
            cand reread 'Read the config file again and show which groups would change, changing nothing'
            cand update 'Apply the config file''s changes per group: a changed group is stopped and renewed'
            cand add 'Activate groups present in the config but not active'
            cand remove 'Drop stopped groups from the active configuration'
            cand reload 'Restart the daemon''s whole configuration: stop everything, reload, start again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'taskmaster;ctl;status'= {
            cand --json 'Print JSON instead of a table (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;start'= {
            cand --no-deps 'Start only the named processes, now: neither start what they depend on nor wait for it'
            cand --no-wait 'Return at once instead of waiting for the outcome'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;stop'= {
            cand --no-wait 'Return at once instead of waiting for the outcome'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;restart'= {
            cand --no-wait 'Return at once instead of waiting for the outcome'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;signal'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;pid'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;avail'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;version'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;shutdown'= {
            cand -y 'Do not ask for confirmation in the interactive shell'
            cand --yes 'Do not ask for confirmation in the interactive shell'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;wait'= {
            cand --state 'The state to wait for'
            cand --timeout 'Give up after this many seconds (exit code 1)'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;tail'= {
            cand -n 'How many bytes from the end to print (default 1600); also written -N, as in -3000'
            cand --bytes 'How many bytes from the end to print (default 1600); also written -N, as in -3000'
            cand -f 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile'
            cand --follow 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;events'= {
            cand -t 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several'
            cand --type 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several'
            cand --json 'One JSON object per line: eventname, time, headers, data, payload'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;maintail'= {
            cand -n 'How many bytes from the end to print (default 1600); also written -N'
            cand --bytes 'How many bytes from the end to print (default 1600); also written -N'
            cand -f 'Follow: stream new lines until Ctrl-C'
            cand --follow 'Follow: stream new lines until Ctrl-C'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;clear'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;reopen'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;fg'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;reread'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;update'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;add'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;remove'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;reload'= {
            cand -y 'Do not ask for confirmation in the interactive shell'
            cand --yes 'Do not ask for confirmation in the interactive shell'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;ctl;help'= {
            cand status 'Show the state of processes (all of them with no NAME)'
            cand start 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
            cand stop 'Stop processes, waiting until each has stopped'
            cand restart 'Stop, then start processes'
            cand signal 'Send a signal to processes'
            cand pid 'Print the pid of processes, or of the daemon with no NAME'
            cand avail 'List every configured process with its group, autostart and priority'
            cand version 'Print the daemon''s version'
            cand shutdown 'Stop every process and shut the daemon down (the interactive shell asks first)'
            cand wait 'Wait until processes reach a state'
            cand tail 'Print the end of a process''s log, or follow it with -f'
            cand events 'Follow events live (supervisord''s event types), one line each, until Ctrl-C'
            cand maintail 'Print the end of the daemon''s own log, or follow it with -f'
            cand clear 'Empty the log files of processes'
            cand reopen 'Close and reopen every log file (as SIGUSR2 does)'
            cand fg 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
            cand reread 'Read the config file again and show which groups would change, changing nothing'
            cand update 'Apply the config file''s changes per group: a changed group is stopped and renewed'
            cand add 'Activate groups present in the config but not active'
            cand remove 'Drop stopped groups from the active configuration'
            cand reload 'Restart the daemon''s whole configuration: stop everything, reload, start again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'taskmaster;ctl;help;status'= {
        }
        &'taskmaster;ctl;help;start'= {
        }
        &'taskmaster;ctl;help;stop'= {
        }
        &'taskmaster;ctl;help;restart'= {
        }
        &'taskmaster;ctl;help;signal'= {
        }
        &'taskmaster;ctl;help;pid'= {
        }
        &'taskmaster;ctl;help;avail'= {
        }
        &'taskmaster;ctl;help;version'= {
        }
        &'taskmaster;ctl;help;shutdown'= {
        }
        &'taskmaster;ctl;help;wait'= {
        }
        &'taskmaster;ctl;help;tail'= {
        }
        &'taskmaster;ctl;help;events'= {
        }
        &'taskmaster;ctl;help;maintail'= {
        }
        &'taskmaster;ctl;help;clear'= {
        }
        &'taskmaster;ctl;help;reopen'= {
        }
        &'taskmaster;ctl;help;fg'= {
        }
        &'taskmaster;ctl;help;reread'= {
        }
        &'taskmaster;ctl;help;update'= {
        }
        &'taskmaster;ctl;help;add'= {
        }
        &'taskmaster;ctl;help;remove'= {
        }
        &'taskmaster;ctl;help;reload'= {
        }
        &'taskmaster;ctl;help;help'= {
        }
        &'taskmaster;check'= {
            cand -c 'The config file (default: the same search as the daemon''s)'
            cand --configuration 'The config file (default: the same search as the daemon''s)'
            cand --strict 'Treat missing or unwritable log, socket and pidfile directories as errors, not warnings (they are warnings by default: the daemon may run as another user)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmaster;convert'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'taskmaster;help'= {
            cand daemon 'The taskmaster supervisor daemon'
            cand ctl 'Control a running taskmaster daemon'
            cand check 'Validate a config file and print every error, or a one-line summary (like `nginx -t`)'
            cand convert 'Print the taskmaster TOML equivalent of a supervisord config file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'taskmaster;help;daemon'= {
        }
        &'taskmaster;help;ctl'= {
            cand status 'Show the state of processes (all of them with no NAME)'
            cand start 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first'
            cand stop 'Stop processes, waiting until each has stopped'
            cand restart 'Stop, then start processes'
            cand signal 'Send a signal to processes'
            cand pid 'Print the pid of processes, or of the daemon with no NAME'
            cand avail 'List every configured process with its group, autostart and priority'
            cand version 'Print the daemon''s version'
            cand shutdown 'Stop every process and shut the daemon down (the interactive shell asks first)'
            cand wait 'Wait until processes reach a state'
            cand tail 'Print the end of a process''s log, or follow it with -f'
            cand events 'Follow events live (supervisord''s event types), one line each, until Ctrl-C'
            cand maintail 'Print the end of the daemon''s own log, or follow it with -f'
            cand clear 'Empty the log files of processes'
            cand reopen 'Close and reopen every log file (as SIGUSR2 does)'
            cand fg 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running'
            cand reread 'Read the config file again and show which groups would change, changing nothing'
            cand update 'Apply the config file''s changes per group: a changed group is stopped and renewed'
            cand add 'Activate groups present in the config but not active'
            cand remove 'Drop stopped groups from the active configuration'
            cand reload 'Restart the daemon''s whole configuration: stop everything, reload, start again'
        }
        &'taskmaster;help;ctl;status'= {
        }
        &'taskmaster;help;ctl;start'= {
        }
        &'taskmaster;help;ctl;stop'= {
        }
        &'taskmaster;help;ctl;restart'= {
        }
        &'taskmaster;help;ctl;signal'= {
        }
        &'taskmaster;help;ctl;pid'= {
        }
        &'taskmaster;help;ctl;avail'= {
        }
        &'taskmaster;help;ctl;version'= {
        }
        &'taskmaster;help;ctl;shutdown'= {
        }
        &'taskmaster;help;ctl;wait'= {
        }
        &'taskmaster;help;ctl;tail'= {
        }
        &'taskmaster;help;ctl;events'= {
        }
        &'taskmaster;help;ctl;maintail'= {
        }
        &'taskmaster;help;ctl;clear'= {
        }
        &'taskmaster;help;ctl;reopen'= {
        }
        &'taskmaster;help;ctl;fg'= {
        }
        &'taskmaster;help;ctl;reread'= {
        }
        &'taskmaster;help;ctl;update'= {
        }
        &'taskmaster;help;ctl;add'= {
        }
        &'taskmaster;help;ctl;remove'= {
        }
        &'taskmaster;help;ctl;reload'= {
        }
        &'taskmaster;help;check'= {
        }
        &'taskmaster;help;convert'= {
        }
        &'taskmaster;help;help'= {
        }
    ]
    $completions[$command]
}


using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'taskmaster' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'taskmaster'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'taskmaster' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('daemon', 'daemon', [CompletionResultType]::ParameterValue, 'The taskmaster supervisor daemon')
            [CompletionResult]::new('ctl', 'ctl', [CompletionResultType]::ParameterValue, 'Control a running taskmaster daemon')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config file and print every error, or a one-line summary (like `nginx -t`)')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Print the taskmaster TOML equivalent of a supervisord config file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'taskmaster;daemon' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The config file, TOML or supervisord''s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord''s own search path)')
            [CompletionResult]::new('--configuration', '--configuration', [CompletionResultType]::ParameterName, 'The config file, TOML or supervisord''s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord''s own search path)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Run as this user (overrides [taskmasterd] user)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run as this user (overrides [taskmasterd] user)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The daemon''s umask, octal (overrides [taskmasterd] umask)')
            [CompletionResult]::new('--umask', '--umask', [CompletionResultType]::ParameterName, 'The daemon''s umask, octal (overrides [taskmasterd] umask)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The directory to change to when daemonizing (overrides [taskmasterd] directory)')
            [CompletionResult]::new('--directory', '--directory', [CompletionResultType]::ParameterName, 'The directory to change to when daemonizing (overrides [taskmasterd] directory)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'The activity log, or NONE (overrides [taskmasterd] logfile)')
            [CompletionResult]::new('--logfile', '--logfile', [CompletionResultType]::ParameterName, 'The activity log, or NONE (overrides [taskmasterd] logfile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Rotate the activity log at this size, such as 50MB (overrides [taskmasterd] logfile_maxbytes)')
            [CompletionResult]::new('--logfile_maxbytes', '--logfile_maxbytes', [CompletionResultType]::ParameterName, 'Rotate the activity log at this size, such as 50MB (overrides [taskmasterd] logfile_maxbytes)')
            [CompletionResult]::new('-z', '-z', [CompletionResultType]::ParameterName, 'Rotated activity logs to keep (overrides [taskmasterd] logfile_backups)')
            [CompletionResult]::new('--logfile_backups', '--logfile_backups', [CompletionResultType]::ParameterName, 'Rotated activity logs to keep (overrides [taskmasterd] logfile_backups)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'critical, error, warn, info, debug, trace or blather (overrides [taskmasterd] loglevel)')
            [CompletionResult]::new('--loglevel', '--loglevel', [CompletionResultType]::ParameterName, 'critical, error, warn, info, debug, trace or blather (overrides [taskmasterd] loglevel)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'The pidfile (overrides [taskmasterd] pidfile)')
            [CompletionResult]::new('--pidfile', '--pidfile', [CompletionResultType]::ParameterName, 'The pidfile (overrides [taskmasterd] pidfile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Where AUTO child logs go (overrides [taskmasterd] childlogdir)')
            [CompletionResult]::new('--childlogdir', '--childlogdir', [CompletionResultType]::ParameterName, 'Where AUTO child logs go (overrides [taskmasterd] childlogdir)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The descriptors to make available (overrides [taskmasterd] minfds)')
            [CompletionResult]::new('--minfds', '--minfds', [CompletionResultType]::ParameterName, 'The descriptors to make available (overrides [taskmasterd] minfds)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'What the daemon calls itself over XML-RPC (overrides [taskmasterd] identifier)')
            [CompletionResult]::new('--identifier', '--identifier', [CompletionResultType]::ParameterName, 'What the daemon calls itself over XML-RPC (overrides [taskmasterd] identifier)')
            [CompletionResult]::new('--minprocs', '--minprocs', [CompletionResultType]::ParameterName, 'Accepted and ignored, with a warning: no process-count limit is raised')
            [CompletionResult]::new('--profile_options', '--profile_options', [CompletionResultType]::ParameterName, 'Refused: taskmaster has no profiler')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stay in the foreground instead of daemonizing')
            [CompletionResult]::new('--nodaemon', '--nodaemon', [CompletionResultType]::ParameterName, 'Stay in the foreground instead of daemonizing')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'In the foreground, do not copy the activity log to stderr')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'In the foreground, do not copy the activity log to stderr')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep the AUTO child logs of an earlier run, as [taskmasterd] nocleanup = true does')
            [CompletionResult]::new('--nocleanup', '--nocleanup', [CompletionResultType]::ParameterName, 'Keep the AUTO child logs of an earlier run, as [taskmasterd] nocleanup = true does')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Refused: taskmaster logs output as the program writes it (no ANSI stripping yet)')
            [CompletionResult]::new('--strip_ansi', '--strip_ansi', [CompletionResultType]::ParameterName, 'Refused: taskmaster logs output as the program writes it (no ANSI stripping yet)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'taskmaster;ctl' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)')
            [CompletionResult]::new('--configuration', '--configuration', [CompletionResultType]::ParameterName, 'The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The daemon''s socket, as unix:///path/to.sock or a path (overrides the config file)')
            [CompletionResult]::new('--serverurl', '--serverurl', [CompletionResultType]::ParameterName, 'The daemon''s socket, as unix:///path/to.sock or a path (overrides the config file)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Open the interactive shell after running the action')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Open the interactive shell after running the action')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the state of processes (all of them with no NAME)')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop processes, waiting until each has stopped')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Stop, then start processes')
            [CompletionResult]::new('signal', 'signal', [CompletionResultType]::ParameterValue, 'Send a signal to processes')
            [CompletionResult]::new('pid', 'pid', [CompletionResultType]::ParameterValue, 'Print the pid of processes, or of the daemon with no NAME')
            [CompletionResult]::new('avail', 'avail', [CompletionResultType]::ParameterValue, 'List every configured process with its group, autostart and priority')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the daemon''s version')
            [CompletionResult]::new('shutdown', 'shutdown', [CompletionResultType]::ParameterValue, 'Stop every process and shut the daemon down (the interactive shell asks first)')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until processes reach a state')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the end of a process''s log, or follow it with -f')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Follow events live (supervisord''s event types), one line each, until Ctrl-C')
            [CompletionResult]::new('maintail', 'maintail', [CompletionResultType]::ParameterValue, 'Print the end of the daemon''s own log, or follow it with -f')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Empty the log files of processes')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Close and reopen every log file (as SIGUSR2 does)')
            [CompletionResult]::new('fg', 'fg', [CompletionResultType]::ParameterValue, 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running')
            [CompletionResult]::new('reread', 'reread', [CompletionResultType]::ParameterValue, 'Read the config file again and show which groups would change, changing nothing')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Apply the config file''s changes per group: a changed group is stopped and renewed')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Activate groups present in the config but not active')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Drop stopped groups from the active configuration')
            [CompletionResult]::new('reload', 'reload', [CompletionResultType]::ParameterValue, 'Restart the daemon''s whole configuration: stop everything, reload, start again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'taskmaster;ctl;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;start' {
            [CompletionResult]::new('--no-deps', '--no-deps', [CompletionResultType]::ParameterName, 'Start only the named processes, now: neither start what they depend on nor wait for it')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return at once instead of waiting for the outcome')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;stop' {
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return at once instead of waiting for the outcome')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;restart' {
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return at once instead of waiting for the outcome')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;signal' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;pid' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;avail' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;version' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;shutdown' {
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;wait' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state to wait for')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds (exit code 1)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;tail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N, as in -3000')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N, as in -3000')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;events' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line: eventname, time, headers, data, payload')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;maintail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Follow: stream new lines until Ctrl-C')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow: stream new lines until Ctrl-C')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;clear' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;reopen' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;fg' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;reread' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;update' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;add' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;remove' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;reload' {
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;ctl;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the state of processes (all of them with no NAME)')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop processes, waiting until each has stopped')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Stop, then start processes')
            [CompletionResult]::new('signal', 'signal', [CompletionResultType]::ParameterValue, 'Send a signal to processes')
            [CompletionResult]::new('pid', 'pid', [CompletionResultType]::ParameterValue, 'Print the pid of processes, or of the daemon with no NAME')
            [CompletionResult]::new('avail', 'avail', [CompletionResultType]::ParameterValue, 'List every configured process with its group, autostart and priority')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the daemon''s version')
            [CompletionResult]::new('shutdown', 'shutdown', [CompletionResultType]::ParameterValue, 'Stop every process and shut the daemon down (the interactive shell asks first)')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until processes reach a state')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the end of a process''s log, or follow it with -f')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Follow events live (supervisord''s event types), one line each, until Ctrl-C')
            [CompletionResult]::new('maintail', 'maintail', [CompletionResultType]::ParameterValue, 'Print the end of the daemon''s own log, or follow it with -f')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Empty the log files of processes')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Close and reopen every log file (as SIGUSR2 does)')
            [CompletionResult]::new('fg', 'fg', [CompletionResultType]::ParameterValue, 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running')
            [CompletionResult]::new('reread', 'reread', [CompletionResultType]::ParameterValue, 'Read the config file again and show which groups would change, changing nothing')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Apply the config file''s changes per group: a changed group is stopped and renewed')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Activate groups present in the config but not active')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Drop stopped groups from the active configuration')
            [CompletionResult]::new('reload', 'reload', [CompletionResultType]::ParameterValue, 'Restart the daemon''s whole configuration: stop everything, reload, start again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'taskmaster;ctl;help;status' {
            break
        }
        'taskmaster;ctl;help;start' {
            break
        }
        'taskmaster;ctl;help;stop' {
            break
        }
        'taskmaster;ctl;help;restart' {
            break
        }
        'taskmaster;ctl;help;signal' {
            break
        }
        'taskmaster;ctl;help;pid' {
            break
        }
        'taskmaster;ctl;help;avail' {
            break
        }
        'taskmaster;ctl;help;version' {
            break
        }
        'taskmaster;ctl;help;shutdown' {
            break
        }
        'taskmaster;ctl;help;wait' {
            break
        }
        'taskmaster;ctl;help;tail' {
            break
        }
        'taskmaster;ctl;help;events' {
            break
        }
        'taskmaster;ctl;help;maintail' {
            break
        }
        'taskmaster;ctl;help;clear' {
            break
        }
        'taskmaster;ctl;help;reopen' {
            break
        }
        'taskmaster;ctl;help;fg' {
            break
        }
        'taskmaster;ctl;help;reread' {
            break
        }
        'taskmaster;ctl;help;update' {
            break
        }
        'taskmaster;ctl;help;add' {
            break
        }
        'taskmaster;ctl;help;remove' {
            break
        }
        'taskmaster;ctl;help;reload' {
            break
        }
        'taskmaster;ctl;help;help' {
            break
        }
        'taskmaster;check' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The config file (default: the same search as the daemon''s)')
            [CompletionResult]::new('--configuration', '--configuration', [CompletionResultType]::ParameterName, 'The config file (default: the same search as the daemon''s)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat missing or unwritable log, socket and pidfile directories as errors, not warnings (they are warnings by default: the daemon may run as another user)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmaster;convert' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'taskmaster;help' {
            [CompletionResult]::new('daemon', 'daemon', [CompletionResultType]::ParameterValue, 'The taskmaster supervisor daemon')
            [CompletionResult]::new('ctl', 'ctl', [CompletionResultType]::ParameterValue, 'Control a running taskmaster daemon')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config file and print every error, or a one-line summary (like `nginx -t`)')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Print the taskmaster TOML equivalent of a supervisord config file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'taskmaster;help;daemon' {
            break
        }
        'taskmaster;help;ctl' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the state of processes (all of them with no NAME)')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start processes, waiting until each is RUNNING or has failed; what they depend on (depends_on) is started first')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop processes, waiting until each has stopped')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Stop, then start processes')
            [CompletionResult]::new('signal', 'signal', [CompletionResultType]::ParameterValue, 'Send a signal to processes')
            [CompletionResult]::new('pid', 'pid', [CompletionResultType]::ParameterValue, 'Print the pid of processes, or of the daemon with no NAME')
            [CompletionResult]::new('avail', 'avail', [CompletionResultType]::ParameterValue, 'List every configured process with its group, autostart and priority')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the daemon''s version')
            [CompletionResult]::new('shutdown', 'shutdown', [CompletionResultType]::ParameterValue, 'Stop every process and shut the daemon down (the interactive shell asks first)')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until processes reach a state')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the end of a process''s log, or follow it with -f')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Follow events live (supervisord''s event types), one line each, until Ctrl-C')
            [CompletionResult]::new('maintail', 'maintail', [CompletionResultType]::ParameterValue, 'Print the end of the daemon''s own log, or follow it with -f')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Empty the log files of processes')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Close and reopen every log file (as SIGUSR2 does)')
            [CompletionResult]::new('fg', 'fg', [CompletionResultType]::ParameterValue, 'Attach the terminal to a running process: its output here, your input to its stdin; Ctrl-C or Ctrl-D detaches and leaves it running')
            [CompletionResult]::new('reread', 'reread', [CompletionResultType]::ParameterValue, 'Read the config file again and show which groups would change, changing nothing')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Apply the config file''s changes per group: a changed group is stopped and renewed')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Activate groups present in the config but not active')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Drop stopped groups from the active configuration')
            [CompletionResult]::new('reload', 'reload', [CompletionResultType]::ParameterValue, 'Restart the daemon''s whole configuration: stop everything, reload, start again')
            break
        }
        'taskmaster;help;ctl;status' {
            break
        }
        'taskmaster;help;ctl;start' {
            break
        }
        'taskmaster;help;ctl;stop' {
            break
        }
        'taskmaster;help;ctl;restart' {
            break
        }
        'taskmaster;help;ctl;signal' {
            break
        }
        'taskmaster;help;ctl;pid' {
            break
        }
        'taskmaster;help;ctl;avail' {
            break
        }
        'taskmaster;help;ctl;version' {
            break
        }
        'taskmaster;help;ctl;shutdown' {
            break
        }
        'taskmaster;help;ctl;wait' {
            break
        }
        'taskmaster;help;ctl;tail' {
            break
        }
        'taskmaster;help;ctl;events' {
            break
        }
        'taskmaster;help;ctl;maintail' {
            break
        }
        'taskmaster;help;ctl;clear' {
            break
        }
        'taskmaster;help;ctl;reopen' {
            break
        }
        'taskmaster;help;ctl;fg' {
            break
        }
        'taskmaster;help;ctl;reread' {
            break
        }
        'taskmaster;help;ctl;update' {
            break
        }
        'taskmaster;help;ctl;add' {
            break
        }
        'taskmaster;help;ctl;remove' {
            break
        }
        'taskmaster;help;ctl;reload' {
            break
        }
        'taskmaster;help;check' {
            break
        }
        'taskmaster;help;convert' {
            break
        }
        'taskmaster;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

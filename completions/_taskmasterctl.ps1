
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'taskmasterctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'taskmasterctl'
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
        'taskmasterctl' {
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
        'taskmasterctl;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;start' {
            [CompletionResult]::new('--no-deps', '--no-deps', [CompletionResultType]::ParameterName, 'Start only the named processes, now: neither start what they depend on nor wait for it')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return at once instead of waiting for the outcome')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;stop' {
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return at once instead of waiting for the outcome')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;restart' {
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return at once instead of waiting for the outcome')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;signal' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;pid' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;avail' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;version' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;shutdown' {
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;wait' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state to wait for')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds (exit code 1)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;tail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N, as in -3000')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N, as in -3000')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;events' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line: eventname, time, headers, data, payload')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;maintail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'How many bytes from the end to print (default 1600); also written -N')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Follow: stream new lines until Ctrl-C')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow: stream new lines until Ctrl-C')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;clear' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;reopen' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;fg' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;reread' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;update' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;add' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;remove' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;reload' {
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation in the interactive shell')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'taskmasterctl;help' {
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
        'taskmasterctl;help;status' {
            break
        }
        'taskmasterctl;help;start' {
            break
        }
        'taskmasterctl;help;stop' {
            break
        }
        'taskmasterctl;help;restart' {
            break
        }
        'taskmasterctl;help;signal' {
            break
        }
        'taskmasterctl;help;pid' {
            break
        }
        'taskmasterctl;help;avail' {
            break
        }
        'taskmasterctl;help;version' {
            break
        }
        'taskmasterctl;help;shutdown' {
            break
        }
        'taskmasterctl;help;wait' {
            break
        }
        'taskmasterctl;help;tail' {
            break
        }
        'taskmasterctl;help;events' {
            break
        }
        'taskmasterctl;help;maintail' {
            break
        }
        'taskmasterctl;help;clear' {
            break
        }
        'taskmasterctl;help;reopen' {
            break
        }
        'taskmasterctl;help;fg' {
            break
        }
        'taskmasterctl;help;reread' {
            break
        }
        'taskmasterctl;help;update' {
            break
        }
        'taskmasterctl;help;add' {
            break
        }
        'taskmasterctl;help;remove' {
            break
        }
        'taskmasterctl;help;reload' {
            break
        }
        'taskmasterctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

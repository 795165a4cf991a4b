
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'taskmasterd' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'taskmasterd'
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
        'taskmasterd' {
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
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}


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
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stay in the foreground instead of daemonizing')
            [CompletionResult]::new('--nodaemon', '--nodaemon', [CompletionResultType]::ParameterName, 'Stay in the foreground instead of daemonizing')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'In the foreground, do not copy the activity log to stderr')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'In the foreground, do not copy the activity log to stderr')
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

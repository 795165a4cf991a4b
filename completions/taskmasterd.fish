complete -c taskmasterd -s c -l configuration -d 'The config file, TOML or supervisord\'s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord\'s own search path)' -r -F
complete -c taskmasterd -s n -l nodaemon -d 'Stay in the foreground instead of daemonizing'
complete -c taskmasterd -s s -l silent -d 'In the foreground, do not copy the activity log to stderr'
complete -c taskmasterd -s v -l version -d 'Print the version and exit'
complete -c taskmasterd -s h -l help -d 'Print help (see more with \'--help\')'

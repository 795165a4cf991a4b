complete -c taskmasterd -s c -l configuration -d 'The config file, TOML or supervisord\'s INI (default: $TASKMASTER_CONFIG, then taskmaster.toml or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then supervisord\'s own search path)' -r -F
complete -c taskmasterd -s u -l user -d 'Run as this user (overrides [taskmasterd] user)' -r
complete -c taskmasterd -s m -l umask -d 'The daemon\'s umask, octal (overrides [taskmasterd] umask)' -r
complete -c taskmasterd -s d -l directory -d 'The directory to change to when daemonizing (overrides [taskmasterd] directory)' -r -F
complete -c taskmasterd -s l -l logfile -d 'The activity log, or NONE (overrides [taskmasterd] logfile)' -r -F
complete -c taskmasterd -s y -l logfile_maxbytes -d 'Rotate the activity log at this size, such as 50MB (overrides [taskmasterd] logfile_maxbytes)' -r
complete -c taskmasterd -s z -l logfile_backups -d 'Rotated activity logs to keep (overrides [taskmasterd] logfile_backups)' -r
complete -c taskmasterd -s e -l loglevel -d 'critical, error, warn, info, debug, trace or blather (overrides [taskmasterd] loglevel)' -r
complete -c taskmasterd -s j -l pidfile -d 'The pidfile (overrides [taskmasterd] pidfile)' -r -F
complete -c taskmasterd -s q -l childlogdir -d 'Where AUTO child logs go (overrides [taskmasterd] childlogdir)' -r -F
complete -c taskmasterd -s a -l minfds -d 'The descriptors to make available (overrides [taskmasterd] minfds)' -r
complete -c taskmasterd -s i -l identifier -d 'What the daemon calls itself over XML-RPC (overrides [taskmasterd] identifier)' -r
complete -c taskmasterd -l minprocs -d 'Accepted and ignored, with a warning: no process-count limit is raised' -r
complete -c taskmasterd -l profile_options -d 'Refused: taskmaster has no profiler' -r
complete -c taskmasterd -s n -l nodaemon -d 'Stay in the foreground instead of daemonizing'
complete -c taskmasterd -s s -l silent -d 'In the foreground, do not copy the activity log to stderr'
complete -c taskmasterd -s k -l nocleanup -d 'Keep the AUTO child logs of an earlier run, as [taskmasterd] nocleanup = true does'
complete -c taskmasterd -s t -l strip_ansi -d 'Refused: taskmaster logs output as the program writes it (no ANSI stripping yet)'
complete -c taskmasterd -s v -l version -d 'Print the version and exit'
complete -c taskmasterd -s h -l help -d 'Print help (see more with \'--help\')'


use builtin;
use str;

set edit:completion:arg-completer[taskmasterd] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'taskmasterd'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'taskmasterd'= {
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
    ]
    $completions[$command]
}


use builtin;
use str;

set edit:completion:arg-completer[taskmasterctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'taskmasterctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'taskmasterctl'= {
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
        &'taskmasterctl;status'= {
            cand --json 'Print JSON instead of a table (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;start'= {
            cand --no-deps 'Start only the named processes, now: neither start what they depend on nor wait for it'
            cand --no-wait 'Return at once instead of waiting for the outcome'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;stop'= {
            cand --no-wait 'Return at once instead of waiting for the outcome'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;restart'= {
            cand --no-wait 'Return at once instead of waiting for the outcome'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;signal'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;pid'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;avail'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;version'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;shutdown'= {
            cand -y 'Do not ask for confirmation in the interactive shell'
            cand --yes 'Do not ask for confirmation in the interactive shell'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;wait'= {
            cand --state 'The state to wait for'
            cand --timeout 'Give up after this many seconds (exit code 1)'
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;tail'= {
            cand -n 'How many bytes from the end to print (default 1600); also written -N, as in -3000'
            cand --bytes 'How many bytes from the end to print (default 1600); also written -N, as in -3000'
            cand -f 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile'
            cand --follow 'Follow: stream new output until Ctrl-C. A follower that falls behind catches up from the log file, and fails (exit 1) only if the file was rotated away meanwhile'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;events'= {
            cand -t 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several'
            cand --type 'Only events of these types (supervisord''s names, supertypes included: PROCESS_STATE, TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several'
            cand --json 'One JSON object per line: eventname, time, headers, data, payload'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;maintail'= {
            cand -n 'How many bytes from the end to print (default 1600); also written -N'
            cand --bytes 'How many bytes from the end to print (default 1600); also written -N'
            cand -f 'Follow: stream new lines until Ctrl-C'
            cand --follow 'Follow: stream new lines until Ctrl-C'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;clear'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;reopen'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;fg'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;reread'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;update'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;add'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;remove'= {
            cand --json 'Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;reload'= {
            cand -y 'Do not ask for confirmation in the interactive shell'
            cand --yes 'Do not ask for confirmation in the interactive shell'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'taskmasterctl;help'= {
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
        &'taskmasterctl;help;status'= {
        }
        &'taskmasterctl;help;start'= {
        }
        &'taskmasterctl;help;stop'= {
        }
        &'taskmasterctl;help;restart'= {
        }
        &'taskmasterctl;help;signal'= {
        }
        &'taskmasterctl;help;pid'= {
        }
        &'taskmasterctl;help;avail'= {
        }
        &'taskmasterctl;help;version'= {
        }
        &'taskmasterctl;help;shutdown'= {
        }
        &'taskmasterctl;help;wait'= {
        }
        &'taskmasterctl;help;tail'= {
        }
        &'taskmasterctl;help;events'= {
        }
        &'taskmasterctl;help;maintail'= {
        }
        &'taskmasterctl;help;clear'= {
        }
        &'taskmasterctl;help;reopen'= {
        }
        &'taskmasterctl;help;fg'= {
        }
        &'taskmasterctl;help;reread'= {
        }
        &'taskmasterctl;help;update'= {
        }
        &'taskmasterctl;help;add'= {
        }
        &'taskmasterctl;help;remove'= {
        }
        &'taskmasterctl;help;reload'= {
        }
        &'taskmasterctl;help;help'= {
        }
    ]
    $completions[$command]
}

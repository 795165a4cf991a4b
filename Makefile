# Build, test, install and uninstall taskmaster. POSIX make; `install` and `ln` do the copying.
#
#   make                       build the release binary
#   make install               install under /usr/local (PREFIX=... and DESTDIR=... change that)
#   make install-files         the same without building (the binary must already be built)
#   make install-compat        install, and add the names supervisord and supervisorctl (a drop-in)
#   make uninstall             remove what `make install` put there (same PREFIX and DESTDIR)
#   make test                  run every test
#
# One executable, `taskmaster`; `taskmasterd` and `taskmasterctl` are relative symlinks to it,
# since it picks its grammar from the name it is run as. The completions and man pages are the
# committed files in completions/ and man/ (kept fresh by `cargo test`), so installing needs no
# run of the binary and works for cross builds.
#
# The systemd unit goes to $(SYSTEMDUNITDIR) (systemd searches /usr/local/lib/systemd/system
# too) and the logrotate file to $(SYSCONFDIR)/logrotate.d; both have the installed binary's
# path written in. SYSCONFDIR defaults to /etc for PREFIX=/usr or /usr/local, else to
# $(PREFIX)/etc, so that a user's `make install PREFIX=~/.local` writes nothing outside it.
#
# install-compat adds `supervisord` and `supervisorctl` links to the same binary, which reads
# supervisord.conf as it is; it refuses to replace a file of those names that is not its own link
# (a real supervisord): remove that first.

.POSIX:

PREFIX ?= /usr/local
DESTDIR ?=
CARGO ?= cargo
INSTALL ?= install
# Pinned, so that a CARGO_TARGET_DIR in the environment cannot make `install` copy a stale or
# missing binary from where it does not look.
TARGET_DIR = target
# What `install-files` copies (a test installs its debug build with BINARY=...).
BINARY = $(TARGET_DIR)/release/taskmaster

BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share
MANDIR = $(DATADIR)/man
BASHDIR = $(DATADIR)/bash-completion/completions
ZSHDIR = $(DATADIR)/zsh/site-functions
FISHDIR = $(DATADIR)/fish/vendor_completions.d
# Elvish and PowerShell have no system-wide directory they search; the scripts go here to be
# sourced from a user's rc file.
OTHERCOMPDIR = $(DATADIR)/taskmaster/completions
SYSTEMDUNITDIR = $(PREFIX)/lib/systemd/system
SYSCONFDIR =

NAMES = taskmaster taskmasterd taskmasterctl
LINKS = taskmasterd taskmasterctl
COMPAT_LINKS = supervisord supervisorctl
MAN1 = man/taskmaster.1 man/taskmasterctl.1
MAN5 = man/taskmaster.toml.5
MAN8 = man/taskmasterd.8

all: build

build:
	CARGO_TARGET_DIR=$(TARGET_DIR) $(CARGO) build --release

test:
	CARGO_TARGET_DIR=$(TARGET_DIR) $(CARGO) test

install: build install-files

install-files:
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(BASHDIR)" "$(DESTDIR)$(ZSHDIR)" \
		"$(DESTDIR)$(FISHDIR)" "$(DESTDIR)$(OTHERCOMPDIR)" \
		"$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man5" "$(DESTDIR)$(MANDIR)/man8"
	$(INSTALL) -m 755 "$(BINARY)" "$(DESTDIR)$(BINDIR)/taskmaster"
	for link in $(LINKS); do \
		ln -sf taskmaster "$(DESTDIR)$(BINDIR)/$$link" || exit 1; \
	done
	for name in $(NAMES); do \
		$(INSTALL) -m 644 "completions/$$name.bash" "$(DESTDIR)$(BASHDIR)/$$name" && \
		$(INSTALL) -m 644 "completions/_$$name" "$(DESTDIR)$(ZSHDIR)/_$$name" && \
		$(INSTALL) -m 644 "completions/$$name.fish" "$(DESTDIR)$(FISHDIR)/$$name.fish" && \
		$(INSTALL) -m 644 "completions/$$name.elv" "$(DESTDIR)$(OTHERCOMPDIR)/$$name.elv" && \
		$(INSTALL) -m 644 "completions/_$$name.ps1" "$(DESTDIR)$(OTHERCOMPDIR)/_$$name.ps1" || exit 1; \
	done
	$(INSTALL) -m 644 $(MAN1) "$(DESTDIR)$(MANDIR)/man1"
	$(INSTALL) -m 644 $(MAN5) "$(DESTDIR)$(MANDIR)/man5"
	$(INSTALL) -m 644 $(MAN8) "$(DESTDIR)$(MANDIR)/man8"
	sysconfdir="$(SYSCONFDIR)"; \
	if [ -z "$$sysconfdir" ]; then \
		case "$(PREFIX)" in /usr|/usr/|/usr/local|/usr/local/) sysconfdir=/etc ;; *) sysconfdir="$(PREFIX)/etc" ;; esac; \
	fi; \
	$(INSTALL) -d "$(DESTDIR)$(SYSTEMDUNITDIR)" "$(DESTDIR)$$sysconfdir/logrotate.d" && \
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/taskmaster.service > "$(DESTDIR)$(SYSTEMDUNITDIR)/taskmaster.service" && \
	chmod 644 "$(DESTDIR)$(SYSTEMDUNITDIR)/taskmaster.service" && \
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/logrotate.d/taskmaster > "$(DESTDIR)$$sysconfdir/logrotate.d/taskmaster" && \
	chmod 644 "$(DESTDIR)$$sysconfdir/logrotate.d/taskmaster"

install-compat: install
	for link in $(COMPAT_LINKS); do \
		target="$(DESTDIR)$(BINDIR)/$$link"; \
		if [ -e "$$target" ] || [ -L "$$target" ]; then \
			if [ "$$(readlink "$$target")" != taskmaster ]; then \
				echo "install-compat: $$target exists and is not taskmaster's link; remove it first" >&2; \
				exit 1; \
			fi; \
		fi; \
		ln -sf taskmaster "$$target" || exit 1; \
	done

uninstall:
	for name in $(NAMES); do \
		rm -f "$(DESTDIR)$(BINDIR)/$$name" "$(DESTDIR)$(BASHDIR)/$$name" "$(DESTDIR)$(ZSHDIR)/_$$name" \
			"$(DESTDIR)$(FISHDIR)/$$name.fish" "$(DESTDIR)$(OTHERCOMPDIR)/$$name.elv" \
			"$(DESTDIR)$(OTHERCOMPDIR)/_$$name.ps1" || exit 1; \
	done
	for page in $(MAN1) $(MAN5) $(MAN8); do \
		base=$${page#man/}; \
		rm -f "$(DESTDIR)$(MANDIR)/man$${base##*.}/$$base" || exit 1; \
	done
	sysconfdir="$(SYSCONFDIR)"; \
	if [ -z "$$sysconfdir" ]; then \
		case "$(PREFIX)" in /usr|/usr/|/usr/local|/usr/local/) sysconfdir=/etc ;; *) sysconfdir="$(PREFIX)/etc" ;; esac; \
	fi; \
	rm -f "$(DESTDIR)$(SYSTEMDUNITDIR)/taskmaster.service" "$(DESTDIR)$$sysconfdir/logrotate.d/taskmaster"
	for link in $(COMPAT_LINKS); do \
		target="$(DESTDIR)$(BINDIR)/$$link"; \
		if [ "$$(readlink "$$target" 2>/dev/null)" = taskmaster ]; then rm -f "$$target" || exit 1; fi; \
	done
	rmdir "$(DESTDIR)$(OTHERCOMPDIR)" "$(DESTDIR)$(DATADIR)/taskmaster" 2>/dev/null || true

.PHONY: all build test install install-files install-compat uninstall

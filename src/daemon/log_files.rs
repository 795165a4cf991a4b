//! Where output goes: log files that rotate at a size, keeping N backups.
//!
//! [`RotatingFile`] is used for each child's stdout and stderr log and for the daemon's own
//! activity log. It rotates only between lines when it can (so a line is never split across two
//! files), never rotates what is not a regular file (`/dev/stdout`, a FIFO), and opens lazily so a
//! failed open is retried at the next write instead of losing the process.
//!
//! A write that stops short (a full disk, a file size limit) is counted to the byte, so the
//! retry resumes exactly where it stopped: nothing is written twice and no line is spliced.
//! An AUTO log (a name the daemon chose in childlogdir, a directory others may write to) is
//! never opened through a symlink, and a file there that another user owns or that has other
//! hard links is refused rather than written or read.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

pub struct RotatingFile {
    path: PathBuf,
    maxbytes: u64,
    backups: u32,
    file: Option<File>,
    size: u64,
    /// Whether the open file can be rotated (a regular file).
    rotatable: bool,
    /// How much of the last failed `write_all` did land, so a retry does not duplicate it.
    partial: usize,
    /// The file ends inside a line.
    mid_line: bool,
    /// An AUTO log: opened with the care a shared directory needs (see the module doc).
    auto: bool,
}

/// How far past maxbytes a file may grow to finish the line it ends with.
pub const LINE_OVERFLOW: usize = 64 * 1024;

impl RotatingFile {
    pub fn new(path: PathBuf, maxbytes: u64, backups: u32) -> Self {
        RotatingFile {
            path,
            maxbytes,
            backups,
            file: None,
            size: 0,
            rotatable: false,
            partial: 0,
            mid_line: false,
            auto: false,
        }
    }

    /// Marks the log as AUTO-named.
    pub fn auto_named(mut self, auto: bool) -> Self {
        self.auto = auto;
        self
    }

    /// Opens the log for reading (`tail`), under the same rules as for writing.
    pub fn open_for_reading(&self) -> io::Result<File> {
        open_log(&self.path, self.auto, OpenOptions::new().read(true))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file ends inside a line (opening it to find out, after a reopen).
    pub fn ends_mid_line(&mut self) -> bool {
        self.open().is_ok() && self.mid_line
    }

    fn open(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            // An AUTO log holds another user's output: private, as supervisord's mkstemp makes it.
            let mode = if self.auto { 0o600 } else { 0o666 };
            let file = open_log(&self.path, self.auto, OpenOptions::new().create(true).append(true).mode(mode))?;
            let meta = file.metadata()?;
            self.rotatable = meta.is_file();
            self.size = if self.rotatable { meta.len() } else { 0 };
            // A file left inside a line (a write cut short, a daemon killed) is finished first.
            self.mid_line =
                self.rotatable && self.size > 0 && matches!(self.last_byte_of(&meta), Some(b) if b != b'\n');
            self.file = Some(file);
        }
        Ok(self.file.as_mut().expect("just opened"))
    }

    /// The last byte of the file at the path, if it is still the file `meta` describes (the log
    /// is opened append-only, so it is read through a second descriptor).
    fn last_byte_of(&self, meta: &std::fs::Metadata) -> Option<u8> {
        let reader = self.open_for_reading().ok()?;
        let same = reader.metadata().ok().is_some_and(|m| (m.dev(), m.ino()) == (meta.dev(), meta.ino()));
        let mut byte = [0u8];
        (same && reader.read_at(&mut byte, meta.len().checked_sub(1)?).ok()? == 1).then_some(byte[0])
    }

    /// Opens (creating) the file now rather than at the first write, as supervisord does when
    /// it spawns a process: a log exists, empty, from the spawn on, for `tail` and readers.
    pub fn create(&mut self) -> io::Result<()> {
        self.open().map(drop)
    }

    /// Closes the file; the next write opens the path again (for logrotate's moves).
    pub fn reopen(&mut self) {
        self.close();
    }

    fn close(&mut self) {
        self.file = None;
    }

    /// How much of the last failed [`Self::write_all`] was written.
    pub fn take_partial_write(&mut self) -> usize {
        std::mem::take(&mut self.partial)
    }

    /// Empties the log and deletes its rotated backups (`clear`).
    pub fn clear(&mut self) -> io::Result<()> {
        self.close();
        for n in 1..=self.backups.max(1) {
            let mut p = self.path.clone().into_os_string();
            p.push(format!(".{n}"));
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        let truncated = if self.auto {
            // Checked before it is emptied: O_TRUNC would act before any check could.
            open_log(&self.path, true, OpenOptions::new().append(true)).and_then(|file| file.set_len(0))
        } else {
            OpenOptions::new().write(true).truncate(true).open(&self.path).map(drop)
        };
        match truncated {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Appends `data`, rotating first whenever it would pass maxbytes.
    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.partial = 0;
        let total = data.len();
        let mut rest = data;
        let outcome = self.write_chunks(&mut rest);
        if outcome.is_err() {
            self.partial = total - rest.len();
        }
        outcome
    }

    fn write_chunks(&mut self, data: &mut &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            self.open()?;
            let chunk = if self.rotatable && self.maxbytes > 0 { self.next_chunk(data)? } else { Some(data.len()) };
            let Some(chunk) = chunk else { continue };
            let file = self.file.as_mut().expect("opened above");
            let (landed, outcome) = write_counted(file, &data[..chunk]);
            self.size += landed as u64;
            if landed > 0 {
                self.mid_line = !data[..landed].ends_with(b"\n");
            }
            *data = &data[landed..];
            outcome?;
        }
        Ok(())
    }

    /// How much of `data` goes into the current file, rotating first when it is full; None
    /// after a rotation (ask again). Files rotate between lines: a line that started in a
    /// file is finished in it, up to [`LINE_OVERFLOW`] past maxbytes.
    fn next_chunk(&mut self, data: &[u8]) -> io::Result<Option<usize>> {
        let line_end = |d: &[u8]| d.iter().position(|&b| b == b'\n').map(|i| i + 1);
        if self.mid_line {
            let over = self.size.saturating_sub(self.maxbytes) as usize;
            if over < LINE_OVERFLOW || self.size < self.maxbytes {
                let allowed = if self.size < self.maxbytes {
                    (self.maxbytes - self.size) as usize + LINE_OVERFLOW
                } else {
                    LINE_OVERFLOW - over
                };
                let finish = line_end(data).unwrap_or(data.len());
                return Ok(Some(finish.min(allowed).min(data.len())));
            }
            // A line longer than the overflow allows: cut it, as nothing else can be done.
            self.rotate()?;
            return Ok(None);
        }
        if self.size >= self.maxbytes {
            self.rotate()?;
            return Ok(None);
        }
        let room = (self.maxbytes - self.size) as usize;
        if data.len() <= room {
            return Ok(Some(data.len()));
        }
        // Up to the last newline that fits; a first line longer than the file starts it anyway.
        Ok(match data[..room].iter().rposition(|&b| b == b'\n') {
            Some(nl) => Some(nl + 1),
            None if self.size == 0 => Some(line_end(data).unwrap_or(data.len()).min(room + LINE_OVERFLOW)),
            None => {
                self.rotate()?;
                None
            }
        })
    }

    /// `path` → `path.1` → … → `path.N`; the oldest falls off. With no backups the file is
    /// emptied instead.
    fn rotate(&mut self) -> io::Result<()> {
        self.close();
        if self.backups == 0 {
            if self.auto {
                open_log(&self.path, true, OpenOptions::new().append(true))?.set_len(0)?;
            } else {
                File::create(&self.path)?;
            }
        } else {
            let numbered = |n: u32| {
                let mut p = self.path.clone().into_os_string();
                p.push(format!(".{n}"));
                PathBuf::from(p)
            };
            for n in (1..self.backups).rev() {
                let from = numbered(n);
                if from.exists() {
                    std::fs::rename(&from, numbered(n + 1))?;
                }
            }
            std::fs::rename(&self.path, numbered(1))?;
        }
        self.open()?;
        Ok(())
    }
}

/// Writes all of `data` unless the file refuses, and says how much landed either way: a short
/// write followed by an error (a full disk) must not be forgotten, or the retry repeats it.
fn write_counted(file: &mut File, data: &[u8]) -> (usize, io::Result<()>) {
    let mut landed = 0;
    while landed < data.len() {
        match file.write(&data[landed..]) {
            Ok(0) => return (landed, Err(io::Error::from(io::ErrorKind::WriteZero))),
            Ok(n) => landed += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (landed, Err(e)),
        }
    }
    (landed, Ok(()))
}

/// Opens a log file with `options`. An AUTO log is opened without following a symlink and
/// must then be a regular file of the daemon's own user with no other hard link: in a shared
/// directory anything else may have been planted there to make the daemon write (or `tail`
/// read) a file it should not.
fn open_log(path: &Path, auto: bool, options: &mut OpenOptions) -> io::Result<File> {
    // O_NONBLOCK: opening a FIFO nobody reads must fail (and be retried), not stall the whole
    // daemon; on a regular file it changes nothing.
    let flags = if auto { libc::O_NONBLOCK | libc::O_NOFOLLOW } else { libc::O_NONBLOCK };
    let file = match options.custom_flags(flags).open(path) {
        Ok(file) => file,
        Err(_) if auto && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            return Err(io::Error::other("is a symbolic link; an AUTO log is never opened through one"));
        }
        Err(e) => return Err(e),
    };
    if auto {
        let meta = file.metadata()?;
        let euid = nix::unistd::geteuid().as_raw();
        if !meta.is_file() {
            return Err(io::Error::other("is not a regular file; refusing it as an AUTO log"));
        }
        if meta.uid() != euid {
            let owner = meta.uid();
            return Err(io::Error::other(format!("is owned by uid {owner}, not {euid}; refusing it as an AUTO log")));
        }
        if meta.nlink() > 1 {
            return Err(io::Error::other("has other hard links; refusing it as an AUTO log"));
        }
    }
    Ok(file)
}

/// How much output a failing log may hold back before the oldest is dropped.
pub const MAX_PENDING_OUTPUT: usize = 4 << 20;

/// One output channel's log: timestamps if asked, and a bounded backlog that rides out a
/// failing disk (full, or a file that cannot be opened for a while) instead of losing data.
pub struct ChannelLog {
    file: Option<RotatingFile>,
    timestamps: bool,
    at_line_start: bool,
    /// Output not yet written because the last write failed, oldest first.
    backlog: Vec<u8>,
    /// Bytes dropped because the backlog was full, not yet reported.
    dropped: u64,
    /// The last write failed: report recovery once.
    failing: bool,
}

/// What happened to a write, for the activity log.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteReport {
    Written,
    /// The write failed; the data waits in the backlog.
    Failed(String),
    /// Writes work again after a failure; `dropped` bytes were lost meanwhile.
    Recovered {
        dropped: u64,
    },
}

impl ChannelLog {
    pub fn new(file: Option<RotatingFile>, timestamps: bool) -> Self {
        ChannelLog { file, timestamps, at_line_start: true, backlog: Vec::new(), dropped: 0, failing: false }
    }

    pub fn file(&self) -> Option<&RotatingFile> {
        self.file.as_ref()
    }

    pub fn has_backlog(&self) -> bool {
        !self.backlog.is_empty()
    }

    /// How many bytes wait for the log to be writable again.
    pub fn backlog_len(&self) -> usize {
        self.backlog.len()
    }

    /// Gives up on what is held back: returns its size, and how much had been dropped before
    /// (the backlog's bound) and not yet reported. The next failure is a new spell.
    pub fn discard_backlog(&mut self) -> (usize, u64) {
        let held = std::mem::take(&mut self.backlog).len();
        self.failing = false;
        (held, std::mem::take(&mut self.dropped))
    }

    pub fn reopen(&mut self) {
        if let Some(file) = &mut self.file {
            file.reopen();
        }
    }

    /// Creates the log file at a spawn. A failure changes nothing: the first write retries the
    /// open and reports it, and the process is never refused for its log.
    pub fn create(&mut self) {
        if let Some(file) = &mut self.file {
            let _ = file.create();
        }
    }

    /// Empties the log and its backups, and forgets any backlog.
    pub fn clear(&mut self) -> std::io::Result<()> {
        self.backlog.clear();
        match &mut self.file {
            Some(file) => file.clear(),
            None => Ok(()),
        }
    }

    /// Logs `data` (the backlog first). Without a file, output is discarded.
    pub fn write(&mut self, data: &[u8]) -> WriteReport {
        if self.file.is_none() {
            return WriteReport::Written;
        }
        if self.timestamps {
            let stamped = self.stamp(data);
            self.write_raw(&stamped)
        } else {
            self.write_raw(data)
        }
    }

    fn write_raw(&mut self, data: &[u8]) -> WriteReport {
        let Some(file) = &mut self.file else { return WriteReport::Written };
        if self.backlog.is_empty() {
            // The common case writes straight from the read buffer, with no copy.
            match file.write_all(data) {
                Ok(()) => return WriteReport::Written,
                Err(e) => {
                    let written = file.take_partial_write().min(data.len());
                    file.reopen();
                    let why = format!("{}: {e}", file.path().display());
                    self.backlog.extend_from_slice(&data[written..]);
                    self.trim_backlog();
                    self.failing = true;
                    return WriteReport::Failed(why);
                }
            }
        }
        self.backlog.extend_from_slice(data);
        self.trim_backlog();
        self.flush_backlog()
    }

    /// Drops the oldest held-back output beyond [`MAX_PENDING_OUTPUT`].
    fn trim_backlog(&mut self) {
        if self.backlog.len() > MAX_PENDING_OUTPUT {
            let excess = self.backlog.len() - MAX_PENDING_OUTPUT;
            self.backlog.drain(..excess);
            self.dropped += excess as u64;
        }
    }

    /// Retries the backlog.
    pub fn flush_backlog(&mut self) -> WriteReport {
        let Some(file) = &mut self.file else { return WriteReport::Written };
        if self.backlog.is_empty() {
            return WriteReport::Written;
        }
        match file.write_all(&self.backlog) {
            Ok(()) => {
                self.backlog.clear();
                if std::mem::take(&mut self.failing) {
                    WriteReport::Recovered { dropped: std::mem::take(&mut self.dropped) }
                } else {
                    WriteReport::Written
                }
            }
            Err(e) => {
                // A partial write may have landed; RotatingFile reports how much, so keep the rest.
                let written = file.take_partial_write();
                self.backlog.drain(..written.min(self.backlog.len()));
                file.reopen();
                self.failing = true;
                WriteReport::Failed(format!("{}: {e}", file.path().display()))
            }
        }
    }

    /// Prefixes each line that starts in `data` with the current time.
    fn stamp(&mut self, data: &[u8]) -> Vec<u8> {
        let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
        let mut out = Vec::with_capacity(data.len() + 40);
        for piece in data.split_inclusive(|&b| b == b'\n') {
            if self.at_line_start {
                out.extend_from_slice(now.as_bytes());
                out.push(b' ');
            }
            out.extend_from_slice(piece);
            self.at_line_start = piece.ends_with(b"\n");
        }
        out
    }

    /// A line written by the daemon itself (spawn and exit markers), on a line of its own and
    /// never stamped (it carries its own time).
    pub fn marker(&mut self, text: &str) -> WriteReport {
        let mut line = Vec::new();
        let mid_line = if self.timestamps {
            !self.at_line_start
        } else {
            self.file.as_mut().is_some_and(RotatingFile::ends_mid_line)
        };
        if mid_line {
            line.push(b'\n');
            self.at_line_start = true;
        }
        line.extend_from_slice(text.as_bytes());
        line.push(b'\n');
        self.write_raw(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_between_lines_and_keeps_n_backups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.log");
        let mut log = RotatingFile::new(path.clone(), 20, 2);
        for i in 0..10 {
            log.write_all(format!("line {i:02}\n").as_bytes()).unwrap();
        }
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        let current = read(&path);
        let one = read(&dir.path().join("out.log.1"));
        let two = read(&dir.path().join("out.log.2"));
        assert!(!dir.path().join("out.log.3").exists());
        for text in [&current, &one, &two] {
            assert!(text.len() <= 20, "{text:?}");
            assert!(text.ends_with('\n'));
        }
        assert_eq!(format!("{two}{one}{current}"), (4..10).map(|i| format!("line {i:02}\n")).collect::<String>());
    }

    #[test]
    fn zero_maxbytes_never_rotates_and_big_writes_are_split() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.log");
        let mut log = RotatingFile::new(path.clone(), 0, 2);
        log.write_all(&[b'x'; 1000]).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 1000);
        let mut log = RotatingFile::new(dir.path().join("b.log"), 10, 1);
        log.write_all(b"0123456789abcdefghij\nxy\n").unwrap();
        let all = std::fs::read_to_string(dir.path().join("b.log.1")).unwrap()
            + &std::fs::read_to_string(dir.path().join("b.log")).unwrap();
        assert!(all.ends_with("xy\n"));
    }

    #[test]
    fn a_failing_log_keeps_a_bounded_backlog_and_reports_what_it_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone/out.log");
        let mut log = ChannelLog::new(Some(RotatingFile::new(path.clone(), 0, 0)), false);
        assert!(matches!(log.write(b"first\n"), WriteReport::Failed(_)));
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..5 {
            log.write(&chunk);
        }
        assert!(log.has_backlog());
        std::fs::create_dir(dir.path().join("gone")).unwrap();
        let report = log.write(b"last\n");
        let dropped = 6 + 5 * (1 << 20) + 5 - MAX_PENDING_OUTPUT as u64;
        assert_eq!(report, WriteReport::Recovered { dropped });
        let written = std::fs::read(&path).unwrap();
        assert_eq!(written.len(), MAX_PENDING_OUTPUT);
        assert!(written.ends_with(b"xlast\n"));
    }

    /// A FIFO whose reader is slow makes writes stop short (the pipe takes what fits) and then
    /// fail (EAGAIN), as a full disk does: what landed must never be written again.
    #[test]
    fn a_write_cut_short_resumes_at_the_exact_byte() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let mut reader = OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(&path).unwrap();
        let mut drain = |got: &mut Vec<u8>| {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                got.extend_from_slice(&buf[..n]);
            }
        };
        let data: Vec<u8> = (0..20_000).flat_map(|i| format!("line {i:06}\n").into_bytes()).collect();
        let mut log = ChannelLog::new(Some(RotatingFile::new(path.clone(), 0, 0)), false);
        let mut got = Vec::new();
        let mut report = log.write(&data);
        assert!(matches!(report, WriteReport::Failed(_)), "{report:?}");
        let mut rounds = 0;
        while log.has_backlog() {
            drain(&mut got);
            report = log.flush_backlog();
            rounds += 1;
            assert!(rounds < 1000, "the backlog does not drain");
        }
        drain(&mut got);
        assert_eq!(report, WriteReport::Recovered { dropped: 0 });
        assert_eq!(got.len(), data.len());
        assert!(got == data, "the output was duplicated or spliced");
    }

    #[test]
    fn a_file_left_inside_a_line_is_finished_before_a_marker() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.log");
        std::fs::write(&path, "cut sho").unwrap();
        let mut log = ChannelLog::new(Some(RotatingFile::new(path.clone(), 0, 0)), false);
        log.write(b"rt\n");
        log.reopen();
        log.write(b"partial");
        log.reopen();
        assert_eq!(log.marker("--- marker ---"), WriteReport::Written);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "cut short\npartial\n--- marker ---\n");
    }

    #[test]
    fn timestamps_start_each_line_even_across_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.log");
        let mut log = ChannelLog::new(Some(RotatingFile::new(path.clone(), 0, 0)), true);
        log.write(b"a\nb");
        log.write(b"c\n");
        log.marker("--- marker ---");
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].ends_with(" a") && lines[1].ends_with(" bc"), "{text}");
        assert_eq!(lines[2], "--- marker ---");
    }
}

//! Where output goes: log files that rotate at a size, keeping N backups.
//!
//! [`RotatingFile`] is used for each child's stdout and stderr log and for the daemon's own
//! activity log. It rotates only between lines when it can (so a line is never split across two
//! files), never rotates what is not a regular file (`/dev/stdout`, a FIFO), and opens lazily so a
//! failed open is retried at the next write instead of losing the process.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub struct RotatingFile {
    path: PathBuf,
    maxbytes: u64,
    backups: u32,
    file: Option<File>,
    size: u64,
    /// Whether the open file can be rotated (a regular file).
    rotatable: bool,
}

impl RotatingFile {
    pub fn new(path: PathBuf, maxbytes: u64, backups: u32) -> Self {
        RotatingFile { path, maxbytes, backups, file: None, size: 0, rotatable: false }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            let file = OpenOptions::new().create(true).append(true).open(&self.path)?;
            let meta = file.metadata()?;
            self.rotatable = meta.is_file();
            self.size = if self.rotatable { meta.len() } else { 0 };
            self.file = Some(file);
        }
        Ok(self.file.as_mut().expect("just opened"))
    }

    /// Closes the file; the next write opens the path again (for logrotate's moves).
    pub fn reopen(&mut self) {
        self.file = None;
    }

    /// Appends `data`, rotating first whenever it would pass maxbytes.
    pub fn write_all(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            self.open()?;
            let chunk = if self.rotatable && self.maxbytes > 0 {
                let room = self.maxbytes.saturating_sub(self.size) as usize;
                if data.len() <= room {
                    data.len()
                } else {
                    // Cut after the last newline that fits, so no line straddles two files.
                    match data[..room].iter().rposition(|&b| b == b'\n') {
                        Some(nl) => nl + 1,
                        None if self.size == 0 => room.max(1),
                        None => {
                            self.rotate()?;
                            continue;
                        }
                    }
                }
            } else {
                data.len()
            };
            let file = self.file.as_mut().expect("opened above");
            file.write_all(&data[..chunk])?;
            self.size += chunk as u64;
            data = &data[chunk..];
            if self.rotatable && self.maxbytes > 0 && self.size >= self.maxbytes && !data.is_empty() {
                self.rotate()?;
            }
        }
        Ok(())
    }

    /// `path` → `path.1` → … → `path.N`; the oldest falls off. With no backups the file is
    /// emptied instead.
    fn rotate(&mut self) -> io::Result<()> {
        self.file = None;
        if self.backups == 0 {
            File::create(&self.path)?;
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
}

//! supervisord's capture mode on a process's output channel (`POutputDispatcher.record_output`):
//! with `*_capture_maxbytes` set, what the process writes between `<!--XSUPERVISOR:BEGIN-->`
//! and `<!--XSUPERVISOR:END-->` is kept aside (at most that many bytes, as supervisord's
//! `BoundIO` keeps them) instead of going to the log, and becomes one PROCESS_COMMUNICATION
//! event at the end token. Pure: the caller logs and emits what [`Capture::feed`] returns.

pub const BEGIN_TOKEN: &[u8] = b"<!--XSUPERVISOR:BEGIN-->";
pub const END_TOKEN: &[u8] = b"<!--XSUPERVISOR:END-->";

/// A piece of output, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Output for the log (and PROCESS_LOG events).
    Log(Vec<u8>),
    /// Output kept aside in capture mode: not logged, but still a PROCESS_LOG event, as in
    /// supervisord.
    Captured(Vec<u8>),
    /// The end token closed a capture: a PROCESS_COMMUNICATION event with this data.
    Communication(Vec<u8>),
}

/// One channel's capture state, from the process's spawn to its exit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capture {
    maxbytes: usize,
    capturing: bool,
    pending: Vec<u8>,
    captured: Vec<u8>,
}

/// asynchat's `find_prefix_at_end`: how long a prefix of `needle` ends `haystack`.
fn prefix_at_end(haystack: &[u8], needle: &[u8]) -> usize {
    let mut l = needle.len() - 1;
    while l > 0 && !haystack.ends_with(&needle[..l]) {
        l -= 1;
    }
    l
}

impl Capture {
    pub fn new(maxbytes: u64) -> Capture {
        Capture { maxbytes: usize::try_from(maxbytes).unwrap_or(usize::MAX), ..Capture::default() }
    }

    fn log(&mut self, data: Vec<u8>, out: &mut Vec<Piece>) {
        if data.is_empty() {
            return;
        }
        if self.capturing {
            // BoundIO.write: past the bound, as many bytes as are written are dropped from the front.
            if self.captured.len() + data.len() > self.maxbytes {
                let drop = data.len().min(self.captured.len());
                self.captured.drain(..drop);
            }
            self.captured.extend_from_slice(&data);
            out.push(Piece::Captured(data));
        } else {
            out.push(Piece::Log(data));
        }
    }

    fn toggle(&mut self, out: &mut Vec<Piece>) {
        self.capturing = !self.capturing;
        if !self.capturing {
            out.push(Piece::Communication(std::mem::take(&mut self.captured)));
        }
    }

    /// The process is gone: what waits for more output, outside a capture, is for the log
    /// (supervisord would drop it).
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        let pending = std::mem::take(&mut self.pending);
        (!self.capturing && !pending.is_empty()).then_some(pending)
    }

    /// The channel said `data`.
    pub fn feed(&mut self, data: &[u8]) -> Vec<Piece> {
        let mut out = Vec::new();
        self.pending.extend_from_slice(data);
        if self.maxbytes == 0 {
            let all = std::mem::take(&mut self.pending);
            self.log(all, &mut out);
            return out;
        }
        loop {
            let token = if self.capturing { END_TOKEN } else { BEGIN_TOKEN };
            if self.pending.len() <= token.len() {
                return out;
            }
            let mut data = std::mem::take(&mut self.pending);
            match data.windows(token.len()).position(|w| w == token) {
                None => {
                    let keep = prefix_at_end(&data, token);
                    if keep > 0 {
                        self.pending = data.split_off(data.len() - keep);
                    }
                    self.log(data, &mut out);
                    return out;
                }
                Some(at) => {
                    let after = data.split_off(at + token.len());
                    data.truncate(at);
                    self.log(data, &mut out);
                    self.toggle(&mut out);
                    self.pending = after;
                    if self.pending.is_empty() {
                        return out;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_maxbytes_everything_is_logged() {
        let mut c = Capture::new(0);
        assert_eq!(c.feed(b"a<!--XSUPERVISOR:BEGIN-->b"), [Piece::Log(b"a<!--XSUPERVISOR:BEGIN-->b".to_vec())]);
    }

    #[test]
    fn a_capture_becomes_one_communication() {
        let mut c = Capture::new(100);
        let out = c.feed(b"before <!--XSUPERVISOR:BEGIN-->hello<!--XSUPERVISOR:END--> after");
        assert_eq!(
            out,
            [
                Piece::Log(b"before ".to_vec()),
                Piece::Captured(b"hello".to_vec()),
                Piece::Communication(b"hello".to_vec()),
            ]
        );
        // As supervisord, output no longer than a token waits for more...
        assert_eq!(c.feed(b""), []);
        // ...or for the end of the process, where it is logged rather than lost.
        assert_eq!(c.finish(), Some(b" after".to_vec()));
    }

    #[test]
    fn tokens_split_across_reads_are_found() {
        let mut c = Capture::new(100);
        let mut out = c.feed(b"0123456789012345678901234x<!--XSUPER");
        assert_eq!(out, [Piece::Log(b"0123456789012345678901234x".to_vec())]);
        out = c.feed(b"VISOR:BEGIN-->ab");
        out.extend(c.feed(b"c<!--XSUPERVISOR:E"));
        out.extend(c.feed(b"ND-->"));
        assert!(out.contains(&Piece::Communication(b"abc".to_vec())), "{out:?}");
        // A token alone is no longer than itself: it waits, as in supervisord.
        assert_eq!(c.feed(b"<!--XSUPERVISOR:BEGIN-->"), []);
    }

    #[test]
    fn the_capture_is_bounded_as_boundio() {
        let mut c = Capture::new(4);
        let out = c.feed(b"<!--XSUPERVISOR:BEGIN-->abc");
        assert!(out.is_empty(), "{out:?}: too short to tell yet");
        c.feed(&[b'A'; 30]);
        c.feed(&[b'B'; 25]);
        let out = c.feed(b"<!--XSUPERVISOR:END-->\n");
        let want: Vec<u8> = [b'A'; 8].iter().chain(&[b'B'; 25]).copied().collect();
        assert!(out.contains(&Piece::Communication(want)), "{out:?}");
    }
}

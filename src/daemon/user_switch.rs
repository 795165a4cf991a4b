//! Switching to a configured user, for the daemon's own `[taskmasterd] user` at start-up and for
//! a program's `user` in its child. The one routine for both: [`Credentials::of`] looks the user
//! up and checks in the parent, where an error can be reported precisely; [`Credentials::apply`]
//! switches with async-signal-safe calls only, so a child can run it between fork and exec.

use std::ffi::CString;

use nix::unistd::{Gid, Uid, User};

/// The identity to switch to: a user's uid, primary gid and supplementary groups.
pub struct Credentials {
    uid: Uid,
    gid: Gid,
    groups: Vec<Gid>,
}

impl Credentials {
    /// Looks `user` (a name or a uid) up. None when the daemon already runs as that user;
    /// an error when it is unknown or the daemon is not root.
    pub fn of(user: &str) -> Result<Option<Credentials>, String> {
        let found = match user.parse::<u32>() {
            Ok(uid) => User::from_uid(Uid::from_raw(uid)),
            Err(_) => User::from_name(user),
        };
        let entry = found
            .map_err(|e| format!("can't look up user '{user}': {e}"))?
            .ok_or_else(|| format!("no such user '{user}'"))?;
        if entry.uid == Uid::effective() {
            return Ok(None);
        }
        if !Uid::effective().is_root() {
            return Err(format!("can't switch to user '{user}': the daemon is not running as root"));
        }
        let name = CString::new(entry.name.as_str()).map_err(|_| format!("bad user name '{user}'"))?;
        #[cfg(not(target_os = "macos"))]
        let groups = nix::unistd::getgrouplist(&name, entry.gid)
            .map_err(|e| format!("can't list the groups of '{user}': {e}"))?;
        #[cfg(target_os = "macos")]
        let groups = {
            let _ = name;
            vec![entry.gid]
        };
        Ok(Some(Credentials { uid: entry.uid, gid: entry.gid, groups }))
    }

    /// Switches the calling process: groups, then gid, then uid (the order that keeps the
    /// right to do each). Only async-signal-safe calls on prepared data: callable in a child
    /// between fork and exec.
    pub fn apply(&self) -> nix::Result<()> {
        nix::unistd::setgroups(&self.groups)?;
        nix::unistd::setgid(self.gid)?;
        nix::unistd::setuid(self.uid)
    }
}

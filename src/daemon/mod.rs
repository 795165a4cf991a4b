pub fn run(_args: &crate::cli::DaemonArgs) -> anyhow::Result<()> {
    anyhow::bail!("todo")
}

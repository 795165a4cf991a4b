pub fn run(_args: &crate::cli::CtlArgs) -> u8 {
    1
}

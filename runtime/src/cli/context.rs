//! What every command shares: the settings it runs with, and how it writes to stdout.

use std::io::Write;

use super::args::OutputFormat;
use super::failure::{Failure, redact};
use super::style::Palette;
use crate::Error;

/// The settings every command shares.
pub(crate) struct Context {
    pub(crate) url: String,
    pub(crate) format: OutputFormat,
    pub(crate) palette: Palette,
    pub(crate) verbose: bool,
}

impl Context {
    pub(crate) fn fail(&self, command: &'static str) -> impl Fn(Error) -> Failure + '_ {
        move |source| Failure::Migrate {
            command,
            url: redact(&self.url),
            source: Box::new(source),
        }
    }
}

/// Writes `text` to stdout, adding a final newline when it lacks one.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

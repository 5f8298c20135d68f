//! The exit codes scripts and CI gates rely on.

use std::process::ExitCode;

/// How a command ended; the numbers are documented in `--help` and never change.
///
/// ```
/// use lockgate_runtime::cli::Exit;
/// assert_eq!(Exit::Pending.code(), 3);
/// assert_eq!(std::process::ExitCode::from(Exit::Usage), std::process::ExitCode::from(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did what was asked.
    Success,
    /// 1: the command failed: a migration, the connection, or the database.
    Failure,
    /// 2: the command line was wrong.
    Usage,
    /// 3: `status --check` found pending migrations.
    Pending,
}

impl Exit {
    /// The process exit code.
    ///
    /// ```
    /// use lockgate_runtime::cli::Exit;
    /// assert_eq!(Exit::Success.code(), 0);
    /// ```
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Pending => 3,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

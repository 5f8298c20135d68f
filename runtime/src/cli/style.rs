//! Colour for human output: on for terminals, off for pipes and files, and off whenever NO_COLOR is set.

use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};

use super::args::ColorChoice;

/// The styles human output uses; every method returns the text unchanged when colour is off.
///
/// ```
/// use lockgate_runtime::cli::Palette;
/// assert_eq!(Palette::plain().ok("applied"), "applied");
/// assert_eq!(Palette::coloured().ok("applied"), "\u{1b}[32mapplied\u{1b}[0m");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    colour: bool,
}

impl Palette {
    /// A palette that never colours.
    ///
    /// ```
    /// use lockgate_runtime::cli::Palette;
    /// assert!(!Palette::plain().is_coloured());
    /// ```
    pub fn plain() -> Self {
        Palette { colour: false }
    }

    /// A palette that always colours.
    ///
    /// ```
    /// use lockgate_runtime::cli::Palette;
    /// assert!(Palette::coloured().is_coloured());
    /// ```
    pub fn coloured() -> Self {
        Palette { colour: true }
    }

    /// The palette for stdout under a `--color` choice: `auto` colours only a terminal, and only
    /// when `NO_COLOR` is unset or empty (<https://no-color.org>).
    ///
    /// ```
    /// use lockgate_runtime::cli::{ColorChoice, Palette};
    /// assert!(!Palette::for_stdout(ColorChoice::Never).is_coloured());
    /// ```
    pub fn for_stdout(choice: ColorChoice) -> Self {
        match choice {
            ColorChoice::Always => Palette::coloured(),
            ColorChoice::Never => Palette::plain(),
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
                Palette {
                    colour: !no_color && !dumb && std::io::stdout().is_terminal(),
                }
            }
        }
    }

    /// Whether this palette emits escape codes.
    ///
    /// ```
    /// use lockgate_runtime::cli::Palette;
    /// assert!(!Palette::default().is_coloured());
    /// ```
    pub fn is_coloured(self) -> bool {
        self.colour
    }

    fn paint(self, style: Style, text: &str) -> String {
        if self.colour {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    /// Success: applied migrations, `done`.
    ///
    /// ```
    /// # use lockgate_runtime::cli::Palette;
    /// assert_eq!(Palette::plain().ok("done"), "done");
    /// ```
    pub fn ok(self, text: &str) -> String {
        self.paint(AnsiColor::Green.on_default(), text)
    }

    /// Something waiting: pending migrations.
    ///
    /// ```
    /// # use lockgate_runtime::cli::Palette;
    /// assert_eq!(Palette::plain().warn("pending"), "pending");
    /// ```
    pub fn warn(self, text: &str) -> String {
        self.paint(AnsiColor::Yellow.on_default(), text)
    }

    /// Failure: failed or changed migrations, errors.
    ///
    /// ```
    /// # use lockgate_runtime::cli::Palette;
    /// assert_eq!(Palette::plain().error("failed"), "failed");
    /// ```
    pub fn error(self, text: &str) -> String {
        self.paint(AnsiColor::Red.on_default().bold(), text)
    }

    /// Headers and emphasis.
    ///
    /// ```
    /// # use lockgate_runtime::cli::Palette;
    /// assert_eq!(Palette::plain().bold("VERSION"), "VERSION");
    /// ```
    pub fn bold(self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    /// Secondary detail: SQL, durations, comments.
    ///
    /// ```
    /// # use lockgate_runtime::cli::Palette;
    /// assert_eq!(Palette::plain().dim("-- 3 statements"), "-- 3 statements");
    /// ```
    pub fn dim(self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }
}

impl Default for Palette {
    fn default() -> Self {
        Palette::plain()
    }
}

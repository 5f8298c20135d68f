//! Aligned text tables whose widths ignore colour escape codes.

/// A table of text cells, printed with columns padded to their widest cell.
///
/// ```
/// use lockgate_runtime::cli::Table;
/// let mut table = Table::new(["VERSION", "NAME"]);
/// table.row(["1", "create tenants"]);
/// table.row(["20250101090000", "seed"]);
/// assert_eq!(
///     table.render(|h| h.to_owned()),
///     "VERSION         NAME\n1               create tenants\n20250101090000  seed\n",
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    ///
    /// ```
    /// use lockgate_runtime::cli::Table;
    /// assert!(Table::new(["A"]).is_empty());
    /// ```
    pub fn new<I, S>(header: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; cells may carry colour escape codes.
    ///
    /// ```
    /// use lockgate_runtime::cli::Table;
    /// let mut t = Table::new(["A"]);
    /// t.row(["x"]);
    /// assert!(!t.is_empty());
    /// ```
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Whether the table has no rows.
    ///
    /// ```
    /// use lockgate_runtime::cli::Table;
    /// assert!(Table::new(["A"]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines of text; `header_style` styles each header cell (e.g. bold). Columns are
    /// separated by two spaces and trailing blanks are trimmed.
    ///
    /// ```
    /// use lockgate_runtime::cli::Table;
    /// let mut t = Table::new(["A", "B"]);
    /// t.row(["\u{1b}[32mok\u{1b}[0m", "x"]);
    /// assert_eq!(t.render(|h| h.to_owned()), "A   B\n\u{1b}[32mok\u{1b}[0m  x\n");
    /// ```
    pub fn render(&self, header_style: impl Fn(&str) -> String) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.header.len()])
            .max()
            .unwrap_or(0);
        let mut widths = vec![0; columns];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(visible_width(cell));
            }
        }
        let header: Vec<String> = self.header.iter().map(|h| header_style(h)).collect();
        let mut out = String::new();
        for row in std::iter::once(&header).chain(&self.rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                let pad = widths[i].saturating_sub(visible_width(cell));
                line.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// The number of columns a terminal gives `text` (two for a wide character), skipping ANSI escape sequences.
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // An SGR sequence runs to its final letter; nothing in it takes up a column.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_codes_take_no_width() {
        assert_eq!(visible_width("\u{1b}[1;31mfailed\u{1b}[0m"), 6);
        assert_eq!(visible_width("plain"), 5);
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(visible_width("契約"), 4);
        let mut t = Table::new(["NAME", "STATE"]);
        t.row(["契約テンプレート", "applied"]);
        t.row(["contracts", "pending"]);
        let lines: Vec<String> = t.render(|h| h.to_owned()).lines().map(str::to_owned).collect();
        let column = |line: &str| visible_width(&line[..line.find("applied").or(line.find("pending")).unwrap()]);
        assert_eq!(column(&lines[1]), column(&lines[2]), "{lines:?}");
    }

    #[test]
    fn coloured_cells_align_with_plain_ones() {
        let mut t = Table::new(["STATE", "NAME"]);
        t.row(["\u{1b}[32mapplied\u{1b}[0m", "a"]);
        t.row(["pending", "b"]);
        let plain: Vec<String> = t
            .render(|h| h.to_owned())
            .lines()
            .map(|l| l.replace("\u{1b}[32m", "").replace("\u{1b}[0m", ""))
            .collect();
        assert_eq!(plain, ["STATE    NAME", "applied  a", "pending  b"]);
    }
}

//! The table of every Rust column type and what it is on each backend, as `dsl/src/types/mapping.md` shows it
//! (and the `types` module's documentation includes it): rendered here, so the page cannot drift from the code.
//! `LOCKGATE_BLESS=1` rewrites the page.

use lockgate_dsl::Backend;
use lockgate_dsl::render::{RenderError, column_type_sql};
use lockgate_dsl::types::{
    Array, Blob, Char, Citext, Date, Decimal, Inet, Interval, Json, JsonText, SqlType, Time, Timestamp, Timestamptz,
    Uuid, Varchar,
};

fn row<T: SqlType>(rust: &str) -> (String, Vec<String>) {
    let ty = T::column_type();
    let cells = Backend::ALL
        .iter()
        .map(|&backend| match column_type_sql(&ty, backend, "c") {
            Ok(sql) => format!("`{sql}`"),
            Err(RenderError::Unsupported { hint, .. }) => format!("error: {hint}"),
            Err(other) => format!("error: {other}"),
        })
        .collect();
    (format!("`{rust}`"), cells)
}

fn table() -> String {
    let rows = [
        row::<bool>("bool"),
        row::<i16>("i16"),
        row::<i32>("i32"),
        row::<i64>("i64"),
        row::<f32>("f32"),
        row::<f64>("f64"),
        row::<String>("String"),
        row::<Varchar<80>>("Varchar<80>"),
        row::<Char<2>>("Char<2>"),
        row::<Decimal<12, 2>>("Decimal<12, 2>"),
        row::<Vec<u8>>("Vec<u8>"),
        row::<Blob<255>>("Blob<255>"),
        row::<Blob<65_535>>("Blob<65_535>"),
        row::<Blob<16_777_215>>("Blob<16_777_215>"),
        row::<Uuid>("Uuid"),
        row::<Json>("Json"),
        row::<JsonText>("JsonText"),
        row::<Date>("Date"),
        row::<Time>("Time"),
        row::<Timestamp>("Timestamp"),
        row::<Timestamp<3>>("Timestamp<3>"),
        row::<Timestamptz>("Timestamptz"),
        row::<Timestamptz<0>>("Timestamptz<0>"),
        row::<Inet>("Inet"),
        row::<Citext>("Citext"),
        row::<Interval>("Interval"),
        row::<Array<i32>>("Array<i32>"),
        row::<Array<Varchar<20>>>("Array<Varchar<20>>"),
    ];
    let mut out = String::from("| Rust type | PostgreSQL | MySQL/MariaDB | SQLite |\n|---|---|---|---|\n");
    for (rust, cells) in rows {
        out.push_str(&format!("| {rust} | {} |\n", cells.join(" | ")));
    }
    out.push_str("| `Option<T>` | `T`, `NULL` allowed | `T`, `NULL` allowed | `T`, `NULL` allowed |\n");
    out.push_str(
        "| a `create_enum` type (`ColumnDef::of_type`) | the enum type | error: only PostgreSQL has named enum \
         types; use a varchar column with a check constraint | the same error |\n",
    );
    out
}

#[test]
fn the_type_table_is_what_the_renderer_does() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/types/mapping.md");
    let page = std::fs::read_to_string(path).unwrap_or_default();
    let start = page.find("| Rust type |").unwrap_or(page.len());
    let end = page[start..].find("\n\n").map_or(page.len(), |i| start + i + 1);
    let expected = table();
    if std::env::var_os("LOCKGATE_BLESS").is_some() {
        std::fs::write(path, format!("{}{expected}{}", &page[..start], &page[end..])).unwrap();
        return;
    }
    assert_eq!(
        &page[start..end],
        expected,
        "dsl/src/types/mapping.md is out of date: run `LOCKGATE_BLESS=1 cargo test -p lockgate-dsl --test type_mapping`"
    );
}

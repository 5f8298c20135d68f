//! `foreign_keys` takes `false`; `session(...)` takes `<backend> = "<variable> = <value>"` with a plain variable
//! name and a value.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(
    version = 1,
    foreign_keys = "off",
    session(postgress = "statement_timeout = '5min'"),
    session(mysql = "sql_mode"),
    session(sqlite = "cache_size; DROP TABLE t = 1"),
    session(postgres = "work_mem = "),
    session = "statement_timeout = 0"
)]
struct LoadChildrenFirst;

impl Change for LoadChildrenFirst {
    fn change(&self, m: &mut Plan<Self>) {
        m.sql("INSERT INTO t (id) VALUES (1)", "DELETE FROM t WHERE id = 1");
    }
}

fn main() {}

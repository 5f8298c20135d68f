//! Typed migration operations, risk and reversal rules, and SQL rendering for lockgate.
//!
//! A migration plans [operations](operation::Operation) on a [`Plan`]; every operation carries
//! what its inverse needs, so `down` is derived. [`render`] turns operations into SQL for
//! PostgreSQL, MySQL/MariaDB and SQLite; [`checksum`] hashes a canonical encoding of the plan.
//!
//! ```
//! use lockgate_dsl::plan::Plan;
//! use lockgate_dsl::types::{Json, Timestamptz, Uuid};
//!
//! let mut m = Plan::<()>::new();
//! m.create_table("contract_templates", |t| {
//!     t.column::<Uuid>("template_id").primary_key();
//!     t.column::<Uuid>("tenant");
//!     t.column::<String>("template_name");
//!     t.column::<Option<Json>>("template_metadata");
//!     t.column::<Timestamptz>("created_at").default_now();
//!     t.index(["tenant", "template_name"]).unique();
//! });
//! assert_eq!(m.inverse().unwrap()[0].op.kind(), "drop_table");
//! ```

#[doc(hidden)]
pub mod __private;
mod backend;
pub mod check;
pub mod checksum;
mod direction;
mod migration;
pub mod operation;
pub mod plan;
pub mod render;
pub mod risk;
pub mod schema;
pub mod session;
pub mod sql_migration;
pub mod types;
mod value;

pub use backend::Backend;
pub use direction::Direction;
pub use migration::{Change, Down, DownError, Migration, MigrationMeta, TransactionMode, Up};
pub use plan::Plan;
pub use value::{DefaultValue, SqlExpr};

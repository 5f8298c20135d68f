//! Constraint definitions: foreign keys, checks and unique constraints.

use serde::{Deserialize, Serialize};

use super::{default_name, names};

/// What a foreign key does when the referenced row is deleted or updated.
///
/// ```
/// use lockgate_dsl::schema::ReferentialAction;
/// assert_eq!(ReferentialAction::Cascade.sql(), "CASCADE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    /// Refuse the change (checked immediately).
    Restrict,
    /// Delete or update the referencing rows too.
    Cascade,
    /// Set the referencing columns to NULL.
    SetNull,
    /// Set the referencing columns to their default.
    SetDefault,
    /// Refuse the change (checked at the end of the statement).
    NoAction,
}

impl ReferentialAction {
    /// The SQL keyword(s).
    ///
    /// ```
    /// use lockgate_dsl::schema::ReferentialAction;
    /// assert_eq!(ReferentialAction::SetNull.sql(), "SET NULL");
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
            ReferentialAction::NoAction => "NO ACTION",
        }
    }
}

/// A foreign key. Dropping one takes its full definition so `down` can add it back.
///
/// ```
/// use lockgate_dsl::schema::{ForeignKeyDef, ReferentialAction};
/// let fk = ForeignKeyDef::new("lines", ["template_id"], "templates", ["id"])
///     .on_delete(ReferentialAction::Cascade)
///     .not_valid();
/// assert_eq!(fk.name, "lines_template_id_fkey");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKeyDef {
    /// Constraint name.
    pub name: String,
    /// The referencing table.
    pub table: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE` action.
    pub on_delete: Option<ReferentialAction>,
    /// `ON UPDATE` action.
    pub on_update: Option<ReferentialAction>,
    /// Added `NOT VALID` on PostgreSQL: existing rows are checked later by `VALIDATE CONSTRAINT`.
    pub not_valid: bool,
}

impl ForeignKeyDef {
    /// A foreign key named `<table>_<columns>_fkey`.
    ///
    /// ```
    /// use lockgate_dsl::schema::ForeignKeyDef;
    /// assert_eq!(ForeignKeyDef::new("a", ["b_id"], "b", ["id"]).ref_table, "b");
    /// ```
    pub fn new<I, S, J, T>(table: impl Into<String>, columns: I, ref_table: impl Into<String>, ref_columns: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let table = table.into();
        let columns = names(columns);
        ForeignKeyDef {
            name: default_name(&table, &columns, "fkey"),
            table,
            columns,
            ref_table: ref_table.into(),
            ref_columns: names(ref_columns),
            on_delete: None,
            on_update: None,
            not_valid: false,
        }
    }

    /// Gives the constraint an explicit name.
    ///
    /// ```
    /// use lockgate_dsl::schema::ForeignKeyDef;
    /// assert_eq!(ForeignKeyDef::new("a", ["b_id"], "b", ["id"]).named("fk_ab").name, "fk_ab");
    /// ```
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the `ON DELETE` action.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ForeignKeyDef, ReferentialAction};
    /// let fk = ForeignKeyDef::new("a", ["b_id"], "b", ["id"]).on_delete(ReferentialAction::SetNull);
    /// assert_eq!(fk.on_delete, Some(ReferentialAction::SetNull));
    /// ```
    #[must_use]
    pub fn on_delete(mut self, action: ReferentialAction) -> Self {
        self.on_delete = Some(action);
        self
    }

    /// Sets the `ON UPDATE` action.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ForeignKeyDef, ReferentialAction};
    /// let fk = ForeignKeyDef::new("a", ["b_id"], "b", ["id"]).on_update(ReferentialAction::Cascade);
    /// assert_eq!(fk.on_update, Some(ReferentialAction::Cascade));
    /// ```
    #[must_use]
    pub fn on_update(mut self, action: ReferentialAction) -> Self {
        self.on_update = Some(action);
        self
    }

    /// Adds the key `NOT VALID` on PostgreSQL (no scan, brief lock); validate it in a later migration.
    ///
    /// ```
    /// use lockgate_dsl::schema::ForeignKeyDef;
    /// assert!(ForeignKeyDef::new("a", ["b_id"], "b", ["id"]).not_valid().not_valid);
    /// ```
    #[must_use]
    pub fn not_valid(mut self) -> Self {
        self.not_valid = true;
        self
    }
}

/// A check constraint.
///
/// ```
/// use lockgate_dsl::schema::CheckDef;
/// let check = CheckDef::new("prices", "prices_amount_positive", "amount >= 0").not_valid();
/// assert!(check.not_valid);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckDef {
    /// Constraint name.
    pub name: String,
    /// The constrained table.
    pub table: String,
    /// The boolean SQL expression.
    pub expr: String,
    /// Added `NOT VALID` on PostgreSQL.
    pub not_valid: bool,
}

impl CheckDef {
    /// A named check constraint.
    ///
    /// ```
    /// use lockgate_dsl::schema::CheckDef;
    /// assert_eq!(CheckDef::new("t", "t_a_positive", "a > 0").expr, "a > 0");
    /// ```
    pub fn new(table: impl Into<String>, name: impl Into<String>, expr: impl Into<String>) -> Self {
        CheckDef {
            name: name.into(),
            table: table.into(),
            expr: expr.into(),
            not_valid: false,
        }
    }

    /// Adds the check `NOT VALID` on PostgreSQL; validate it in a later migration.
    ///
    /// ```
    /// use lockgate_dsl::schema::CheckDef;
    /// assert!(CheckDef::new("t", "c", "a > 0").not_valid().not_valid);
    /// ```
    #[must_use]
    pub fn not_valid(mut self) -> Self {
        self.not_valid = true;
        self
    }
}

/// A unique constraint.
///
/// ```
/// use lockgate_dsl::schema::UniqueDef;
/// let unique = UniqueDef::new("users", ["email"]).using_index("users_email_idx");
/// assert_eq!(unique.name, "users_email_key");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueDef {
    /// Constraint name.
    pub name: String,
    /// The constrained table.
    pub table: String,
    /// The unique columns.
    pub columns: Vec<String>,
    /// On PostgreSQL, adopt this existing unique index (built `CONCURRENTLY`) instead of building one under lock.
    pub using_index: Option<String>,
}

impl UniqueDef {
    /// A unique constraint named `<table>_<columns>_key`.
    ///
    /// ```
    /// use lockgate_dsl::schema::UniqueDef;
    /// assert_eq!(UniqueDef::new("t", ["a", "b"]).columns.len(), 2);
    /// ```
    pub fn new<I, S>(table: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let table = table.into();
        let columns = names(columns);
        UniqueDef {
            name: default_name(&table, &columns, "key"),
            table,
            columns,
            using_index: None,
        }
    }

    /// Gives the constraint an explicit name.
    ///
    /// ```
    /// use lockgate_dsl::schema::UniqueDef;
    /// assert_eq!(UniqueDef::new("t", ["a"]).named("uq").name, "uq");
    /// ```
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// On PostgreSQL, adds the constraint `USING INDEX` an existing unique index.
    ///
    /// ```
    /// use lockgate_dsl::schema::UniqueDef;
    /// assert!(UniqueDef::new("t", ["a"]).using_index("t_a_idx").using_index.is_some());
    /// ```
    #[must_use]
    pub fn using_index(mut self, index: impl Into<String>) -> Self {
        self.using_index = Some(index.into());
        self
    }
}

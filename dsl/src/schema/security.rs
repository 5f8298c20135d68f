//! PostgreSQL access control: a table's row-level security, its policies, and privileges granted to roles.

use serde::{Deserialize, Serialize};

/// A table's row-level security: whether policies apply (`ENABLE`), and whether they apply to the table's
/// owner too (`FORCE`). PostgreSQL keeps the two flags apart; a table has both off until told otherwise.
///
/// ```
/// use lockgate_dsl::schema::RowSecurity;
/// assert!(!RowSecurity::OFF.enabled);
/// assert!(RowSecurity::FORCED.forced && RowSecurity::FORCED.enabled);
/// assert_eq!(RowSecurity::ON.to_string(), "enabled");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct RowSecurity {
    /// `ENABLE ROW LEVEL SECURITY`: policies decide which rows non-owners see and write.
    pub enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`: the table's owner is held to the policies as well.
    pub forced: bool,
}

impl RowSecurity {
    /// Off: every role with a privilege on the table sees every row.
    pub const OFF: RowSecurity = RowSecurity {
        enabled: false,
        forced: false,
    };
    /// Enabled: policies apply to every role but the owner (and superusers, and `BYPASSRLS` roles).
    pub const ON: RowSecurity = RowSecurity {
        enabled: true,
        forced: false,
    };
    /// Enabled and forced: policies apply to the owner too.
    pub const FORCED: RowSecurity = RowSecurity {
        enabled: true,
        forced: true,
    };
}

impl std::fmt::Display for RowSecurity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match (self.enabled, self.forced) {
            (false, false) => "off",
            (true, false) => "enabled",
            (true, true) => "enabled and forced",
            (false, true) => "forced but not enabled",
        })
    }
}

/// The statements a policy covers (`FOR ...`).
///
/// ```
/// use lockgate_dsl::schema::PolicyCommand;
/// assert_eq!(PolicyCommand::Select.sql(), "SELECT");
/// assert_eq!(PolicyCommand::default(), PolicyCommand::All);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    /// Every statement (the default).
    #[default]
    All,
    /// `SELECT` (and the rows `UPDATE` and `DELETE` can see).
    Select,
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
}

impl PolicyCommand {
    /// The keyword, as `CREATE POLICY ... FOR` and `pg_policies.cmd` spell it.
    ///
    /// ```
    /// use lockgate_dsl::schema::PolicyCommand;
    /// assert_eq!(PolicyCommand::All.sql(), "ALL");
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

/// A row-level security policy: which rows of `table` the `roles` may see (`USING`) and write
/// (`WITH CHECK`) through `command`.
///
/// ```
/// use lockgate_dsl::schema::{PolicyCommand, PolicyDef};
/// let policy = PolicyDef::new("contracts", "tenant_isolation")
///     .using("tenant_id = current_setting('app.tenant_id')::uuid")
///     .to(["app_user"]);
/// assert_eq!(policy.command, PolicyCommand::All);
/// assert!(!policy.restrictive);
/// assert_eq!(policy.roles, ["app_user"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDef {
    /// The table.
    pub table: String,
    /// The policy's name, unique per table.
    pub name: String,
    /// The statements it covers.
    pub command: PolicyCommand,
    /// `AS RESTRICTIVE`: rows must pass it as well as some permissive policy; otherwise it is permissive
    /// (a row passing any permissive policy is visible).
    pub restrictive: bool,
    /// The roles it applies to; empty means `PUBLIC`, every role.
    pub roles: Vec<String>,
    /// `USING (...)`: which existing rows are visible.
    pub using: Option<String>,
    /// `WITH CHECK (...)`: which new rows may be written; without it, `USING` checks them.
    pub with_check: Option<String>,
}

impl PolicyDef {
    /// A permissive policy for every statement and every role, with no condition yet.
    ///
    /// ```
    /// use lockgate_dsl::schema::PolicyDef;
    /// let policy = PolicyDef::new("t", "p");
    /// assert!(policy.roles.is_empty() && policy.using.is_none());
    /// ```
    pub fn new(table: impl Into<String>, name: impl Into<String>) -> Self {
        PolicyDef {
            table: table.into(),
            name: name.into(),
            command: PolicyCommand::All,
            restrictive: false,
            roles: Vec::new(),
            using: None,
            with_check: None,
        }
    }

    /// Covers only `command` (`FOR SELECT`, ...).
    ///
    /// ```
    /// use lockgate_dsl::schema::{PolicyCommand, PolicyDef};
    /// assert_eq!(PolicyDef::new("t", "p").command(PolicyCommand::Insert).command, PolicyCommand::Insert);
    /// ```
    #[must_use]
    pub fn command(mut self, command: PolicyCommand) -> Self {
        self.command = command;
        self
    }

    /// `AS RESTRICTIVE`.
    ///
    /// ```
    /// use lockgate_dsl::schema::PolicyDef;
    /// assert!(PolicyDef::new("t", "p").restrictive().restrictive);
    /// ```
    #[must_use]
    pub fn restrictive(mut self) -> Self {
        self.restrictive = true;
        self
    }

    /// `TO role, ...`; without it the policy applies to `PUBLIC`.
    ///
    /// ```
    /// use lockgate_dsl::schema::PolicyDef;
    /// assert_eq!(PolicyDef::new("t", "p").to(["reader", "writer"]).roles.len(), 2);
    /// ```
    #[must_use]
    pub fn to<I, S>(mut self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles = super::names(roles);
        self
    }

    /// `USING (condition)`: the rows visible under the policy.
    ///
    /// ```
    /// use lockgate_dsl::schema::PolicyDef;
    /// assert_eq!(PolicyDef::new("t", "p").using("owner = current_user").using.as_deref(), Some("owner = current_user"));
    /// ```
    #[must_use]
    pub fn using(mut self, condition: impl Into<String>) -> Self {
        self.using = Some(condition.into());
        self
    }

    /// `WITH CHECK (condition)`: the rows that may be written under the policy.
    ///
    /// ```
    /// use lockgate_dsl::schema::PolicyDef;
    /// assert!(PolicyDef::new("t", "p").with_check("true").with_check.is_some());
    /// ```
    #[must_use]
    pub fn with_check(mut self, condition: impl Into<String>) -> Self {
        self.with_check = Some(condition.into());
        self
    }
}

/// What a privilege is granted on.
///
/// ```
/// use lockgate_dsl::schema::GrantObject;
/// assert_eq!(GrantObject::Table("contracts".into()).kind(), "TABLE");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantObject {
    /// A table (or view) in the current schema.
    Table(String),
    /// A sequence in the current schema.
    Sequence(String),
    /// A schema.
    Schema(String),
}

impl GrantObject {
    /// The keyword `GRANT ... ON` takes.
    ///
    /// ```
    /// use lockgate_dsl::schema::GrantObject;
    /// assert_eq!(GrantObject::Schema("app".into()).kind(), "SCHEMA");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            GrantObject::Table(_) => "TABLE",
            GrantObject::Sequence(_) => "SEQUENCE",
            GrantObject::Schema(_) => "SCHEMA",
        }
    }

    /// The object's name.
    ///
    /// ```
    /// use lockgate_dsl::schema::GrantObject;
    /// assert_eq!(GrantObject::Sequence("ids".into()).name(), "ids");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            GrantObject::Table(name) | GrantObject::Sequence(name) | GrantObject::Schema(name) => name,
        }
    }

    /// The privileges PostgreSQL has for this kind of object.
    ///
    /// ```
    /// use lockgate_dsl::schema::{GrantObject, Privilege};
    /// assert!(GrantObject::Sequence("s".into()).privileges().contains(&Privilege::Usage));
    /// assert!(!GrantObject::Schema("s".into()).privileges().contains(&Privilege::Select));
    /// ```
    pub fn privileges(&self) -> &'static [Privilege] {
        match self {
            GrantObject::Table(_) => &[
                Privilege::Select,
                Privilege::Insert,
                Privilege::Update,
                Privilege::Delete,
                Privilege::Truncate,
                Privilege::References,
                Privilege::Trigger,
            ],
            GrantObject::Sequence(_) => &[Privilege::Usage, Privilege::Select, Privilege::Update],
            GrantObject::Schema(_) => &[Privilege::Usage, Privilege::Create],
        }
    }
}

impl std::fmt::Display for GrantObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind().to_lowercase(), self.name())
    }
}

/// A privilege on a table, sequence or schema.
///
/// ```
/// use lockgate_dsl::schema::Privilege;
/// assert_eq!(Privilege::Select.sql(), "SELECT");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privilege {
    /// `SELECT`.
    Select,
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `TRUNCATE`.
    Truncate,
    /// `REFERENCES`.
    References,
    /// `TRIGGER`.
    Trigger,
    /// `USAGE` (sequences and schemas).
    Usage,
    /// `CREATE` (schemas).
    Create,
}

impl Privilege {
    /// The keyword, as `GRANT` and `aclexplode` spell it.
    ///
    /// ```
    /// use lockgate_dsl::schema::Privilege;
    /// assert_eq!(Privilege::from_sql("USAGE"), Some(Privilege::Usage));
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            Privilege::Select => "SELECT",
            Privilege::Insert => "INSERT",
            Privilege::Update => "UPDATE",
            Privilege::Delete => "DELETE",
            Privilege::Truncate => "TRUNCATE",
            Privilege::References => "REFERENCES",
            Privilege::Trigger => "TRIGGER",
            Privilege::Usage => "USAGE",
            Privilege::Create => "CREATE",
        }
    }

    /// The privilege a keyword names; `None` for one lockgate does not model (`MAINTAIN`, ...).
    ///
    /// ```
    /// use lockgate_dsl::schema::Privilege;
    /// assert_eq!(Privilege::from_sql("DELETE"), Some(Privilege::Delete));
    /// assert_eq!(Privilege::from_sql("MAINTAIN"), None);
    /// ```
    pub fn from_sql(keyword: &str) -> Option<Privilege> {
        [
            Privilege::Select,
            Privilege::Insert,
            Privilege::Update,
            Privilege::Delete,
            Privilege::Truncate,
            Privilege::References,
            Privilege::Trigger,
            Privilege::Usage,
            Privilege::Create,
        ]
        .into_iter()
        .find(|p| p.sql().eq_ignore_ascii_case(keyword))
    }
}

/// Privileges on one object for some roles: what `GRANT` gives and `REVOKE` takes back.
///
/// ```
/// use lockgate_dsl::schema::{GrantDef, Privilege};
/// let grant = GrantDef::on_table("contracts", [Privilege::Select, Privilege::Insert]).to(["app_user"]);
/// assert_eq!(grant.privileges.len(), 2);
/// assert_eq!(grant.roles, ["app_user"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantDef {
    /// The object.
    pub on: GrantObject,
    /// The privileges, in the order given.
    pub privileges: Vec<Privilege>,
    /// The roles; `PUBLIC` is spelled `public`.
    pub roles: Vec<String>,
}

impl GrantDef {
    /// Privileges on a table, to no role yet.
    ///
    /// ```
    /// use lockgate_dsl::schema::{GrantDef, Privilege};
    /// assert!(GrantDef::on_table("t", [Privilege::Select]).roles.is_empty());
    /// ```
    pub fn on_table(table: impl Into<String>, privileges: impl IntoIterator<Item = Privilege>) -> Self {
        GrantDef::on(GrantObject::Table(table.into()), privileges)
    }

    /// Privileges on a sequence.
    ///
    /// ```
    /// use lockgate_dsl::schema::{GrantDef, GrantObject, Privilege};
    /// assert_eq!(GrantDef::on_sequence("ids", [Privilege::Usage]).on, GrantObject::Sequence("ids".into()));
    /// ```
    pub fn on_sequence(sequence: impl Into<String>, privileges: impl IntoIterator<Item = Privilege>) -> Self {
        GrantDef::on(GrantObject::Sequence(sequence.into()), privileges)
    }

    /// Privileges on a schema.
    ///
    /// ```
    /// use lockgate_dsl::schema::{GrantDef, Privilege};
    /// assert_eq!(GrantDef::on_schema("app", [Privilege::Usage]).on.name(), "app");
    /// ```
    pub fn on_schema(schema: impl Into<String>, privileges: impl IntoIterator<Item = Privilege>) -> Self {
        GrantDef::on(GrantObject::Schema(schema.into()), privileges)
    }

    fn on(on: GrantObject, privileges: impl IntoIterator<Item = Privilege>) -> Self {
        GrantDef {
            on,
            privileges: privileges.into_iter().collect(),
            roles: Vec::new(),
        }
    }

    /// To these roles.
    ///
    /// ```
    /// use lockgate_dsl::schema::{GrantDef, Privilege};
    /// assert_eq!(GrantDef::on_schema("app", [Privilege::Usage]).to(["public"]).roles, ["public"]);
    /// ```
    #[must_use]
    pub fn to<I, S>(mut self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles = super::names(roles);
        self
    }

    /// Each (role, privilege) pair the grant gives, in order.
    ///
    /// ```
    /// use lockgate_dsl::schema::{GrantDef, Privilege};
    /// let grant = GrantDef::on_table("t", [Privilege::Select, Privilege::Insert]).to(["a", "b"]);
    /// assert_eq!(grant.pairs().count(), 4);
    /// ```
    pub fn pairs(&self) -> impl Iterator<Item = (&str, Privilege)> + '_ {
        self.roles.iter().flat_map(|role| {
            // PUBLIC is a keyword, not a role: one spelling of it, as the catalog reads it back.
            let role = if role.eq_ignore_ascii_case("public") {
                "public"
            } else {
                role.as_str()
            };
            self.privileges.iter().map(move |p| (role, *p))
        })
    }
}

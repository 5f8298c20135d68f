//! Access control on PostgreSQL: row-level security, its policies, and privileges granted to roles.

use super::{Plan, push};
use crate::operation::Operation;
use crate::schema::{GrantDef, PolicyDef, RowSecurity};

impl<M: ?Sized, D> Plan<M, D> {
    /// Turns row-level security on: from here, roles other than the table's owner see and write only the rows
    /// some policy lets them. Create the policies in the same migration: a table left without a permissive
    /// policy shows them nothing (plan rule `row-security-locks-out`).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::PolicyDef;
    /// let mut m = Plan::<()>::new();
    /// m.enable_row_security("contracts");
    /// m.create_policy(PolicyDef::new("contracts", "tenant_isolation").using("tenant_id = current_setting('app.tenant_id')::bigint"));
    /// assert_eq!(m.operations()[0].op.describe(), "alter_row_security `contracts` from off to enabled");
    /// ```
    #[track_caller]
    pub fn enable_row_security(&mut self, table: impl Into<String>) {
        self.alter_row_security(table, RowSecurity::OFF, RowSecurity::ON);
    }

    /// Holds the table's owner to its policies too (`FORCE ROW LEVEL SECURITY`), on a table whose row-level
    /// security is enabled. Services that connect as the owner need this for policies to apply to them.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.force_row_security("contracts");
    /// assert_eq!(m.operations()[0].op.describe(), "alter_row_security `contracts` from enabled to enabled and forced");
    /// ```
    #[track_caller]
    pub fn force_row_security(&mut self, table: impl Into<String>) {
        self.alter_row_security(table, RowSecurity::ON, RowSecurity::FORCED);
    }

    /// Turns enabled (not forced) row-level security off: every role with a privilege on the table sees every
    /// row again. For a forced table, use [`alter_row_security`](Self::alter_row_security).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.disable_row_security("contracts");
    /// assert_eq!(m.operations()[0].op.describe(), "alter_row_security `contracts` from enabled to off");
    /// ```
    #[track_caller]
    pub fn disable_row_security(&mut self, table: impl Into<String>) {
        self.alter_row_security(table, RowSecurity::ON, RowSecurity::OFF);
    }

    /// Moves a table's row-level security from one state to another; `down` moves it back. The plan check
    /// refuses a `from` that the migrations before it did not leave.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::RowSecurity;
    /// let mut m = Plan::<()>::new();
    /// m.alter_row_security("contracts", RowSecurity::FORCED, RowSecurity::OFF);
    /// assert_eq!(m.inverse().unwrap()[0].op.describe(), "alter_row_security `contracts` from off to enabled and forced");
    /// ```
    #[track_caller]
    pub fn alter_row_security(&mut self, table: impl Into<String>, from: RowSecurity, to: RowSecurity) {
        push(
            &mut self.ops,
            Operation::AlterRowSecurity {
                table: table.into(),
                from,
                to,
            },
        );
    }

    /// Creates a row-level security policy; `down` drops it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{PolicyCommand, PolicyDef};
    /// let mut m = Plan::<()>::new();
    /// m.create_policy(
    ///     PolicyDef::new("contracts", "tenant_reads")
    ///         .command(PolicyCommand::Select)
    ///         .to(["app_user"])
    ///         .using("tenant_id = current_setting('app.tenant_id')::bigint"),
    /// );
    /// assert_eq!(m.operations()[0].op.kind(), "create_policy");
    /// ```
    #[track_caller]
    pub fn create_policy(&mut self, policy: PolicyDef) {
        push(&mut self.ops, Operation::CreatePolicy(policy));
    }

    /// Drops a policy, given its full definition so `down` can create it again.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::PolicyDef;
    /// let mut m = Plan::<()>::new();
    /// m.drop_policy(PolicyDef::new("contracts", "old_rule").using("true"));
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "create_policy");
    /// ```
    #[track_caller]
    pub fn drop_policy(&mut self, policy: PolicyDef) {
        push(&mut self.ops, Operation::DropPolicy(policy));
    }

    /// Changes a policy's name, roles or conditions (`ALTER POLICY`); a new table, command or kind drops and
    /// creates it in the same transaction. `down` puts `from` back.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::PolicyDef;
    /// let before = PolicyDef::new("contracts", "tenant_isolation").using("tenant_id = 1");
    /// let after = before.clone().to(["app_user"]);
    /// let mut m = Plan::<()>::new();
    /// m.alter_policy(before, after);
    /// assert_eq!(m.operations()[0].op.describe(), "alter_policy `tenant_isolation` on `contracts`");
    /// ```
    #[track_caller]
    pub fn alter_policy(&mut self, from: PolicyDef, to: PolicyDef) {
        push(
            &mut self.ops,
            Operation::AlterPolicy {
                from: Box::new(from),
                to: Box::new(to),
            },
        );
    }

    /// Grants privileges on a table, sequence or schema to roles; `down` revokes them.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{GrantDef, Privilege};
    /// let mut m = Plan::<()>::new();
    /// m.grant(GrantDef::on_table("contracts", [Privilege::Select, Privilege::Insert]).to(["app_user"]));
    /// assert_eq!(m.operations()[0].op.describe(), "grant SELECT, INSERT on table `contracts` to app_user");
    /// ```
    #[track_caller]
    pub fn grant(&mut self, grant: GrantDef) {
        push(&mut self.ops, Operation::Grant(grant));
    }

    /// Revokes privileges; `down` grants them again. Running code that still uses them fails from here (plan
    /// rule `revoke-breaks-code`).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{GrantDef, Privilege};
    /// let mut m = Plan::<()>::new();
    /// m.revoke(GrantDef::on_table("contracts", [Privilege::Delete]).to(["app_user"]));
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "grant");
    /// ```
    #[track_caller]
    pub fn revoke(&mut self, grant: GrantDef) {
        push(&mut self.ops, Operation::Revoke(grant));
    }
}

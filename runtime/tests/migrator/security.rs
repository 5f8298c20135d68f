//! Access control on a real PostgreSQL server: the playbooks' tenant-isolation policy, written with the DSL,
//! hides a second tenant's rows from the application's role and refuses writes into them; `down` takes the
//! policy, the row-level security and the grant away; drift sees a policy or a grant changed by hand; a
//! migration that would lock every role out is refused before anything runs; and the other backends refuse
//! the operations with a hint.

use lockgate_dsl::Backend;
use lockgate_dsl::schema::{GrantDef, GrantObject, PolicyDef, Privilege, RowSecurity};
use lockgate_dsl::types::Varchar;
use lockgate_runtime::{DownTarget, Error, Migrator, State};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, Row};

use crate::common::{Fixture, TestDb, drift_lines, exec};
use crate::fixtures::states;

/// A role of the server's own, named after the test database so runs never share one.
fn role_of(test: &TestDb) -> String {
    format!("{}_app", test.name)
}

fn documents_table(m: &mut lockgate_dsl::plan::Plan<()>) {
    m.create_table("documents", |t| {
        t.column::<i64>("id").primary_key();
        t.column::<i64>("tenant_id");
        t.column::<Varchar<100>>("title");
    });
}

fn documents() -> Box<dyn lockgate_dsl::Migration> {
    Fixture::boxed(1, "documents", |m| {
        documents_table(m);
        m.sql(
            "INSERT INTO documents (id, tenant_id, title) VALUES (1, 1, 'a1'), (2, 1, 'a2'), (3, 2, 'b1')",
            "DELETE FROM documents",
        );
    })
}

/// The playbooks' tenant isolation: every statement of the application's role sees and writes only the rows of
/// the tenant its session names in `app.tenant_id`.
fn tenant_policy(role: &str) -> PolicyDef {
    PolicyDef::new("documents", "tenant_isolation")
        .to([role])
        .using("tenant_id = current_setting('app.tenant_id')::bigint")
        .with_check("tenant_id = current_setting('app.tenant_id')::bigint")
}

fn isolate(role: String) -> Box<dyn lockgate_dsl::Migration> {
    Fixture::strict(2, "isolate tenants", move |m| {
        m.enable_row_security("documents");
        m.create_policy(tenant_policy(&role));
        m.grant(
            GrantDef::on_table(
                "documents",
                [
                    Privilege::Select,
                    Privilege::Insert,
                    Privilege::Update,
                    Privilege::Delete,
                ],
            )
            .to([role.as_str()]),
        );
    })
}

/// What the application's role sees and may do as tenant `tenant`, on a connection of its own.
struct AsTenant {
    visible: Vec<i64>,
    insert_other_tenant: Result<(), String>,
    insert_own_tenant: Result<(), String>,
}

async fn as_tenant(test: &TestDb, role: &str, tenant: i64) -> AsTenant {
    let mut conn = PgConnection::connect(&test.url).await.expect("connect");
    conn.execute(AssertSqlSafe(format!(
        "BEGIN; SET LOCAL ROLE \"{role}\"; SET LOCAL app.tenant_id = '{tenant}'"
    )))
    .await
    .expect("become the application's role");
    let rows = sqlx::query("SELECT id FROM documents ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("read as the tenant");
    let visible = rows.iter().map(|r| r.get::<i64, _>(0)).collect();
    let mut insert = async |id: i64, tenant_id: i64| {
        conn.execute("SAVEPOINT probe").await.expect("savepoint");
        let result = sqlx::query("INSERT INTO documents (id, tenant_id, title) VALUES ($1, $2, 'probe')")
            .bind(id)
            .bind(tenant_id)
            .execute(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        conn.execute("ROLLBACK TO SAVEPOINT probe")
            .await
            .expect("rollback to savepoint");
        result
    };
    let insert_other_tenant = insert(100, if tenant == 1 { 2 } else { 1 }).await;
    let insert_own_tenant = insert(101, tenant).await;
    conn.execute("ROLLBACK").await.expect("rollback");
    conn.close().await.expect("close");
    AsTenant {
        visible,
        insert_other_tenant,
        insert_own_tenant,
    }
}

pub(crate) async fn postgres_tenant_isolation() {
    let Some(test) = TestDb::create(Backend::Postgres, "tenants").await else {
        return;
    };
    let db = test.connect().await;
    let role = role_of(&test);
    exec(&db, &format!("CREATE ROLE \"{role}\" NOLOGIN")).await;

    let migrator = Migrator::new(vec![documents(), isolate(role.clone())]).unwrap();
    migrator.up(&db, None).await.unwrap();

    let tenant_one = as_tenant(&test, &role, 1).await;
    assert_eq!(tenant_one.visible, [1, 2], "tenant 1 sees its own rows only");
    let tenant_two = as_tenant(&test, &role, 2).await;
    assert_eq!(tenant_two.visible, [3], "tenant 2 sees its own row only");
    let refused = tenant_one
        .insert_other_tenant
        .expect_err("a row for tenant 2 written as tenant 1");
    assert!(refused.contains("row-level security policy"), "{refused}");
    tenant_one.insert_own_tenant.expect("a row of its own tenant");

    // The live schema has what the plan says, and drift compares it with a scratch database of the same plan.
    let live = migrator.introspect(&db).await.unwrap();
    assert_eq!(live.tables["documents"].row_security, RowSecurity::ON);
    let policy = &live.tables["documents"].policies["tenant_isolation"];
    assert_eq!((policy.command.as_str(), policy.permissive), ("ALL", true));
    assert_eq!(policy.roles, std::slice::from_ref(&role));
    assert!(
        policy
            .using
            .as_deref()
            .is_some_and(|u| u.contains("current_setting('app.tenant_id'")),
        "{policy:?}"
    );
    let granted: Vec<Privilege> = live
        .grants
        .iter()
        .filter(|(on, grantee, _)| *on == GrantObject::Table("documents".into()) && *grantee == role)
        .map(|(_, _, p)| *p)
        .collect();
    assert_eq!(
        granted,
        [
            Privilege::Select,
            Privilege::Insert,
            Privilege::Update,
            Privilege::Delete
        ]
    );
    let drift = migrator.drift(&db, &test.url).await.unwrap();
    assert!(drift.is_empty(), "{drift:?}");

    // Changed by hand: the policy loosened, a privilege taken away.
    exec(
        &db,
        &format!("ALTER POLICY tenant_isolation ON documents USING (true); REVOKE DELETE ON documents FROM \"{role}\""),
    )
    .await;
    let drift = drift_lines(&migrator, &db, &test.url).await;
    assert_eq!(drift.len(), 2, "{drift:?}");
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with("changed policy `tenant_isolation` on `documents`") && d.contains("USING (true)")),
        "{drift:?}"
    );
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with(&format!("missing grant of DELETE on table `documents` to `{role}`"))),
        "{drift:?}"
    );
    exec(
        &db,
        &format!(
            "ALTER POLICY tenant_isolation ON documents USING (tenant_id = current_setting('app.tenant_id')::bigint); \
             GRANT DELETE ON documents TO \"{role}\""
        ),
    )
    .await;
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    // Down takes the policy, the row-level security and the grant away.
    migrator.down(&db, DownTarget::To(1)).await.unwrap();
    let live = migrator.introspect(&db).await.unwrap();
    assert_eq!(live.tables["documents"].row_security, RowSecurity::OFF);
    assert!(live.tables["documents"].policies.is_empty());
    assert!(
        live.grants.iter().all(|(_, grantee, _)| *grantee != role),
        "{:?}",
        live.grants
    );
    // And up again.
    migrator.up(&db, None).await.unwrap();
    assert_eq!(as_tenant(&test, &role, 2).await.visible, [3]);

    // Roles are the server's: this one goes too, its privileges in this database first.
    exec(&db, &format!("DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"")).await;
    test.drop_db().await;
}

/// Row-level security turned on with no permissive policy hides every row from every role but the owner: the
/// plan check refuses it before anything runs, and names the rule. (The table's migration has no raw SQL, so
/// the model knows the table had no policy before.)
pub(crate) async fn postgres_row_security_without_policy_is_refused() {
    let Some(test) = TestDb::create(Backend::Postgres, "lockout").await else {
        return;
    };
    let db = test.connect().await;
    let lock_out = Fixture::strict(2, "lock out", |m| {
        m.enable_row_security("documents");
        m.create_policy(
            PolicyDef::new("documents", "hide_drafts")
                .restrictive()
                .using("title <> 'draft'"),
        );
    });
    let migrator = Migrator::new(vec![Fixture::boxed(1, "documents", documents_table), lock_out]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let Error::PlanChecks { migration, .. } = &error else {
        panic!("expected the plan checks to refuse: {error}");
    };
    assert_eq!(migration.version, 2);
    let text = error.to_string();
    assert!(text.contains("[row-security-locks-out]"), "{text}");
    assert!(
        text.contains("alter_row_security `documents` from off to enabled"),
        "{text}"
    );
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(
        states(&status),
        [(1, State::Pending), (2, State::Pending)],
        "nothing ran, the table included"
    );
    test.drop_db().await;
}

/// MySQL and SQLite have no row-level security, and lockgate grants only to PostgreSQL roles: the plan check
/// says so before anything runs.
pub(crate) async fn access_control_is_refused_elsewhere(backend: Backend) {
    let Some(test) = TestDb::create(backend, "no_rls").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(vec![documents(), isolate("app".into())]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(&format!("is not supported on {}", backend.name())),
        "{text}"
    );
    assert!(text.contains("backends = \"postgres\""), "{text}");
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Pending), (2, State::Pending)]);
    test.drop_db().await;
}

//! An environment's policy: in `production`, a destructive or incompatible operation runs only in a migration
//! that allows it there; an additive-only environment refuses it whatever the migration says; either way the
//! refusal comes before anything runs and lists every operation.

use lockgate_dsl::schema::ColumnDef;
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{Error, Migrator, Policy};

use lockgate_dsl::plan::{Plan, inverse_of};

use crate::common::{Attributed, TestDb, UpDownFixture, schema};
use crate::fixtures::{add_nickname, create_accounts};

/// What a derived migration with `allow(destructive = .., incompatible = ..)` may plan.
struct Declared;
lockgate_dsl::allow_category!(Declared, destructive);
lockgate_dsl::allow_category!(Declared, incompatible);

fn drop_nickname() -> Box<dyn Migration> {
    let plan = || {
        let mut m = Plan::<Declared>::new();
        m.drop_column("accounts", ColumnDef::new::<Option<String>>("nickname"));
        m.rename_column("accounts", "email", "address");
        m.into_operations()
    };
    UpDownFixture::boxed(3, "drop nickname", plan, move || inverse_of(&plan()).unwrap())
}

fn list(third: Box<dyn Migration>) -> Vec<Box<dyn Migration>> {
    vec![create_accounts(), add_nickname(), third]
}

pub(crate) async fn policy(backend: Backend) {
    let Some(test) = TestDb::create(backend, "policy").await else {
        return;
    };
    let db = test.connect().await;

    // Production, guarded by default: the drop and the rename are refused, with nothing run.
    let error = Migrator::new(list(drop_nickname()))
        .unwrap()
        .environment("production")
        .up(&db, None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::PolicyRefused { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.starts_with("the guarded policy of environment `production` refuses 2 operation(s)"),
        "{text}"
    );
    assert_eq!(
        error.details(),
        [
            "migration 3 `drop nickname`: drop_column `accounts`.`nickname` is destructive (DropColumn)",
            "migration 3 `drop nickname`: rename_column `accounts`.`email` to `address` is incompatible (RenameColumn)",
        ]
    );
    assert!(schema(&db).await.is_empty(), "nothing ran");
    // A scratch database is no production: `verify` round-trips the same list there.
    let verified = Migrator::new(list(drop_nickname()))
        .unwrap()
        .environment("production")
        .verify(&test.url)
        .await
        .unwrap();
    assert!(verified.is_ok(), "{verified:?}");

    // The additive migrations run; so does the drop once it allows production, or elsewhere.
    let migrator = Migrator::new(list(drop_nickname())).unwrap().environment("production");
    assert_eq!(migrator.up(&db, Some(2)).await.unwrap().applied.len(), 2);
    let allowed = || {
        Attributed::allowed_in(
            drop_nickname(),
            &[("production", "no release reads the nickname since v41")],
        )
    };
    let additive_only = Migrator::new(list(allowed()))
        .unwrap()
        .environment("production")
        .policy("production", Policy::AdditiveOnly);
    let error = additive_only.up(&db, None).await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("the additive-only policy of environment `production`"),
        "{error}"
    );
    let migrator = Migrator::new(list(allowed())).unwrap().environment("production");
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    assert!(schema(&db).await.iter().all(|object| !object.contains("nickname")));

    // An environment without a policy runs everything.
    let staging = Migrator::new(list(drop_nickname())).unwrap().environment("staging");
    staging.down(&db, lockgate_runtime::DownTarget::Steps(1)).await.unwrap();
    assert_eq!(staging.up(&db, None).await.unwrap().applied.len(), 1);
    db.close().await;
    test.drop_db().await;
}

//! The migrator end to end against real PostgreSQL, MariaDB/MySQL and SQLite: one suite, three backends.
//!
//! Each topic's scenarios live in a file of their own; every test is declared here, so that its name does not
//! depend on which file holds its body: `<backend>::<scenario>` for the three-backend scenarios, the scenario's
//! own name for the others.

#[path = "../common/mod.rs"]
mod common;

mod adoption;
mod archive;
mod backfill;
mod expand;
mod fixtures;
mod fresh;
mod lifecycle;
mod live;
mod locking;
mod parity;
mod partitions;
mod policy;
mod recovery;
mod routines;
mod security;
mod settings;
mod stepwise;
mod targets;
mod tracking;

use lockgate_dsl::Backend;

/// Tests at the root of the binary, named after their scenario.
macro_rules! tests {
    ($($topic:ident :: $scenario:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $scenario() { $topic::$scenario().await }
    )*};
}

tests! {
    stepwise::postgres_invalid_index_is_rebuilt,
    stepwise::postgres_concurrently_needs_no_transaction,
    stepwise::postgres_plan_checks_run_before_anything,
    stepwise::postgres_plan_checks_know_the_same_run,
    stepwise::postgres_the_not_null_recipe_needs_no_allowance,
    stepwise::mysql_compensation_failure_is_reported,
    stepwise::mysql_failed_down_is_compensated,
    lifecycle::unsupported_urls_are_refused,
    lifecycle::sqlite_in_memory,
    lifecycle::futures_are_send,
    recovery::mysql_statements_run_before_a_failure_are_reported,
    recovery::mysql_an_interrupted_step_nobody_can_judge_stops,
    security::postgres_tenant_isolation,
    routines::postgres_triggers_and_functions,
    routines::postgres_fresh_drops_every_object_kind,
    routines::postgres_generate_carries_every_object_kind,
    security::postgres_row_security_without_policy_is_refused,
    partitions::postgres_partitions,
    partitions::postgres_partition_rules_refuse_before_anything_runs,
    partitions::postgres_cancelled_detach_is_finished_by_the_retry,
    partitions::postgres_generate_carries_partitions,
}

#[tokio::test]
async fn mysql_triggers_with_a_body() {
    routines::triggers_with_a_body(Backend::MySql).await;
}

#[tokio::test]
async fn sqlite_triggers_with_a_body() {
    routines::triggers_with_a_body(Backend::Sqlite).await;
}

#[tokio::test]
async fn mysql_partitions_are_refused() {
    partitions::partitions_are_refused_elsewhere(Backend::MySql).await;
}

#[tokio::test]
async fn sqlite_partitions_are_refused() {
    partitions::partitions_are_refused_elsewhere(Backend::Sqlite).await;
}

#[tokio::test]
async fn mysql_access_control_is_refused() {
    security::access_control_is_refused_elsewhere(Backend::MySql).await;
}

#[tokio::test]
async fn sqlite_access_control_is_refused() {
    security::access_control_is_refused_elsewhere(Backend::Sqlite).await;
}

#[tokio::test]
async fn mysql_interrupted_step_that_took_effect() {
    stepwise::interrupted_step_that_took_effect(Backend::MySql).await;
}

#[tokio::test]
async fn postgres_interrupted_step_that_took_effect() {
    stepwise::interrupted_step_that_took_effect(Backend::Postgres).await;
}

#[tokio::test]
async fn postgres_stepwise_retry_runs_each_step_once() {
    locking::stepwise_retry_runs_each_step_once(Backend::Postgres).await;
}

#[tokio::test]
async fn mysql_stepwise_retry_runs_each_step_once() {
    locking::stepwise_retry_runs_each_step_once(Backend::MySql).await;
}

#[tokio::test]
async fn sqlite_reads_before_the_lock_honour_the_deadline() {
    locking::sqlite_reads_before_the_lock_honour_the_deadline().await;
}

#[test]
fn versions_must_be_unique_and_ascending() {
    lifecycle::versions_must_be_unique_and_ascending();
}

/// The scenarios every backend runs, one module per backend.
macro_rules! suite {
    ($($module:ident => $backend:expr),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[tokio::test]
            async fn lifecycle() { lifecycle::lifecycle($backend).await }
            #[tokio::test]
            async fn unknown_reverted_from_stored_sql() { lifecycle::unknown_reverted_from_stored_sql($backend).await }
            #[tokio::test]
            async fn tamper_is_refused() { tracking::tamper_is_refused($backend).await }
            #[tokio::test]
            async fn failure_leaves_schema_as_before() { stepwise::failure_leaves_schema_as_before($backend).await }
            #[tokio::test]
            async fn the_failed_statement_is_named() { stepwise::the_failed_statement_is_named($backend).await }
            #[tokio::test]
            async fn assertion_rolls_back() { stepwise::assertion_rolls_back($backend).await }
            #[tokio::test]
            async fn baseline_and_sqlx_adoption() { adoption::baseline_and_sqlx_adoption($backend).await }
            #[tokio::test]
            async fn other_tools_histories_are_adopted() { adoption::other_tools_histories_are_adopted($backend).await }
            #[tokio::test]
            async fn grouped() { lifecycle::grouped($backend).await }
            #[tokio::test]
            async fn bad_input() { lifecycle::bad_input($backend).await }
            #[tokio::test]
            async fn lock_timeout_is_retried() { locking::lock_timeout_is_retried($backend).await }
            #[tokio::test]
            async fn irreversible_is_refused() { lifecycle::irreversible_is_refused($backend).await }
            #[tokio::test]
            async fn second_migrator_waits_for_the_lock() {
                locking::second_migrator_waits_for_the_lock($backend).await
            }
            #[tokio::test]
            async fn custom_tracking_table() { tracking::custom_tracking_table($backend).await }
            #[tokio::test]
            async fn digest_shortcut() { tracking::digest_shortcut($backend).await }
            #[tokio::test]
            async fn backend_targets() { targets::backend_targets($backend).await }
            #[tokio::test]
            async fn introspection() { live::introspection($backend).await }
            #[tokio::test]
            async fn verify_round_trips() { live::verify_round_trips($backend).await }
            #[tokio::test]
            async fn drift_and_diff() { live::drift_and_diff($backend).await }
            #[tokio::test]
            async fn verified_baseline() { live::verified_baseline($backend).await }
            #[tokio::test]
            async fn fresh_and_reset() { fresh::fresh_and_reset($backend).await }
            #[tokio::test]
            async fn archive_and_restore() { archive::archive_and_restore($backend).await }
            #[tokio::test]
            async fn expand_and_contract() { expand::expand_and_contract($backend).await }
            #[tokio::test]
            async fn expand_a_type_change() { expand::expand_a_type_change($backend).await }
            #[tokio::test]
            async fn backfill() { backfill::backfill($backend).await }
            #[tokio::test]
            async fn parity_checkpoint() { parity::parity_checkpoint($backend).await }
            #[tokio::test]
            async fn policy() { policy::policy($backend).await }
            #[tokio::test]
            async fn session_settings() { settings::session_settings($backend).await }
            #[tokio::test]
            async fn retry_after_a_clean_failure() { recovery::retry_after_a_clean_failure($backend).await }
            #[tokio::test]
            async fn a_dead_connection_still_leaves_a_record() {
                recovery::a_dead_connection_still_leaves_a_record($backend).await
            }
        }
    )*};
}

suite! {
    postgres => Backend::Postgres,
    mysql => Backend::MySql,
    sqlite => Backend::Sqlite,
}

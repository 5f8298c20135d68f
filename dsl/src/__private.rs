//! Support for the code `#[derive(Migration)]` and `migrations![]` generate. Not a public API.
//!
//! The derive cannot see which of [`Change`], [`Up`] and [`Down`] a type implements, so the
//! generated code asks the compiler: each `Probe*` pair of traits resolves a method on
//! `&&Probe<M>` to a [`Yes`] when the trait is implemented and to a [`No`] otherwise (autoref
//! specialization). [`planners`] maps the combination to a verdict through [`Shape`] and requires
//! the verdict to implement [`Verdict`] for the type; the verdict of every invalid combination
//! needs a never-implemented trait whose `on_unimplemented` message says which trait to implement.
//!
//! Compile time matters here: every function generic over the migration type is compiled once per
//! migration, and a crate may hold hundreds. So the probes sit in a closure that is never called and
//! the verdict is picked in a constant; what remains per migration is the verdict's `up` and `down`.

use std::marker::PhantomData;

use crate::migration::{Change, Down, DownError, Migration, Up};
use crate::plan::{Backward, OneWay, Plan, PlannedOp, Reversible, inverse_of};

/// The type whose method resolution tells which traits `M` implements.
pub struct Probe<M: ?Sized>(PhantomData<fn(&M)>);

impl<M: ?Sized> Probe<M> {
    /// The probe value.
    pub const NEW: Self = Probe(PhantomData);
}

/// The probed trait is implemented.
#[derive(Debug, Clone, Copy)]
pub struct Yes;
/// The probed trait is not implemented.
#[derive(Debug, Clone, Copy)]
pub struct No;

macro_rules! probes {
    ($($trait:ident: $yes:ident / $no:ident => $method:ident,)*) => {$(
        /// Resolves to [`Yes`] when the probed trait is implemented.
        pub trait $yes {
            /// The verdict.
            fn $method(&self) -> Yes {
                Yes
            }
        }
        impl<M: ?Sized + $trait> $yes for &Probe<M> {}
        /// Resolves to [`No`] when the probed trait is not implemented.
        pub trait $no {
            /// The verdict.
            fn $method(&self) -> No {
                No
            }
        }
        impl<M: ?Sized> $no for Probe<M> {}
    )*};
}

/// The probe traits, in a module of their own so the generated code imports them with one glob.
pub mod probes {
    use super::{Change, Down, No, Probe, Up, Yes};

    probes! {
        Change: ProbeChange / ProbeNoChange => change_impl,
        Up: ProbeUp / ProbeNoUp => up_impl,
        Down: ProbeDown / ProbeNoDown => down_impl,
    }
}

/// The migration has no `irreversible` attribute.
#[derive(Debug, Clone, Copy)]
pub struct DeclaredReversible;

/// `#[migration(irreversible = "...")]`, with its reason.
#[derive(Debug, Clone, Copy)]
pub struct DeclaredIrreversible(pub &'static str);

/// Maps a combination of probed traits and declaration to a verdict type. Implemented for every
/// combination without conditions, so the compiler never guesses a combination from the impls:
/// it waits for the probed types, then checks [`Verdict`].
pub trait Shape {
    /// The verdict: a way to plan, or a mistake.
    type Verdict;
}

/// How a verdict plans each direction of migration `M`; a mistake's impl needs a never-implemented trait.
pub trait Verdict<M: ?Sized> {
    /// The operations going up.
    fn up(migration: &M) -> Vec<PlannedOp>;
    /// The operations going down.
    fn down(migration: &M, irreversible: Option<&'static str>) -> Result<Vec<PlannedOp>, DownError>;
}

/// `impl Change`: down is the inverse.
#[derive(Debug)]
pub struct ViaChange;
/// `impl Up` and `impl Down`.
#[derive(Debug)]
pub struct ViaUpDown;
/// `impl Up` with `irreversible = "..."`.
#[derive(Debug)]
pub struct ViaUpIrreversible;

// The plans below are built with struct literals and taken apart by field rather than through
// `Plan::new` and `Plan::into_operations`: those are generic over the migration type, so each call would
// be one more function compiled per migration.

impl<M: ?Sized + Change> Verdict<M> for ViaChange {
    fn up(migration: &M) -> Vec<PlannedOp> {
        let mut plan = Plan::<M, Reversible> {
            ops: Vec::new(),
            _migration: PhantomData,
        };
        migration.change(&mut plan);
        plan.ops
    }
    fn down(migration: &M, _: Option<&'static str>) -> Result<Vec<PlannedOp>, DownError> {
        Ok(inverse_of(&Self::up(migration))?)
    }
}

impl<M: ?Sized + Up + Down> Verdict<M> for ViaUpDown {
    fn up(migration: &M) -> Vec<PlannedOp> {
        ViaUpIrreversible::up(migration)
    }
    fn down(migration: &M, _: Option<&'static str>) -> Result<Vec<PlannedOp>, DownError> {
        let mut plan = Plan::<M, Backward> {
            ops: Vec::new(),
            _migration: PhantomData,
        };
        migration.down(&mut plan);
        Ok(plan.ops)
    }
}

impl<M: ?Sized + Up> Verdict<M> for ViaUpIrreversible {
    fn up(migration: &M) -> Vec<PlannedOp> {
        let mut plan = Plan::<M, OneWay> {
            ops: Vec::new(),
            _migration: PhantomData,
        };
        migration.up(&mut plan);
        plan.ops
    }
    fn down(_: &M, irreversible: Option<&'static str>) -> Result<Vec<PlannedOp>, DownError> {
        Err(DownError::Declared {
            reason: irreversible.unwrap_or("declared irreversible"),
        })
    }
}

impl Shape for (Yes, No, No, DeclaredReversible) {
    type Verdict = ViaChange;
}
impl Shape for (No, Yes, Yes, DeclaredReversible) {
    type Verdict = ViaUpDown;
}
impl Shape for (No, Yes, No, DeclaredIrreversible) {
    type Verdict = ViaUpIrreversible;
}

/// An uninhabited type: the methods of impossible verdicts match on it.
#[derive(Debug, Clone, Copy)]
pub enum Never {}

macro_rules! mistakes {
    ($(
        $trait:ident / $verdict:ident { message: $message:literal, label: $label:literal, fix: $fix:literal }
        for $(($c:ident, $u:ident, $d:ident, $i:ident))|*;
    )*) => {$(
        #[diagnostic::on_unimplemented(message = $message, label = $label, note = $fix)]
        /// A combination of traits and attributes that does not make a migration; never implemented.
        pub trait $trait {
            /// Cannot exist.
            const NEVER: Never;
        }
        /// The verdict for a mistake; planning with it needs the never-implemented trait.
        #[derive(Debug)]
        pub struct $verdict;
        $(
            impl Shape for ($c, $u, $d, $i) {
                type Verdict = $verdict;
            }
        )*
    )*};
}
mistakes! {
    ImplementChangeOrUpAndDown / NoPlan {
        message: "migration `{Self}` implements none of `Change`, `Up` and `Down`",
        label: "this migration has no plan",
        fix: "fix: implement `Change` (its `down` is derived), or `Up` and `Down` by hand, or `Up` alone with `#[migration(irreversible = \"why\")]`"
    } for (No, No, No, DeclaredReversible);
    ImplementDown / UpWithoutDown {
        message: "migration `{Self}` implements `Up` but not `Down`, and it is not declared irreversible",
        label: "this migration has no way down",
        fix: "fix: implement `Down`, or declare `#[migration(irreversible = \"why it cannot be undone\")]`"
    } for (No, Yes, No, DeclaredReversible);
    ImplementUp / DownWithoutUp {
        message: "migration `{Self}` implements `Down` but not `Up`",
        label: "this migration has no way up",
        fix: "fix: implement `Up` beside `Down`, or replace both with `Change` when `down` is the plain inverse"
    } for (No, No, Yes, DeclaredReversible);
    ChooseChangeOrUpDown / ChangeAndUpDown {
        message: "migration `{Self}` implements `Change` and also `Up` or `Down`",
        label: "two plans for one migration",
        fix: "fix: keep `Change` alone (its `down` is derived), or remove it and keep `Up` and `Down`"
    } for (Yes, Yes, No, DeclaredReversible) | (Yes, No, Yes, DeclaredReversible) | (Yes, Yes, Yes, DeclaredReversible);
    IrreversibleNeedsUp / IrreversibleWithoutUp {
        message: "migration `{Self}` is declared irreversible but does not implement `Up`",
        label: "this migration has no way up",
        fix: "fix: implement `Up` (an irreversible migration plans only its way up)"
    } for (No, No, No, DeclaredIrreversible) | (No, No, Yes, DeclaredIrreversible);
    IrreversibleNotChange / IrreversibleChange {
        message: "migration `{Self}` is declared irreversible but implements `Change`, whose `down` is derived",
        label: "declared irreversible",
        fix: "fix: implement `Up` instead of `Change`, or remove `irreversible = \"...\"` if the inverse is right"
    } for (Yes, No, No, DeclaredIrreversible) | (Yes, Yes, No, DeclaredIrreversible) | (Yes, No, Yes, DeclaredIrreversible) | (Yes, Yes, Yes, DeclaredIrreversible);
    IrreversibleWithoutDown / IrreversibleDown {
        message: "migration `{Self}` is declared irreversible but implements `Down`",
        label: "declared irreversible",
        fix: "fix: remove the `Down` impl, or remove `irreversible = \"...\"` if `Down` really undoes `Up`"
    } for (No, Yes, Yes, DeclaredIrreversible);
}

// Written out rather than generated, so the compiler's note about them shows the one impl line.
macro_rules! never {
    () => {
        fn up(_: &M) -> Vec<PlannedOp> {
            match M::NEVER {}
        }
        fn down(_: &M, _: Option<&'static str>) -> Result<Vec<PlannedOp>, DownError> {
            match M::NEVER {}
        }
    };
}
impl<M: ?Sized + ImplementChangeOrUpAndDown> Verdict<M> for NoPlan {
    never!();
}
impl<M: ?Sized + ImplementDown> Verdict<M> for UpWithoutDown {
    never!();
}
impl<M: ?Sized + ImplementUp> Verdict<M> for DownWithoutUp {
    never!();
}
impl<M: ?Sized + ChooseChangeOrUpDown> Verdict<M> for ChangeAndUpDown {
    never!();
}
impl<M: ?Sized + IrreversibleNeedsUp> Verdict<M> for IrreversibleWithoutUp {
    never!();
}
impl<M: ?Sized + IrreversibleNotChange> Verdict<M> for IrreversibleChange {
    never!();
}
impl<M: ?Sized + IrreversibleWithoutDown> Verdict<M> for IrreversibleDown {
    never!();
}

/// The planning functions picked for one migration type; the derive keeps them in a constant.
pub struct Planners<M: ?Sized> {
    /// Plans the way up.
    pub up: fn(&M) -> Vec<PlannedOp>,
    /// Plans the way down, given the migration's `irreversible` reason.
    pub down: fn(&M, Option<&'static str>) -> Result<Vec<PlannedOp>, DownError>,
}

/// Picks the planning functions for the probed shape; fails to compile for an invalid shape.
///
/// `probed` is never called: only its return type, the probes' verdicts, matters. Evaluated in a
/// constant, this function is never compiled into the migration's crate.
pub const fn planners<M: ?Sized, F, C, U, D, I>(probed: &F, declared: &I) -> Planners<M>
where
    F: Fn() -> (C, U, D),
    (C, U, D, I): Shape,
    <(C, U, D, I) as Shape>::Verdict: Verdict<M>,
{
    let _ = (probed, declared);
    Planners {
        up: <<(C, U, D, I) as Shape>::Verdict as Verdict<M>>::up,
        down: <<(C, U, D, I) as Shape>::Verdict as Verdict<M>>::down,
    }
}

/// A migration type `migrations![]` can list: its version, known at compile time, and how to build it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a migration",
    label = "not a migration",
    note = "fix: add `#[derive(Migration)]` and `#[migration(version = ...)]` to `{Self}`"
)]
pub trait Listed: Migration + Sized {
    /// `#[migration(version = ...)]`.
    const VERSION: i64;
    /// A boxed instance, for the runtime's list.
    fn boxed() -> Box<dyn Migration>;
}

/// How the derive builds a migration type with fields: through `Default`.
#[diagnostic::on_unimplemented(
    message = "migration `{Self}` has fields, so `#[derive(Migration)]` needs `Default` to build it",
    label = "cannot be built without `Default`",
    note = "why: the runtime's list (`migrations![]`) and the generated plan check build a value of every migration",
    note = "fix: `#[derive(Default)]` or `impl Default for {Self}`; or make it a unit struct, since a migration must mean the same thing forever"
)]
pub trait Construct: Sized {
    /// A value of the migration type.
    fn construct() -> Self;
}

#[diagnostic::do_not_recommend]
impl<T: Default> Construct for T {
    fn construct() -> Self {
        T::default()
    }
}

/// The body of the `#[test]` the derive generates: panics with every problem found.
///
/// # Panics
///
/// When [`check_migration`](crate::check::check_migration) finds a problem; that is the point.
#[track_caller]
pub fn assert_migration_checks(migration: &dyn Migration) {
    assert_migration_checks_after(migration, &[]);
}

/// [`assert_migration_checks`] against the migrations before it (in list order, all taken as applied): the
/// derive's test passes those of its crate.
///
/// # Panics
///
/// When [`check_migration_after`](crate::check::check_migration_after) finds a problem on an enabled backend.
#[track_caller]
pub fn assert_migration_checks_after(migration: &dyn Migration, before: &[&dyn Migration]) {
    let earlier: Vec<(crate::Backend, crate::risk::plan_rules::Earlier)> = crate::check::enabled_backends()
        .into_iter()
        .map(|backend| {
            let mut earlier = crate::risk::plan_rules::Earlier::start();
            for m in before {
                earlier.advance(*m, backend, false);
            }
            (backend, earlier)
        })
        .collect();
    let earlier: Vec<(crate::Backend, &crate::risk::plan_rules::Earlier)> =
        earlier.iter().map(|(b, e)| (*b, e)).collect();
    if let Err(problems) = crate::check::check_migration_after(migration, &earlier) {
        let mut report = format!(
            "migration {} `{}` failed its plan check:",
            migration.meta().version,
            migration.meta().type_name
        );
        for problem in &problems {
            report.push_str("\n\n");
            report.push_str(&problem.to_string());
        }
        panic!("{report}");
    }
}

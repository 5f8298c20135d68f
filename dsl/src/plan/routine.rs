//! Functions and triggers on PostgreSQL.

use super::{Plan, push};
use crate::operation::Operation;
use crate::schema::{FunctionDef, TriggerDef};

impl<M: ?Sized, D> Plan<M, D> {
    /// Creates a function; `down` drops it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::FunctionDef;
    /// let mut m = Plan::<()>::new();
    /// m.create_function(
    ///     FunctionDef::new("touch_updated_at").returns("trigger").body("BEGIN NEW.updated_at := now(); RETURN NEW; END"),
    /// );
    /// assert_eq!(m.operations()[0].op.describe(), "create_function `touch_updated_at()`");
    /// ```
    #[track_caller]
    pub fn create_function(&mut self, function: FunctionDef) {
        push(&mut self.ops, Operation::CreateFunction(Box::new(function)));
    }

    /// Drops a function, given its definition so `down` can create it again.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::FunctionDef;
    /// let mut m = Plan::<()>::new();
    /// m.drop_function(FunctionDef::new("old_helper").language("sql").returns("integer").body("SELECT 1"));
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "create_function");
    /// ```
    #[track_caller]
    pub fn drop_function(&mut self, function: FunctionDef) {
        push(&mut self.ops, Operation::DropFunction(Box::new(function)));
    }

    /// Replaces a function's definition (`CREATE OR REPLACE`), with the definition it replaces, which `down`
    /// puts back.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::FunctionDef;
    /// let v1 = FunctionDef::new("vat").arguments("amount numeric").returns("numeric").language("sql").body("SELECT amount * 0.2");
    /// let v2 = v1.clone().body("SELECT amount * 0.21");
    /// let mut m = Plan::<()>::new();
    /// m.replace_function(v1, v2);
    /// assert_eq!(m.operations()[0].op.describe(), "replace_function `vat(amount numeric)`");
    /// ```
    #[track_caller]
    pub fn replace_function(&mut self, from: FunctionDef, to: FunctionDef) {
        push(
            &mut self.ops,
            Operation::ReplaceFunction {
                from: Box::new(from),
                to: Box::new(to),
            },
        );
    }

    /// Creates a trigger; `down` drops it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{TriggerDef, TriggerEvent};
    /// let mut m = Plan::<()>::new();
    /// m.create_trigger(TriggerDef::new("contracts", "contracts_touch", "touch_updated_at").on([TriggerEvent::Update]));
    /// assert_eq!(m.operations()[0].op.describe(), "create_trigger `contracts_touch` on `contracts`");
    /// ```
    #[track_caller]
    pub fn create_trigger(&mut self, trigger: TriggerDef) {
        push(&mut self.ops, Operation::CreateTrigger(Box::new(trigger)));
    }

    /// Drops a trigger, given its definition so `down` can create it again.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::TriggerDef;
    /// let mut m = Plan::<()>::new();
    /// m.drop_trigger(TriggerDef::new("contracts", "contracts_touch", "touch_updated_at"));
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "create_trigger");
    /// ```
    #[track_caller]
    pub fn drop_trigger(&mut self, trigger: TriggerDef) {
        push(&mut self.ops, Operation::DropTrigger(Box::new(trigger)));
    }
}

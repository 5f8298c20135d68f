//! PostgreSQL functions and the triggers that call them.

use serde::{Deserialize, Serialize};

/// A function: its signature, language and body.
///
/// ```
/// use lockgate_dsl::schema::FunctionDef;
/// let touch = FunctionDef::new("touch_updated_at")
///     .returns("trigger")
///     .language("plpgsql")
///     .body("BEGIN NEW.updated_at := now(); RETURN NEW; END");
/// assert_eq!(touch.signature(), "touch_updated_at()");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionDef {
    /// Its name, in the current schema.
    pub name: String,
    /// Its arguments as PostgreSQL takes them (`tenant bigint, since date`); empty for none.
    pub arguments: String,
    /// What it returns (`trigger`, `bigint`, `SETOF contracts`, ...).
    pub returns: String,
    /// `plpgsql` or `sql`.
    pub language: String,
    /// The body, written between dollar quotes as given.
    pub body: String,
}

impl FunctionDef {
    /// A `plpgsql` function without arguments returning `void`, with an empty body.
    ///
    /// ```
    /// use lockgate_dsl::schema::FunctionDef;
    /// assert_eq!(FunctionDef::new("f").language, "plpgsql");
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        FunctionDef {
            name: name.into(),
            arguments: String::new(),
            returns: "void".to_owned(),
            language: "plpgsql".to_owned(),
            body: String::new(),
        }
    }

    /// Takes `arguments` (`tenant bigint, since date`).
    ///
    /// ```
    /// use lockgate_dsl::schema::FunctionDef;
    /// assert_eq!(FunctionDef::new("f").arguments("a integer").signature(), "f(a integer)");
    /// ```
    #[must_use]
    pub fn arguments(mut self, arguments: impl Into<String>) -> Self {
        self.arguments = arguments.into();
        self
    }

    /// Returns `returns`.
    ///
    /// ```
    /// use lockgate_dsl::schema::FunctionDef;
    /// assert_eq!(FunctionDef::new("f").returns("trigger").returns, "trigger");
    /// ```
    #[must_use]
    pub fn returns(mut self, returns: impl Into<String>) -> Self {
        self.returns = returns.into();
        self
    }

    /// Is written in `language`.
    ///
    /// ```
    /// use lockgate_dsl::schema::FunctionDef;
    /// assert_eq!(FunctionDef::new("f").language("sql").language, "sql");
    /// ```
    #[must_use]
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = language.into();
        self
    }

    /// Runs `body`.
    ///
    /// ```
    /// use lockgate_dsl::schema::FunctionDef;
    /// assert_eq!(FunctionDef::new("f").language("sql").body("SELECT 1").body, "SELECT 1");
    /// ```
    #[must_use]
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    /// `name(arguments)`, as `DROP FUNCTION` names it.
    ///
    /// ```
    /// use lockgate_dsl::schema::FunctionDef;
    /// assert_eq!(FunctionDef::new("f").signature(), "f()");
    /// ```
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.arguments)
    }
}

/// When a trigger fires, against its statement.
///
/// ```
/// use lockgate_dsl::schema::TriggerTiming;
/// assert_eq!(TriggerTiming::Before.sql(), "BEFORE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    /// Before the row is written (a row trigger can change it).
    Before,
    /// After.
    After,
}

impl TriggerTiming {
    /// The keyword.
    ///
    /// ```
    /// use lockgate_dsl::schema::TriggerTiming;
    /// assert_eq!(TriggerTiming::After.sql(), "AFTER");
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
        }
    }
}

/// A statement a trigger fires on.
///
/// ```
/// use lockgate_dsl::schema::TriggerEvent;
/// assert_eq!(TriggerEvent::Update.sql(), "UPDATE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `TRUNCATE` (statement triggers only).
    Truncate,
}

impl TriggerEvent {
    /// The keyword.
    ///
    /// ```
    /// use lockgate_dsl::schema::TriggerEvent;
    /// assert_eq!(TriggerEvent::Insert.sql(), "INSERT");
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            TriggerEvent::Insert => "INSERT",
            TriggerEvent::Update => "UPDATE",
            TriggerEvent::Delete => "DELETE",
            TriggerEvent::Truncate => "TRUNCATE",
        }
    }
}

/// A trigger: which statements on `table` call `function` (PostgreSQL) or run `body` (MySQL, SQLite), when, and
/// for each row or once per statement.
///
/// ```
/// use lockgate_dsl::schema::{TriggerDef, TriggerEvent, TriggerTiming};
/// let trigger = TriggerDef::new("contracts", "contracts_touch", "touch_updated_at")
///     .on([TriggerEvent::Update])
///     .when("OLD.* IS DISTINCT FROM NEW.*");
/// assert_eq!(trigger.timing, TriggerTiming::Before);
/// assert!(trigger.for_each_row);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerDef {
    /// The table.
    pub table: String,
    /// The trigger's name, unique per table.
    pub name: String,
    /// Before or after the statement's writes.
    pub timing: TriggerTiming,
    /// The statements it fires on, in order.
    pub events: Vec<TriggerEvent>,
    /// `FOR EACH ROW`; otherwise `FOR EACH STATEMENT`.
    pub for_each_row: bool,
    /// `WHEN (condition)`.
    pub when: Option<String>,
    /// The function it calls, which takes no arguments and returns `trigger` (PostgreSQL; empty with a `body`).
    pub function: String,
    /// The statements it runs itself (MySQL, SQLite), for [`TriggerDef::with_body`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl TriggerDef {
    /// A row trigger firing before `INSERT` and `UPDATE`, without a condition.
    ///
    /// ```
    /// use lockgate_dsl::schema::TriggerDef;
    /// assert_eq!(TriggerDef::new("t", "tr", "f").events.len(), 2);
    /// ```
    pub fn new(table: impl Into<String>, name: impl Into<String>, function: impl Into<String>) -> Self {
        TriggerDef {
            table: table.into(),
            name: name.into(),
            timing: TriggerTiming::Before,
            events: vec![TriggerEvent::Insert, TriggerEvent::Update],
            for_each_row: true,
            when: None,
            function: function.into(),
            body: None,
        }
    }

    /// A MySQL or SQLite row trigger firing before `INSERT` that runs `body` itself, these backends having no
    /// trigger functions: one statement, or several between `BEGIN` and `END` on MySQL; statements each ending
    /// with `;` on SQLite. Choose its one event with [`on`](Self::on).
    ///
    /// ```
    /// use lockgate_dsl::schema::{TriggerDef, TriggerEvent};
    /// let stamp = TriggerDef::with_body("notes", "notes_stamp", "SET NEW.label = COALESCE(NEW.label, 'v1')")
    ///     .on([TriggerEvent::Insert]);
    /// assert!(stamp.function.is_empty() && stamp.body.is_some());
    /// ```
    pub fn with_body(table: impl Into<String>, name: impl Into<String>, body: impl Into<String>) -> Self {
        TriggerDef {
            events: vec![TriggerEvent::Insert],
            body: Some(body.into()),
            ..TriggerDef::new(table, name, "")
        }
    }

    /// Fires after the statement's writes.
    ///
    /// ```
    /// use lockgate_dsl::schema::{TriggerDef, TriggerTiming};
    /// assert_eq!(TriggerDef::new("t", "tr", "f").after().timing, TriggerTiming::After);
    /// ```
    #[must_use]
    pub fn after(mut self) -> Self {
        self.timing = TriggerTiming::After;
        self
    }

    /// Fires on these statements.
    ///
    /// ```
    /// use lockgate_dsl::schema::{TriggerDef, TriggerEvent};
    /// assert_eq!(TriggerDef::new("t", "tr", "f").on([TriggerEvent::Delete]).events, [TriggerEvent::Delete]);
    /// ```
    #[must_use]
    pub fn on(mut self, events: impl IntoIterator<Item = TriggerEvent>) -> Self {
        self.events = events.into_iter().collect();
        self
    }

    /// Fires once per statement rather than once per row.
    ///
    /// ```
    /// use lockgate_dsl::schema::TriggerDef;
    /// assert!(!TriggerDef::new("t", "tr", "f").for_each_statement().for_each_row);
    /// ```
    #[must_use]
    pub fn for_each_statement(mut self) -> Self {
        self.for_each_row = false;
        self
    }

    /// Fires only where `condition` holds (`OLD` and `NEW` in a row trigger).
    ///
    /// ```
    /// use lockgate_dsl::schema::TriggerDef;
    /// assert!(TriggerDef::new("t", "tr", "f").when("NEW.a <> OLD.a").when.is_some());
    /// ```
    #[must_use]
    pub fn when(mut self, condition: impl Into<String>) -> Self {
        self.when = Some(condition.into());
        self
    }
}

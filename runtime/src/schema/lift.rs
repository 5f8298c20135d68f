//! From the catalog's spelling back to the DSL: column types and defaults as lockgate's own types, tables as
//! [`TableDef`]s, so a live schema can be compared with what a plan predicts and written out as a migration.

use lockgate_dsl::render::{column_type_sql, default_sql};
use lockgate_dsl::schema::{
    CheckDef, ColumnDef, EnumDef, ForeignKeyDef, IndexDef, MaterializedView, Partition, PartitionBound, PartitionDef,
    PartitionValue, PolicyCommand, PolicyDef, ReferentialAction, RowSecurity, SchemaDef, TableDef, UniqueDef, ViewDef,
};
use lockgate_dsl::types::ColumnType;
use lockgate_dsl::{Backend, DefaultValue, SqlExpr};

use super::{Column, Schema, Table};

/// A live schema in the DSL's terms, with what has no DSL spelling set aside.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_runtime::schema::{Column, Schema, Table, lift};
/// let mut live = Schema::default();
/// let columns = vec![Column::new("id", "bigint"), Column::new("origin", "point")];
/// live.tables.insert("t".into(), Table { columns, ..Table::default() });
/// let lifted = lift(&live, Backend::Postgres);
/// assert_eq!(lifted.schema.tables["t"].columns.len(), 1);
/// assert_eq!(lifted.unmapped[0].column, "origin");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lifted {
    /// Everything the DSL can spell.
    pub schema: SchemaDef,
    /// Columns whose type the DSL cannot spell, left out of `schema`.
    pub unmapped: Vec<Unmapped>,
}

/// A column the DSL cannot spell, kept as the catalog has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    /// Its table.
    pub table: String,
    /// Its name.
    pub column: String,
    /// The column as the catalog spells it.
    pub live: Column,
}

/// The DSL's view of a live schema read from `backend`.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::types::ColumnType;
/// use lockgate_runtime::schema::{Column, Schema, Table, lift};
/// let mut live = Schema::default();
/// let columns = vec![Column::new("name", "character varying(40)")];
/// live.tables.insert("t".into(), Table { columns, ..Table::default() });
/// assert_eq!(lift(&live, Backend::Postgres).schema.tables["t"].columns[0].ty, ColumnType::Varchar(40));
/// ```
pub fn lift(live: &Schema, backend: Backend) -> Lifted {
    let mut lifted = Lifted::default();
    for (name, values) in &live.enums {
        lifted
            .schema
            .enums
            .insert(name.clone(), EnumDef::new(name.clone(), values.clone()));
    }
    for (name, table) in &live.tables {
        let def = lift_table(name, table, backend, live, &mut lifted.unmapped);
        lifted.schema.tables.insert(name.clone(), def);
        if let Some(of) = &table.partition_of
            && let Some(bound) = super::partition_bound(&of.bound)
        {
            let def = PartitionDef {
                name: name.clone(),
                parent: of.parent.clone(),
                bound,
            };
            let partition = Partition {
                def,
                adopted: Default::default(),
            };
            lifted.schema.partitions.insert(name.clone(), partition);
        }
        if table.row_security != RowSecurity::OFF {
            lifted.schema.row_security.insert(name.clone(), table.row_security);
        }
        if !table.policies.is_empty() {
            let policies = table
                .policies
                .iter()
                .map(|(policy, live)| (policy.clone(), lift_policy(name, policy, live)))
                .collect();
            lifted.schema.policies.insert(name.clone(), policies);
        }
    }
    lifted.schema.grants = live.grants.clone();
    lifted.schema.schemas = live.schemas.clone();
    lifted.schema.sequences = live.sequences.clone();
    lifted.schema.comments = live.comments.clone();
    lifted.schema.functions = live.functions.clone();
    lifted.schema.triggers = live.triggers.clone();
    for (name, view) in &live.materialized_views {
        let indexes = view
            .indexes
            .iter()
            .map(|(index, live)| lift_index(name, index, live))
            .collect();
        lifted.schema.materialized_views.insert(
            name.clone(),
            MaterializedView {
                view: ViewDef::new(name.clone(), view.definition.clone()),
                indexes,
            },
        );
    }
    for (name, view) in &live.views {
        lifted
            .schema
            .views
            .insert(name.clone(), ViewDef::new(name.clone(), view.definition.clone()));
    }
    lifted.schema.extensions = live.extensions.clone();
    lifted
}

fn lift_index(table: &str, name: &str, live: &super::Index) -> IndexDef {
    IndexDef {
        name: name.to_owned(),
        table: table.to_owned(),
        columns: live.columns.iter().map(|c| unquote(c)).collect(),
        unique: live.unique,
        predicate: live.predicate.clone(),
        concurrently: false,
    }
}

/// A policy as the DSL spells it: PUBLIC as no role.
fn lift_policy(table: &str, name: &str, live: &super::Policy) -> PolicyDef {
    let command = match live.command.as_str() {
        "SELECT" => PolicyCommand::Select,
        "INSERT" => PolicyCommand::Insert,
        "UPDATE" => PolicyCommand::Update,
        "DELETE" => PolicyCommand::Delete,
        _ => PolicyCommand::All,
    };
    let mut def = PolicyDef::new(table, name).command(command);
    def.restrictive = !live.permissive;
    if live.roles != ["public"] {
        def.roles.clone_from(&live.roles);
    }
    def.using.clone_from(&live.using);
    def.with_check.clone_from(&live.with_check);
    def
}

fn lift_table(name: &str, table: &Table, backend: Backend, live: &Schema, unmapped: &mut Vec<Unmapped>) -> TableDef {
    let mut def = TableDef::new(name);
    // MariaDB spells `json` as longtext with a `json_valid` check named after the column.
    let json_check = |column: &str| {
        table
            .checks
            .get(column)
            .filter(|c| c.expression.to_lowercase().starts_with("json_valid("))
            .is_some()
    };
    for column in &table.columns {
        let ty = match column_type(backend, &column.data_type, live) {
            Some(ColumnType::Text) if backend == Backend::MySql && json_check(&column.name) => Some(ColumnType::Json),
            ty => ty,
        };
        match ty {
            Some(ty) => {
                let default = column.default.as_deref().map(|d| default_value(backend, &ty, d));
                def.columns.push(ColumnDef {
                    name: column.name.clone(),
                    ty,
                    nullable: column.nullable,
                    default,
                    generated: column.generated.clone(),
                });
            }
            None => unmapped.push(Unmapped {
                table: name.to_owned(),
                column: column.name.clone(),
                live: column.clone(),
            }),
        }
    }
    def.primary_key = table.primary_key.clone();
    for (index, live) in &table.indexes {
        def.indexes.push(lift_index(name, index, live));
    }
    for (fk, live) in &table.foreign_keys {
        def.foreign_keys.push(ForeignKeyDef {
            name: fk.clone(),
            table: name.to_owned(),
            columns: live.columns.clone(),
            ref_table: live.ref_table.clone(),
            ref_columns: live.ref_columns.clone(),
            on_delete: action(&live.on_delete, backend),
            on_update: action(&live.on_update, backend),
            not_valid: !live.validated,
        });
    }
    for (check, live) in &table.checks {
        let json = backend == Backend::MySql
            && json_check(check)
            && def.column(check).is_some_and(|c| c.ty == ColumnType::Json);
        if !json {
            let mut def_check = CheckDef::new(name, check.clone(), live.expression.clone());
            def_check.not_valid = !live.validated;
            def.checks.push(def_check);
        }
    }
    for (unique, columns) in &table.uniques {
        let mut def_unique = UniqueDef::new(name, columns.clone());
        def_unique.name.clone_from(unique);
        def.uniques.push(def_unique);
    }
    def.partition_by = table.partition_by.as_deref().and_then(super::partition_key);
    def
}

/// A referential action; `None` for the backend's default (MySQL's is `RESTRICT`, the others' `NO ACTION`).
fn action(spelled: &str, backend: Backend) -> Option<ReferentialAction> {
    match (spelled.to_ascii_uppercase().as_str(), backend) {
        ("CASCADE", _) => Some(ReferentialAction::Cascade),
        ("SET NULL", _) => Some(ReferentialAction::SetNull),
        ("SET DEFAULT", _) => Some(ReferentialAction::SetDefault),
        ("RESTRICT", Backend::MySql) | ("NO ACTION", Backend::Postgres | Backend::Sqlite) => None,
        ("RESTRICT", _) => Some(ReferentialAction::Restrict),
        _ => Some(ReferentialAction::NoAction),
    }
}

/// `"we""ird"` → `we"ird`; other text unchanged.
fn unquote(name: &str) -> String {
    for quote in ['"', '`'] {
        if name.len() >= 2 && name.starts_with(quote) && name.ends_with(quote) {
            let doubled = format!("{quote}{quote}");
            return name[1..name.len() - 1].replace(&doubled, &quote.to_string());
        }
    }
    name.to_owned()
}

/// `(12,2)` → `(12, 2)`; the numbers inside the parentheses after `prefix`.
fn numbers_after(spelled: &str, prefix: &str) -> Option<Vec<u32>> {
    let inner = spelled
        .strip_prefix(prefix)?
        .trim()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    inner.split(',').map(|n| n.trim().parse().ok()).collect()
}

/// A timestamp spelled with its fractional digits: `timestamp(3)`, `timestamptz(0)`, PostgreSQL's
/// `timestamp(3) with time zone`, MySQL's `datetime(3)` (which holds UTC by convention, as `Timestamptz` does).
fn timestamp(spelled: &str) -> Option<ColumnType> {
    for (prefix, tz) in [("timestamptz", true), ("timestamp", false), ("datetime", true)] {
        let Some(rest) = spelled.strip_prefix(prefix).and_then(|r| r.strip_prefix('(')) else {
            continue;
        };
        let (digits, zone) = rest.split_once(')')?;
        let tz = match zone.trim() {
            "" => tz,
            "with time zone" => true,
            "without time zone" => false,
            _ => return None,
        };
        return Some(match (digits.trim().parse::<u8>().ok()?, tz) {
            (6, false) => ColumnType::Timestamp,
            (6, true) => ColumnType::Timestamptz,
            (digits, tz) => ColumnType::PreciseTimestamp { digits, tz },
        });
    }
    None
}

/// The DSL type whose rendering on `backend` the catalog spells as `spelled`, or `None` when no DSL type
/// renders so. Several DSL types share one spelling on MySQL and SQLite; the plainest is chosen (SQLite's
/// `text` is `String`, MySQL's `datetime(6)` is `Timestamptz`).
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::types::ColumnType;
/// use lockgate_runtime::schema::{Schema, column_type};
/// let none = Schema::default();
/// assert_eq!(column_type(Backend::MySql, "tinyint(1)", &none), Some(ColumnType::Bool));
/// assert_eq!(column_type(Backend::Postgres, "numeric(12,2)", &none), Some(ColumnType::Decimal { precision: 12, scale: 2 }));
/// assert_eq!(column_type(Backend::Postgres, "inet", &none), Some(ColumnType::Inet));
/// assert_eq!(column_type(Backend::Postgres, "point", &none), None);
/// assert_eq!(column_type(Backend::Postgres, "integer[]", &none), Some(ColumnType::Array(Box::new(ColumnType::Int))));
/// assert_eq!(column_type(Backend::MySql, "mediumblob", &none), Some(ColumnType::Blob(16_777_215)));
/// ```
pub fn column_type(backend: Backend, spelled: &str, live: &Schema) -> Option<ColumnType> {
    use ColumnType as T;
    let spelled = spelled.trim().to_lowercase();
    if backend == Backend::Postgres
        && let Some(element) = spelled.strip_suffix("[]")
    {
        return Some(T::Array(Box::new(column_type(backend, element, live)?)));
    }
    if !(backend == Backend::MySql && spelled == "char(36)")
        && let Some(n) = numbers_after(&spelled, "character").or_else(|| numbers_after(&spelled, "char"))
    {
        return Some(T::Char(*n.first()?));
    }
    if let Some(ty) = timestamp(&spelled) {
        return Some(ty);
    }
    if let Some(n) = numbers_after(&spelled, "varchar").or_else(|| numbers_after(&spelled, "character varying")) {
        return Some(T::Varchar(*n.first()?));
    }
    for prefix in ["numeric", "decimal"] {
        if let Some([precision, scale]) = numbers_after(&spelled, prefix).as_deref() {
            return Some(T::Decimal {
                precision: u8::try_from(*precision).ok()?,
                scale: u8::try_from(*scale).ok()?,
            });
        }
    }
    // MariaDB adds a display width to integers; MySQL 8 does not.
    let integer = ["tinyint", "smallint", "mediumint", "int", "bigint"];
    let base = match (backend, spelled.find('(')) {
        (Backend::MySql, Some(at)) if spelled != "tinyint(1)" && integer.contains(&&spelled[..at]) => {
            spelled[..at].to_owned()
        }
        _ => spelled.clone(),
    };
    let ty = match (backend, base.as_str()) {
        (_, "boolean" | "bool") | (Backend::MySql, "tinyint(1)") => T::Bool,
        (_, "smallint") => T::SmallInt,
        (_, "integer" | "int") => T::Int,
        (_, "bigint") => T::BigInt,
        (Backend::MySql, "float") | (Backend::Postgres | Backend::Sqlite, "real") => T::Real,
        (_, "double precision" | "double") => T::Double,
        (_, "text") | (Backend::MySql, "longtext") => T::Text,
        (Backend::Postgres, "bytea") | (Backend::MySql, "longblob") | (Backend::Sqlite, "blob") => T::Bytes,
        (Backend::Postgres, "uuid") | (Backend::MySql, "char(36)") => T::Uuid,
        (Backend::Postgres, "jsonb") | (Backend::MySql, "json") => T::Json,
        (Backend::Postgres | Backend::MySql, "date") => T::Date,
        (Backend::Postgres, "time" | "time without time zone") | (Backend::MySql, "time(6)") => T::Time,
        (Backend::Postgres, "timestamp" | "timestamp without time zone") => T::Timestamp,
        (Backend::Postgres, "timestamptz" | "timestamp with time zone") => T::Timestamptz,
        (Backend::MySql, "datetime") => T::PreciseTimestamp { digits: 0, tz: true },
        (Backend::MySql, "tinyblob") => T::Blob(255),
        (Backend::MySql, "blob") => T::Blob(65_535),
        (Backend::MySql, "mediumblob") => T::Blob(16_777_215),
        (Backend::Postgres, "json") => T::JsonText,
        (Backend::Postgres, "inet") => T::Inet,
        (Backend::Postgres, "citext") => T::Citext,
        (Backend::Postgres, "interval") => T::Interval,
        (Backend::Postgres, name) => {
            let name = unquote(name);
            return live.enums.contains_key(&name).then_some(T::Enum(name));
        }
        _ => return None,
    };
    Some(ty)
}

/// A default as the catalog spells it, in the DSL's terms: literals as values, the current time, date and a
/// random UUID by name, anything else as [`SqlExpr::Raw`].
///
/// ```
/// use lockgate_dsl::{Backend, DefaultValue, SqlExpr};
/// use lockgate_dsl::types::ColumnType;
/// use lockgate_runtime::schema::default_value;
/// let text = default_value(Backend::Postgres, &ColumnType::Varchar(20), "'it''s'::character varying");
/// assert_eq!(text, DefaultValue::Text("it's".into()));
/// assert_eq!(default_value(Backend::MySql, &ColumnType::Bool, "1"), DefaultValue::Bool(true));
/// assert_eq!(default_value(Backend::MySql, &ColumnType::Timestamptz, "current_timestamp(6)"), SqlExpr::Now.into());
/// ```
pub fn default_value(backend: Backend, ty: &ColumnType, spelled: &str) -> DefaultValue {
    let mut text = spelled.trim();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        if !balanced(inner) {
            break;
        }
        text = inner.trim();
    }
    let bare = strip_cast(text);
    let lower = bare.to_lowercase();
    match lower.as_str() {
        "now()" | "current_timestamp" | "current_timestamp()" => return SqlExpr::Now.into(),
        // MySQL spells the column's fractional digits: `current_timestamp(3)`.
        now if now
            .strip_prefix("current_timestamp(")
            .and_then(|d| d.strip_suffix(')'))
            .is_some_and(|d| d.len() == 1 && d.as_bytes()[0].is_ascii_digit()) =>
        {
            return SqlExpr::Now.into();
        }
        "current_date" | "curdate()" => return SqlExpr::CurrentDate.into(),
        "gen_random_uuid()" | "uuid()" => return SqlExpr::GenRandomUuid.into(),
        _ => {}
    }
    let literal = string_literal(bare, backend);
    let number = literal.as_deref().unwrap_or(bare);
    match ty {
        ColumnType::Bool => match lower.trim_matches('\'') {
            "true" | "1" => return DefaultValue::Bool(true),
            "false" | "0" => return DefaultValue::Bool(false),
            _ => {}
        },
        ColumnType::SmallInt
        | ColumnType::Int
        | ColumnType::BigInt
        | ColumnType::Real
        | ColumnType::Double
        | ColumnType::Decimal { .. } => {
            if let Some(value) = number_value(number) {
                return value;
            }
        }
        _ => {}
    }
    match literal {
        Some(text) => DefaultValue::Text(text),
        None => DefaultValue::Expr(SqlExpr::raw(bare)),
    }
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// `'x'::character varying` → `'x'`; PostgreSQL's casts on literal defaults.
fn strip_cast(text: &str) -> &str {
    if text.starts_with('\'')
        && let Some(at) = text.rfind("'::")
    {
        return &text[..=at];
    }
    text
}

/// The text of a whole single-quoted literal, unescaped.
fn string_literal(text: &str, backend: Backend) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            '\'' => return None,
            '\\' if backend == Backend::MySql => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('0') => out.push('\0'),
                Some(other) => out.push(other),
                None => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

/// A numeric literal: whole numbers as integers, others as floats.
fn number_value(text: &str) -> Option<DefaultValue> {
    let value: f64 = text.trim().parse().ok()?;
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        #[allow(clippy::cast_possible_truncation)]
        return Some(DefaultValue::Int(value as i64));
    }
    Some(DefaultValue::Float(value))
}

/// `def` as it would read back from `backend`'s catalog, in the terms [`lift`] gives: types and defaults
/// through the backend's rendering, names and shapes as the backend keeps them, and only what the backend
/// can tell apart. Comparing `comparable(predicted)` with `comparable(lift(live))` asks whether the live
/// database holds what a plan predicts.
///
/// - Types and defaults go through the backend's rendering and back, so `Uuid` and `String` are one type on
///   SQLite (both `text`), as are MySQL's two timestamps.
/// - Unique indexes are unique constraints on MySQL, which makes no difference between them; SQLite keeps
///   no names for unique constraints.
/// - Only PostgreSQL keeps constraints `NOT VALID`; MySQL's `NO ACTION` is `RESTRICT`.
/// - Expressions (checks, partial-index predicates, views) are compared as text only on SQLite, which keeps
///   them as written; the others rewrite them into their own canonical form.
/// - Indexes are never `concurrently`: that is how one was built, not what it is.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::schema::{SchemaDef, TableDef};
/// use lockgate_dsl::types::Uuid;
/// use lockgate_runtime::schema::comparable;
/// let with = |column: fn(&mut lockgate_dsl::schema::TableBuilder)| {
///     let mut schema = SchemaDef::default();
///     schema.tables.insert("t".into(), TableDef::build("t", column));
///     schema
/// };
/// let uuid = with(|t| { t.column::<Uuid>("id"); });
/// let text = with(|t| { t.column::<String>("id"); });
/// assert_eq!(comparable(&uuid, Backend::Sqlite), comparable(&text, Backend::Sqlite));
/// assert_ne!(comparable(&uuid, Backend::Postgres), comparable(&text, Backend::Postgres));
/// ```
pub fn comparable(def: &SchemaDef, backend: Backend) -> SchemaDef {
    let mut out = def.clone();
    let texts_kept = backend == Backend::Sqlite;
    let enums = Schema {
        enums: def.enums.iter().map(|(k, v)| (k.clone(), v.values.clone())).collect(),
        ..Schema::default()
    };
    for table in out.tables.values_mut() {
        for column in &mut table.columns {
            let Ok(spelled) = column_type_sql(&column.ty, backend, &column.name) else {
                continue;
            };
            let Some(ty) = column_type(backend, &spelled, &enums) else {
                continue;
            };
            if let Some(default) = &column.default
                && let Ok(spelled) = default_sql(default, &column.ty, backend)
            {
                column.default = Some(default_value(backend, &ty, &spelled));
            }
            column.ty = ty;
            // Each backend respells the expression its own way; SQLite keeps it as written.
            if let Some(expression) = &mut column.generated {
                *expression = if texts_kept { loose(expression) } else { String::new() };
            }
        }
        for index in &mut table.indexes {
            index.concurrently = false;
            if !texts_kept {
                index.predicate = index.predicate.as_ref().map(|_| String::new());
            }
            index.predicate = index.predicate.as_deref().map(loose);
        }
        if backend == Backend::MySql {
            for index in std::mem::take(&mut table.indexes) {
                if index.unique {
                    let mut unique = UniqueDef::new(&index.table, index.columns.clone());
                    unique.name = index.name;
                    table.uniques.push(unique);
                } else {
                    table.indexes.push(index);
                }
            }
        }
        for unique in &mut table.uniques {
            unique.using_index = None;
            if backend == Backend::Sqlite {
                unique.name = format!("unique ({})", unique.columns.join(", "));
            }
        }
        for fk in &mut table.foreign_keys {
            let plain =
                |action: Option<ReferentialAction>| match (action.unwrap_or(ReferentialAction::NoAction), backend) {
                    (ReferentialAction::NoAction, Backend::MySql) => Some(ReferentialAction::Restrict),
                    (action, _) => Some(action),
                };
            fk.on_delete = plain(fk.on_delete);
            fk.on_update = plain(fk.on_update);
            fk.not_valid &= backend == Backend::Postgres;
        }
        for check in &mut table.checks {
            check.not_valid &= backend == Backend::Postgres;
            check.expr = if texts_kept { loose(&check.expr) } else { String::new() };
        }
        table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        table.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
    for view in out.views.values_mut() {
        view.sql = if texts_kept { loose(&view.sql) } else { String::new() };
    }
    for view in out.materialized_views.values_mut() {
        view.view.sql = if texts_kept {
            loose(&view.view.sql)
        } else {
            String::new()
        };
        for index in &mut view.indexes {
            index.concurrently = false;
            index.predicate = index.predicate.as_ref().map(|_| String::new());
        }
        view.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }
    // PostgreSQL respells a function's arguments and result (`int` is `integer`) and deparses a trigger's
    // condition; the body is kept as written.
    for function in out.functions.values_mut() {
        if !texts_kept {
            function.arguments = String::new();
            function.returns = String::new();
        }
        function.language = function.language.to_lowercase();
    }
    for trigger in out.triggers.values_mut().flat_map(|triggers| triggers.values_mut()) {
        trigger.events.sort();
        // MySQL and SQLite keep a trigger's statements as written, SQLite's with the `;` `END` needs.
        if let Some(body) = &mut trigger.body {
            *body = loose(body);
        }
        if let Some(when) = &mut trigger.when {
            *when = if texts_kept { loose(when) } else { String::new() };
        }
    }
    // PostgreSQL respells a bound's values in the key's type (a timestamp with its time zone, a bigint quoted):
    // which are values and which are MINVALUE or MAXVALUE is what compares. Which partition adopted which index
    // is history the catalog does not keep.
    for partition in out.partitions.values_mut() {
        partition.adopted.clear();
        let blank = |values: &mut Vec<PartitionValue>| {
            for value in values {
                if matches!(value, PartitionValue::Text(_) | PartitionValue::Int(_)) {
                    *value = PartitionValue::Text(String::new());
                }
            }
        };
        match &mut partition.def.bound {
            PartitionBound::Range { from, to } => {
                blank(from);
                blank(to);
            }
            PartitionBound::List(values) => blank(values),
            PartitionBound::Hash { .. } | PartitionBound::Default => {}
        }
    }
    // PostgreSQL deparses a policy's conditions in its own spelling: whether each is there is what compares.
    for policy in out.policies.values_mut().flat_map(|policies| policies.values_mut()) {
        policy.roles.sort();
        for text in [&mut policy.using, &mut policy.with_check].into_iter().flatten() {
            *text = if texts_kept { loose(text) } else { String::new() };
        }
    }
    out
}

/// Lowercase, without quotes, parentheses or repeated whitespace: expression text as two spellings of it
/// may differ only in form.
fn loose(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, '"' | '`' | '(' | ')'))
        .collect::<String>()
        .to_lowercase();
    super::squash(&kept)
}

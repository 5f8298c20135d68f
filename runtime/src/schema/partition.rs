//! A partitioned table's key and a partition's bound, read back from PostgreSQL's spelling of them.

use lockgate_dsl::schema::{PartitionBound, PartitionKey, PartitionStrategy, PartitionValue};

/// The key `pg_get_partkeydef` spells (`RANGE (created_on)`); `None` for a key over expressions, which the DSL
/// cannot spell.
///
/// ```
/// use lockgate_runtime::schema::partition_key;
/// assert_eq!(partition_key("LIST (region, \"Tier\")").unwrap().columns, ["region", "Tier"]);
/// assert!(partition_key("RANGE (lower(name))").is_none());
/// ```
pub fn partition_key(spelled: &str) -> Option<PartitionKey> {
    let (strategy, rest) = spelled.trim().split_once(' ')?;
    let strategy = match strategy.to_ascii_uppercase().as_str() {
        "RANGE" => PartitionStrategy::Range,
        "LIST" => PartitionStrategy::List,
        "HASH" => PartitionStrategy::Hash,
        _ => return None,
    };
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    let columns = split_top_level(inner)?
        .into_iter()
        .map(|column| identifier(&column))
        .collect::<Option<Vec<_>>>()?;
    Some(PartitionKey { strategy, columns })
}

/// The bound `pg_get_expr(relpartbound, ..)` spells; `None` for one the DSL cannot spell (a `NULL` list value).
///
/// ```
/// use lockgate_dsl::schema::{PartitionBound, PartitionValue};
/// use lockgate_runtime::schema::partition_bound;
/// assert_eq!(
///     partition_bound("FOR VALUES FROM (MINVALUE) TO ('2025-01-01')").unwrap(),
///     PartitionBound::Range { from: vec![PartitionValue::MinValue], to: vec!["2025-01-01".into()] }
/// );
/// assert_eq!(partition_bound("FOR VALUES WITH (modulus 4, remainder 3)"), Some(PartitionBound::Hash { modulus: 4, remainder: 3 }));
/// assert_eq!(partition_bound("DEFAULT"), Some(PartitionBound::Default));
/// ```
pub fn partition_bound(spelled: &str) -> Option<PartitionBound> {
    let spelled = spelled.trim();
    if spelled.eq_ignore_ascii_case("DEFAULT") {
        return Some(PartitionBound::Default);
    }
    let rest = spelled.strip_prefix("FOR VALUES ")?;
    if let Some(list) = rest.strip_prefix("IN ") {
        return Some(PartitionBound::List(values(parenthesised(list)?.0)?));
    }
    if let Some(range) = rest.strip_prefix("FROM ") {
        let (from, after) = parenthesised(range)?;
        let (to, _) = parenthesised(after.trim_start().strip_prefix("TO ")?)?;
        return Some(PartitionBound::Range {
            from: values(from)?,
            to: values(to)?,
        });
    }
    let with = split_top_level(parenthesised(rest.strip_prefix("WITH ")?)?.0)?;
    let number = |item: &str, word: &str| {
        let (name, value) = item.trim().split_once(' ')?;
        name.eq_ignore_ascii_case(word).then(|| value.trim().parse().ok())?
    };
    match with.as_slice() {
        [modulus, remainder] => Some(PartitionBound::Hash {
            modulus: number(modulus, "modulus")?,
            remainder: number(remainder, "remainder")?,
        }),
        _ => None,
    }
}

/// The text inside the parentheses `text` starts with, and what follows them.
fn parenthesised(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start().strip_prefix('(')?;
    let (mut depth, mut quoted) = (0usize, false);
    for (at, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => return Some((&text[..at], &text[at + 1..])),
            ')' if !quoted => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The comma-separated items of `text`, commas inside quotes or parentheses left alone.
fn split_top_level(text: &str) -> Option<Vec<String>> {
    let (mut items, mut current, mut depth, mut quoted) = (Vec::new(), String::new(), 0usize, false);
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.checked_sub(1)?,
            ',' if !quoted && depth == 0 => {
                items.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current.trim().to_owned());
    Some(items)
}

fn values(text: &str) -> Option<Vec<PartitionValue>> {
    split_top_level(text)?.iter().map(|item| value(item)).collect()
}

fn value(item: &str) -> Option<PartitionValue> {
    if let Some(quoted) = item.strip_prefix('\'').and_then(|rest| rest.strip_suffix('\'')) {
        return Some(PartitionValue::Text(quoted.replace("''", "'")));
    }
    match item.to_ascii_uppercase().as_str() {
        "MINVALUE" => Some(PartitionValue::MinValue),
        "MAXVALUE" => Some(PartitionValue::MaxValue),
        _ => item.parse().ok().map(PartitionValue::Int),
    }
}

/// A column name, unquoted; `None` for an expression.
fn identifier(text: &str) -> Option<String> {
    if let Some(quoted) = text.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) {
        return Some(quoted.replace("\"\"", "\""));
    }
    let plain = text.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    (plain && !text.is_empty()).then(|| text.to_owned())
}

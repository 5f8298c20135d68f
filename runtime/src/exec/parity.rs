//! A parity checkpoint: read both sides' groups and fail on the first group whose measures differ.

use std::collections::BTreeMap;

use crate::conn::bound;
use crate::error::Error;
use crate::session::Session;
use crate::work::Work;

/// Each group's measure, as text; a NULL group is a group of its own.
type Groups = BTreeMap<Option<String>, Option<String>>;

pub(super) async fn check(
    session: &mut Session<'_>,
    work: &Work,
    left: &str,
    right: &str,
    message: &str,
) -> Result<(), Error> {
    let left_groups = read(session, work, left).await?;
    let right_groups = read(session, work, right).await?;
    match first_difference(&left_groups, &right_groups) {
        None => Ok(()),
        Some(difference) => Err(Error::AssertionFailed {
            migration: work.id(),
            message: format!("{message}; {difference}"),
            query: format!("{left};\n{right}"),
        }),
    }
}

async fn read(session: &mut Session<'_>, work: &Work, query: &str) -> Result<Groups, Error> {
    let rows = session
        .driver
        .conn()
        .fetch_text(bound(query, Vec::new()))
        .await
        .map_err(|source| Error::StatementFailed {
            migration: work.id(),
            statement: query.to_owned(),
            source,
        })?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut columns = row.into_iter();
            (columns.next().flatten(), columns.next().flatten())
        })
        .collect())
}

/// The first group, in order, that differs, said for people.
fn first_difference(left: &Groups, right: &Groups) -> Option<String> {
    let name = |group: &Option<String>| group.as_deref().map_or("NULL".to_owned(), |g| format!("`{g}`"));
    let value = |v: Option<&Option<String>>| match v {
        None => "no rows".to_owned(),
        Some(None) => "NULL".to_owned(),
        Some(Some(v)) => v.clone(),
    };
    left.keys()
        .chain(right.keys())
        .filter(|group| left.get(*group) != right.get(*group))
        .min()
        .map(|group| {
            format!(
                "group {} differs: {} on the left, {} on the right",
                name(group),
                value(left.get(group)),
                value(right.get(group))
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(pairs: &[(&str, &str)]) -> Groups {
        pairs
            .iter()
            .map(|(g, v)| (Some((*g).to_owned()), Some((*v).to_owned())))
            .collect()
    }

    #[test]
    fn the_first_differing_group_is_named() {
        let left = groups(&[("1", "3"), ("2", "5"), ("3", "1")]);
        assert_eq!(first_difference(&left, &left), None);
        let right = groups(&[("1", "3"), ("2", "4")]);
        assert_eq!(
            first_difference(&left, &right).unwrap(),
            "group `2` differs: 5 on the left, 4 on the right"
        );
        let right = groups(&[("1", "3"), ("2", "5")]);
        assert_eq!(
            first_difference(&left, &right).unwrap(),
            "group `3` differs: 1 on the left, no rows on the right"
        );
    }
}

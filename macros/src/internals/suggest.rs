//! "did you mean" suggestions for misspelled keywords.

use super::symbol::Symbol;

/// The closest keyword, if it is close enough to be a likely typo.
pub(crate) fn closest(word: &str, candidates: &[Symbol]) -> Option<Symbol> {
    candidates
        .iter()
        .map(|candidate| (distance(word, candidate.0), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.0.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::internals::symbol::{CATEGORIES, KEYS};

    #[test]
    fn suggests_close_keywords_only() {
        assert_eq!(closest("alow", KEYS).map(|s| s.0), Some("allow"));
        assert_eq!(closest("versoin", KEYS).map(|s| s.0), Some("version"));
        assert_eq!(
            closest("datadependent", CATEGORIES).map(|s| s.0),
            Some("data_dependent")
        );
        assert_eq!(closest("zzz", KEYS).map(|s| s.0), None);
    }
}

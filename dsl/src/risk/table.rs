//! Every rule, compile-time and plan-time, as one Markdown table: the documentation's catalogue.
//!
//! `rules.md` beside this file is the table as the documentation shows it; a test fails when it
//! drifts from the code (`LOCKGATE_BLESS=1 cargo test -p lockgate-dsl` rewrites it).

use super::gates::{GATES, GateInfo};
use super::plan_rules::{PLAN_RULES, PlanRule};

/// The catalogue of every rule as a Markdown table: rule, when it is checked, category, backends,
/// safe alternative, and how to allow it.
///
/// ```
/// use lockgate_dsl::risk::rules_table;
/// let table = rules_table();
/// assert!(table.contains("`DropTable`"));
/// assert!(table.contains("`pg-create-index-not-concurrently`"));
/// ```
pub fn rules_table() -> String {
    let mut table = String::from(
        "| rule | checked | category | backends | safe alternative | how to allow |\n\
         |---|---|---|---|---|---|\n",
    );
    for gate in GATES {
        table.push_str(&gate_row(gate));
    }
    for rule in PLAN_RULES {
        table.push_str(&plan_rule_row(rule));
    }
    table
}

fn gate_row(gate: &GateInfo) -> String {
    let what = gate.message.split(", and migration").next().unwrap_or(gate.message);
    let fix = gate.fix.strip_prefix("fix: ").unwrap_or(gate.fix);
    let allow = if gate.category == "irreversible" {
        "`irreversible = \"...\"` and `Up` alone, or `Up` + `Down`".to_owned()
    } else {
        format!("`allow({} = \"...\")`", gate.category)
    };
    format!(
        "| `{}`: {what} | compile time | {} | all | {fix} | {allow} |\n",
        gate.name, gate.category
    )
}

fn plan_rule_row(rule: &PlanRule) -> String {
    let backends: Vec<&str> = rule.backends.iter().map(|backend| backend.name()).collect();
    format!(
        "| `{}`: {} | plan time | {} | {} | {} | {} |\n",
        rule.id,
        rule.summary,
        rule.category,
        backends.join(", "),
        rule.fix,
        rule.how_to_allow()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENTED: &str = include_str!("rules.md");

    #[test]
    fn the_documented_table_is_the_generated_one() {
        let generated = rules_table();
        if DOCUMENTED != generated {
            if std::env::var_os("LOCKGATE_BLESS").is_some() {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/risk/rules.md");
                std::fs::write(path, &generated).expect("rules.md is writable");
            } else {
                panic!("src/risk/rules.md is out of date: rerun with LOCKGATE_BLESS=1 and review the diff");
            }
        }
    }

    #[test]
    fn every_rule_is_in_the_documented_table_and_nothing_else() {
        let mut names: Vec<String> = GATES.iter().map(|gate| format!("`{}`:", gate.name)).collect();
        names.extend(PLAN_RULES.iter().map(|rule| format!("`{}`:", rule.id)));
        for name in &names {
            assert!(DOCUMENTED.contains(name.as_str()), "{name} is missing from rules.md");
        }
        let rows = DOCUMENTED.lines().filter(|line| line.starts_with("| `")).count();
        assert_eq!(rows, names.len(), "rules.md has a row for a rule that does not exist");
        assert!(rows >= 30, "the catalogue has {rows} rules");
    }

    #[test]
    fn gate_entries_carry_the_text_of_their_attributes() {
        // Three gates are declared outside the `gates!` macro; their entries repeat the attribute text.
        let source = include_str!("gates.rs").replace("\\\"", "\"");
        for gate in GATES {
            for text in [gate.message, gate.why, gate.fix] {
                assert!(source.matches(text).count() >= 1, "{}: {text}", gate.name);
            }
        }
        for gate in [
            super::super::gates::ADD_REQUIRED_COLUMN,
            super::super::gates::SQL_WITHOUT_REVERSE,
            super::super::gates::ENUM_VALUE_IS_PERMANENT,
        ] {
            for text in [gate.message, gate.why, gate.fix] {
                assert_eq!(
                    source.matches(text).count(),
                    2,
                    "{}: attribute and entry differ",
                    gate.name
                );
            }
        }
    }
}

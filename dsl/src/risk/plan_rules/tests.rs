//! Unit tests of the plan-time rules: each rule fires where it should, and nowhere else.

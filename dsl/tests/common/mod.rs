//! Fixtures shared by the rendering tests.

pub(crate) mod cases;
pub(crate) mod db;

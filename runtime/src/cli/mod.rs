//! The embeddable command line.

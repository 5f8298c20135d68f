//! Generated code uses fully qualified paths: shadowed prelude names, a module without the
//! prelude, and the facade re-exported under another name all work.

#![allow(dead_code)]

mod shadowed {
    use lockgate::prelude::{Change, Migration, Plan};

    struct Result;
    struct Ok;
    struct Err;
    struct Vec;
    struct String;
    struct Box;
    struct Option;
    struct Some;
    struct None;
    struct Default;
    trait Sized {}

    /// Add the citext extension.
    #[derive(Migration)]
    #[migration(version = 1, allow(destructive = "the old view was unused"))]
    pub struct AddCitext;

    impl Change for AddCitext {
        fn change(&self, m: &mut Plan<Self>) {
            m.create_extension("citext");
            m.drop_table("unused", |t| {
                t.column::<i64>("id").primary_key();
            });
        }
    }
}

#[no_implicit_prelude]
mod without_prelude {
    use ::lockgate::prelude::{Change, Migration, Plan};

    #[derive(Migration)]
    #[migration(version = 2, irreversible = "kept forever", transaction = false)]
    pub struct KeepForever;

    impl ::lockgate::prelude::Up for KeepForever {
        fn up(&self, m: &mut Plan<Self, ::lockgate::prelude::OneWay>) {
            m.sql_irreversible("SELECT 1");
        }
    }

    #[derive(Migration)]
    #[migration(version = 3)]
    pub struct AddPgcrypto {}

    impl Change for AddPgcrypto {
        fn change(&self, m: &mut Plan<Self>) {
            m.create_extension("pgcrypto");
        }
    }

    pub fn list() -> ::std::vec::Vec<::std::boxed::Box<dyn Migration>> {
        ::lockgate::migrations![super::shadowed::AddCitext, KeepForever, AddPgcrypto]
    }
}

mod reexported {
    pub mod tools {
        pub use lockgate as migrations;
    }

    use self::tools::migrations::prelude::*;

    #[derive(Migration)]
    #[migration(version = 4, crate = "self::tools::migrations")]
    pub struct ThroughReexport();

    impl Change for ThroughReexport {
        fn change(&self, m: &mut Plan<Self>) {
            m.create_extension("hstore");
        }
    }
}

fn main() {
    let all = without_prelude::list();
    let versions: std::vec::Vec<i64> = all.iter().map(|m| m.meta().version).collect();
    assert_eq!(versions, [1, 2, 3]);
    let reexported: &dyn lockgate::Migration = &reexported::ThroughReexport();
    assert_eq!(reexported.meta().type_name, "ThroughReexport");
}

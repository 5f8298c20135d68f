//! The folder tree is the architecture: no module of `dsl/` or `runtime/` reaches, through `crate::` or `super::`
//! paths, a module that reaches back to it. A circle here is how a seam erodes, so the test names it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every `.rs` file under `root`, with its module path (`render/rebuild/mod.rs` → `render::rebuild`).
fn modules(root: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("under the root").with_extension("");
                let mut parts: Module = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                if parts.last().is_some_and(|last| last == "mod" || last == "lib") {
                    parts.pop();
                }
                out.insert(parts, path);
            }
        }
    }
    out
}

/// The source without comments and without its `#[cfg(test)] mod tests` (tests may reach anywhere).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read a source file");
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(cut) => &text[..cut],
        None => &text[..],
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(comment) => &line[..comment],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The path words after each `crate::`, `super::` or `self::` in the code, with what a `{..}` group names.
fn paths(code: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts = ["crate::", "super::", "self::"].iter().any(|p| rest.starts_with(p));
        let boundary =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'$');
        if !(starts && boundary) {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let words: Vec<String> = rest[..end]
            .split("::")
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let mut group = Vec::new();
        if rest[end..].starts_with('{') {
            let close = rest[end..].find('}').map_or(rest.len(), |c| end + c);
            group = rest[end + 1..close]
                .split(',')
                .filter_map(|item| item.trim().split("::").next().map(|w| w.trim().to_owned()))
                .filter(|w| !w.is_empty())
                .collect();
        }
        out.push((words, group));
        i += end.max(1);
    }
    out
}

/// The modules each module reaches.
fn edges(root: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules = modules(root);
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, path) in &modules {
        for (words, group) in paths(&code(path)) {
            let mut words = words.into_iter().peekable();
            let mut target: Module = match words.next().as_deref() {
                Some("crate") => Vec::new(),
                Some("super") => module[..module.len().saturating_sub(1)].to_vec(),
                _ => module.clone(),
            };
            while words.peek().is_some_and(|w| w == "super") {
                words.next();
                target.pop();
            }
            for word in words {
                let mut next = target.clone();
                next.push(word);
                if modules.contains_key(&next) {
                    target = next;
                } else {
                    break;
                }
            }
            let mut reached = vec![target.clone()];
            for name in group {
                let mut next = target.clone();
                next.push(name);
                if modules.contains_key(&next) {
                    reached.push(next);
                }
            }
            for target in reached {
                // A module may use its own children and its ancestors' items freely: only siblings and cousins count.
                if target != *module && !module.starts_with(&target) && !target.starts_with(module) {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    edges
}

/// A circle of modules, if there is one.
fn circle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        node: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        path: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            return Some(path[start..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(found) = visit(node, edges, &mut Vec::new(), &mut done) {
            return Some(found);
        }
    }
    None
}

fn assert_acyclic(crate_dir: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(crate_dir).join("src");
    let edges = edges(&root);
    assert!(
        edges.len() > 10,
        "{crate_dir}: too few modules found ({}); is the parser broken?",
        edges.len()
    );
    if let Some(found) = circle(&edges) {
        let names: Vec<String> = found.iter().map(|m| format!("`{}`", m.join("::"))).collect();
        panic!(
            "{crate_dir}: the modules {} reach each other in a circle; move what they share into a module \
             both can use",
            names.join(" -> ")
        );
    }
}

#[test]
fn the_dsl_has_no_import_circles() {
    assert_acyclic("dsl");
}

#[test]
fn the_runtime_has_no_import_circles() {
    assert_acyclic("runtime");
}

#[test]
fn a_circle_is_found() {
    let module = |name: &str| vec![name.to_owned()];
    let mut edges = BTreeMap::new();
    edges.insert(module("a"), BTreeSet::from([module("b")]));
    edges.insert(module("b"), BTreeSet::from([module("c")]));
    edges.insert(module("c"), BTreeSet::from([module("a")]));
    assert_eq!(circle(&edges), Some(vec![module("a"), module("b"), module("c")]));
    edges.insert(module("c"), BTreeSet::new());
    assert_eq!(circle(&edges), None);
}

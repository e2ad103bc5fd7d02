//! Cycle detection for recursive property types.
//!
//! A field holding another struct directly (not through a `Vec` or `Map`,
//! which already allocate) embeds it; a cycle of such fields would make the
//! type infinitely sized. Every direct edge inside a strongly connected
//! component of that graph is boxed, which breaks all cycles.

use super::model::{StructDef, Ty};

/// The struct a field embeds directly, if any.
fn direct(ty: &Ty) -> Option<usize> {
    match ty {
        Ty::Struct(i) => Some(*i),
        _ => None,
    }
}

/// Strongly connected component index of every node (Tarjan).
pub fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    struct T<'a> {
        edges: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        comp: Vec<usize>,
        next: usize,
        ncomp: usize,
    }
    impl T<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for &w in &self.edges[v] {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    self.comp[w] = self.ncomp;
                    if w == v {
                        break;
                    }
                }
                self.ncomp += 1;
            }
        }
    }
    let n = edges.len();
    let mut t = T {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        comp: vec![0; n],
        next: 0,
        ncomp: 0,
    };
    for v in 0..n {
        if t.index[v].is_none() {
            t.visit(v);
        }
    }
    t.comp
}

/// Sets `boxed` on every field whose direct struct reference closes a cycle.
/// Returns how many fields were boxed.
pub fn mark_boxed(structs: &mut [StructDef]) -> usize {
    let edges: Vec<Vec<usize>> = structs
        .iter()
        .map(|s| s.fields.iter().filter_map(|f| direct(&f.ty)).collect())
        .collect();
    let comp = components(&edges);
    let mut boxed = 0;
    for (i, s) in structs.iter_mut().enumerate() {
        for f in &mut s.fields {
            if let Some(j) = direct(&f.ty) {
                if comp[i] == comp[j] {
                    f.boxed = true;
                    boxed += 1;
                }
            }
        }
    }
    boxed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::model::{Cons, Field};

    fn field(ty: Ty) -> Field {
        Field {
            cfn: "F".into(),
            ident: "f".into(),
            doc: None,
            ty,
            required: false,
            boxed: false,
            rule: Cons::default(),
            item_rule: Cons::default(),
        }
    }

    fn def(fields: Vec<Ty>) -> StructDef {
        StructDef {
            name: "S".into(),
            doc: None,
            fields: fields.into_iter().map(field).collect(),
        }
    }

    #[test]
    fn self_reference_is_boxed_but_lists_are_not() {
        // 0 -> 1 (direct), 1 -> 1 (direct), 1 -> [1] (list), 1 -> 2
        let mut s = vec![
            def(vec![Ty::Struct(1)]),
            def(vec![
                Ty::Struct(1),
                Ty::List(Box::new(Ty::Struct(1))),
                Ty::Struct(2),
            ]),
            def(vec![Ty::Str]),
        ];
        assert_eq!(mark_boxed(&mut s), 1);
        assert!(!s[0].fields[0].boxed);
        assert!(s[1].fields[0].boxed);
        assert!(!s[1].fields[1].boxed);
        assert!(!s[1].fields[2].boxed);
    }

    #[test]
    fn mutual_recursion_boxes_the_cycle() {
        // 0 -> 1 -> 2 -> 0 (all direct), 2 -> 3
        let mut s = vec![
            def(vec![Ty::Struct(1)]),
            def(vec![Ty::Struct(2)]),
            def(vec![Ty::Struct(0), Ty::Struct(3)]),
            def(vec![]),
        ];
        assert_eq!(mark_boxed(&mut s), 3);
        assert!(!s[2].fields[1].boxed);
    }

    #[test]
    fn cycles_only_through_lists_need_no_box() {
        let mut s = vec![def(vec![
            Ty::List(Box::new(Ty::Struct(0))),
            Ty::Map(Box::new(Ty::Struct(0))),
        ])];
        assert_eq!(mark_boxed(&mut s), 0);
    }
}

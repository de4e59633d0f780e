//! Where each node of the topology sits on the canvas: clients on the left, then services in
//! columns by call depth. Coordinates are fractions of the drawing area (0 to 1).

use crate::sim::Scenario;

/// A node's position and kind.
#[derive(Clone, Debug, PartialEq)]
pub struct NodePos {
    /// Service or client name.
    pub name: String,
    /// True for clients.
    pub client: bool,
    /// Column centre, 0 to 1.
    pub x: f64,
    /// Row centre, 0 to 1.
    pub y: f64,
}

/// Positions of services (scenario order) followed by clients (scenario order).
pub fn layout(s: &Scenario) -> Vec<NodePos> {
    let n = s.services.len();
    // depth = longest call chain from a client (the graph has no cycle: validated)
    let mut depth = vec![0usize; n];
    let index = |name: &str| s.services.iter().position(|x| x.name == name);
    for c in &s.clients {
        if let Some(i) = index(&c.call.to) {
            depth[i] = depth[i].max(1);
        }
    }
    for _ in 0..n {
        for (i, svc) in s.services.iter().enumerate() {
            for call in &svc.calls {
                if let Some(j) = index(&call.to) {
                    depth[j] = depth[j].max(depth[i].max(1) + 1);
                }
            }
        }
    }
    for d in depth.iter_mut() {
        *d = (*d).max(1);
    }
    let columns = depth.iter().copied().max().unwrap_or(1) + 1;
    let x_of = |d: usize| (d as f64 + 0.5) / columns as f64;
    let mut out = Vec::new();
    let place = |names: Vec<(String, bool)>, d: usize, out: &mut Vec<(usize, NodePos)>| {
        let k = names.len();
        for (row, (name, client)) in names.into_iter().enumerate() {
            out.push((
                row,
                NodePos {
                    name,
                    client,
                    x: x_of(d),
                    y: (row as f64 + 0.5) / k as f64,
                },
            ));
        }
    };
    let mut tmp = Vec::new();
    for d in 1..columns {
        let names: Vec<(String, bool)> = s
            .services
            .iter()
            .enumerate()
            .filter(|(i, _)| depth[*i] == d)
            .map(|(_, x)| (x.name.clone(), false))
            .collect();
        place(names, d, &mut tmp);
    }
    // services back in scenario order
    for svc in &s.services {
        if let Some((_, p)) = tmp.iter().find(|(_, p)| p.name == svc.name) {
            out.push(p.clone());
        }
    }
    let mut clients = Vec::new();
    place(
        s.clients.iter().map(|c| (c.name.clone(), true)).collect(),
        0,
        &mut clients,
    );
    out.extend(clients.into_iter().map(|(_, p)| p));
    out
}

/// For each edge name `from->to` (as `Simulation::edge_names` gives them), the indices of its
/// two ends in `nodes`; a name that is not there maps to node 0.
pub fn edge_ends<'a>(
    nodes: &[NodePos],
    names: impl Iterator<Item = &'a str>,
) -> Vec<(usize, usize)> {
    let idx = |n: &str| nodes.iter().position(|p| p.name == n).unwrap_or(0);
    names
        .map(|name| {
            let (a, b) = name.split_once("->").unwrap_or((name, name));
            (idx(a), idx(b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::presets;

    #[test]
    fn clients_left_callers_before_callees() {
        let s = presets::scenario("shop").expect("preset");
        let pos = layout(&s);
        assert_eq!(pos.len(), s.services.len() + s.clients.len());
        let x = |n: &str| pos.iter().find(|p| p.name == n).map(|p| p.x).expect("node");
        assert!(x("shoppers") < x("frontend"));
        assert!(x("frontend") < x("inventory"));
        assert_eq!(x("product"), x("inventory"));
        for p in &pos {
            assert!((0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y));
        }
    }

    #[test]
    fn edges_join_the_named_nodes() {
        let s = presets::scenario("shop").expect("preset");
        let pos = layout(&s);
        let at = |n: &str| pos.iter().position(|p| p.name == n).expect("node");
        let ends = edge_ends(
            &pos,
            ["shoppers->frontend", "frontend->inventory", "x->y"].into_iter(),
        );
        assert_eq!(
            ends,
            vec![
                (at("shoppers"), at("frontend")),
                (at("frontend"), at("inventory")),
                (0, 0)
            ]
        );
    }
}

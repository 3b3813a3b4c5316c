//! The connection lists of netpol-analyzer's connlist cases, compared with
//! kubeward's as sets of (source, destination, protocol and ports).
//!
//! Every connlist case runs whose input uses only Kubernetes objects
//! kubeward models: workloads, Pods, Namespaces, Services, NetworkPolicy,
//! AdminNetworkPolicy and BaselineAdminNetworkPolicy. Cases about
//! secondary networks (UserDefinedNetwork, NetworkAttachmentDefinition,
//! MultiNetworkPolicy) and VirtualMachines are out of scope.
//!
//! The mapping between the two tools' outputs lives here:
//!
//! - a workload is `namespace/name[Kind]` in both; a kubeward workload
//!   that is a Pod with an owner reference without a kind maps to its
//!   owner's name with kind `Pod`, as netpol-analyzer names it;
//! - netpol-analyzer models TCP, UDP and SCTP only, so kubeward's flag
//!   for other protocols is dropped, and its "All Connections" is every
//!   port of those three;
//! - netpol-analyzer prints IPv4 ranges only, split at every boundary of
//!   every policy; both sides are compared as a function from IPv4
//!   address to allowed ports, per workload and direction;
//! - `{ingress-controller}` lines (connections from an ingress controller
//!   through Ingress and Route objects) are not part of kubeward's
//!   connection list and are left out;
//! - connections with a pod on the host network at either end are left
//!   out. Kubernetes leaves policy for such pods undefined; kubeward
//!   follows the most common implementation, where they are never
//!   isolated and match no pod selector, while netpol-analyzer treats them
//!   as ordinary pods. The test prints the cases this changes;
//! - the focus options of a case (a workload, a peer, a direction, a
//!   connection) filter kubeward's full list the way netpol-analyzer
//!   filters its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_netpol::connlist::{Connlist, End, connlist};
use kubeward_netpol::ports::{PortRanges, PortSet, Protocol};
use kubeward_netpol::{Analysis, Model};

/// Kinds whose presence puts a case out of scope.
const UNSUPPORTED_KINDS: &[&str] = &[
    "UserDefinedNetwork",
    "ClusterUserDefinedNetwork",
    "NetworkAttachmentDefinition",
    "MultiNetworkPolicy",
    "VirtualMachine",
];

/// IPv4 address → ports, as sorted disjoint `(first, last, ports)`.
type AddressMap = Vec<(u32, u32, PortSet)>;

/// A connection list in the comparable form.
#[derive(Debug, Default, PartialEq)]
struct Canonical {
    /// (source, destination) workloads → ports.
    pairs: BTreeMap<(String, String), PortSet>,
    /// (workload, "ingress" or "egress") → what external addresses may
    /// send to it or receive from it.
    external: BTreeMap<(String, &'static str), AddressMap>,
}

struct Case {
    input: PathBuf,
    expected: PathBuf,
    focus_workloads: Vec<String>,
    focus_peers: Vec<String>,
    focus_direction: String,
    focus_conn: String,
}

fn suite_dir() -> Option<PathBuf> {
    kubeward_testutil::shared_dir("netpol-analyzer connlist cases")
        .map(|dir| dir.join("peer-suites/netpol-analyzer"))
}

fn cases(dir: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("CASES.json")).expect("CASES.json is readable");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("CASES.json is JSON");
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for case in doc["cases"].as_array().expect("cases is a list") {
        if case["mode"] != "connlist" || case["multiple_networks_enabled"] == true {
            continue;
        }
        let expected = strings(&case["expected_files"])
            .into_iter()
            .find(|f| Path::new(f).extension().is_some_and(|e| e == "txt"))
            .expect("every connlist case has a txt golden file");
        out.push(Case {
            input: dir.join(case["input_dir"].as_str().expect("input_dir is a string")),
            expected: dir.join(expected),
            focus_workloads: strings(&case["focus_workloads"]),
            focus_peers: strings(&case["focus_workload_peers"]),
            focus_direction: case["focus_direction"].as_str().unwrap_or("").to_owned(),
            focus_conn: case["focus_conn"].as_str().unwrap_or("").to_owned(),
        });
    }
    out
}

/// Scans a case's input keeping every object.
fn inventory(input: &Path) -> Inventory {
    let (inputs, errors) = kubeward_intake::collect_inputs(&[input.to_path_buf()]);
    assert!(errors.is_empty(), "{}: {errors:?}", input.display());
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let mut stored = Vec::new();
    for file in inputs {
        let bytes = kubeward_intake::read_input(&file).expect("input is readable");
        let name: Arc<str> = Arc::from(file.display());
        stored.extend(scan_bytes_with(&name, &bytes, &plan).stored);
    }
    Inventory::new(stored)
}

/// Keeps the three protocols netpol-analyzer models.
fn three_protocols(ports: &PortSet) -> PortSet {
    let mut out = PortSet::none();
    for protocol in Protocol::ALL {
        out.add(&PortSet::of(protocol, ports.ports(protocol).clone()));
    }
    out
}

fn parse_ports(text: &str) -> PortSet {
    if text == "All Connections" {
        return three_protocols(&PortSet::all());
    }
    let mut set = PortSet::none();
    let mut protocol = None;
    for token in text.split(',') {
        let token = token.trim();
        let range = match token.split_once(' ') {
            Some((name, range)) => {
                protocol = Protocol::parse(name);
                range
            }
            None => token,
        };
        let protocol =
            protocol.unwrap_or_else(|| panic!("no protocol before `{token}` in `{text}`"));
        let (a, b) = range.split_once('-').unwrap_or((range, range));
        let (a, b): (u16, u16) = (a.parse().expect("port"), b.parse().expect("port"));
        set.add(&PortSet::of(protocol, PortRanges::range(a, b)));
    }
    set
}

fn ipv4(text: &str) -> u32 {
    let addr: std::net::Ipv4Addr = text.parse().unwrap_or_else(|_| panic!("address `{text}`"));
    u32::from(addr)
}

/// IPv4 ranges of an external end: `a-b` or CIDR blocks, comma-separated;
/// IPv6 parts are skipped.
fn ipv4_ranges(text: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for part in text.split(',') {
        if part.contains(':') {
            continue;
        }
        if let Some((addr, len)) = part.split_once('/') {
            let start = ipv4(addr);
            let len: u32 = len.parse().expect("prefix length");
            let size = if len == 0 {
                u64::from(u32::MAX) + 1
            } else {
                1u64 << (32 - len)
            };
            out.push((start, (u64::from(start) + size - 1) as u32));
        } else if let Some((a, b)) = part.split_once('-') {
            out.push((ipv4(a), ipv4(b)));
        } else {
            let a = ipv4(part);
            out.push((a, a));
        }
    }
    out
}

/// Adds `ports` for `ranges` to an address map, as a union.
fn add_ranges(map: &mut AddressMap, ranges: &[(u32, u32)], ports: &PortSet) {
    for &(a, b) in ranges {
        map.push((a, b, ports.clone()));
    }
}

/// Turns overlapping entries into the function address → union of ports,
/// with adjacent equal ranges merged and empty ones dropped.
fn normalise(map: &AddressMap) -> AddressMap {
    let mut bounds: BTreeSet<u64> = BTreeSet::new();
    for &(a, b, _) in map {
        bounds.insert(u64::from(a));
        bounds.insert(u64::from(b) + 1);
    }
    let bounds: Vec<u64> = bounds.into_iter().collect();
    let mut out: AddressMap = Vec::new();
    for window in bounds.windows(2) {
        let (start, end) = (window[0], window[1] - 1);
        let mut ports = PortSet::none();
        for (a, b, p) in map {
            if u64::from(*a) <= start && end <= u64::from(*b) {
                ports.add(p);
            }
        }
        if ports.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if u64::from(last.1) + 1 == start && last.2 == ports => last.1 = end as u32,
            _ => out.push((start as u32, end as u32, ports)),
        }
    }
    out
}

fn split_line(line: &str) -> Option<(&str, &str, &str)> {
    let (ends, ports) = line.split_once(" : ")?;
    let (src, dst) = ends.split_once(" => ")?;
    Some((src.trim(), dst.trim(), ports.trim()))
}

fn expected(path: &Path) -> Canonical {
    let text = std::fs::read_to_string(path).expect("golden file is readable");
    let mut out = Canonical::default();
    let mut raw: BTreeMap<(String, &'static str), AddressMap> = BTreeMap::new();
    // With a connection focus, the file starts with "Permitted connections
    // on UDP 52:" and its lines have no ports.
    let mut focus_ports = None;
    for line in text.lines() {
        if let Some(conn) = line
            .strip_prefix("Permitted connections on ")
            .and_then(|rest| rest.strip_suffix(':'))
        {
            focus_ports = Some(conn.to_owned());
            continue;
        }
        let fields = match &focus_ports {
            Some(conn) => line
                .split_once(" => ")
                .map(|(src, dst)| (src.trim(), dst.trim(), conn.as_str())),
            None => split_line(line),
        };
        let Some((src, dst, ports)) = fields else {
            continue;
        };
        if src == "{ingress-controller}" {
            continue;
        }
        let ports = parse_ports(ports);
        match (
            src.strip_suffix("[External]"),
            dst.strip_suffix("[External]"),
        ) {
            (Some(range), None) => {
                add_ranges(
                    raw.entry((dst.to_owned(), "ingress")).or_default(),
                    &ipv4_ranges(range),
                    &ports,
                );
            }
            (None, Some(range)) => {
                add_ranges(
                    raw.entry((src.to_owned(), "egress")).or_default(),
                    &ipv4_ranges(range),
                    &ports,
                );
            }
            _ => {
                out.pairs
                    .entry((src.to_owned(), dst.to_owned()))
                    .or_default()
                    .add(&ports);
            }
        }
    }
    out.external = raw.into_iter().map(|(k, v)| (k, normalise(&v))).collect();
    out.external.retain(|_, v| !v.is_empty());
    out
}

fn peer_name(model: &Model, end: &End) -> Option<String> {
    let End::Workload(w) = end else { return None };
    let workload = &model.workloads[*w];
    let namespace = &model.namespaces[workload.namespace].name;
    let (name, kind) = match &workload.owner {
        Some(owner) if owner.kind.is_none() => (owner.name.as_str(), "Pod"),
        _ => (workload.name.as_str(), workload.kind.as_str()),
    };
    Some(format!("{namespace}/{name}[{kind}]"))
}

fn actual(model: &Model, list: &Connlist) -> Canonical {
    let mut out = Canonical::default();
    let mut raw: BTreeMap<(String, &'static str), AddressMap> = BTreeMap::new();
    for c in &list.connections {
        let ports = three_protocols(&c.ports);
        if ports.is_empty() {
            continue;
        }
        match (&c.src, &c.dst) {
            (End::External(set), dst) => {
                let name = peer_name(model, dst).expect("a workload");
                add_ranges(
                    raw.entry((name, "ingress")).or_default(),
                    &ipv4_ranges(&set.to_string()),
                    &ports,
                );
            }
            (src, End::External(set)) => {
                let name = peer_name(model, src).expect("a workload");
                add_ranges(
                    raw.entry((name, "egress")).or_default(),
                    &ipv4_ranges(&set.to_string()),
                    &ports,
                );
            }
            (src, dst) => {
                let (s, d) = (peer_name(model, src), peer_name(model, dst));
                let (Some(s), Some(d)) = (s, d) else { continue };
                if s != d {
                    out.pairs.entry((s, d)).or_default().add(&ports);
                }
            }
        }
    }
    out.external = raw.into_iter().map(|(k, v)| (k, normalise(&v))).collect();
    out.external.retain(|_, v| !v.is_empty());
    out
}

/// Whether a `namespace/name[Kind]` name is the focus `ns/name` or `name`.
fn is_focus(name: &str, focus: &str) -> bool {
    let bare = name.split('[').next().unwrap_or(name);
    bare == focus || bare.rsplit('/').next() == Some(focus)
}

/// Applies a case's focus options to kubeward's list.
fn focus(mut list: Canonical, case: &Case) -> Canonical {
    let keep = |src: &str, dst: &str| -> bool {
        if case.focus_workloads.is_empty() {
            return true;
        }
        case.focus_workloads.iter().any(|f| {
            let (as_src, as_dst) = (is_focus(src, f), is_focus(dst, f));
            let direction = match case.focus_direction.as_str() {
                "ingress" => as_dst,
                "egress" => as_src,
                _ => as_src || as_dst,
            };
            let other = if as_src { dst } else { src };
            direction
                && (case.focus_peers.is_empty()
                    || case.focus_peers.iter().any(|p| is_focus(other, p)))
        })
    };
    list.pairs.retain(|(s, d), _| keep(s, d));
    list.external.retain(|(w, direction), _| {
        if !case.focus_peers.is_empty() {
            return false;
        }
        match *direction {
            "ingress" => keep("", w),
            _ => keep(w, ""),
        }
    });
    if let Some((protocol, port)) = case.focus_conn.split_once('-') {
        let protocol = Protocol::parse(&protocol.to_ascii_uppercase()).expect("focus protocol");
        let port: u16 = port.parse().expect("focus port");
        let only = PortSet::of(protocol, PortRanges::single(port));
        for ports in list.pairs.values_mut() {
            *ports = ports.intersection(&only);
        }
        list.pairs.retain(|_, p| !p.is_empty());
        for map in list.external.values_mut() {
            let narrowed: AddressMap = map
                .iter()
                .map(|(a, b, p)| (*a, *b, p.intersection(&only)))
                .collect();
            *map = normalise(&narrowed);
        }
        list.external.retain(|_, v| !v.is_empty());
    }
    list
}

fn describe(map: &AddressMap) -> String {
    map.iter()
        .map(|(a, b, p)| {
            format!(
                "{}-{}: {p}",
                std::net::Ipv4Addr::from(*a),
                std::net::Ipv4Addr::from(*b)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Lists the differences between two canonical lists, leaving out the
/// workloads named in `skip`.
fn differences(expected: &Canonical, actual: &Canonical, skip: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let keys: BTreeSet<_> = expected.pairs.keys().chain(actual.pairs.keys()).collect();
    for key in keys {
        if skip.contains(&key.0) || skip.contains(&key.1) {
            continue;
        }
        match (expected.pairs.get(key), actual.pairs.get(key)) {
            (Some(e), Some(a)) if e == a => {}
            (e, a) => out.push(format!(
                "{} => {}: expected {}, kubeward {}",
                key.0,
                key.1,
                e.map_or("nothing".to_owned(), ToString::to_string),
                a.map_or("nothing".to_owned(), ToString::to_string)
            )),
        }
    }
    let keys: BTreeSet<_> = expected
        .external
        .keys()
        .chain(actual.external.keys())
        .collect();
    for key in keys {
        if skip.contains(&key.0) {
            continue;
        }
        let e = expected.external.get(key).map(describe).unwrap_or_default();
        let a = actual.external.get(key).map(describe).unwrap_or_default();
        if e != a {
            out.push(format!(
                "{} {} external: expected [{e}], kubeward [{a}]",
                key.0, key.1
            ));
        }
    }
    out
}

#[test]
fn connlist_cases_agree() {
    let Some(dir) = suite_dir() else { return };
    let mut ran = 0;
    let mut skipped = 0;
    let mut host_network_cases = 0;
    let mut failures = Vec::new();
    for case in cases(&dir) {
        let inventory = inventory(&case.input);
        let unsupported: BTreeSet<&str> = inventory
            .objects()
            .iter()
            .map(kubeward_core::StoredObject::kind)
            .filter(|k| UNSUPPORTED_KINDS.contains(k))
            .collect();
        if !unsupported.is_empty() {
            eprintln!(
                "{}: out of scope, the input has {}",
                case.expected.display(),
                unsupported.into_iter().collect::<Vec<_>>().join(", ")
            );
            skipped += 1;
            continue;
        }
        ran += 1;
        let model = Model::build(&inventory);
        let analysis = Analysis::new(&model);
        let list = connlist(&analysis);
        let want = expected(&case.expected);
        let got = focus(actual(&model, &list), &case);
        let host_network: BTreeSet<String> = (0..model.workloads.len())
            .filter(|&w| model.classes[model.workloads[w].class].host_network)
            .filter_map(|w| peer_name(&model, &End::Workload(w)))
            .collect();
        if !differences(&want, &got, &BTreeSet::new()).is_empty()
            && differences(&want, &got, &host_network).is_empty()
        {
            eprintln!(
                "{}: agrees once connections of pods on the host network are left out",
                case.expected.display()
            );
            host_network_cases += 1;
        }
        let mut diff = differences(&want, &got, &host_network);
        if !diff.is_empty() {
            diff.extend(
                model
                    .problems
                    .iter()
                    .map(|p| format!("input problem: {}", p.message)),
            );
            failures.push(format!(
                "{}:\n    {}",
                case.expected
                    .file_name()
                    .map(|f| f.to_string_lossy())
                    .unwrap_or_default(),
                diff.join("\n    ")
            ));
        }
    }
    eprintln!(
        "{ran} connlist cases ran ({host_network_cases} of them compared without pods on the \
         host network), {skipped} out of scope, {} disagree",
        failures.len()
    );
    assert!(ran >= 50, "only {ran} connlist cases ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} connlist cases disagree:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

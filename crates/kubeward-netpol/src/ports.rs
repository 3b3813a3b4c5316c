//! Sets of allowed connections: protocols and port ranges.
//!
//! A [`PortSet`] is exact for the three protocols NetworkPolicy ports can
//! name (TCP, UDP, SCTP) and has one flag for every other protocol (ICMP
//! and the rest), which only a rule without `ports` allows.

use std::fmt;

use serde::Serialize;

/// A protocol a NetworkPolicy port can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::Tcp, Protocol::Udp, Protocol::Sctp];

    /// Reads `TCP`, `UDP` or `SCTP`, as the API spells them.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sorted, disjoint, non-adjacent inclusive port ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PortRanges(Vec<(u16, u16)>);

impl PortRanges {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 65535;

    pub fn full() -> Self {
        PortRanges(vec![(Self::MIN, Self::MAX)])
    }

    pub fn single(port: u16) -> Self {
        PortRanges(vec![(port, port)])
    }

    /// The ranges `start..=end`, clamped to 1..=65535; empty when none
    /// of it is in that range.
    pub fn range(start: u16, end: u16) -> Self {
        let start = start.max(Self::MIN);
        if start > end {
            return PortRanges::default();
        }
        PortRanges(vec![(start, end)])
    }

    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.0 == [(Self::MIN, Self::MAX)]
    }

    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|&(a, b)| a <= port && port <= b)
    }

    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        if other.0.is_empty() {
            return self.clone();
        }
        if self.0.is_empty() {
            return other.clone();
        }
        let mut all: Vec<(u16, u16)> = self.0.iter().chain(&other.0).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match out.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        PortRanges(out)
    }

    #[must_use]
    pub fn intersection(&self, other: &Self) -> Self {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.0.len() && j < other.0.len() {
            let (a1, b1) = self.0[i];
            let (a2, b2) = other.0[j];
            let (a, b) = (a1.max(a2), b1.min(b2));
            if a <= b {
                out.push((a, b));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        PortRanges(out)
    }

    /// The ports of `self` not in `other`.
    #[must_use]
    pub fn difference(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            let mut start = u32::from(a);
            let end = u32::from(b);
            for &(c, d) in &other.0 {
                let (c, d) = (u32::from(c), u32::from(d));
                if d < start || c > end {
                    continue;
                }
                if c > start {
                    out.push((start as u16, (c - 1) as u16));
                }
                start = d + 1;
            }
            if start <= end {
                out.push((start as u16, end as u16));
            }
        }
        PortRanges(out)
    }
}

impl fmt::Display for PortRanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}-{b}")?;
            }
        }
        Ok(())
    }
}

/// The connections allowed between two endpoints: port ranges per
/// protocol, and whether protocols other than TCP, UDP and SCTP pass.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PortSet {
    ports: [PortRanges; 3],
    other_protocols: bool,
}

impl PortSet {
    /// No connection.
    pub fn none() -> Self {
        PortSet::default()
    }

    /// Every port of every protocol.
    pub fn all() -> Self {
        PortSet {
            ports: [PortRanges::full(), PortRanges::full(), PortRanges::full()],
            other_protocols: true,
        }
    }

    /// `ranges` of one protocol.
    pub fn of(protocol: Protocol, ranges: PortRanges) -> Self {
        let mut set = PortSet::none();
        set.ports[protocol.index()] = ranges;
        set
    }

    pub fn ports(&self, protocol: Protocol) -> &PortRanges {
        &self.ports[protocol.index()]
    }

    /// Whether protocols other than TCP, UDP and SCTP are allowed.
    pub fn other_protocols(&self) -> bool {
        self.other_protocols
    }

    pub fn is_empty(&self) -> bool {
        !self.other_protocols && self.ports.iter().all(PortRanges::is_empty)
    }

    pub fn is_all(&self) -> bool {
        self.other_protocols && self.ports.iter().all(PortRanges::is_full)
    }

    pub fn contains(&self, protocol: Protocol, port: u16) -> bool {
        self.ports[protocol.index()].contains(port)
    }

    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        PortSet {
            ports: std::array::from_fn(|i| self.ports[i].union(&other.ports[i])),
            other_protocols: self.other_protocols || other.other_protocols,
        }
    }

    pub fn add(&mut self, other: &Self) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            self.clone_from(other);
            return;
        }
        *self = self.union(other);
    }

    #[must_use]
    pub fn intersection(&self, other: &Self) -> Self {
        if self.is_all() {
            return other.clone();
        }
        if other.is_all() {
            return self.clone();
        }
        PortSet {
            ports: std::array::from_fn(|i| self.ports[i].intersection(&other.ports[i])),
            other_protocols: self.other_protocols && other.other_protocols,
        }
    }

    /// The connections of `self` not in `other`.
    #[must_use]
    pub fn difference(&self, other: &Self) -> Self {
        PortSet {
            ports: std::array::from_fn(|i| self.ports[i].difference(&other.ports[i])),
            other_protocols: self.other_protocols && !other.other_protocols,
        }
    }
}

impl fmt::Display for PortSet {
    /// Writes `all` for every connection, `none` for no connection, else
    /// the protocols with their ports, such as `TCP 80,8080-8090; UDP 53`,
    /// then `other protocols` when those pass.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("all");
        }
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut first = true;
        for protocol in Protocol::ALL {
            let ranges = &self.ports[protocol.index()];
            if ranges.is_empty() {
                continue;
            }
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{protocol} {ranges}")?;
        }
        if self.other_protocols {
            if !first {
                f.write_str("; ")?;
            }
            f.write_str("other protocols")?;
        }
        Ok(())
    }
}

/// The port of a NetworkPolicy port entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PortValue {
    /// No `port`: every port of the protocol.
    Any,
    /// A number, with `endPort` when given.
    Number { port: u16, end_port: Option<u16> },
    /// A container port name, resolved on each destination pod.
    Named(String),
}

/// One entry of a rule's `ports`, protocol defaulted to TCP.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortSpec {
    pub protocol: Protocol,
    pub port: PortValue,
}

/// A container port of a pod, as named ports resolve against it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
}

impl PortSpec {
    /// The connections this entry allows to a pod with `container_ports`.
    /// A named port allows the port number of each container port with
    /// that name and the same protocol, and nothing when none has it.
    pub fn resolve(&self, container_ports: &[ContainerPort]) -> PortSet {
        match &self.port {
            PortValue::Any => PortSet::of(self.protocol, PortRanges::full()),
            PortValue::Number { port, end_port } => PortSet::of(
                self.protocol,
                PortRanges::range(*port, end_port.unwrap_or(*port)),
            ),
            PortValue::Named(name) => {
                let mut set = PortSet::none();
                for cp in container_ports {
                    if cp.protocol == self.protocol && cp.name.as_deref() == Some(name.as_str()) {
                        set.add(&PortSet::of(self.protocol, PortRanges::single(cp.port)));
                    }
                }
                set
            }
        }
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.port {
            PortValue::Any => write!(f, "{} any port", self.protocol),
            PortValue::Number {
                port,
                end_port: Some(end),
            } => write!(f, "{} {port}-{end}", self.protocol),
            PortValue::Number { port, .. } => write!(f, "{} {port}", self.protocol),
            PortValue::Named(name) => write!(f, "{} port named \"{name}\"", self.protocol),
        }
    }
}

/// The connections a rule's `ports` allow to a pod with
/// `container_ports`: everything when `specs` is `None` (no `ports`).
pub fn resolve_all(specs: Option<&[PortSpec]>, container_ports: &[ContainerPort]) -> PortSet {
    let Some(specs) = specs else {
        return PortSet::all();
    };
    let mut set = PortSet::none();
    for spec in specs {
        set.add(&spec.resolve(container_ports));
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_union_merges_adjacent() {
        let a = PortRanges::range(1, 10);
        let b = PortRanges::range(11, 20);
        assert_eq!(a.union(&b).ranges(), &[(1, 20)]);
        let c = PortRanges::single(30);
        assert_eq!(a.union(&c).ranges(), &[(1, 10), (30, 30)]);
    }

    #[test]
    fn ranges_intersection_and_difference() {
        let a = PortRanges::range(1, 100);
        let b = PortRanges::range(50, 60).union(&PortRanges::single(80));
        assert_eq!(a.intersection(&b), b);
        assert_eq!(a.difference(&b).ranges(), &[(1, 49), (61, 79), (81, 100)]);
        assert!(
            PortRanges::full()
                .difference(&PortRanges::full())
                .is_empty()
        );
    }

    #[test]
    fn set_all_and_display() {
        assert_eq!(PortSet::all().to_string(), "all");
        assert_eq!(PortSet::none().to_string(), "none");
        let mut set = PortSet::of(Protocol::Tcp, PortRanges::single(80));
        set.add(&PortSet::of(Protocol::Udp, PortRanges::single(53)));
        assert_eq!(set.to_string(), "TCP 80; UDP 53");
        assert!(!set.is_all());
        assert_eq!(PortSet::all().intersection(&set), set);
    }

    #[test]
    fn named_port_needs_same_protocol() {
        let ports = [ContainerPort {
            name: Some("dns".into()),
            port: 53,
            protocol: Protocol::Udp,
        }];
        let tcp = PortSpec {
            protocol: Protocol::Tcp,
            port: PortValue::Named("dns".into()),
        };
        let udp = PortSpec {
            protocol: Protocol::Udp,
            port: PortValue::Named("dns".into()),
        };
        assert!(tcp.resolve(&ports).is_empty());
        assert!(udp.resolve(&ports).contains(Protocol::Udp, 53));
    }
}

//! Sets of IP addresses outside the cluster, as `ipBlock` peers name them.
//!
//! Addresses of both families live in one ordered space: IPv4 addresses
//! first, as `0..=u32::MAX`, then IPv6 addresses offset past them, so one
//! sorted list of inclusive ranges describes any mix of the two.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

const V6_OFFSET: u128 = 1 << 32;

/// One inclusive range of addresses of a single family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpRange {
    start: u128,
    end: u128,
}

impl IpRange {
    /// Every IPv4 address.
    pub const ALL_V4: IpRange = IpRange {
        start: 0,
        end: u32::MAX as u128,
    };
    /// Every IPv6 address.
    pub const ALL_V6: IpRange = IpRange {
        start: V6_OFFSET,
        end: u128::MAX,
    };

    pub fn from_net(net: &IpNet) -> Self {
        match net {
            IpNet::V4(net) => IpRange {
                start: u128::from(u32::from(net.network())),
                end: u128::from(u32::from(net.broadcast())),
            },
            IpNet::V6(net) => {
                let start = u128::from(net.network());
                let end = u128::from(net.broadcast());
                // The IPv6 space is shifted past IPv4's; saturate at the
                // top, where the shift would overflow.
                IpRange {
                    start: start.saturating_add(V6_OFFSET),
                    end: end.saturating_add(V6_OFFSET),
                }
            }
        }
    }

    pub fn is_v6(&self) -> bool {
        self.start >= V6_OFFSET
    }

    /// Whether this range is a single CIDR block, and its prefix length.
    fn prefix_len(&self) -> Option<u8> {
        let (start, end, bits) = if self.is_v6() {
            if self.end == u128::MAX && self.start == V6_OFFSET {
                return Some(0);
            }
            (self.start - V6_OFFSET, self.end - V6_OFFSET, 128u32)
        } else {
            (self.start, self.end, 32u32)
        };
        let size = end.checked_sub(start)?.checked_add(1)?;
        if !size.is_power_of_two() || start % size != 0 {
            return None;
        }
        Some((bits - size.trailing_zeros()) as u8)
    }

    fn write_addr(f: &mut fmt::Formatter<'_>, value: u128, v6: bool) -> fmt::Result {
        if v6 {
            write!(f, "{}", Ipv6Addr::from(value - V6_OFFSET))
        } else {
            write!(f, "{}", Ipv4Addr::from(value as u32))
        }
    }
}

impl fmt::Display for IpRange {
    /// Writes a CIDR block (`10.0.0.0/8`) when the range is one, else
    /// `first-last` (`10.0.0.0-10.0.0.2`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v6 = self.is_v6();
        if self.start == V6_OFFSET && self.end == u128::MAX {
            return f.write_str("::/0");
        }
        Self::write_addr(f, self.start, v6)?;
        if let Some(len) = self.prefix_len() {
            write!(f, "/{len}")
        } else {
            f.write_str("-")?;
            Self::write_addr(f, self.end, v6)
        }
    }
}

/// A set of addresses: sorted, disjoint, non-adjacent ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IpSet(Vec<IpRange>);

impl IpSet {
    /// Every address of both families.
    pub fn all() -> Self {
        IpSet(vec![IpRange {
            start: 0,
            end: u128::MAX,
        }])
    }

    /// An `ipBlock`: `cidr` without the `except` blocks.
    pub fn block(cidr: &IpNet, except: &[IpNet]) -> Self {
        let mut set = IpSet(vec![IpRange::from_net(cidr)]);
        for net in except {
            set = set.difference(&IpSet(vec![IpRange::from_net(net)]));
        }
        set
    }

    pub fn ranges(&self) -> &[IpRange] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the set holds every IPv4 or every IPv6 address.
    pub fn covers_a_whole_family(&self) -> bool {
        self.0.iter().any(|r| {
            (r.start == 0 && r.end >= IpRange::ALL_V4.end)
                || (r.start <= V6_OFFSET && r.end == u128::MAX)
        })
    }

    /// The same set, its ranges split at the IPv4/IPv6 boundary, so that
    /// each range is of one family.
    pub fn by_family(&self) -> Vec<IpRange> {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        for r in &self.0 {
            if r.start < V6_OFFSET && r.end >= V6_OFFSET {
                out.push(IpRange {
                    start: r.start,
                    end: V6_OFFSET - 1,
                });
                out.push(IpRange {
                    start: V6_OFFSET,
                    end: r.end,
                });
            } else {
                out.push(*r);
            }
        }
        out
    }

    #[must_use]
    pub fn difference(&self, other: &IpSet) -> IpSet {
        let mut out = Vec::new();
        for r in &self.0 {
            let mut start = r.start;
            let mut open = true;
            for o in &other.0 {
                if o.end < start || o.start > r.end {
                    continue;
                }
                if o.start > start {
                    out.push(IpRange {
                        start,
                        end: o.start - 1,
                    });
                }
                if o.end >= r.end {
                    open = false;
                    break;
                }
                start = o.end + 1;
            }
            if open && start <= r.end {
                out.push(IpRange { start, end: r.end });
            }
        }
        IpSet(out)
    }

    #[must_use]
    pub fn union(&self, other: &IpSet) -> IpSet {
        let mut all: Vec<IpRange> = self.0.iter().chain(&other.0).copied().collect();
        all.sort_unstable();
        let mut out: Vec<IpRange> = Vec::with_capacity(all.len());
        for r in all {
            match out.last_mut() {
                Some(last) if r.start <= last.end.saturating_add(1) => {
                    last.end = last.end.max(r.end);
                }
                _ => out.push(r),
            }
        }
        IpSet(out)
    }

    pub fn contains(&self, addr: std::net::IpAddr) -> bool {
        let value = match addr {
            std::net::IpAddr::V4(a) => u128::from(u32::from(a)),
            std::net::IpAddr::V6(a) => u128::from(a).saturating_add(V6_OFFSET),
        };
        self.0.iter().any(|r| r.start <= value && value <= r.end)
    }

    /// Boundaries where membership changes: the start of every range and
    /// the address after its end.
    pub(crate) fn boundaries(&self, out: &mut Vec<u128>) {
        for r in &self.0 {
            out.push(r.start);
            if r.end < u128::MAX {
                out.push(r.end + 1);
            }
        }
    }

    /// The set of the addresses `start..=end` of the ordered space.
    pub(crate) fn from_bounds(start: u128, end: u128) -> IpSet {
        IpSet(vec![IpRange { start, end }])
    }

    pub(crate) fn range_bounds(r: IpRange) -> (u128, u128) {
        (r.start, r.end)
    }
}

impl fmt::Display for IpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.by_family().iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().expect("test CIDR")
    }

    #[test]
    fn block_with_except() {
        let set = IpSet::block(&net("10.0.0.0/8"), &[net("10.1.0.0/16")]);
        assert_eq!(set.to_string(), "10.0.0.0/16,10.2.0.0-10.255.255.255");
        assert!(set.contains("10.0.0.1".parse().expect("address")));
        assert!(!set.contains("10.1.0.1".parse().expect("address")));
    }

    #[test]
    fn cidr_display() {
        assert_eq!(
            IpSet::block(&net("0.0.0.0/0"), &[]).to_string(),
            "0.0.0.0/0"
        );
        assert_eq!(IpSet::block(&net("::/0"), &[]).to_string(), "::/0");
        assert_eq!(IpSet::block(&net("fd00::/8"), &[]).to_string(), "fd00::/8");
        assert_eq!(IpSet::all().to_string(), "0.0.0.0/0,::/0");
        assert!(IpSet::block(&net("0.0.0.0/0"), &[]).covers_a_whole_family());
    }

    #[test]
    fn union_merges() {
        let a = IpSet::block(&net("10.0.0.0/9"), &[]);
        let b = IpSet::block(&net("10.128.0.0/9"), &[]);
        assert_eq!(a.union(&b).to_string(), "10.0.0.0/8");
    }
}

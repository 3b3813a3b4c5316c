//! Source IP allow-lists: which client addresses may reach an entry point.

use std::net::IpAddr;

/// A restriction on the client addresses that may connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLimit {
    /// What restricts the sources, such as
    /// "spec.loadBalancerSourceRanges 203.0.113.0/24".
    pub detail: String,
    /// Whether the list admits every address anyway (`0.0.0.0/0`).
    pub open_to_all: bool,
}

impl SourceLimit {
    /// A restriction that admits only some addresses.
    pub fn restricted(detail: String) -> Self {
        SourceLimit {
            detail,
            open_to_all: false,
        }
    }
}

/// Reads a list of CIDR ranges or addresses set by `setting`. A range
/// with prefix length 0 admits every address. Entries that are not
/// addresses are kept in the text but do not widen the list.
pub fn parse_ranges(ranges: &[String], setting: &str) -> SourceLimit {
    let open_to_all = ranges.iter().any(|range| admits_everyone(range));
    SourceLimit {
        detail: format!("{setting} {}", ranges.join(",")),
        open_to_all,
    }
}

fn admits_everyone(range: &str) -> bool {
    let (address, prefix) = match range.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (range, None),
    };
    address.trim().parse::<IpAddr>().is_ok() && prefix.is_some_and(|p| p.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(list: &[&str]) -> SourceLimit {
        let owned: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        parse_ranges(&owned, "test")
    }

    #[test]
    fn zero_prefix_admits_everyone() {
        assert!(ranges(&["0.0.0.0/0"]).open_to_all);
        assert!(ranges(&["10.0.0.0/8", "::/0"]).open_to_all);
        assert!(!ranges(&["203.0.113.0/24"]).open_to_all);
        assert!(!ranges(&["198.51.100.7"]).open_to_all);
        assert!(!ranges(&["not-an-address/0"]).open_to_all);
    }
}

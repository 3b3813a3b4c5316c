use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Newest Pod Security Standards version whose checks kubeward implements,
/// as the minor number of v1.N. `latest` means this version.
pub const LATEST_PSS_MINOR: u32 = 37;

/// A Pod Security Standards level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    Restricted,
}

impl PssLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Pod Security Standards policy version: `v1.N`, or `latest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PssVersion {
    V1(u32),
    #[default]
    Latest,
}

impl PssVersion {
    /// The minor version the checks are decided at. Versions newer than the
    /// newest implemented one are decided as `latest`, as the upstream
    /// admission controller does.
    pub fn minor(self) -> u32 {
        match self {
            PssVersion::V1(minor) => minor.min(LATEST_PSS_MINOR),
            PssVersion::Latest => LATEST_PSS_MINOR,
        }
    }

    /// Whether a check introduced or changed at v1.`minor` applies.
    pub fn at_least(self, minor: u32) -> bool {
        self.minor() >= minor
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PssVersion::V1(minor) => write!(f, "v1.{minor}"),
            PssVersion::Latest => f.write_str("latest"),
        }
    }
}

/// Error for a policy version that is neither `latest` nor `v1.N`.
#[derive(Debug, thiserror::Error)]
#[error(
    "invalid Pod Security Standards version `{0}`: expected `latest` or `v1.N`, for example `v1.30`"
)]
pub struct InvalidPssVersion(String);

impl FromStr for PssVersion {
    type Err = InvalidPssVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "latest" {
            return Ok(PssVersion::Latest);
        }
        s.strip_prefix("v1.")
            .and_then(|minor| minor.parse::<u32>().ok())
            .map(PssVersion::V1)
            .ok_or_else(|| InvalidPssVersion(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!("latest".parse::<PssVersion>().unwrap(), PssVersion::Latest);
        assert_eq!("v1.23".parse::<PssVersion>().unwrap(), PssVersion::V1(23));
        assert!("1.23".parse::<PssVersion>().is_err());
        assert!("v2.0".parse::<PssVersion>().is_err());
    }

    #[test]
    fn future_versions_are_latest() {
        assert_eq!(PssVersion::V1(99).minor(), LATEST_PSS_MINOR);
    }
}

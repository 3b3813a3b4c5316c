//! Facts and helpers that several checks share: which pod or container sets
//! a field, pod-wide exemptions, and the allow-lists of capabilities,
//! sysctls and volume types.

pub(crate) mod capabilities;
pub(crate) mod pod;
pub(crate) mod proc_mount;
pub(crate) mod seccomp;
pub(crate) mod subject;
pub(crate) mod sysctls;
pub(crate) mod volumes;

pub(crate) use subject::Subject;

//! The Kubernetes Dashboard's own settings, read from its image tag and
//! command line.
//!
//! How the Dashboard behaves depends on its version:
//!
//! | version | login | transport |
//! |---|---|---|
//! | before v1.7.0 | none: every request acts as the Dashboard's service account | plain HTTP on `--port` (9090) |
//! | v1.7.0 to v1.10.0 | login page with a Skip button that cannot be turned off; skipped requests act as the service account (CVE-2018-18264) | HTTPS with `--auto-generate-certificates` or `--tls-cert-file` and `--tls-key-file`, else plain HTTP on `--insecure-port` (9090) |
//! | v1.10.1 to v2.x | token login; Skip only with `--enable-skip-login`; over plain HTTP the login page is shown only with `--enable-insecure-login` | as above; HTTPS on `--port` (8443) |
//! | v7 (`dashboard-web`, `dashboard-api`, `dashboard-auth` images) | token login, no Skip | plain HTTP inside the pod, TLS at the Kong proxy the chart puts in front |
//!
//! An image tag that names no version (`latest`, `head`, a digest) is read
//! as v2, the last release line with these flags.

use super::args::CommandLine;
use super::catalog::{ContainerCtx, Login, Scheme, UiPort, UiSettings};
use super::model::Field;

/// A release of the Dashboard, from its image tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u32, pub u32, pub u32);

impl Version {
    /// Reads `v1.6.3`, `1.10.1` or `v2.0.0-beta8` (the pre-release suffix
    /// is dropped). `None` for tags such as `latest` or `head`.
    pub fn parse(tag: &str) -> Option<Version> {
        let tag = tag.strip_prefix('v').unwrap_or(tag);
        let core = tag.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        Some(Version(major, minor, patch))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}.{}.{}", self.0, self.1, self.2)
    }
}

const LOGIN_ADDED: Version = Version(1, 7, 0);
const SKIP_OFF_BY_DEFAULT: Version = Version(1, 10, 1);

/// What the Dashboard's image and flags configure.
#[derive(Clone, Debug)]
pub struct DashboardConfig {
    pub version: Option<Version>,
    pub login: Login,
    /// Where the Dashboard serves plain HTTP reachable from outside its
    /// pod, when it does.
    pub plain_http: Option<PlainHttp>,
    /// `--enable-insecure-login`, when set.
    pub insecure_login: Option<Field>,
    /// `--disable-settings-authorizer`, when set.
    pub settings_authorizer_disabled: Option<Field>,
    pub port: UiPort,
}

/// Why and where the Dashboard serves plain HTTP.
#[derive(Clone, Debug)]
pub struct PlainHttp {
    pub port: u16,
    pub reason: String,
    /// The field to change: the image (old versions) or the args.
    pub field: Field,
}

impl DashboardConfig {
    /// Reads the settings of a container that runs the Dashboard.
    pub fn read(ctx: &ContainerCtx<'_, '_, '_>) -> Self {
        let last = ctx.repository.rsplit('/').next().unwrap_or("");
        let modular = matches!(last, "dashboard-web" | "dashboard-api" | "dashboard-auth");
        let version = ctx.tag.as_deref().and_then(Version::parse);
        if modular {
            return DashboardConfig {
                version,
                login: Login::Required("token login".to_owned()),
                plain_http: None,
                insecure_login: None,
                settings_authorizer_disabled: None,
                port: UiPort::new(8000, Scheme::Http),
            };
        }
        let args = &ctx.args;
        if version.is_some_and(|v| v < LOGIN_ADDED) {
            return Self::legacy(ctx, version, args);
        }
        let login = match args.bool_flag("enable-skip-login") {
            Some((true, field)) => Login::Disabled {
                reason: "--enable-skip-login shows a Skip button on the login page, and \
                         skipped requests act as the Dashboard's service account"
                    .to_owned(),
                field,
            },
            _ if version.is_some_and(|v| v < SKIP_OFF_BY_DEFAULT) => Login::Disabled {
                reason: format!(
                    "Dashboard {} offers Skip on its login page, and skipped requests act \
                     as its service account (CVE-2018-18264, fixed in v1.10.1)",
                    version.map_or_else(String::new, |v| v.to_string())
                ),
                field: ctx.image_field.clone(),
            },
            _ => Login::Required("token login".to_owned()),
        };
        let tls = args
            .bool_flag("auto-generate-certificates")
            .is_some_and(|(on, _)| on)
            || (args.value("tls-cert-file").is_some() && args.value("tls-key-file").is_some());
        let (port, plain_http) = if tls {
            let port = port_flag(args, "port").unwrap_or(8443);
            (UiPort::new(port, Scheme::Https), None)
        } else {
            let port = port_flag(args, "insecure-port").unwrap_or(9090);
            let bind = args.value("insecure-bind-address");
            // NOTE: the v2 source defaults --insecure-bind-address to
            // 127.0.0.1, yet the project's own HTTP manifests (v1.7 to
            // v2.7 alternative.yaml) publish 9090 through a Service and
            // probe it on the pod IP without setting the flag. Without the
            // flag the port is taken as reachable.
            let loopback = bind
                .as_ref()
                .is_some_and(|b| b.value.starts_with("127.") || b.value == "::1");
            let plain = (!loopback).then(|| PlainHttp {
                port,
                reason: "neither --auto-generate-certificates nor --tls-cert-file and \
                         --tls-key-file is set"
                    .to_owned(),
                field: CommandLine::anchor(ctx.node, &ctx.path, ctx.name_pos),
            });
            let mut ui = UiPort::new(port, Scheme::Http);
            ui.reachable = !loopback;
            (ui, plain)
        };
        DashboardConfig {
            version,
            login,
            insecure_login: args
                .bool_flag("enable-insecure-login")
                .and_then(|(on, field)| on.then_some(field)),
            settings_authorizer_disabled: args
                .bool_flag("disable-settings-authorizer")
                .and_then(|(on, field)| on.then_some(field)),
            plain_http,
            port,
        }
    }

    /// Dashboard releases before v1.7.0: no login and plain HTTP only.
    fn legacy(
        ctx: &ContainerCtx<'_, '_, '_>,
        version: Option<Version>,
        args: &CommandLine,
    ) -> Self {
        let version_text = version.map_or_else(String::new, |v| v.to_string());
        let port = port_flag(args, "port").unwrap_or(9090);
        DashboardConfig {
            version,
            login: Login::None(format!(
                "Dashboard {version_text} has no login: every request acts as the \
                 Dashboard's service account (login arrived in v1.7.0)"
            )),
            plain_http: Some(PlainHttp {
                port,
                reason: format!("Dashboard {version_text} cannot serve HTTPS"),
                field: ctx.image_field.clone(),
            }),
            insecure_login: None,
            settings_authorizer_disabled: None,
            port: UiPort::new(port, Scheme::Http),
        }
    }

    /// Whether the release predates login and TLS (before v1.7.0).
    pub fn is_legacy(&self) -> bool {
        self.version.is_some_and(|v| v < LOGIN_ADDED)
    }

    /// The settings the catalog reports for the container.
    pub fn ui_settings(&self) -> UiSettings {
        UiSettings {
            ports: vec![self.port.clone()],
            login: self.login.clone(),
            version: self.version.map(|v| v.to_string()),
            notes: Vec::new(),
        }
    }
}

fn port_flag(args: &CommandLine, name: &str) -> Option<u16> {
    args.value(name).and_then(|flag| flag.value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_tags() {
        assert_eq!(Version::parse("v1.6.3"), Some(Version(1, 6, 3)));
        assert_eq!(Version::parse("1.10.1"), Some(Version(1, 10, 1)));
        assert_eq!(Version::parse("v2.0.0-beta8"), Some(Version(2, 0, 0)));
        assert_eq!(Version::parse("v2"), Some(Version(2, 0, 0)));
        assert_eq!(Version::parse("latest"), None);
        assert_eq!(Version::parse("head"), None);
        assert!(Version(1, 10, 0) < SKIP_OFF_BY_DEFAULT);
        assert!(Version(1, 6, 3) < LOGIN_ADDED);
    }
}

//! `kubeward rbac`: who may make a request, may one subject make it, and
//! what may one subject do, under the RBAC objects of the manifests on top
//! of the built-in policy of a kubeadm cluster.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use kubeward::{ScanResult, Scanner};
use kubeward_core::{KindSet, ScanOptions};
use kubeward_rbac::answer::{CanI, Show, WhoCan};
use kubeward_rbac::query::{TargetArg, parse_subject, parse_target};
use kubeward_rbac::{NameQuery, Policy, RBAC_KINDS, Request, Scope};

use super::output::print;
use super::{error_status, findings_status};

#[derive(Debug, clap::Args)]
pub struct RbacArgs {
    #[command(subcommand)]
    pub command: RbacCommand,
}

#[derive(Debug, Subcommand)]
pub enum RbacCommand {
    /// List every subject allowed a request, with the binding and rule
    /// that allow it.
    WhoCan(WhoCanArgs),
    /// Decide whether one subject may make a request, and show the
    /// binding and rule that allow it. Exit status 0 when allowed, 1 when denied.
    CanI(CanIArgs),
    /// List everything one subject may do: the bindings that apply to it,
    /// the rules of their roles, and the dangerous permissions among them.
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// Files, directories or `-` for standard input, as for `scan`. Without
    /// any, only the built-in policy is queried.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Leave out the roles and bindings that every kubeadm cluster has
    /// (`cluster-admin`, `edit`, the control plane's bindings).
    #[arg(long)]
    pub no_builtin: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = AnswerFormat::Text, value_name = "FORMAT")]
    pub output: AnswerFormat,
}

/// Output formats of `kubeward rbac`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AnswerFormat {
    /// Plain text, one line per grant or rule.
    Text,
    /// One JSON document (version 1).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// Verb, such as `get`, `list`, `create`, `impersonate` or `*`.
    #[arg(value_name = "VERB")]
    pub verb: String,
    /// Resource as kubectl names it: `secrets`, `pods/exec`,
    /// `deployments.apps`, `*/scale`, `widgets.example.com`, `*`, or a
    /// non-resource URL such as `/metrics`.
    #[arg(value_name = "RESOURCE[/SUBRESOURCE]")]
    pub resource: String,
    /// Namespace of the request. Without it, `who-can` covers every
    /// namespace and `can-i` checks a request without a namespace, which
    /// only ClusterRoleBindings allow. Ignored for cluster-scoped
    /// resources and URLs.
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Name of the object the request is for, which rules with
    /// `resourceNames` match. Without it, `who-can` also lists rules
    /// limited to named objects, and `can-i` checks a request without
    /// a name, which such rules never allow. Ignored, with a note, for
    /// `create` and `deletecollection`, whose requests carry no name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct WhoCanArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, clap::Args)]
pub struct CanIArgs {
    /// Subject to ask for: `User:NAME`, `Group:NAME`,
    /// `ServiceAccount:NAMESPACE/NAME` (or `sa:NAMESPACE/NAME`),
    /// `system:serviceaccount:NAMESPACE:NAME`, or a user name.
    #[arg(long = "as", value_name = "SUBJECT")]
    pub subject: String,
    /// A group the subject is a member of, besides those the API server
    /// adds itself. Repeat for several.
    #[arg(long = "as-group", value_name = "GROUP")]
    pub groups: Vec<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Subject, in the forms `can-i --as` takes.
    #[arg(value_name = "SUBJECT")]
    pub subject: String,
    /// A group the subject is a member of, besides those the API server
    /// adds itself. Repeat for several.
    #[arg(long = "as-group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Only what the subject may do in this namespace (its
    /// ClusterRoleBindings and the namespace's RoleBindings).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// Runs an `rbac` subcommand.
pub fn run(args: &RbacArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        RbacCommand::WhoCan(args) => who_can(args),
        RbacCommand::CanI(args) => can_i(args),
        RbacCommand::Show(args) => show(args),
    }
}

/// Scans the inputs, keeping the RBAC objects, and reports unreadable
/// inputs, parse errors and invalid RBAC objects on standard error.
/// Returns the scan and whether an input could not be read.
fn load(args: &PolicyArgs) -> (ScanResult, bool) {
    let scanner = Scanner::with_rules(Vec::new(), ScanOptions::default());
    let mut keep = KindSet::none();
    keep.extend(RBAC_KINDS.iter().copied());
    let result = scanner.scan_paths_keeping(&args.paths, &keep);
    for error in &result.errors {
        eprintln!("error: {error}");
    }
    for finding in &result.report.findings {
        eprintln!(
            "warning: {}:{}:{}: {}",
            finding.file, finding.line, finding.column, finding.message
        );
    }
    let unreadable = !result.errors.is_empty();
    (result, unreadable)
}

fn build_policy<'i>(result: &'i ScanResult, args: &PolicyArgs) -> Policy<'i> {
    let policy = if args.no_builtin {
        Policy::without_builtin(&result.inventory)
    } else {
        Policy::new(&result.inventory)
    };
    for (origin, problem) in policy.problems() {
        eprintln!(
            "warning: {}:{}:{}: {}: {}",
            origin.object.file(),
            problem.pos.line,
            problem.pos.col,
            problem.path,
            problem.message
        );
    }
    policy
}

/// A request read from the command line, with whether its resource is
/// cluster-scoped.
struct ParsedRequest {
    verb: String,
    target: TargetArg,
    name: Option<String>,
}

impl ParsedRequest {
    fn parse(args: &RequestArgs) -> anyhow::Result<Self> {
        if args.verb.is_empty() {
            anyhow::bail!("empty verb: name a verb such as `get` or `create`");
        }
        warn_if_path("resource", &args.resource);
        let mut parsed = ParsedRequest {
            verb: args.verb.clone(),
            target: parse_target(&args.resource)?,
            name: args.name.clone(),
        };
        if let Some(name) = &parsed.name {
            if !parsed.request(NameQuery::Unnamed).can_carry_name() {
                eprintln!(
                    "note: --name {name} is ignored: a {} request carries no object name, so \
                     rules with resourceNames never allow it",
                    parsed.verb
                );
                parsed.name = None;
            }
        }
        Ok(parsed)
    }

    fn request(&self, unnamed: NameQuery<'static>) -> Request<'_> {
        match &self.target {
            TargetArg::Resource {
                group,
                resource,
                subresource,
                ..
            } => {
                let name = self.name.as_deref().map_or(unnamed, NameQuery::Named);
                Request::resource(&self.verb, group, resource, subresource).with_name(name)
            }
            TargetArg::NonResource { path } => Request::non_resource(&self.verb, path),
        }
    }

    /// Whether requests for the target never have a namespace.
    fn without_namespace(&self) -> bool {
        match &self.target {
            TargetArg::Resource { cluster_scoped, .. } => *cluster_scoped,
            TargetArg::NonResource { .. } => true,
        }
    }
}

/// Warns when a subject or resource argument names an existing file or
/// directory: the paths come after the question, so a forgotten argument
/// turns a path into a subject or resource.
fn warn_if_path(what: &str, arg: &str) {
    let path = std::path::Path::new(arg);
    if arg == "-" || !path.exists() {
        return;
    }
    let kind = if path.is_dir() { "directory" } else { "file" };
    eprintln!(
        "warning: the {what} {arg:?} is also the name of a {kind}; it is read as a {what}, \
         not as input. Give the {what} first, then the paths"
    );
}

fn render(
    format: AnswerFormat,
    text: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> std::io::Result<()> {
    let output = match format {
        AnswerFormat::Text => text(),
        AnswerFormat::Json => json(),
    };
    print(&output, false)
}

fn who_can(args: &WhoCanArgs) -> anyhow::Result<ExitCode> {
    let parsed = ParsedRequest::parse(&args.request)?;
    let (result, unreadable) = load(&args.policy);
    let policy = build_policy(&result, &args.policy);
    let request = parsed.request(NameQuery::Any);
    let scope = match (&args.request.namespace, parsed.without_namespace()) {
        (_, true) => Scope::Cluster,
        (Some(ns), false) => Scope::Namespace(ns),
        (None, false) => Scope::Anywhere,
    };
    let answer = WhoCan::ask(&policy, &request, scope);
    render(
        args.policy.output,
        || answer.render_text(),
        || answer.render_json(),
    )?;
    Ok(if unreadable {
        error_status()
    } else {
        ExitCode::SUCCESS
    })
}

fn can_i(args: &CanIArgs) -> anyhow::Result<ExitCode> {
    warn_if_path("subject", &args.subject);
    let subject = parse_subject(&args.subject)?;
    let identity = subject.identity(&args.groups);
    let parsed = ParsedRequest::parse(&args.request)?;
    let (result, unreadable) = load(&args.policy);
    let policy = build_policy(&result, &args.policy);
    let request = parsed.request(NameQuery::Unnamed);
    let namespace = if parsed.without_namespace() {
        None
    } else {
        args.request.namespace.as_deref()
    };
    let answer = CanI::ask(&policy, &identity, &request, namespace);
    render(
        args.policy.output,
        || answer.render_text(),
        || answer.render_json(),
    )?;
    Ok(if unreadable {
        error_status()
    } else if answer.allowed {
        ExitCode::SUCCESS
    } else {
        findings_status()
    })
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    warn_if_path("subject", &args.subject);
    let subject = parse_subject(&args.subject)?;
    let identity = subject.identity(&args.groups);
    let (result, unreadable) = load(&args.policy);
    let policy = build_policy(&result, &args.policy);
    let scope = args
        .namespace
        .as_deref()
        .map_or(Scope::Anywhere, Scope::Namespace);
    let answer = Show::ask(&policy, &identity, scope);
    render(
        args.policy.output,
        || answer.render_text(),
        || answer.render_json(),
    )?;
    Ok(if unreadable {
        error_status()
    } else {
        ExitCode::SUCCESS
    })
}

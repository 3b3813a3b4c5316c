//! Building the graph from the scan's objects and the analyses.

use std::collections::{BTreeSet, HashMap, HashSet};

use kubeward_core::yaml::Pos;
use kubeward_core::{Inventory, StoredObject};
use kubeward_netpol::{Analysis, ClassId, Direction, NamespaceScope, Peer};
use kubeward_rbac::workload::{self, TokenMount};
use kubeward_rbac::{ANONYMOUS, Identity, Permission, PermissionGrant, Policy};

use crate::graph::{Edge, Graph, Node, NodeId, Site, Target};
use crate::workloads::breakouts;

/// A way in from outside the cluster to a workload, as the exposure
/// analysis found it.
#[derive(Clone, Debug)]
pub struct ExternalEntry {
    /// "NodePort Service kube-system/kubernetes-dashboard port 80".
    pub label: String,
    /// The exposing field: the Service `type`, the Ingress backend.
    pub site: Site,
    /// Index in the inventory of the workload the entry leads to.
    pub workload: usize,
    /// The route to the workload and the protections missing in front.
    pub reason: String,
    pub rule: &'static str,
}

/// A workload serving an admin UI that lets every request act as the
/// workload's ServiceAccount, without a login.
#[derive(Clone, Debug)]
pub struct OpenUi {
    /// Index in the inventory of the workload.
    pub workload: usize,
    /// "Dashboard v1.6.3 has no login: every request acts as ...".
    pub reason: String,
    pub site: Site,
    pub rule: &'static str,
}

/// The objects and analyses the graph is built from.
#[derive(Debug)]
pub struct Inputs<'a, 'i> {
    pub inventory: &'i Inventory,
    pub policy: &'a Policy<'i>,
    pub network: &'a Analysis<'a>,
    pub entries: Vec<ExternalEntry>,
    pub open_uis: Vec<OpenUi>,
}

/// One pod spec owner, as the graph needs it.
struct WorkloadInfo {
    name: String,
    namespace: String,
    account: String,
}

/// Builds the attack graph.
pub fn build(inputs: &Inputs<'_, '_>) -> Graph {
    let mut builder = Builder::new(inputs);
    builder.workloads();
    builder.entries();
    builder.network();
    builder.identities();
    builder.graph
}

struct Builder<'b, 'a, 'i> {
    inputs: &'b Inputs<'a, 'i>,
    graph: Graph,
    /// Inventory index by object address.
    index: HashMap<*const StoredObject, usize>,
    workloads: HashMap<usize, WorkloadInfo>,
    /// ServiceAccounts per namespace: those workloads run as, those the
    /// input declares and those with token Secrets.
    accounts: HashMap<String, BTreeSet<String>>,
    /// Token Secrets per ServiceAccount (namespace, name).
    token_secrets: HashMap<(String, String), Site>,
    /// Namespaces whose Pod Security admission label enforces baseline or
    /// restricted.
    enforcing: HashSet<String>,
}

impl<'b, 'a, 'i> Builder<'b, 'a, 'i> {
    fn new(inputs: &'b Inputs<'a, 'i>) -> Self {
        let index = inputs
            .inventory
            .objects()
            .iter()
            .enumerate()
            .map(|(i, o)| (std::ptr::from_ref(o), i))
            .collect();
        Builder {
            inputs,
            graph: Graph::default(),
            index,
            workloads: HashMap::new(),
            accounts: HashMap::new(),
            token_secrets: HashMap::new(),
            enforcing: HashSet::new(),
        }
    }

    fn site(&self, object: &StoredObject, pos: Pos, path: &str) -> Option<Site> {
        let index = *self.index.get(&std::ptr::from_ref(object))?;
        Some(Site {
            object: index,
            file: object.file().to_string(),
            pos,
            path: path.to_owned(),
        })
    }

    fn add(&mut self, from: NodeId, to: Node, reason: String, site: Option<Site>) -> NodeId {
        let to = self.graph.node(to);
        self.graph.edge(Edge {
            from,
            to,
            reason,
            site,
            rule: None,
            exploit: false,
        });
        to
    }

    fn add_rule(
        &mut self,
        from: NodeId,
        to: Node,
        reason: String,
        site: Option<Site>,
        rule: &'static str,
    ) {
        let to = self.graph.node(to);
        self.graph.edge(Edge {
            from,
            to,
            reason,
            site,
            rule: Some(rule),
            exploit: false,
        });
    }

    /// Reads every pod spec owner: its identity and token, and the ways
    /// out of its pods.
    fn workloads(&mut self) {
        let inventory = self.inputs.inventory;
        for w in workload::workloads(inventory) {
            let Some(&object) = self.index.get(&std::ptr::from_ref(w.object)) else {
                continue;
            };
            let name = describe(w.object);
            let account_name = format!("ServiceAccount {}/{}", w.namespace, w.service_account);
            let token = match &w.token {
                TokenMount::Mounted(reason) => {
                    let field = w.account_field();
                    let site = self.site(w.object, field.pos, &field.path);
                    site.map(|site| {
                        (
                            format!(
                                "its pods run as {account_name} with its token mounted ({})",
                                reason.describe()
                            ),
                            site,
                        )
                    })
                }
                TokenMount::NotMounted(_) => None,
            };
            self.accounts
                .entry(w.namespace.to_owned())
                .or_default()
                .insert(w.service_account.to_owned());
            self.workloads.insert(
                object,
                WorkloadInfo {
                    name: name.clone(),
                    namespace: w.namespace.to_owned(),
                    account: account_name.clone(),
                },
            );
            let code = self.graph.node(Node::Code(name));
            if let Some((reason, site)) = token {
                self.add_rule(
                    code,
                    Node::Identity(account_name),
                    reason,
                    Some(site),
                    "rbac-workload-token-rights",
                );
            }
            for breakout in breakouts(w.object) {
                let site = self.site(w.object, breakout.pos, &breakout.path);
                self.add_rule(
                    code,
                    Node::Target(breakout.target),
                    breakout.reason,
                    site,
                    breakout.rule,
                );
            }
        }
        self.read_accounts();
        self.read_namespaces();
    }

    /// Declared ServiceAccounts and their long-lived token Secrets.
    fn read_accounts(&mut self) {
        let inventory = self.inputs.inventory;
        for object in inventory.of_kind(&["ServiceAccount"]) {
            if let Some(name) = object.name() {
                self.accounts
                    .entry(workload::namespace_of(object).to_owned())
                    .or_default()
                    .insert(name.to_owned());
            }
        }
        for object in inventory.of_kind(&["Secret"]) {
            let root = object.root();
            if root.get_str("type") != Some("kubernetes.io/service-account-token") {
                continue;
            }
            let Some(account) = root
                .path(&["metadata", "annotations"])
                .and_then(|a| a.get_str("kubernetes.io/service-account.name"))
            else {
                continue;
            };
            let namespace = workload::namespace_of(object).to_owned();
            self.accounts
                .entry(namespace.clone())
                .or_default()
                .insert(account.to_owned());
            if let Some(site) = self.site(object, object.pos(), "type") {
                self.token_secrets
                    .insert((namespace, account.to_owned()), site);
            }
        }
    }

    /// Namespaces whose `pod-security.kubernetes.io/enforce` label keeps
    /// privileged and host-path pods out.
    fn read_namespaces(&mut self) {
        const LABEL: &str = "pod-security.kubernetes.io/enforce";
        let inventory = self.inputs.inventory;
        for object in inventory.of_kind(&["Namespace"]) {
            let Some(name) = object.name() else {
                continue;
            };
            let level = object
                .root()
                .path(&["metadata", "labels"])
                .and_then(|labels| labels.get_str(LABEL));
            if matches!(level, Some("baseline" | "restricted")) {
                self.enforcing.insert(name.to_owned());
            }
        }
    }

    /// Entries from outside the cluster, and admin UIs that act as their
    /// ServiceAccount.
    fn entries(&mut self) {
        for entry in &self.inputs.entries {
            let Some(info) = self.workloads.get(&entry.workload) else {
                continue;
            };
            let workload = info.name.clone();
            let from = self.graph.node(Node::Entry(entry.label.clone()));
            self.add_rule(
                from,
                Node::Reach(workload.clone()),
                entry.reason.clone(),
                Some(entry.site.clone()),
                entry.rule,
            );
            let code = self.graph.node(Node::Code(workload.clone()));
            self.graph.edge(Edge {
                from,
                to: code,
                reason: format!(
                    "{workload} is the foothold: a flaw in the application it serves runs \
                     the attacker's code in its pods"
                ),
                site: Some(entry.site.clone()),
                rule: Some("external-entry-point"),
                exploit: true,
            });
        }
        for ui in &self.inputs.open_uis {
            let Some(info) = self.workloads.get(&ui.workload) else {
                continue;
            };
            let (workload, account) = (info.name.clone(), info.account.clone());
            let reach = self.graph.node(Node::Reach(workload));
            self.add_rule(
                reach,
                Node::Identity(account),
                ui.reason.clone(),
                Some(ui.site.clone()),
                ui.rule,
            );
        }
    }

    /// "Any pod" reaches every workload that no NetworkPolicy isolates
    /// from it. Only workloads whose network access leads further (an
    /// open admin UI) get the edge, to keep the graph small.
    fn network(&mut self) {
        let analysis = self.inputs.network;
        let model = analysis.model;
        let any = self.graph.node(Node::AnyPod);
        let mut classes: HashMap<usize, usize> = HashMap::new();
        let mut pods: HashMap<(&str, &str), usize> = HashMap::new();
        let mut names: HashMap<String, usize> = HashMap::new();
        for (id, w) in model.workloads.iter().enumerate() {
            classes.insert(w.site.object, id);
            let namespace = model.namespaces[w.namespace].name.as_str();
            for pod in &w.pods {
                pods.insert((namespace, pod.as_str()), id);
            }
            names
                .entry(format!("{} {namespace}/{}", w.kind, w.name))
                .or_insert(id);
        }
        let objects = self.inputs.inventory.objects();
        let mut reached = Vec::new();
        for (&object, info) in &self.workloads {
            let Some(reach) = self.graph.find(&Node::Reach(info.name.clone())) else {
                continue;
            };
            if self.graph.outgoing(reach).next().is_none() {
                continue;
            }
            let stored = &objects[object];
            let network_workload = classes.get(&object).copied().or_else(|| {
                pods.get(&(info.namespace.as_str(), stored.name().unwrap_or("")))
                    .copied()
            });
            // Objects of the same kind and name (several versions of one
            // manifest) are one workload to the network model.
            let network_workload = network_workload.or_else(|| names.get(&info.name).copied());
            let Some(network_workload) = network_workload.map(|id| &model.workloads[id]) else {
                continue;
            };
            if let Some((reason, site)) = open_to_any_pod(analysis, network_workload.class) {
                // Without a policy rule to point at, the step points at the
                // pod labels that no policy selects.
                let site = site.or_else(|| {
                    let at = &network_workload.site;
                    Some((at.object, at.pos, at.path.clone()))
                });
                reached.push((reach, (reason, site), object));
            }
        }
        reached.sort_by_key(|(_, _, object)| *object);
        for (reach, (reason, site), _) in reached {
            let site = site.and_then(|(object, pos, path)| {
                let stored = &objects[object];
                self.site(stored, pos, &path)
            });
            self.graph.edge(Edge {
                from: any,
                to: reach,
                reason,
                site,
                rule: Some("network-workload-not-selected"),
                exploit: false,
            });
        }
    }

    /// Adds the permissions of every identity in the graph, and the steps
    /// each permission opens.
    fn identities(&mut self) {
        let policy = self.inputs.policy;
        let grants: Vec<PermissionGrant<'_, '_>> = Permission::ALL
            .into_iter()
            .flat_map(|p| policy.permission_grants(p))
            .filter(|g| !g.only_named_objects())
            .collect();
        let anonymous = self.graph.node(Node::Anonymous);
        self.add(
            anonymous,
            Node::Identity(format!("user {ANONYMOUS}")),
            "kube-apiserver authenticates requests without credentials as system:anonymous \
             in group system:unauthenticated unless it runs with --anonymous-auth=false"
                .to_owned(),
            None,
        );
        // Permissions can add identities (token creation, pod creation),
        // so identities are expanded until none is new.
        let mut done = 0;
        loop {
            let pending: Vec<(NodeId, String)> = self
                .graph
                .nodes
                .iter()
                .enumerate()
                .skip(done)
                .filter_map(|(id, node)| match node {
                    Node::Identity(name) => Some((id, name.clone())),
                    _ => None,
                })
                .collect();
            done = self.graph.nodes.len();
            if pending.is_empty() {
                break;
            }
            for (node, name) in pending {
                let Some(identity) = identity_of(&name) else {
                    continue;
                };
                for grant in grants
                    .iter()
                    .filter(|g| identity.matches(g.subject, g.binding))
                {
                    self.grant(node, grant);
                }
            }
            if done == self.graph.nodes.len() {
                break;
            }
        }
    }

    /// Adds identity → permission and permission → consequences.
    fn grant(&mut self, identity: NodeId, grant: &PermissionGrant<'_, '_>) {
        let scope = grant.binding.namespace.map(str::to_owned);
        let permission = grant.permission;
        let origin = grant.binding.origin;
        let site = if origin.builtin {
            None
        } else {
            let pos = grant.subject.pos();
            self.site(origin.object, pos, "subjects")
        };
        let reason = format!(
            "{} grants {} ({})",
            grant.binding.describe(),
            grant.requests_text(),
            grant.rules_text()
        );
        let node = Node::Grant(permission, scope.clone());
        let existed = self.graph.find(&node).is_some();
        let to = self.graph.node(node);
        self.graph.edge(Edge {
            from: identity,
            to,
            reason,
            site,
            rule: Some(rule_of(permission)),
            exploit: false,
        });
        if !existed {
            self.consequences(to, permission, scope.as_deref());
        }
    }

    /// Adds the steps that holding `permission` in `scope` (a namespace,
    /// or `None` for cluster-wide) opens.
    fn consequences(&mut self, from: NodeId, permission: Permission, scope: Option<&str>) {
        let target = |t| Node::Target(t);
        match (permission, scope) {
            (Permission::FullAccess, None) => {
                let reason = "every verb on every resource is cluster-admin";
                self.add(from, target(Target::ClusterAdmin), reason.to_owned(), None);
            }
            (Permission::FullAccess, Some(ns)) => {
                let reason = format!("full access in namespace {ns} includes it");
                for implied in [
                    Permission::ReadSecrets,
                    Permission::CreateWorkloads,
                    Permission::ExecIntoPods,
                    Permission::CreateTokens,
                ] {
                    self.grant_step(from, implied, ns, reason.clone());
                }
            }
            (Permission::ReadSecrets, None) => {
                let reason = "reading Secrets in every namespace";
                self.add(from, target(Target::AllSecrets), reason.to_owned(), None);
            }
            (Permission::ReadSecrets, Some(ns)) => self.token_secrets_in(from, ns),
            (Permission::CreateWorkloads, scope) => self.create_workloads(from, scope),
            (Permission::ExecIntoPods, scope) => {
                for name in self.workloads_in(scope) {
                    let reason = format!("kubectl exec runs commands in the pods of {name}");
                    self.add(from, Node::Code(name), reason, None);
                }
            }
            (Permission::EscalateOrBind, None) => {
                let reason = "binding cluster-admin to itself, or writing a role with every right";
                self.add(from, target(Target::ClusterAdmin), reason.to_owned(), None);
            }
            (Permission::EscalateOrBind, Some(ns)) => {
                let reason = format!("binding a role with every right in namespace {ns} to itself");
                self.grant_step(from, Permission::FullAccess, ns, reason);
            }
            (Permission::Impersonate, None) => {
                let reason = "impersonating a member of group system:masters";
                self.add(from, target(Target::ClusterAdmin), reason.to_owned(), None);
            }
            (Permission::Impersonate | Permission::CreateTokens, scope) => {
                let verb = if permission == Permission::Impersonate {
                    "impersonating"
                } else {
                    "creating a token for"
                };
                for account in self.accounts_in(scope) {
                    let reason = format!("{verb} {account}");
                    self.add(from, Node::Identity(account), reason, None);
                }
            }
            (Permission::ProxyToNodes, _) => {
                let reason = "the kubelet API behind nodes/proxy runs commands in every \
                              container of the node";
                self.add(from, target(Target::Node), reason.to_owned(), None);
            }
            (Permission::ApproveCertificates, _) => {
                let reason = "approving a certificate signing request for a client \
                              certificate of any user or group, system:masters included";
                self.add(from, target(Target::ClusterAdmin), reason.to_owned(), None);
            }
            (Permission::WriteAdmissionConfig, _) => {
                let reason = "an admission webhook it registers or redirects receives every \
                              Secret written to the cluster";
                self.add(from, target(Target::AllSecrets), reason.to_owned(), None);
            }
        }
    }

    /// Adds a step to `permission` in namespace `ns`, and that
    /// permission's own steps when it is new to the graph.
    fn grant_step(&mut self, from: NodeId, permission: Permission, ns: &str, reason: String) {
        let node = Node::Grant(permission, Some(ns.to_owned()));
        let existed = self.graph.find(&node).is_some();
        let to = self.add(from, node, reason, None);
        if !existed {
            self.consequences(to, permission, Some(ns));
        }
    }

    /// Reading Secrets in `namespace` reads the long-lived token Secrets
    /// of its ServiceAccounts.
    fn token_secrets_in(&mut self, from: NodeId, namespace: &str) {
        let mut tokens: Vec<(String, Site)> = self
            .token_secrets
            .iter()
            .filter(|((ns, _), _)| ns == namespace)
            .map(|((ns, name), site)| (format!("ServiceAccount {ns}/{name}"), site.clone()))
            .collect();
        tokens.sort_by(|a, b| a.0.cmp(&b.0));
        for (account, site) in tokens {
            self.add(
                from,
                Node::Identity(account.clone()),
                format!("a Secret of type kubernetes.io/service-account-token holds a token of {account}"),
                Some(site),
            );
        }
    }

    /// Creating pods leads to the node (a privileged pod with the host's
    /// root mounted) unless Pod Security admission forbids such pods in
    /// the namespace, and to every ServiceAccount of the namespace.
    fn create_workloads(&mut self, from: NodeId, scope: Option<&str>) {
        let protected = scope.is_some_and(|ns| self.enforcing.contains(ns));
        if !protected {
            let place = scope.map_or_else(
                || "in a namespace without a Pod Security admission label".to_owned(),
                |ns| {
                    format!(
                        "in namespace {ns}, which no pod-security.kubernetes.io/enforce label \
                         protects"
                    )
                },
            );
            self.add(
                from,
                Node::Target(Target::Node),
                format!("creating a privileged pod that mounts the node's root {place}"),
                None,
            );
        }
        for account in self.accounts_in(scope) {
            self.add(
                from,
                Node::Identity(account.clone()),
                format!("creating a pod that runs as {account} and mounts its token"),
                None,
            );
        }
    }

    fn accounts_in(&self, scope: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = self
            .accounts
            .iter()
            .filter(|(ns, _)| scope.is_none_or(|s| s == ns.as_str()))
            .flat_map(|(ns, names)| {
                names
                    .iter()
                    .map(move |n| format!("ServiceAccount {ns}/{n}"))
            })
            .collect();
        out.sort();
        out
    }

    fn workloads_in(&self, scope: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = self
            .workloads
            .values()
            .filter(|w| scope.is_none_or(|s| s == w.namespace))
            .map(|w| w.name.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// "Deployment kube-system/kubernetes-dashboard".
fn describe(object: &StoredObject) -> String {
    format!(
        "{} {}/{}",
        object.kind(),
        workload::namespace_of(object),
        object.name().unwrap_or("<unnamed>")
    )
}

/// Parses the identity behind an identity node's name.
fn identity_of(name: &str) -> Option<Identity> {
    if let Some(account) = name.strip_prefix("ServiceAccount ") {
        let (namespace, name) = account.split_once('/')?;
        return Some(Identity::service_account(namespace, name));
    }
    let user = name.strip_prefix("user ")?;
    Some(Identity::user(user, []))
}

/// Returns the `rbac` rule that reports holders of `permission`.
fn rule_of(permission: Permission) -> &'static str {
    match permission {
        Permission::FullAccess => "rbac-cluster-admin",
        Permission::ReadSecrets => "rbac-secrets-read",
        Permission::ExecIntoPods => "rbac-pod-exec",
        Permission::CreateWorkloads => "rbac-workload-create",
        Permission::EscalateOrBind => "rbac-escalate-bind",
        Permission::Impersonate => "rbac-impersonate",
        Permission::CreateTokens => "rbac-token-create",
        Permission::ProxyToNodes => "rbac-nodes-proxy",
        Permission::ApproveCertificates => "rbac-csr-approve",
        Permission::WriteAdmissionConfig => "rbac-admission-write",
    }
}

type PeerSite = Option<(usize, Pos, String)>;

/// Why every pod can connect to the pods of `class`, when it can: no
/// NetworkPolicy isolates them for ingress, or a policy that does allows
/// every source or pods of every namespace.
fn open_to_any_pod(analysis: &Analysis<'_>, class: ClassId) -> Option<(String, PeerSite)> {
    let model = analysis.model;
    let pod_class = &model.classes[class];
    if pod_class.host_network {
        return Some((
            "its pods use the node's network, which no NetworkPolicy isolates".to_owned(),
            None,
        ));
    }
    let isolating = analysis.selecting(class, Direction::Ingress);
    if !analysis.admin_policies_of(class).is_empty()
        || !analysis.baseline_policies_of(class).is_empty()
    {
        // NOTE: admin network policies are not evaluated here; a pod they
        // cover is treated as isolated.
        return None;
    }
    if isolating.is_empty() {
        let namespace = &model.namespaces[pod_class.namespace].name;
        return Some((
            format!(
                "no NetworkPolicy in namespace {namespace} isolates its pods for ingress, so \
                 every pod of the cluster can connect to them"
            ),
            None,
        ));
    }
    for &id in isolating {
        let policy = &model.policies[id];
        for rule in &policy.ingress {
            let everyone = match &rule.peers {
                None => true,
                Some(peers) => peers.iter().any(|peer| match peer {
                    Peer::Pods {
                        namespaces: NamespaceScope::Selector(ns),
                        pods,
                        ..
                    } => ns.is_empty() && pods.is_empty(),
                    _ => false,
                }),
            };
            if everyone {
                let name = model.policy_name(id);
                return Some((
                    format!(
                        "NetworkPolicy {name} spec.ingress[{}] allows every pod of every \
                         namespace",
                        rule.index
                    ),
                    Some((
                        policy.site.object,
                        rule.pos,
                        format!("spec.ingress[{}]", rule.index),
                    )),
                ));
            }
        }
    }
    None
}

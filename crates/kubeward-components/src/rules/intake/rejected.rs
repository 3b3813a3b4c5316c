use kubeward_core::{Check, Component, ComponentSink, Family, RuleStatus, Severity, declare_rule};

use crate::READER;

declare_rule! {
    /// ## What it checks
    ///
    /// Arguments and configuration fields a component rejects or does not
    /// read as they look:
    ///
    /// - a word after a boolean flag, as in `--anonymous-auth false`: a bare
    ///   boolean flag never takes the next word, so the flag is true and
    ///   `false` is an argument, which the programs do not accept;
    /// - any other argument that is not a flag, including flags written after
    ///   `--`, which ends the flags;
    /// - a long flag with one dash, such as `-anonymous-auth=false`, which
    ///   Kubernetes components read as one-letter shorthands and reject;
    /// - for etcd, which parses with Go's `flag` package, the first argument
    ///   that is not a flag, after which no flag is read;
    /// - a kube-apiserver list item with spaces around it, as in
    ///   `--enable-admission-plugins "NodeRestriction, AlwaysPullImages"`;
    /// - a configuration file field the program cannot decode, such as
    ///   `authorization: Webhook` in a KubeletConfiguration, where a mapping
    ///   is expected.
    ///
    /// ## Why it matters
    ///
    /// Each of these stops the program at start-up, or leaves a setting at a
    /// value other than the one written. A change meant to harden a component
    /// then takes the control plane or the node down, or does nothing, while
    /// the file looks right to a reviewer.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --anonymous-auth
    ///         - "false"
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --anonymous-auth=false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Flags kubeward does not model are assumed to take the next word as
    /// their value unless it starts with a dash, so a word after an unknown
    /// boolean flag is not reported. An argument holding `$` may expand to
    /// flags and is not reported. Configuration fields are checked for the
    /// settings kubeward reads, not against the whole configuration API.
    ///
    /// ## References
    ///
    /// - spf13/pflag, the flag parser of Kubernetes components (<https://github.com/spf13/pflag>)
    /// - Go `flag` package, which etcd uses (<https://pkg.go.dev/flag>)
    /// - Kubelet configuration file (<https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/>)
    pub static RULE = {
        id: "component-input-rejected",
        family: Family::Intake,
        severity: Severity::Medium,
        summary: "Component argument or config field is rejected or not read as written",
        remediation: "Write boolean flags as --name=value, remove stray words and `--`, use two dashes, and give config fields the type the program expects.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Component {
            reader: &READER,
            check,
        },
    };
}

fn check(component: &Component, sink: &mut ComponentSink<'_>) {
    for (location, problem) in &component.problems {
        sink.report(location, format!("{}: {problem}", component.kind));
    }
}

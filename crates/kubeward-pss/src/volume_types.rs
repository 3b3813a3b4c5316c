use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::volumes::{RESTRICTED_ALLOWED, VolumeSource, classify};

declare_rule! {
    /// ## What it checks
    ///
    /// The source of every volume of the pod spec. The restricted level
    /// allows only `configMap`, `csi`, `downwardAPI`, `emptyDir`,
    /// `ephemeral`, `image`, `persistentVolumeClaim`, `projected` and
    /// `secret`, at every policy version. Every other source (`hostPath`,
    /// `nfs`, `gitRepo`, the in-tree cloud disks, ...) is one finding, at
    /// the source field.
    ///
    /// A volume with no source at all passes: the API server fills in
    /// `emptyDir` before admission.
    ///
    /// ## Why it matters
    ///
    /// The allowed sources are the ones whose access the cluster controls:
    /// storage goes through PersistentVolumeClaims, which an administrator
    /// provisions and scopes. Inline sources let a pod author mount any NFS
    /// export, iSCSI target or cloud disk they can name, bypassing that
    /// control, and some (`hostPath`, `flexVolume`, `gitRepo`) run code or
    /// reach files on the node itself.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: reports
    /// spec:
    ///   containers:
    ///     - name: reports
    ///       image: registry.example.com/reports:1.0
    ///       volumeMounts:
    ///         - name: archive
    ///           mountPath: /archive
    ///   volumes:
    ///     - name: archive
    ///       nfs:
    ///         server: nfs.example.com
    ///         path: /exports/archive
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: reports
    /// spec:
    ///   containers:
    ///     - name: reports
    ///       image: registry.example.com/reports:1.0
    ///       volumeMounts:
    ///         - name: archive
    ///           mountPath: /archive
    ///   volumes:
    ///     - name: archive
    ///       persistentVolumeClaim:
    ///         claimName: archive
    /// ```
    ///
    /// ## Known limitations
    ///
    /// `image` volumes pass at every policy version, because upstream allowed
    /// them in its v1.0 check (Kubernetes 1.33) rather than in a new version.
    /// An API server older than 1.33 rejects them under the restricted level.
    /// A `hostPath` volume is reported by this rule and by
    /// `pss-host-path-volumes`.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "Volume Types"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Kubernetes Pod security"
    pub static RULE = {
        id: "pss-volume-types",
        family: Family::PodSecurity,
        severity: Severity::Low,
        summary: "Pod uses a volume type outside the restricted level's list",
        remediation: "Mount the storage through a persistentVolumeClaim, or use a configMap, secret, projected, emptyDir, csi, ephemeral or image volume.",
        pss: Some(PssInfo { level: PssLevel::Restricted, control: "Volume Types" }),
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for (index, volume) in pod.volumes() {
        let VolumeSource::Restricted(source) = classify(volume) else {
            continue;
        };
        let kind = source.key.as_str().unwrap_or("");
        let name = volume.get_str("name").unwrap_or("");
        sink.report(
            source.key.pos(),
            pod.path(&format!("volumes[{index}].{kind}")),
            format!(
                "volume \"{name}\" must not use the {kind} volume type; allowed types are {}",
                RESTRICTED_ALLOWED.join(", ")
            ),
        );
    }
}

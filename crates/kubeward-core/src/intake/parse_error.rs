use crate::{Check, Family, RuleStatus, Severity, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Input that cannot be read as YAML or JSON: a syntax error such as an
    /// unterminated quoted string or a bad indentation, bytes that are not
    /// valid UTF-8, or nesting deeper than 10,000 levels. The finding names
    /// the file, the line and column where the parser stopped, and the
    /// parser's reason.
    ///
    /// The scan goes on: other documents of the same file (those separated
    /// by `---`) and other files are still scanned. In a file with invalid
    /// UTF-8, the invalid bytes are read as U+FFFD and the file is scanned.
    ///
    /// ## Why it matters
    ///
    /// A document kubeward cannot read is a document it cannot check. If the
    /// same file is applied by a tool that reads it differently, whatever it
    /// holds reaches the cluster unchecked. `kubectl` rejects such files too,
    /// so a parse error in CI is usually a broken deployment waiting to
    /// happen.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data:
    ///   greeting: "hello
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data:
    ///   greeting: "hello"
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The position is where the parser noticed the error, which can be
    /// after the real mistake: an unterminated quote is reported where the
    /// document ends.
    ///
    /// ## References
    ///
    /// - YAML 1.2.2 specification (<https://yaml.org/spec/1.2.2/>)
    pub static RULE = {
        id: "parse-error",
        family: Family::Intake,
        severity: Severity::High,
        summary: "Input cannot be parsed",
        remediation: "Fix the syntax at the reported line; `kubectl apply --dry-run=client -f FILE` shows the same error.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Pipeline,
    };
}

use crate::{Check, Family, RuleStatus, Severity, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Input that cannot be read as YAML or JSON, or that `kubectl` would
    /// refuse to decode:
    ///
    /// - a syntax error, such as an unterminated quoted string or a bad
    ///   indentation;
    /// - bytes that are not valid UTF-8, or invalid UTF-16 after a UTF-16
    ///   byte order mark;
    /// - collections nested deeper than 10,000 levels, or flow collections
    ///   (`[...]`, `{...}`) nested deeper than 255;
    /// - aliases that expand to more of the document than go-yaml (the
    ///   YAML library of `kubectl`) allows, such as a "billion laughs"
    ///   alias bomb;
    /// - a merge key (`<<`) whose value is not a mapping or a list of
    ///   mappings.
    ///
    /// The finding names the file, the line and column where the parser
    /// stopped, and the parser's reason. It is critical, so that a file
    /// kubeward could not read fails the scan at every `--fail-on`
    /// threshold: its contents were not checked.
    ///
    /// The scan goes on: other documents of the same file (those separated
    /// by `---`) and other files are still scanned. In a file with invalid
    /// UTF-8, the invalid bytes are read as U+FFFD and the file is scanned.
    /// A document with an invalid merge key is scanned without the merge.
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
    /// document ends. go-yaml accepts flow collections nested up to 10,000
    /// levels; kubeward stops at 255, a depth no real manifest reaches.
    ///
    /// ## References
    ///
    /// - YAML 1.2.2 specification (<https://yaml.org/spec/1.2.2/>)
    pub static RULE = {
        id: "parse-error",
        family: Family::Intake,
        severity: Severity::Critical,
        summary: "Input cannot be parsed",
        remediation: "Fix the syntax at the reported line; `kubectl apply --dry-run=client -f FILE` shows the same error.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Pipeline,
    };
}

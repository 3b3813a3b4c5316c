//! Time to check command lines with many repeated flags, at growing sizes,
//! so a cost that grows faster than the input shows as a rising time per
//! argument.
//!
//! Inputs: a static pod with N `--enable-admission-plugins=PluginI`, a
//! saved command line and a systemd unit with N bare `--profiling`. The
//! target is a time per argument that stays flat as N grows tenfold.
//!
//! Usage: `cargo bench -p kubeward-components --bench command_lines`.

use std::fmt::Write as _;
use std::time::Instant;

use kubeward_core::{RuleDef, ScanOptions};

fn main() {
    let rules: Vec<&'static RuleDef> = kubeward_components::RULES
        .iter()
        .flat_map(|family| family.iter().copied())
        .collect();
    println!(
        "{:<14} {:>8} {:>10} {:>12}",
        "input", "args", "ms", "ns/arg"
    );
    for count in [20_000, 200_000] {
        let inputs = [
            ("static pod", "pod.yaml", static_pod(count)),
            ("cmdline", "a.cmdline", saved_command_line(count)),
            ("systemd unit", "a.service", unit(count)),
        ];
        for (name, file, text) in inputs {
            let start = Instant::now();
            let findings = kubeward_testutil::check(file, &text, &rules, ScanOptions::default());
            let elapsed = start.elapsed();
            assert!(!findings.is_empty(), "{name}: no findings");
            let per_arg = elapsed.as_nanos() / count as u128;
            println!(
                "{name:<14} {count:>8} {:>10.1} {per_arg:>12}",
                elapsed.as_secs_f64() * 1000.0
            );
        }
    }
}

fn static_pod(count: usize) -> String {
    let mut pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.0
    command:
    - kube-apiserver
"
    .to_owned();
    for i in 0..count {
        writeln!(pod, "    - --enable-admission-plugins=Plugin{i}").expect("write");
    }
    pod
}

fn saved_command_line(count: usize) -> String {
    let mut line = "kube-apiserver".to_owned();
    for _ in 0..count {
        line.push_str("\0--profiling");
    }
    line
}

fn unit(count: usize) -> String {
    let mut unit = "[Service]\nExecStart=/usr/bin/kube-apiserver".to_owned();
    for _ in 0..count {
        unit.push_str(" --profiling");
    }
    unit.push('\n');
    unit
}

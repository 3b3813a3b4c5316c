use std::path::{Path, PathBuf};

/// One input to read: a file, or stdin.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputPath {
    File(PathBuf),
    Stdin,
}

impl InputPath {
    /// How findings name this input: the path as given, or `-` for stdin.
    pub fn display(&self) -> String {
        match self {
            InputPath::File(path) => path.display().to_string(),
            InputPath::Stdin => "-".to_owned(),
        }
    }
}

/// A path that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The path does not exist or could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A directory walk failed below a given path.
    #[error("{path}: cannot list directory: {message}")]
    Walk { path: String, message: String },
}

/// Whether a file name has one of the extensions scanned in directories:
/// `.yaml`, `.yml` or `.json`, in any case.
pub fn is_manifest_path(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Whether a file is a systemd unit that may start a control-plane
/// component: a `.service` file, or a `.conf` drop-in in a `NAME.service.d`
/// directory.
pub fn is_unit_path(path: &Path) -> bool {
    let has_extension = |p: &Path, ext: &str| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    if has_extension(path, "service") {
        return true;
    }
    has_extension(path, "conf")
        && path
            .parent()
            .and_then(|dir| dir.file_name())
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(".service.d"))
}

/// Whether a file is a saved command line (`NAME.cmdline`, a copy of
/// `/proc/PID/cmdline`), which the component reader checks.
pub fn is_cmdline_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("cmdline"))
}

/// Expands the paths given on the command line into the inputs to read.
///
/// A file is read whatever its extension; a directory is walked
/// recursively for `.yaml`, `.yml` and `.json` files and for systemd units
/// (`.service` files and their `.service.d/*.conf` drop-ins) and saved
/// command lines (`.cmdline` files), skipping
/// hidden files and directories such as `.git`; `-` is stdin. Each
/// directory's files come out sorted, so scans are reproducible.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<InputPath>, Vec<IntakeError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(InputPath::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk_dir(path, &mut inputs, &mut errors),
            Ok(_) => inputs.push(InputPath::File(path.clone())),
            Err(source) => errors.push(IntakeError::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }
    // A file named twice, or found both in a directory and by name, and
    // stdin given twice are read once: reading again would report every
    // finding twice, or read an exhausted stdin.
    let mut seen = std::collections::HashSet::new();
    inputs.retain(|input| seen.insert(input.clone()));
    (inputs, errors)
}

fn walk_dir(root: &Path, inputs: &mut Vec<InputPath>, errors: &mut Vec<IntakeError>) {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .follow_links(true)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file
                    && (is_manifest_path(entry.path())
                        || is_unit_path(entry.path())
                        || is_cmdline_path(entry.path()))
                {
                    inputs.push(InputPath::File(entry.into_path()));
                }
            }
            Err(err) => errors.push(IntakeError::Walk {
                path: root.display().to_string(),
                message: err.to_string(),
            }),
        }
    }
}

//! Lines of a document that show a secret value, which no finding quotes.
//!
//! A Secret's lines are hidden whole: its `data`, its `stringData` and its
//! `last-applied-configuration` annotation all hold its values. Other
//! objects carry key material in known fields, whose lines are hidden:
//!
//! - an `EncryptionConfiguration`'s provider keys (`aescbc`, `aesgcm`,
//!   `secretbox`);
//! - a kubeconfig's (`kind: Config`) user credentials: client keys, tokens,
//!   passwords and auth-provider settings;
//! - a kubeadm `InitConfiguration`'s `bootstrapTokens` and
//!   `certificateKey`, and a `JoinConfiguration`'s discovery tokens and
//!   `certificateKey`.
//!
//! Anywhere else, a mapping entry is hidden when [`crate::secret`]
//! classifies its scalar value as a secret under its key. This covers the
//! `token` and `agent-token` of a k3s `config.yaml` (a document with no
//! `kind`), annotations with basic-auth credentials, ConfigMap values, and
//! the literal values of environment variables named like secrets. Every
//! object's `last-applied-configuration` annotation is hidden too, because
//! it repeats the whole object on one line. Hiding works by line, so a
//! Secret written on one line with other objects (a one-line JSON `List`,
//! flow style) hides that whole line from every finding.
//!
//! A line can also show a secret that no field marks: a line inside a
//! block scalar that embeds a config file, such as `password: x`. So every
//! quoted line is also read on its own ([`line_shows_secret`]) and dropped
//! when it shows a secret. This holds for the findings of a file's own
//! scan and for those of rules over kept objects. In the lines that stay
//! quoted, the password of a URL's user information is masked
//! ([`mask_userinfo`]). [`screen_quote`] does both.

use kubeward_yaml::{Document, NodeRef};

use crate::{Finding, Source, secret};

/// Maximum number of alias targets followed from hidden subtrees. Anchors form no
/// cycles and their expansion is already bounded by the parser, so this
/// only caps the work on adversarial input.
const MAX_ALIAS_TARGETS: usize = 10_000;

/// Line ranges (first, last; 1-based, inclusive) of `documents` that may
/// show a secret value, in increasing order and without overlaps.
/// `source` is the text the documents were parsed from.
pub(crate) fn secret_lines(documents: &[Document<'_>], source: &Source<'_>) -> Vec<(u32, u32)> {
    let last_line = source.first_line.saturating_add(line_count(source.text));
    let mut hidden = Hidden {
        ranges: Vec::new(),
        source,
        last_line,
        aliases_followed: 0,
    };
    let nodes = documents
        .iter()
        .filter_map(Document::root)
        .flat_map(|root| root.subtree());
    for node in nodes {
        if node.is_seq() && !node.is_alias() {
            hidden.hide_flag_values(node);
            continue;
        }
        if node.is_alias() || !node.is_map() {
            continue;
        }
        match node.get_str("kind") {
            Some("Secret") => hidden.hide(node),
            Some("EncryptionConfiguration" | "EncryptionConfig") => {
                hidden.hide_encryption_keys(node);
            }
            Some("Config") => hidden.hide_kubeconfig_users(node),
            Some("InitConfiguration") => {
                hidden.hide_fields(node, &["bootstrapTokens", "certificateKey"]);
            }
            Some("JoinConfiguration") => {
                let discovery = node.get("discovery");
                let bootstrap = discovery.and_then(|d| d.get("bootstrapToken"));
                hidden.hide_fields_of(discovery, &["tlsBootstrapToken"]);
                hidden.hide_fields_of(bootstrap, &["token"]);
                hidden.hide_fields_of(node.get("controlPlane"), &["certificateKey"]);
            }
            _ => {}
        }
        hidden.hide_secret_entries(Some(node));
        hidden.hide_last_applied(node);
    }
    merge(hidden.ranges)
}

/// Number of line breaks in `text`.
fn line_count(text: &str) -> u32 {
    u32::try_from(text.bytes().filter(|&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

/// Sorts ranges and joins those that overlap or touch.
fn merge(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (first, last) in ranges {
        match merged.last_mut() {
            Some(previous) if first <= previous.1.saturating_add(1) => {
                previous.1 = previous.1.max(last);
            }
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// Whether `line` lies in one of `ranges`, as [`secret_lines`] returns them.
pub(crate) fn is_hidden(ranges: &[(u32, u32)], line: u32) -> bool {
    let after = ranges.partition_point(|&(first, _)| first <= line);
    after > 0 && ranges[after - 1].1 >= line
}

struct Hidden<'s, 'a> {
    ranges: Vec<(u32, u32)>,
    source: &'s Source<'a>,
    last_line: u32,
    aliases_followed: usize,
}

impl Hidden<'_, '_> {
    /// Hides the lines of the entries of the mapping `map` whose scalar
    /// values look like secrets under their keys.
    ///
    /// Entries that a merge key (`<<`) brings in are read where their
    /// anchor writes them, as their lines are there.
    fn hide_secret_entries(&mut self, map: Option<NodeRef<'_, '_>>) {
        for entry in map.iter().flat_map(NodeRef::raw_entries) {
            let key = entry.key_str();
            if matches!(key.as_deref(), Some("env" | "httpHeaders")) {
                self.hide_secret_env(entry.value);
            }
            let is_secret = |value| {
                secret::literal_text(value).is_some_and(|text| shows_secret(key.as_deref(), &text))
            };
            let is_secret = if entry.value.is_seq() {
                entry.value.items().any(&is_secret)
            } else {
                is_secret(entry.value)
            };
            if is_secret {
                self.hide(entry.value);
            }
        }
    }

    /// Hides the lines of the `env` or `httpHeaders` entries whose literal
    /// values look like secrets, and of every `Authorization`, `Cookie` and
    /// `Proxy-Authorization` header. A value of the wrong type (a list or a
    /// mapping, which the API server rejects) is hidden whole under a
    /// secret-like name.
    fn hide_secret_env(&mut self, env: NodeRef<'_, '_>) {
        for item in env.items() {
            let Some(value) = item.get("value") else {
                continue;
            };
            let name = item.get_str("name");
            let is_secret = name.is_some_and(is_credential_header)
                || match secret::literal_text(value) {
                    Some(text) => shows_secret(name, &text),
                    None => {
                        (value.is_seq() || value.is_map())
                            && name.is_some_and(secret::name_suggests_secret)
                    }
                };
            if is_secret {
                self.hide(value);
            }
        }
    }

    /// Hides the items of the sequence `list` that follow a flag whose name
    /// suggests a secret, such as `- --password` then `- hunter2` in a
    /// container's `args`.
    fn hide_flag_values(&mut self, list: NodeRef<'_, '_>) {
        let items: Vec<NodeRef<'_, '_>> = list.items().collect();
        for pair in items.windows(2) {
            let Some(flag) = pair[0].as_str().filter(|word| flag_takes_secret(word)) else {
                continue;
            };
            let is_secret = secret::literal_text(pair[1])
                .is_some_and(|value| !value.starts_with('-') && shows_secret(Some(flag), &value));
            if is_secret {
                self.hide(pair[1]);
            }
        }
    }

    /// Hides the keys of every provider of an `EncryptionConfiguration`:
    /// the `keys` of `aescbc`, `aesgcm` and `secretbox`, and of any
    /// provider a newer release adds beside them.
    fn hide_encryption_keys(&mut self, config: NodeRef<'_, '_>) {
        let entries = config.get("resources").into_iter().flat_map(|r| r.items());
        let providers = entries.filter_map(|entry| entry.get("providers"));
        for provider in providers.flat_map(|p| p.items()) {
            for setting in provider.entries() {
                self.hide_fields_of(Some(setting.value), &["keys"]);
            }
        }
    }

    /// Hides the credentials of every user of a kubeconfig. The whole
    /// `user` mapping goes, because it contains client keys, tokens,
    /// passwords, auth-provider settings and credential plugin environments.
    fn hide_kubeconfig_users(&mut self, config: NodeRef<'_, '_>) {
        let users = config.get("users").into_iter().flat_map(|u| u.items());
        for user in users.filter_map(|item| item.get("user")) {
            self.hide(user);
        }
    }

    /// Hides the values of the fields `names` of the mapping `node`.
    fn hide_fields(&mut self, node: NodeRef<'_, '_>, names: &[&str]) {
        for name in names {
            if let Some(value) = node.get(name) {
                self.hide(value);
            }
        }
    }

    fn hide_fields_of(&mut self, node: Option<NodeRef<'_, '_>>, names: &[&str]) {
        if let Some(node) = node.filter(NodeRef::is_map) {
            self.hide_fields(node, names);
        }
    }

    /// Hides the `kubectl.kubernetes.io/last-applied-configuration`
    /// annotation of `object`, which repeats the whole object.
    fn hide_last_applied(&mut self, object: NodeRef<'_, '_>) {
        let annotations = object.get("metadata").and_then(|m| m.get("annotations"));
        self.hide_fields_of(
            annotations,
            &["kubectl.kubernetes.io/last-applied-configuration"],
        );
    }

    /// Hides the lines `node`'s subtree is written on, and those of the
    /// anchors its aliases name.
    fn hide(&mut self, node: NodeRef<'_, '_>) {
        let mut pending = vec![node];
        while let Some(node) = pending.pop() {
            let first = node.pos().line;
            self.ranges.push((first, self.end_line(node).max(first)));
            for inner in node.subtree() {
                let Some(target) = inner.alias_target() else {
                    continue;
                };
                if self.aliases_followed < MAX_ALIAS_TARGETS {
                    self.aliases_followed += 1;
                    pending.push(target);
                }
            }
        }
    }

    /// Returns the last line `node`'s subtree may be written on. Nodes keep
    /// only where they start, so the subtree ends before the next node: on
    /// the line before it when the next node starts its line (block style),
    /// else on its line, which the subtree's last scalar may share.
    fn end_line(&self, node: NodeRef<'_, '_>) -> u32 {
        let Some(next) = node.next_after_subtree() else {
            return self.last_line;
        };
        let pos = next.pos();
        let starts_line = self.source.line_text(pos.line).is_some_and(|line| {
            line.chars()
                .take(pos.col.saturating_sub(1) as usize)
                .all(|c| c.is_whitespace() || matches!(c, '-' | '?' | ':'))
        });
        if starts_line {
            pos.line.saturating_sub(1)
        } else {
            pos.line
        }
    }
}

/// Returns whether a value under the name `name` shows a secret once the
/// passwords of its URLs are masked, as they are in every quoted line.
fn shows_secret(name: Option<&str>, value: &str) -> bool {
    if name == Some("image") && crate::image::mask_credentials(value).is_some() {
        return true;
    }
    match secret::classify(name, value) {
        None => false,
        Some(secret::Evidence::Format(secret::SecretFormat::UrlPassword)) => {
            let masked = mask_userinfo(value);
            secret::classify(name, masked.as_deref().unwrap_or(value)).is_some()
        }
        Some(_) => true,
    }
}

/// Drops the quoted line of `finding` when it lies in `hidden` (as
/// [`secret_lines`] returns it) or shows a secret read on its own, and
/// masks URL passwords in a quoted line that stays.
pub(crate) fn screen_quote(finding: &mut Finding, hidden: &[(u32, u32)]) {
    let Some(line) = &finding.source_line else {
        return;
    };
    // A comment can contain anything, so quotes leave it out.
    let code = without_comment(line);
    // A URL password is masked rather than hiding its line, so the rest of
    // the line is read after masking.
    let masked = mask_userinfo(code);
    let visible = masked.as_deref().unwrap_or(code);
    if is_hidden(hidden, finding.line) || line_shows_secret(visible) {
        finding.source_line = None;
    } else if masked.is_some() || code.len() < line.len() {
        finding.source_line = Some(visible.to_owned());
    }
}

/// `line` without its YAML comment: from a `#` at the start of the line or
/// after white space, outside quotes, to the end.
fn without_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (index, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') if previous.is_whitespace() => return line[..index].trim_end(),
            (None, '"' | '\'') => quote = Some(c),
            (Some('"'), '\\') => {}
            (Some(open), _) if c == open && !(open == '"' && previous == '\\') => quote = None,
            _ => {}
        }
        previous = c;
    }
    line
}

/// Returns whether one line of text, read without its document, shows a
/// secret: a credential in a known format, or a `name: value` or
/// `name=value` pair that [`secret::classify`] flags.
///
/// This catches what the walk of the document cannot see, such as a line
/// inside a block scalar that embeds a kubeconfig, a `.env` file or a
/// k3s `config.yaml`. Pairs are split at `,`, `{`, `}`, `[` and `]`
/// without regard to quoting, so a quoted value that contains one of them
/// is read in parts, and each part is still classified under its name.
pub(crate) fn line_shows_secret(line: &str) -> bool {
    if secret::detect_format(line).is_some() {
        return true;
    }
    let quotes: &[char] = &['"', '\'', ' ', '\t'];
    let parts: Vec<&str> = line
        .split([',', '{', '}', '[', ']', ';'])
        .map(|part| part.trim_start().trim_start_matches("- "))
        .collect();
    let pair_shows_secret = |part: &str| {
        let Some(separator) = part.find([':', '=']) else {
            return false;
        };
        let name = part[..separator].trim_matches(quotes);
        let value = part[separator + 1..].trim_matches(quotes);
        let is_block_header = value.starts_with(['|', '>']) && value.len() <= 3;
        let image_credentials = name == "image" && crate::image::mask_credentials(value).is_some();
        !name.is_empty()
            && !value.is_empty()
            && !is_block_header
            && (image_credentials || name_shows_secret(name, value))
    };
    // A flag and its value as two items of a list: `["--password", "x"]`.
    let flag_shows_secret = |pair: &[&str]| {
        let flag = pair[0].trim_matches(quotes);
        let value = pair[1].trim_matches(quotes);
        flag_takes_secret(flag) && !value.starts_with('-') && name_shows_secret(flag, value)
    };
    // A list item `name: N` followed by `value: V`, as in `env` and
    // `httpHeaders` written on one line.
    let named_value_shows_secret = |pair: &[&str]| {
        let entry = |part: &str, key: &str| {
            let (name, value) = part.split_once(':')?;
            (name.trim_matches(quotes) == key).then(|| value.trim_matches(quotes).to_owned())
        };
        match (entry(pair[0], "name"), entry(pair[1], "value")) {
            (Some(name), Some(value)) => {
                !value.is_empty()
                    && (is_credential_header(&name) || name_shows_secret(&name, &value))
            }
            _ => false,
        }
    };
    parts.iter().any(|part| pair_shows_secret(part))
        || parts.windows(2).any(flag_shows_secret)
        || parts.windows(2).any(named_value_shows_secret)
        || words_show_secret(line)
}

/// Returns whether the words of `line` show a secret. The words are split
/// at white space, quotes and the separators of URL queries and connection
/// strings. A secret shows as:
///
/// - a `NAME=value` word: `PGPASSWORD=x` inside a shell command,
///   `--from-literal=password=x`, `?password=x`;
/// - a `name:`, `--flag` or secret word followed by a value: `--password
///   x` inside one string, `password x` in a `.netrc`;
/// - an HTTP authorization scheme followed by credentials;
/// - a URL whose user information has a password that the URL grammar
///   would read as a path or fragment (`postgres://app:pa#ss@db`).
fn words_show_secret(line: &str) -> bool {
    let words = || {
        line.split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\'' | '&' | '?' | ';' | ',' | '{' | '}' | '[' | ']'
                )
        })
        .filter(|word| !word.is_empty())
    };
    let named = |name: &str, value: &str| {
        let name = name.trim_start_matches('-');
        // A block scalar's header (`|`, `>-`) is not a value.
        !name.is_empty()
            && value.contains(|c: char| c.is_alphanumeric())
            && !value.ends_with(':')
            && ((is_secret_word(name) && !secret::is_not_a_secret_value(value))
                || name_shows_secret(name, value))
    };
    let assignment = |word: &str| {
        let mut name_start = 0;
        word.match_indices('=').any(|(at, _)| {
            let name = &word[name_start..at];
            let name = name.rsplit(':').next().unwrap_or(name);
            name_start = at + 1;
            named(name, &word[at + 1..])
        })
    };
    let pair = |word: &str, next: &str| {
        let name = word
            .strip_suffix(':')
            .or_else(|| (word.starts_with('-') && !word.contains('=')).then_some(word))
            .or_else(|| is_secret_word(word).then_some(word));
        let is_scheme = ["bearer", "basic"]
            .iter()
            .any(|s| word.eq_ignore_ascii_case(s))
            || (word.eq_ignore_ascii_case("token")
                && line.to_ascii_lowercase().contains("authorization"));
        let credentials = next.len() >= 6
            && next
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b));
        (is_scheme && credentials)
            || name.is_some_and(|name| !next.starts_with("--") && named(name, next))
    };
    let url_password = |word: &str| {
        let Some((_, rest)) = word.split_once("://") else {
            return false;
        };
        rest.rsplit_once('@').is_some_and(|(userinfo, _)| {
            userinfo.split_once(':').is_some_and(|(_, password)| {
                !password.is_empty() && !password.starts_with(['*', '$', '{'])
            })
        })
    };
    // A password may contain the separators of the words above, so URLs are
    // read from words split at white space, quotes and commas only.
    let mut urls = line
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ','))
        .filter(|word| word.contains("://"));
    words().any(assignment)
        || words()
            .zip(words().skip(1))
            .any(|(word, next)| pair(word, next))
        || urls.any(url_password)
}

/// Returns whether a value under the name `name` is a secret by its name,
/// as [`secret::classify`] decides it. The line tests search the whole line
/// for credential formats first, so each pair needs only this check.
fn name_shows_secret(name: &str, value: &str) -> bool {
    secret::name_suggests_secret(name) && !secret::is_not_a_secret_value(value)
}

/// Returns whether `name` is a short word that marks a secret in a line
/// (`pass`, `pwd`, `auth`). [`secret::name_suggests_secret`] rejects these
/// alone, but hiding a quote may read names more widely than a finding.
fn is_secret_word(name: &str) -> bool {
    [
        "pass", "pwd", "passwd", "auth", "password", "secret", "token",
    ]
    .iter()
    .any(|word| name.eq_ignore_ascii_case(word))
}

/// Returns whether an HTTP header named `name` carries credentials,
/// whatever its value.
fn is_credential_header(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|header| name.eq_ignore_ascii_case(header))
}

/// Returns whether `word` is a command-line flag, without a value joined by
/// `=`, whose name suggests that the next word is a secret: `--password`,
/// `--db-pass`, `-token`.
fn flag_takes_secret(word: &str) -> bool {
    let name = word.trim_start_matches('-');
    word.starts_with('-')
        && !name.is_empty()
        && !name.contains(['=', ' '])
        && secret::name_suggests_secret(name)
}

/// Masks the password of every URL's user information in `line`, or
/// returns `None` when the line has none. `https://user:pass@host` becomes
/// `https://user:***@host`, and user information with no password (often
/// a token, as in `https://TOKEN@host`) becomes `***`, as component
/// messages mask it.
///
/// The user information ends at the last `@` before the URL ends at
/// whitespace, a quote or a flow indicator, so a password that contains
/// `/` or `@` is masked whole. An `@` after a `?` or `#`, or after a `/`
/// with no `:` before it, belongs to the path, query or fragment.
pub fn mask_userinfo(line: &str) -> Option<String> {
    if !secret::has_scheme_separator(line) {
        return None;
    }
    let mut masked = String::new();
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = line[search..].find("://") {
        let start = search + found + 3;
        let rest = &line[start..];
        let end = rest
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(c, '"' | '\'' | ',' | '{' | '}' | '[' | ']' | '<' | '>')
            })
            .unwrap_or(rest.len());
        let url = &rest[..end];
        search = start + end;
        let Some(at) = url.rfind('@') else {
            continue;
        };
        let userinfo = &url[..at];
        if userinfo.is_empty() || userinfo.contains(['?', '#']) {
            continue;
        }
        let user_end = userinfo.find(':').unwrap_or(userinfo.len());
        if userinfo[..user_end].contains('/') || user_end + 1 == userinfo.len() {
            continue;
        }
        let keep = if user_end == userinfo.len() {
            0
        } else {
            user_end + 1
        };
        masked.push_str(&line[copied..start + keep]);
        masked.push_str("***");
        copied = start + at;
    }
    if copied == 0 {
        return None;
    }
    masked.push_str(&line[copied..]);
    Some(masked)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn hidden_lines(text: &str) -> Vec<(u32, u32)> {
        let source = Source::new(Arc::from("test.yaml"), text, 1);
        let chunk = kubeward_yaml::Chunk {
            text,
            first_line: 1,
        };
        let parsed = kubeward_yaml::parse_document(chunk);
        secret_lines(&parsed.documents, &source)
    }

    #[test]
    fn masks_url_passwords() {
        let cases = [
            (
                "  url: https://bob:hunter2@db:5432/x",
                "  url: https://bob:***@db:5432/x",
            ),
            (
                "a: \"http://u:p/w@d@h\", b: ftp://x:y@z",
                "a: \"http://u:***@h\", b: ftp://x:***@z",
            ),
            (
                "remote: https://ghtoken123@example.com/repo",
                "remote: https://***@example.com/repo",
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(mask_userinfo(line).as_deref(), Some(expected), "{line}");
        }
        for line in [
            "url: https://example.com:8443/path",
            "url: https://u:@h",
            "url: https://h/?q=a:b@c",
            "url: https://h/team@example.com",
            "mail: user@example.com",
            "no url",
        ] {
            assert_eq!(mask_userinfo(line), None, "{line}");
        }
    }

    #[test]
    fn flags_secret_lines_read_alone() {
        for line in [
            "    password: hunter2",
            "DB_PASSWORD=hunter2",
            "  - {name: a, token: abc123}",
            r#"{"kind":"Config","users":[{"user":{"client-key-data":"S0VZ"}}]}"#,
            "    - --token=K10abc::server:def",
            "key: AKIAABCDEFGHIJKLMNOP",
            r#"  args: ["--token", "abc123", "--enable-skip-login"]"#,
            r#"{"name":"CONN","value":"Server=db;Password=pw70;"}"#,
            "      value: Bearer abcdEFGH123",
            r#"  env: [{name: H, value: "bearer leakbearerletters"}]"#,
            "  - {name: X-Api-Key, value: abc123}",
            r#"  - {name: Authorization, value: "Token abcdef"}"#,
            r#"  env: [{name: CONN, value: "Server=db;Uid=sa;Pwd=pw1;"}]"#,
            r#"  command: ["sh", "-c", "PGHOST=db PGPASSWORD=pw2 psql"]"#,
            r#"  args: ["--from-literal=password=pw3"]"#,
            r#"  command: ["sh", "-c", "mysql -h db --password pw4"]"#,
            r#"  value: "jdbc:postgresql://db/app?user=app&password=pw5""#,
            r#"  value: "amqp://u:pw6?q@mq""#,
            "machine h login u password pw7",
        ] {
            assert!(line_shows_secret(line), "{line}");
        }
        for line in [
            "    secretName: tls",
            "  automountServiceAccountToken: false",
            "    - --token-auth-file=/etc/kubernetes/token.csv",
            "  password: |",
            "  password:",
            "      valueFrom: {secretKeyRef: {name: db, key: password}}",
            "    privileged: true",
            r#"  args: ["--token-file", "/var/run/token", "--v", "2"]"#,
            r#"  args: ["--password", "--verbose"]"#,
            "  basic: |",
            "  - name: Authorization-Mode",
            "    - --authorization-mode=Node,RBAC",
            "  url: https://auth.example.com/token?scope=read",
            "  - {name: certs, secret: {secretName: tls}}",
            "  token: true",
        ] {
            assert!(!line_shows_secret(line), "{line}");
        }
    }

    #[test]
    fn quotes_leave_comments_out() {
        assert_eq!(
            without_comment("  privileged: true  # DB_PASSWORD=x"),
            "  privileged: true"
        );
        assert_eq!(without_comment("  url: \"a#b\" # note"), "  url: \"a#b\"");
        assert_eq!(without_comment("  image: app:1#2"), "  image: app:1#2");
    }

    #[test]
    fn hides_encryption_keys_only() {
        let text = "kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
            - name: k
              secret: c2VjcmV0
";
        assert_eq!(hidden_lines(text), [(7, 9)]);
    }

    #[test]
    fn hides_kubeconfig_users_and_kubeadm_tokens() {
        let kubeconfig = "kind: Config
clusters: [{name: c, cluster: {server: https://h}}]
users:
  - name: u
    user:
      username: admin
      password: hunter2
current-context: c
";
        assert_eq!(hidden_lines(kubeconfig), [(6, 7)]);
        let kubeadm = "kind: InitConfiguration
bootstrapTokens:
  - token: abcdef.0123456789abcdef
certificateKey: e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204
nodeRegistration: {name: n}
";
        assert_eq!(hidden_lines(kubeadm), [(3, 4)]);
    }

    #[test]
    fn hides_secret_entries_without_kind() {
        let text = "token: K10abc::server:def
node-name: n
agent-token: abc
";
        assert_eq!(hidden_lines(text), [(1, 1), (3, 4)]);
    }
}

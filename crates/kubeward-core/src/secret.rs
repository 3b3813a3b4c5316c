//! Heuristics for literal secrets: names that suggest one, and values in a
//! known credential format.
//!
//! Callers must never put a value in a message: these functions only
//! classify it. The scan never quotes a source line that shows a value
//! these functions classify as a secret.

use std::borrow::Cow;

use kubeward_yaml::{NodeRef, Value};

/// A credential format recognised by its shape alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretFormat {
    AwsAccessKeyId,
    PemPrivateKey,
    GitHubToken,
    GitLabToken,
    SlackToken,
    SlackWebhook,
    GoogleApiKey,
    StripeKey,
    Jwt,
    /// `Bearer` or `Basic` followed by credentials, as in an HTTP
    /// `Authorization` header.
    AuthorizationHeader,
    /// A URL whose user information has a password.
    UrlPassword,
}

impl SecretFormat {
    /// The format's name for messages, with an article.
    pub fn describe(self) -> &'static str {
        match self {
            SecretFormat::AwsAccessKeyId => "an AWS access key id",
            SecretFormat::PemPrivateKey => "a PEM private key",
            SecretFormat::GitHubToken => "a GitHub token",
            SecretFormat::GitLabToken => "a GitLab token",
            SecretFormat::SlackToken => "a Slack token",
            SecretFormat::SlackWebhook => "a Slack webhook URL",
            SecretFormat::GoogleApiKey => "a Google API key",
            SecretFormat::StripeKey => "a Stripe live key",
            SecretFormat::Jwt => "a JSON Web Token",
            SecretFormat::AuthorizationHeader => "HTTP authorization credentials",
            SecretFormat::UrlPassword => "a URL with a password",
        }
    }
}

/// The text of a scalar that can hold a literal secret: a string, or a
/// number that YAML typed as one. Booleans and nulls give `None`.
pub fn literal_text<'d>(node: NodeRef<'d, '_>) -> Option<Cow<'d, str>> {
    match node.value() {
        Value::Str(_) | Value::Int(_) | Value::Float(_) => node.scalar_text(),
        _ => None,
    }
}

/// The evidence that a literal value is a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The value contains a credential in a known format.
    Format(SecretFormat),
    /// The name suggests a secret and the value is not an obvious
    /// non-secret.
    Name,
}

/// Classifies a literal value stored under `name`: a known credential
/// format wins over the name heuristic. `None` when neither applies.
pub fn classify(name: Option<&str>, value: &str) -> Option<Evidence> {
    if let Some(format) = detect_format(value) {
        return Some(Evidence::Format(format));
    }
    if name.is_some_and(name_suggests_secret) && !is_not_a_secret_value(value) {
        return Some(Evidence::Name);
    }
    None
}

/// Name parts that mark a secret wherever they appear, alone or as the end
/// of a longer part (`DBPASSWORD`, `APIKEY`).
const SECRET_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
    "ACCESSKEY",
    "SECRETKEY",
];

/// Parts that make a following `KEY` a secret: `API_KEY`, `PRIVATE_KEY`.
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "PRIVATE",
    "ACCESS",
    "SECRET",
    "ENCRYPTION",
    "SIGNING",
    "MASTER",
    "AUTH",
    "CLIENT",
    "SSH",
    "HMAC",
];

/// Short forms that mark a secret only as the last part of a longer name:
/// `DB_PASS`, `DB_PWD`. Alone, `PWD` is the shell's working directory.
const TRAILING_SECRET_PARTS: &[&str] = &["PASS", "PWD"];

/// Parts that, after the secret word, show that the variable describes a
/// secret rather than holding it: `TOKEN_URL`, `SECRET_NAME`,
/// `PASSWORD_FILE`, `ACCESS_KEY_ID`.
const DESCRIPTIVE_PARTS: &[&str] = &[
    "NAME",
    "NAMES",
    "FILE",
    "FILES",
    "PATH",
    "DIR",
    "DIRECTORY",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "LENGTH",
    "LEN",
    "SIZE",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    "DURATION",
    "TIMEOUT",
    "INTERVAL",
    "TYPE",
    "KIND",
    "FORMAT",
    "ALGORITHM",
    "ALG",
    "ID",
    "HEADER",
    "PARAM",
    "FIELD",
    "REF",
    "NAMESPACE",
    "LOCATION",
    "MOUNT",
    "VERSION",
    "ENABLED",
    "DISABLED",
    "ENABLE",
    "DISABLE",
    "REQUIRED",
    "POLICY",
    "PREFIX",
    "SUFFIX",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "MODE",
    "COUNT",
    "STORE",
    "PROVIDER",
    "BACKEND",
    "ARN",
];

/// Parts that, just before `TOKEN`, make it a count: `MAX_TOKENS` style
/// limits of language-model clients.
const COUNT_PARTS: &[&str] = &["MAX", "MIN", "NUM", "TOTAL"];

/// Whether an environment variable or ConfigMap key name suggests that its
/// value is a secret.
pub fn name_suggests_secret(name: &str) -> bool {
    // Every secret part above contains one of these words, so a name with
    // none of them is not split into parts, which allocates.
    let has_secret_word = ["pass", "pwd", "secret", "token", "key", "credential"]
        .iter()
        .any(|word| contains_ignore_ascii_case(name, word));
    if !has_secret_word {
        return false;
    }
    let parts = name_parts(name);
    let mut secret_at = None;
    for (i, part) in parts.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| parts[p].as_str());
        let is_secret = SECRET_PARTS.iter().any(|s| part.ends_with(s))
            || (part == "KEY" && previous.is_some_and(|p| KEY_QUALIFIERS.contains(&p)))
            || (i + 1 == parts.len() && i > 0 && TRAILING_SECRET_PARTS.contains(&part.as_str()));
        let is_count = part == "TOKEN" && previous.is_some_and(|p| COUNT_PARTS.contains(&p));
        if is_secret && !is_count {
            secret_at = Some(i);
        }
    }
    let Some(at) = secret_at else {
        return false;
    };
    !parts[at + 1..]
        .iter()
        .any(|part| DESCRIPTIVE_PARTS.contains(&part.as_str()))
}

/// Whether `text` contains `word` (lower-case ASCII), ignoring ASCII case.
fn contains_ignore_ascii_case(text: &str, word: &str) -> bool {
    text.as_bytes()
        .windows(word.len())
        .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
}

/// Splits a name into upper-case parts at non-alphanumeric characters and
/// at lower-to-upper case changes: `dbPassword_file` gives `DB`,
/// `PASSWORD`, `FILE`.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether a literal value cannot be a secret even under a secret-like
/// name: empty, a reference to another variable (`$(VAR)`, `${VAR}`), a
/// template left unrendered (`{{ ... }}`), a boolean word, an absolute
/// file path, or a URL without credentials in it.
pub fn is_not_a_secret_value(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || value.contains("$(") || value.contains("${") || value.contains("{{") {
        return true;
    }
    let boolean_words = ["true", "false", "yes", "no", "on", "off"];
    if boolean_words.iter().any(|w| value.eq_ignore_ascii_case(w)) {
        return true;
    }
    // A file path has a directory or an extension; a single `/` before
    // letters and digits may as well start a base64 value.
    let is_path = |path: &str| path[1..].contains(['/', '.']);
    if value.starts_with('/') && !value.contains(char::is_whitespace) && is_path(value) {
        return true;
    }
    if let Some((scheme, rest)) = value.split_once("://") {
        let is_scheme = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        return is_scheme && !authority.contains('@');
    }
    false
}

/// The credential format that a value contains, if any. The value may be a
/// whole configuration file: every position is tried.
pub fn detect_format(value: &str) -> Option<SecretFormat> {
    if has_scheme_separator(value) && has_url_password(value) {
        return Some(SecretFormat::UrlPassword);
    }
    // Most values are short, and no other format fits in fewer bytes.
    if value.len() < SHORTEST_FORMAT {
        return None;
    }
    if has_pem_private_key(value) {
        return Some(SecretFormat::PemPrivateKey);
    }
    if value.contains("https://hooks.slack.com/services/T") {
        return Some(SecretFormat::SlackWebhook);
    }
    let bytes = value.as_bytes();
    for start in 0..bytes.len() {
        // Every format `format_at` recognizes starts with one of these bytes.
        if !matches!(bytes[start], b'A' | b'B' | b'g' | b'x' | b's' | b'r' | b'e') {
            continue;
        }
        if start > 0 && is_token_byte(bytes[start - 1]) {
            continue;
        }
        if let Some(format) = format_at(&bytes[start..]) {
            return Some(format);
        }
    }
    None
}

/// Length of the shortest value `detect_format` recognises, URLs with a
/// password aside: a Slack token, five bytes of prefix and at least ten
/// more, or `Basic` with its space and nine bytes of credentials.
const SHORTEST_FORMAT: usize = 15;

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn has_pem_private_key(value: &str) -> bool {
    value.match_indices("-----BEGIN ").any(|(i, marker)| {
        let rest = &value[i + marker.len()..];
        rest.split_once("-----")
            .is_some_and(|(label, _)| label.contains("PRIVATE KEY") && !label.contains('\n'))
    })
}

/// The format of a token that starts at the beginning of `text`.
fn format_at(text: &[u8]) -> Option<SecretFormat> {
    let upper_or_digit = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    let url_safe = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';

    if (text.starts_with(b"AKIA") || text.starts_with(b"ASIA"))
        && run_len(&text[4..], upper_or_digit) == 16
        && !text.get(20).is_some_and(|&b| alnum(b))
    {
        return Some(SecretFormat::AwsAccessKeyId);
    }
    for prefix in [b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"] {
        if text.starts_with(prefix) && run_len(&text[4..], alnum) >= 36 {
            return Some(SecretFormat::GitHubToken);
        }
    }
    if text.starts_with(b"github_pat_") && run_len(&text[11..], url_safe) >= 22 {
        return Some(SecretFormat::GitHubToken);
    }
    for prefix in ["glpat-", "gldt-", "glrt-", "glptt-", "gloas-"] {
        if text.starts_with(prefix.as_bytes()) && run_len(&text[prefix.len()..], url_safe) >= 20 {
            return Some(SecretFormat::GitLabToken);
        }
    }
    for prefix in [b"xoxa-", b"xoxb-", b"xoxe-", b"xoxp-", b"xoxr-", b"xoxs-"] {
        if text.starts_with(prefix) && run_len(&text[5..], |b| alnum(b) || b == b'-') >= 10 {
            return Some(SecretFormat::SlackToken);
        }
    }
    if text.starts_with(b"AIza") && run_len(&text[4..], url_safe) >= 35 {
        return Some(SecretFormat::GoogleApiKey);
    }
    for prefix in [b"sk_live_", b"rk_live_"] {
        if text.starts_with(prefix) && run_len(&text[8..], alnum) >= 24 {
            return Some(SecretFormat::StripeKey);
        }
    }
    if is_jwt(text) {
        return Some(SecretFormat::Jwt);
    }
    if is_authorization(text) {
        return Some(SecretFormat::AuthorizationHeader);
    }
    None
}

/// Returns whether `text` starts with `Bearer` or `Basic`, one space, and
/// at least nine bytes of a base64 or base64url token. The token must have
/// a digit, a `=` or both cases of letters, so that prose such as "Basic
/// authentication" does not count.
fn is_authorization(text: &[u8]) -> bool {
    let Some(token) = text
        .strip_prefix(b"Bearer ")
        .or_else(|| text.strip_prefix(b"Basic "))
    else {
        return false;
    };
    let token_byte = |b: u8| {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
    };
    // A token of a known format is reported as that format.
    if format_at(token).is_some() {
        return false;
    }
    let token = &token[..run_len(token, token_byte)];
    let mixed_case =
        token.iter().any(u8::is_ascii_uppercase) && token.iter().any(u8::is_ascii_lowercase);
    token.len() >= 9 && (mixed_case || token.iter().any(|&b| b.is_ascii_digit() || b == b'='))
}

/// Returns whether `text` contains `://`. A search for the `:` alone is
/// faster, and most values contain none.
pub(crate) fn has_scheme_separator(text: &str) -> bool {
    text.match_indices(':')
        .any(|(i, _)| text[i + 1..].starts_with("//"))
}

/// Returns whether `value` contains a URL whose user information has a
/// password, such as `postgres://app:pw@db/app`. A password that is a variable
/// reference (`$(DB_PASSWORD)`, `${DB_PASSWORD}`, `{{ .password }}`) or
/// already masked (`***`) is not one.
fn has_url_password(value: &str) -> bool {
    value.match_indices("://").any(|(i, separator)| {
        let scheme_ends_here = value[..i]
            .bytes()
            .next_back()
            .is_some_and(|b| b.is_ascii_alphanumeric());
        let rest = &value[i + separator.len()..];
        let end = rest
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '/' | '?' | '#' | '"' | '\'' | ',' | '<' | '>' | '[' | ']' | '{' | '}'
                    )
            })
            .unwrap_or(rest.len());
        let Some((userinfo, _)) = rest[..end].rsplit_once('@') else {
            return false;
        };
        let Some((_, password)) = userinfo.split_once(':') else {
            return false;
        };
        scheme_ends_here && !password.is_empty() && !password.starts_with(['$', '*', '{'])
    })
}

/// A JWS in compact form: two base64url parts that decode to JSON objects
/// (so start with `eyJ`, the encoding of `{"`), and a signature part.
fn is_jwt(text: &[u8]) -> bool {
    let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let header_len = run_len(text, base64url);
    if !text.starts_with(b"eyJ") || header_len < 10 || text.get(header_len) != Some(&b'.') {
        return false;
    }
    let payload = &text[header_len + 1..];
    let payload_len = run_len(payload, base64url);
    payload.starts_with(b"eyJ") && payload_len >= 10 && payload.get(payload_len) == Some(&b'.')
}

fn run_len(text: &[u8], accept: impl Fn(u8) -> bool) -> usize {
    text.iter().take_while(|&&b| accept(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        let secret = [
            "PASSWORD",
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "dbPassword",
            "KEYSTOREPASSWORD",
            "REDIS_PASSWD",
            "GPG_PASSPHRASE",
            "JWT_SECRET",
            "CLIENT_SECRET",
            "SECRET_KEY_BASE",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "REFRESH_TOKEN",
            "API_KEY",
            "APIKEY",
            "x-api-key",
            "STRIPE_APIKEY",
            "PRIVATE_KEY",
            "ACCESS_KEY",
            "ENCRYPTION_KEY",
            "GOOGLE_CREDENTIALS",
            "DB_PASS",
            "DB_PWD",
            "credentials.json",
            "db.password",
        ];
        for name in secret {
            assert!(name_suggests_secret(name), "{name} should suggest a secret");
        }
    }

    #[test]
    fn descriptive_names() {
        let not_secret = [
            "TOKEN_URL",
            "SECRET_NAME",
            "PASSWORD_FILE",
            "VAULT_TOKEN_PATH",
            "AWS_ACCESS_KEY_ID",
            "TOKEN_TTL",
            "TOKEN_REFRESH_INTERVAL",
            "PASSWORD_MIN_LENGTH",
            "X_API_KEY_HEADER",
            "PRIVATE_KEY_PATH",
            "SECRET_ARN",
            "MAX_TOKENS",
            "MAX_TOKEN",
            "PWD",
            "OLDPWD",
            "PASS",
            "PASS_THROUGH",
            "KEY",
            "CACHE_KEY",
            "LOG_LEVEL",
            "PASSWORDLESS_LOGIN",
        ];
        for name in not_secret {
            assert!(
                !name_suggests_secret(name),
                "{name} should not suggest a secret"
            );
        }
    }

    #[test]
    fn authorization_and_url_credentials() {
        for (value, format) in [
            ("Bearer abcdEFGH123", SecretFormat::AuthorizationHeader),
            (
                "Authorization: Basic dXNlcjpwYXNz",
                SecretFormat::AuthorizationHeader,
            ),
            ("redis://:pw@redis:6379", SecretFormat::UrlPassword),
            (
                "jdbc:postgresql://app:hunter2@db/app",
                SecretFormat::UrlPassword,
            ),
        ] {
            assert_eq!(detect_format(value), Some(format), "{value}");
        }
        for value in [
            "Basic authentication is enabled",
            "Bearer token",
            "https://ghtoken@example.com/repo",
            "postgres://app:$(DB_PASSWORD)@db/app",
            "https://user:***@db/app",
            "https://example.com:8443/path",
        ] {
            assert_eq!(detect_format(value), None, "{value}");
        }
    }

    #[test]
    fn values_that_are_not_secrets() {
        for value in [
            "",
            "   ",
            "$(DB_PASSWORD)",
            "postgres://app:$(DB_PASSWORD)@db:5432/app",
            "${DB_PASSWORD}",
            "{{ .Values.password }}",
            "true",
            "No",
            "/etc/secrets/password",
            "/run/db.pass",
            "https://auth.example.com/oauth/token",
        ] {
            assert!(is_not_a_secret_value(value), "{value:?} is not a secret");
        }
        for value in [
            "hunter2",
            "changeme",
            "postgres://app:hunter2@db:5432/app",
            "/ a b",
            "/9aBcDeFgHiJkLmNoP",
        ] {
            assert!(!is_not_a_secret_value(value), "{value:?} may be a secret");
        }
    }

    #[test]
    fn known_formats() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dGVzdHNpZ25hdHVyZQ";
        let cases = [
            ("AKIAABCDEFGHIJKLMNOP", SecretFormat::AwsAccessKeyId),
            ("key=ASIAABCDEFGHIJKLMNOP;", SecretFormat::AwsAccessKeyId),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
                SecretFormat::PemPrivateKey,
            ),
            ("-----BEGIN PRIVATE KEY-----", SecretFormat::PemPrivateKey),
            (
                "-----BEGIN OPENSSH PRIVATE KEY-----",
                SecretFormat::PemPrivateKey,
            ),
            (
                "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                SecretFormat::GitHubToken,
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghij",
                SecretFormat::GitHubToken,
            ),
            ("glpat-abcdefghij0123456789", SecretFormat::GitLabToken),
            ("xoxb-1234567890-abcdefghij", SecretFormat::SlackToken),
            (
                "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX",
                SecretFormat::SlackWebhook,
            ),
            (
                "AIzaSyA0123456789abcdefghijklmnopqrstuv",
                SecretFormat::GoogleApiKey,
            ),
            ("sk_live_0123456789abcdefghijklmn", SecretFormat::StripeKey),
            (jwt, SecretFormat::Jwt),
            (&format!("Bearer {jwt}"), SecretFormat::Jwt),
        ];
        for (value, format) in cases {
            assert_eq!(detect_format(value), Some(format), "{value}");
        }
    }

    #[test]
    fn near_misses_are_not_formats() {
        for value in [
            "AKIAABCDEFGHIJKLMNO",
            "AKIAABCDEFGHIJKLMNOPQ",
            "XAKIAABCDEFGHIJKLMNOP",
            "-----BEGIN CERTIFICATE-----",
            "-----BEGIN PUBLIC KEY-----",
            "ghp_short",
            "glpat-short",
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJhbGciOiJIUzI1NiJ9.notjson.sig",
            "sk_test_0123456789abcdefghijklmn",
            "hello world",
        ] {
            assert_eq!(detect_format(value), None, "{value}");
        }
        // The shortest Slack token and an AWS key id are still found.
        for value in ["xoxb-0123456789", "AKIAABCDEFGHIJKLMNOP"] {
            assert!(value.len() >= SHORTEST_FORMAT, "{value}");
            assert!(detect_format(value).is_some(), "{value}");
        }
    }

    #[test]
    fn name_parts_split() {
        assert_eq!(name_parts("dbPassword_file"), ["DB", "PASSWORD", "FILE"]);
        assert_eq!(name_parts("APIKey"), ["APIKEY"]);
        assert_eq!(name_parts("x-api-key"), ["X", "API", "KEY"]);
        assert_eq!(name_parts("__"), Vec::<String>::new());
    }
}

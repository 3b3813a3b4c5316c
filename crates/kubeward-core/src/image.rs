//! Container image references, parsed by the grammar of the
//! `github.com/distribution/reference` Go package, which the kubelet uses
//! through `ParseNormalizedNamed`, and the questions rules and the image
//! commands ask of them: which registry, which repository, pinned or not.
//!
//! ```text
//! reference := name [ ":" tag ] [ "@" digest ]
//! name      := [ domain "/" ] path-component { "/" path-component }
//! domain    := host [ ":" port ]
//! ```
//!
//! The first component of a name is a domain only when a `/` follows it and
//! it contains `.` or `:`, is `localhost`, or has an upper-case letter, so
//! `host:5000/app` has no tag and `app:5000` has the tag `5000`.

use std::fmt;

/// Registry that names without a domain refer to.
const DEFAULT_DOMAIN: &str = "docker.io";
/// Older spelling of the default registry, normalised to it.
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// Namespace of Docker Hub's official images: `nginx` is `library/nginx`.
const OFFICIAL_REPO_PREFIX: &str = "library/";
/// Maximum length of a normalised name, domain included.
const NAME_MAX_LEN: usize = 255;
/// Maximum length of a tag.
const TAG_MAX_LEN: usize = 128;

/// A parsed image reference. Fields borrow from the input as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The registry host and port, when the name has one.
    pub domain: Option<&'a str>,
    /// The repository path below the domain, such as `library/nginx` or
    /// `nginx`, as written.
    pub path: &'a str,
    pub tag: Option<&'a str>,
    /// The digest, such as `sha256:<64 hex digits>`.
    pub digest: Option<&'a str>,
}

/// The reason a string is not a valid image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidImageRef {
    Empty,
    /// Leading or trailing white space, which the API server rejects.
    Whitespace,
    /// More than one `@`.
    MultipleDigests,
    InvalidDigest(String),
    InvalidTag(String),
    InvalidDomain(String),
    /// A path component that is empty, has upper-case letters or uses a
    /// separator the grammar does not allow.
    InvalidPathComponent(String),
    /// 64 hexadecimal digits alone, which is an image id, not a name.
    ImageId,
    /// A URL scheme such as `https://` before the registry host.
    Scheme(String),
    /// A user name or password before the registry host, as in
    /// `user:password@registry.example.com/app`.
    Credentials,
    NameTooLong(usize),
}

impl fmt::Display for InvalidImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidImageRef::Empty => f.write_str("the image reference is empty"),
            InvalidImageRef::Whitespace => {
                f.write_str("the image reference has leading or trailing white space")
            }
            InvalidImageRef::MultipleDigests => f.write_str("the image reference has two `@`"),
            InvalidImageRef::InvalidDigest(d) => write!(f, "invalid digest `{d}`"),
            InvalidImageRef::InvalidTag(t) => write!(f, "invalid tag `{t}`"),
            InvalidImageRef::InvalidDomain(d) => write!(f, "invalid registry host `{d}`"),
            InvalidImageRef::InvalidPathComponent(c) => {
                write!(f, "invalid repository path component `{c}`")
            }
            InvalidImageRef::ImageId => {
                f.write_str("64 hexadecimal digits are an image id, not a repository name")
            }
            InvalidImageRef::Scheme(scheme) => write!(
                f,
                "an image reference has no URL scheme; remove `{scheme}://` and any user \
                 name and password before the host (registry credentials belong in \
                 imagePullSecrets)"
            ),
            InvalidImageRef::Credentials => f.write_str(
                "an image reference holds no user name or password; remove the part before \
                 `@` (registry credentials belong in imagePullSecrets)",
            ),
            InvalidImageRef::NameTooLong(len) => write!(
                f,
                "the repository name is {len} characters long; the maximum is {NAME_MAX_LEN}"
            ),
        }
    }
}

impl std::error::Error for InvalidImageRef {}

/// How firmly a reference names one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pin {
    /// A digest. The kubelet pulls by digest and ignores a tag beside it,
    /// so the reference always names the same content.
    Digest,
    /// A tag other than `latest`, which the registry lets anyone with push
    /// access move to other content.
    Tag,
    /// The tag `latest`, written or implied by a missing tag.
    Latest,
}

impl Pin {
    /// `digest`, `tag` or `latest`, as the image commands print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Pin::Digest => "digest",
            Pin::Tag => "tag",
            Pin::Latest => "latest",
        }
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'a> ImageRef<'a> {
    /// Parses an image reference as the kubelet does before pulling it.
    pub fn parse(input: &'a str) -> Result<Self, InvalidImageRef> {
        if input.is_empty() {
            return Err(InvalidImageRef::Empty);
        }
        if input.trim() != input {
            return Err(InvalidImageRef::Whitespace);
        }
        if let Some(scheme) = url_scheme(input) {
            return Err(InvalidImageRef::Scheme(scheme.to_owned()));
        }
        if mask_credentials(input).is_some() {
            return Err(InvalidImageRef::Credentials);
        }
        if input.len() == 64
            && input
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(InvalidImageRef::ImageId);
        }

        let (rest, digest) = match input.split_once('@') {
            Some((rest, digest)) => {
                if digest.contains('@') {
                    return Err(InvalidImageRef::MultipleDigests);
                }
                if !is_valid_digest(digest) {
                    return Err(InvalidImageRef::InvalidDigest(digest.to_owned()));
                }
                (rest, Some(digest))
            }
            None => (input, None),
        };

        // A tag follows the last `:` that comes after the last `/`; a `:`
        // before a `/` separates a registry host from its port.
        let last_slash = rest.rfind('/');
        let (name, tag) = match rest.rfind(':') {
            Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
                (&rest[..colon], Some(&rest[colon + 1..]))
            }
            _ => (rest, None),
        };
        if let Some(tag) = tag.filter(|tag| !is_valid_tag(tag)) {
            return Err(InvalidImageRef::InvalidTag(tag.to_owned()));
        }

        let (domain, path) = split_domain(name);
        if let Some(domain) = domain.filter(|domain| !is_valid_domain(domain)) {
            return Err(InvalidImageRef::InvalidDomain(domain.to_owned()));
        }
        for component in path.split('/') {
            if !is_valid_path_component(component) {
                return Err(InvalidImageRef::InvalidPathComponent(component.to_owned()));
            }
        }

        let image = ImageRef {
            domain,
            path,
            tag,
            digest,
        };
        let name_len = image.normalized_name().len();
        if name_len > NAME_MAX_LEN {
            return Err(InvalidImageRef::NameTooLong(name_len));
        }
        Ok(image)
    }

    /// The fully qualified repository name: `nginx` becomes
    /// `docker.io/library/nginx`, `index.docker.io/x/y` becomes
    /// `docker.io/x/y`, and other registries are kept as written.
    pub fn normalized_name(&self) -> String {
        format!("{}/{}", self.registry(), self.repository())
    }

    /// Whether the reference names whatever `latest` points to at pull
    /// time: it has no digest, and its tag is `latest` or absent, which
    /// container runtimes read as `latest`.
    pub fn is_latest(&self) -> bool {
        self.digest.is_none() && matches!(self.tag, None | Some("latest"))
    }

    /// Whether the reference is pinned to a digest, a movable tag or
    /// `latest`.
    pub fn pin(&self) -> Pin {
        if self.digest.is_some() {
            Pin::Digest
        } else if self.is_latest() {
            Pin::Latest
        } else {
            Pin::Tag
        }
    }

    /// The registry host and port the image is pulled from: `docker.io`
    /// for names without a domain and for `index.docker.io`.
    pub fn registry(&self) -> &'a str {
        match self.domain {
            None | Some(LEGACY_DEFAULT_DOMAIN) => DEFAULT_DOMAIN,
            Some(domain) => domain,
        }
    }

    /// The repository path within the registry, with Docker Hub's
    /// `library/` namespace added to official images: `library/nginx` for
    /// `nginx`.
    pub fn repository(&self) -> String {
        if self.registry() == DEFAULT_DOMAIN && !self.path.contains('/') {
            format!("{OFFICIAL_REPO_PREFIX}{}", self.path)
        } else {
            self.path.to_owned()
        }
    }

    /// The tag the runtime pulls when the reference has no digest: the
    /// written tag, or `latest` when there is none. `None` for a reference
    /// with a digest.
    pub fn effective_tag(&self) -> Option<&'a str> {
        match (self.digest, self.tag) {
            (Some(_), _) => None,
            (None, Some(tag)) => Some(tag),
            (None, None) => Some("latest"),
        }
    }

    /// Whether the image comes from `allowed`: a registry host with an
    /// optional port (`registry.example.com`, `localhost:5000`), or a
    /// registry and repository prefix (`ghcr.io/example`), which matches
    /// whole path components only. Host names compare case-insensitively,
    /// and `index.docker.io` is the same registry as `docker.io`.
    pub fn is_from(&self, allowed: &str) -> bool {
        let allowed = allowed.trim().trim_end_matches('/');
        let (host, prefix) = match allowed.split_once('/') {
            Some((host, prefix)) => (host, Some(prefix)),
            None => (allowed, None),
        };
        let host = if host.eq_ignore_ascii_case(LEGACY_DEFAULT_DOMAIN) {
            DEFAULT_DOMAIN
        } else {
            host
        };
        if host.is_empty() || !host.eq_ignore_ascii_case(self.registry()) {
            return false;
        }
        let Some(prefix) = prefix else {
            return true;
        };
        let repository = self.repository();
        repository == prefix
            || repository
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Splits the registry domain off a name, as `splitDockerDomain` does.
fn split_domain(name: &str) -> (Option<&str>, &str) {
    let Some((first, rest)) = name.split_once('/') else {
        return (None, name);
    };
    let is_domain = first == "localhost"
        || first.contains(['.', ':'])
        || first.bytes().any(|b| b.is_ascii_uppercase());
    if is_domain {
        (Some(first), rest)
    } else {
        (None, name)
    }
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`
fn is_valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= TAG_MAX_LEN
        && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// A path component: lower-case letters and digits, with single `.`,
/// single or double `_`, or any run of `-` between them.
fn is_valid_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let is_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && is_alnum(bytes[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == bytes.len() {
            return true;
        }
        match bytes[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if bytes.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            b'-' => {
                while bytes.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
    }
}

/// `host [":" port]`, where host is a DNS-like name or an IPv6 address in
/// brackets.
fn is_valid_domain(domain: &str) -> bool {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        let valid_address =
            !address.is_empty() && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        if !valid_address {
            return false;
        }
        (
            None,
            after.strip_prefix(':').or(after.is_empty().then_some("")),
        )
    } else {
        match domain.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(domain), Some("")),
        }
    };
    let Some(port) = port else {
        // Text after `]` that is not `:port`.
        return false;
    };
    let valid_port = if port.is_empty() {
        !domain.ends_with(':')
    } else {
        port.bytes().all(|b| b.is_ascii_digit())
    };
    let valid_host = host.is_none_or(|host| host.split('.').all(is_valid_domain_component));
    valid_port && valid_host
}

/// `[a-zA-Z0-9]` or `[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`
fn is_valid_domain_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        }
        _ => false,
    }
}

/// A digest the kubelet accepts: the algorithm `sha256`, `sha384` or
/// `sha512` and its hash in lower-case hexadecimal at full length, as
/// `github.com/opencontainers/go-digest` validates it. Other algorithms
/// match the reference grammar but fail that validation.
/// Returns `image` with the user information before its registry host
/// replaced by `***`, or `None` when it has none:
/// `https://user:pw@registry.example.com/app:1` gives
/// `https://***@registry.example.com/app:1`, and `user:pw@host:5000/app`
/// gives `***@host:5000/app`. An `@` that starts a digest
/// (`app@sha256:...`) is not the end of user information, and neither is
/// one not followed by a host and a path. The password may contain any
/// character, `@` included.
pub fn mask_credentials(image: &str) -> Option<String> {
    let start = url_scheme(image).map_or(0, |scheme| scheme.len() + "://".len());
    let names_host = |after: &str| !is_valid_digest(after) && after.contains('/');
    let (at, _) = image[start..]
        .rmatch_indices('@')
        .map(|(index, at)| (start + index, at))
        .find(|&(index, _)| index > start && names_host(&image[index + 1..]))?;
    Some(format!("{}***{}", &image[..start], &image[at..]))
}

/// Returns the URL scheme that `image` starts with, such as `https` in
/// `https://registry.example.com/app`.
fn url_scheme(image: &str) -> Option<&str> {
    let (scheme, _) = image.split_once("://")?;
    let is_scheme = !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric());
    is_scheme.then_some(scheme)
}

fn is_valid_digest(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    encoded.len() == expected_len
        && encoded
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn parse(input: &str) -> ImageRef<'_> {
        ImageRef::parse(input).unwrap_or_else(|e| panic!("`{input}` should parse: {e}"))
    }

    #[test]
    fn familiar_name_without_tag() {
        let image = parse("nginx");
        assert_eq!(image.domain, None);
        assert_eq!(image.path, "nginx");
        assert_eq!(image.tag, None);
        assert_eq!(image.digest, None);
        assert_eq!(image.normalized_name(), "docker.io/library/nginx");
        assert!(image.is_latest());
    }

    #[test]
    fn docker_hub_normalisation() {
        assert_eq!(
            parse("nginx:1.27").normalized_name(),
            "docker.io/library/nginx"
        );
        assert_eq!(
            parse("bitnami/redis").normalized_name(),
            "docker.io/bitnami/redis"
        );
        assert_eq!(
            parse("docker.io/nginx").normalized_name(),
            "docker.io/library/nginx"
        );
        assert_eq!(
            parse("index.docker.io/library/nginx").normalized_name(),
            "docker.io/library/nginx"
        );
        assert_eq!(
            parse("index.docker.io/bitnami/redis").normalized_name(),
            "docker.io/bitnami/redis"
        );
        assert_eq!(parse("quay.io/app").normalized_name(), "quay.io/app");
    }

    #[test]
    fn registry_with_port_has_no_tag() {
        let image = parse("registry.example.com:5000/team/app");
        assert_eq!(image.domain, Some("registry.example.com:5000"));
        assert_eq!(image.path, "team/app");
        assert_eq!(image.tag, None);
        assert!(image.is_latest());

        let image = parse("host:5000/app");
        assert_eq!(image.domain, Some("host:5000"));
        assert_eq!(image.tag, None);
    }

    #[test]
    fn registry_with_port_and_tag() {
        let image = parse("host:5000/app:2.1.0");
        assert_eq!(image.domain, Some("host:5000"));
        assert_eq!(image.path, "app");
        assert_eq!(image.tag, Some("2.1.0"));
        assert!(!image.is_latest());
    }

    #[test]
    fn credentials_in_references_are_masked() {
        for (image, masked) in [
            (
                "https://user:pa#ss@registry.example.com/app:1",
                "https://***@registry.example.com/app:1",
            ),
            (
                "user:pa\"s s,@x@registry.example.com/app:1",
                "***@registry.example.com/app:1",
            ),
            ("u:p@localhost:5000/app", "***@localhost:5000/app"),
            (
                "u:p/w@registry.example.com/app",
                "***@registry.example.com/app",
            ),
        ] {
            assert_eq!(mask_credentials(image).as_deref(), Some(masked), "{image}");
        }
        let digest = format!("registry.example.com/app@sha256:{}", "a".repeat(64));
        for image in [
            "nginx:1.25",
            "app@latest",
            "app@sha256:abc",
            digest.as_str(),
        ] {
            assert_eq!(mask_credentials(image), None, "{image}");
        }
        assert_eq!(
            ImageRef::parse("user:pw@registry.example.com/app:1"),
            Err(InvalidImageRef::Credentials)
        );
    }

    #[test]
    fn url_scheme_error_hides_credentials() {
        let error = ImageRef::parse("https://deploy:pw@registry.example.com/app:1").unwrap_err();
        assert_eq!(error, InvalidImageRef::Scheme("https".into()));
        assert!(!error.to_string().contains("pw"), "{error}");
    }

    #[test]
    fn single_component_colon_is_tag() {
        // Without a `/`, the first component is never a registry host.
        let image = parse("localhost:5000");
        assert_eq!(image.domain, None);
        assert_eq!(image.path, "localhost");
        assert_eq!(image.tag, Some("5000"));
    }

    #[test]
    fn localhost_and_upper_case_domains() {
        assert_eq!(parse("localhost/app").domain, Some("localhost"));
        assert_eq!(parse("Registry/app").domain, Some("Registry"));
        assert_eq!(parse("team/app").domain, None);
        assert_eq!(parse("[::1]:5000/app:v1").domain, Some("[::1]:5000"));
        assert_eq!(parse("10.0.0.1/app").domain, Some("10.0.0.1"));
    }

    #[test]
    fn explicit_latest_tag() {
        let image = parse("ghcr.io/org/app:latest");
        assert_eq!(image.tag, Some("latest"));
        assert!(image.is_latest());
        assert!(!parse("app:Latest").is_latest());
    }

    #[test]
    fn digest_only_is_pinned() {
        let input = format!("app@{SHA}");
        let image = parse(&input);
        assert_eq!(image.tag, None);
        assert_eq!(image.digest, Some(SHA));
        assert!(!image.is_latest());
    }

    #[test]
    fn tag_and_digest() {
        let input = format!("host:5000/app:latest@{SHA}");
        let image = parse(&input);
        assert_eq!(image.domain, Some("host:5000"));
        assert_eq!(image.tag, Some("latest"));
        assert_eq!(image.digest, Some(SHA));
        assert!(!image.is_latest());
    }

    #[test]
    fn longer_digest_algorithms() {
        let sha512 = format!("app@sha512:{}", "a".repeat(128));
        assert!(ImageRef::parse(&sha512).is_ok());
        let sha384 = format!("app@sha384:{}", "b".repeat(96));
        assert!(ImageRef::parse(&sha384).is_ok());
    }

    #[test]
    fn path_separators() {
        assert!(ImageRef::parse("a.b/c_d/e__f/g--h").is_ok());
        assert!(ImageRef::parse("team/a..b").is_err());
        assert!(ImageRef::parse("team/a___b").is_err());
        assert!(ImageRef::parse("team/-a").is_err());
        assert!(ImageRef::parse("team/a-").is_err());
        assert!(ImageRef::parse("team//app").is_err());
    }

    #[test]
    fn invalid_references() {
        let cases = [
            ("", InvalidImageRef::Empty),
            (" nginx", InvalidImageRef::Whitespace),
            ("nginx ", InvalidImageRef::Whitespace),
            (
                "Nginx",
                InvalidImageRef::InvalidPathComponent("Nginx".into()),
            ),
            (
                "team/App",
                InvalidImageRef::InvalidPathComponent("App".into()),
            ),
            ("app:", InvalidImageRef::InvalidTag(String::new())),
            (":1.0", InvalidImageRef::InvalidPathComponent(String::new())),
            ("app:-x", InvalidImageRef::InvalidTag("-x".into())),
            ("app:a/b", InvalidImageRef::InvalidDomain("app:a".into())),
            ("app@", InvalidImageRef::InvalidDigest(String::new())),
            (
                "app@sha256:abc",
                InvalidImageRef::InvalidDigest("sha256:abc".into()),
            ),
            (
                "app@md5:0123456789abcdef0123456789abcdef",
                InvalidImageRef::InvalidDigest("md5:0123456789abcdef0123456789abcdef".into()),
            ),
            ("a@b@c", InvalidImageRef::MultipleDigests),
            (
                "-host.io/app",
                InvalidImageRef::InvalidDomain("-host.io".into()),
            ),
            (
                "host.io:/app",
                InvalidImageRef::InvalidDomain("host.io:".into()),
            ),
            (
                "host.io:50x/app",
                InvalidImageRef::InvalidDomain("host.io:50x".into()),
            ),
            (
                "[zz]:5000/app",
                InvalidImageRef::InvalidDomain("[zz]:5000".into()),
            ),
            (
                "[::1]x/app",
                InvalidImageRef::InvalidDomain("[::1]x".into()),
            ),
            (
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                InvalidImageRef::ImageId,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(ImageRef::parse(input), Err(expected), "input `{input}`");
        }
    }

    #[test]
    fn upper_case_digest_is_invalid() {
        let input = format!("app@{}", SHA.to_uppercase().replacen("SHA256", "sha256", 1));
        assert!(matches!(
            ImageRef::parse(&input),
            Err(InvalidImageRef::InvalidDigest(_))
        ));
    }

    #[test]
    fn tag_length_limit() {
        let ok = format!("app:{}", "t".repeat(128));
        assert!(ImageRef::parse(&ok).is_ok());
        let too_long = format!("app:{}", "t".repeat(129));
        assert!(matches!(
            ImageRef::parse(&too_long),
            Err(InvalidImageRef::InvalidTag(_))
        ));
    }

    #[test]
    fn name_length_limit() {
        // docker.io/library/ is 18 characters, so 237 more reach 255.
        let ok = "a".repeat(237);
        assert!(ImageRef::parse(&ok).is_ok());
        let too_long = "a".repeat(238);
        assert_eq!(
            ImageRef::parse(&too_long),
            Err(InvalidImageRef::NameTooLong(256))
        );
    }

    #[test]
    fn pin_classification() {
        let digest = format!("app@{SHA}");
        let tag_and_digest = format!("host:5000/app:latest@{SHA}");
        let cases = [
            ("host:5000/team/app", Pin::Latest),
            ("app", Pin::Latest),
            ("app:latest", Pin::Latest),
            ("app:1.2.3", Pin::Tag),
            ("app:Latest", Pin::Tag),
            (digest.as_str(), Pin::Digest),
            (tag_and_digest.as_str(), Pin::Digest),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input).pin(), expected, "input `{input}`");
        }
    }

    #[test]
    fn registry_and_repository() {
        let image = parse("nginx:1.27");
        assert_eq!(image.registry(), "docker.io");
        assert_eq!(image.repository(), "library/nginx");
        let image = parse("index.docker.io/bitnami/redis");
        assert_eq!(image.registry(), "docker.io");
        assert_eq!(image.repository(), "bitnami/redis");
        let image = parse("host:5000/team/app");
        assert_eq!(image.registry(), "host:5000");
        assert_eq!(image.repository(), "team/app");
        // Only Docker Hub has the `library/` namespace.
        assert_eq!(parse("quay.io/app").repository(), "app");
    }

    #[test]
    fn effective_tag() {
        assert_eq!(parse("host:5000/team/app").effective_tag(), Some("latest"));
        assert_eq!(parse("app:2").effective_tag(), Some("2"));
        let pinned = format!("app:2@{SHA}");
        assert_eq!(parse(&pinned).effective_tag(), None);
    }

    #[test]
    fn allow_list_entries() {
        let cases = [
            ("nginx", "docker.io", true),
            ("nginx", "index.docker.io", true),
            ("nginx", "docker.io/library", true),
            ("nginx", "docker.io/library/nginx", true),
            ("nginx", "docker.io/bitnami", false),
            ("ghcr.io/example/app:1", "ghcr.io/example", true),
            ("ghcr.io/example/app:1", "ghcr.io/example/", true),
            ("ghcr.io/example-evil/app:1", "ghcr.io/example", false),
            ("ghcr.io/example/app:1", "GHCR.io", true),
            ("ghcr.io/example/app:1", "ghcr.io:443", false),
            ("localhost:5000/app", "localhost:5000", true),
            ("localhost:5000/app", "localhost", false),
            ("registry.example.com/app", "example.com", false),
            ("registry.example.com/app", "", false),
            ("registry.example.com/app", "/app", false),
        ];
        for (image, allowed, expected) in cases {
            assert_eq!(
                parse(image).is_from(allowed),
                expected,
                "`{image}` from `{allowed}`"
            );
        }
    }

    #[test]
    fn errors_have_messages() {
        let error = ImageRef::parse("app:-x").unwrap_err();
        assert_eq!(error.to_string(), "invalid tag `-x`");
    }
}

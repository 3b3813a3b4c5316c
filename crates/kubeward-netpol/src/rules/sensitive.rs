//! Recognising workloads an attacker wants to reach: databases and
//! key-value stores by image or well-known port, etcd, and anything in a
//! sensitive namespace such as `kube-system`.

use kubeward_core::RuleConfig;

use crate::model::{Model, WorkloadId};

/// Image names (the last path component, before the tag) of data stores.
const DATA_STORE_IMAGES: &[(&str, &str)] = &[
    ("postgres", "PostgreSQL"),
    ("postgresql", "PostgreSQL"),
    ("postgis", "PostgreSQL"),
    ("timescaledb", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("mariadb", "MariaDB"),
    ("percona", "MySQL"),
    ("mongo", "MongoDB"),
    ("mongodb", "MongoDB"),
    ("redis", "Redis"),
    ("valkey", "Valkey"),
    ("keydb", "KeyDB"),
    ("memcached", "Memcached"),
    ("cassandra", "Cassandra"),
    ("scylla", "ScyllaDB"),
    ("elasticsearch", "Elasticsearch"),
    ("opensearch", "OpenSearch"),
    ("couchdb", "CouchDB"),
    ("couchbase", "Couchbase"),
    ("influxdb", "InfluxDB"),
    ("neo4j", "Neo4j"),
    ("cockroach", "CockroachDB"),
    ("clickhouse-server", "ClickHouse"),
    ("mssql-server", "SQL Server"),
    ("etcd", "etcd"),
    ("zookeeper", "ZooKeeper"),
    ("vault", "Vault"),
];

/// Well-known ports of data stores.
const DATA_STORE_PORTS: &[(u16, &str)] = &[
    (5432, "PostgreSQL"),
    (3306, "MySQL"),
    (27017, "MongoDB"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (9042, "Cassandra"),
    (9200, "Elasticsearch"),
    (5984, "CouchDB"),
    (8086, "InfluxDB"),
    (7687, "Neo4j"),
    (26257, "CockroachDB"),
    (1433, "SQL Server"),
    (1521, "Oracle Database"),
    (2379, "etcd"),
    (2380, "etcd"),
];

/// Why a workload is sensitive, for messages; `None` when it is not.
pub(crate) fn sensitivity(
    model: &Model,
    workload: WorkloadId,
    config: &RuleConfig,
) -> Option<String> {
    let w = &model.workloads[workload];
    for image in &w.images {
        if let Some(what) = image_store(image) {
            return Some(format!("it runs {what} (image {image})"));
        }
    }
    for port in &model.classes[w.class].ports {
        if let Some((_, what)) = DATA_STORE_PORTS.iter().find(|(p, _)| *p == port.port) {
            return Some(format!("it serves port {}, {what}'s port", port.port));
        }
    }
    let namespace = &model.namespaces[w.namespace].name;
    if config.is_sensitive_namespace(namespace) {
        return Some(format!("it runs in the sensitive namespace {namespace}"));
    }
    None
}

/// Whether the workload is sensitive only for its namespace.
pub(crate) fn only_for_namespace(model: &Model, workload: WorkloadId, config: &RuleConfig) -> bool {
    sensitivity(model, workload, config).is_some_and(|why| why.contains("sensitive namespace"))
}

/// The data store an image runs, from the last component of its name.
/// Exporters and operators that carry a store's name are not stores.
fn image_store(image: &str) -> Option<&'static str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let name = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let name = name.split(':').next().unwrap_or(name).to_ascii_lowercase();
    if ["exporter", "operator", "proxy", "client", "backup", "cli"]
        .iter()
        .any(|word| name.contains(word))
    {
        return None;
    }
    DATA_STORE_IMAGES
        .iter()
        .find(|(store, _)| {
            name == *store
                || name
                    .strip_prefix(store)
                    .is_some_and(|rest| rest.starts_with('-'))
        })
        .map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::image_store;

    #[test]
    fn data_store_images() {
        assert_eq!(image_store("postgres:16"), Some("PostgreSQL"));
        assert_eq!(
            image_store("docker.io/bitnami/postgresql:15.4.0"),
            Some("PostgreSQL")
        );
        assert_eq!(image_store("redis:alpine"), Some("Redis"));
        assert_eq!(image_store("registry.k8s.io/etcd:3.5.9-0"), Some("etcd"));
        assert_eq!(
            image_store("quay.io/prometheuscommunity/postgres-exporter:v0.15"),
            None
        );
        assert_eq!(image_store("nginx:1.25"), None);
        assert_eq!(image_store("redis-cart:1.0"), Some("Redis"));
    }
}

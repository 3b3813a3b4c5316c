//! One evaluation for the whole family. Building the RBAC model of a
//! large cluster costs far more than any one rule's check. So the first
//! rule of the family that runs on an inventory builds the model once and
//! runs every rule's check on it. The findings are kept in the inventory
//! ([`Inventory::derived`]), and each rule then reports its own.
//!
//! The findings are kept per rule configuration, because rules read it
//! (the sensitive namespaces, for example).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use kubeward_core::yaml::Pos;
use kubeward_core::{Inventory, InventorySink, RuleDef, ScanOptions, StoredObject};

use crate::permission::{Permission, PermissionGrant};
use crate::policy::Policy;

/// A rule's check, run on the shared model.
pub type Collect = fn(&Inventory, &mut Collector<'_, '_>);

/// The model a rule's check reads, and the findings it records.
pub struct Collector<'p, 'i> {
    options: ScanOptions,
    policy: &'p Policy<'i>,
    input_policy: &'p Policy<'i>,
    grants: &'p [Vec<PermissionGrant<'p, 'i>>],
    /// Index in the inventory of each object, by address.
    objects: &'p HashMap<usize, usize>,
    findings: Vec<Pending>,
}

/// A finding waiting to be reported: the object by its index in the
/// inventory, the position and path, and the message.
#[derive(Clone, Debug)]
struct Pending {
    object: usize,
    pos: Pos,
    path: String,
    message: String,
}

impl<'p, 'i> Collector<'p, 'i> {
    pub fn options(&self) -> ScanOptions {
        self.options
    }

    /// The policy of the input on top of the built-in policy.
    pub fn policy(&self) -> &'p Policy<'i> {
        self.policy
    }

    /// The policy of the input alone, for rules about the objects as
    /// written.
    pub fn input_policy(&self) -> &'p Policy<'i> {
        self.input_policy
    }

    /// Every grant of `permission` in [`Collector::policy`].
    pub fn grants(&self, permission: Permission) -> &'p [PermissionGrant<'p, 'i>] {
        let index = Permission::ALL
            .iter()
            .position(|&p| p == permission)
            .expect("every permission is in Permission::ALL");
        &self.grants[index]
    }

    /// Every grant of every permission.
    pub fn all_grants(&self) -> impl Iterator<Item = &'p PermissionGrant<'p, 'i>> {
        self.grants.iter().flatten()
    }

    /// Records a finding on `object`, which must be an object of the
    /// inventory; findings on other objects (the built-in policy's) are
    /// dropped.
    pub fn report(
        &mut self,
        object: &StoredObject,
        pos: Pos,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        let address = std::ptr::from_ref(object) as usize;
        let Some(&index) = self.objects.get(&address) else {
            return;
        };
        self.findings.push(Pending {
            object: index,
            pos,
            path: path.into(),
            message: message.into(),
        });
    }
}

/// The findings of every rule of the family, by rule id.
#[derive(Debug, Default)]
struct Results {
    by_rule: HashMap<&'static str, Vec<Pending>>,
}

/// The results of an inventory, by the address of the rule configuration
/// they were computed with.
#[derive(Debug, Default)]
struct Cache {
    entries: Mutex<Vec<(usize, Arc<Results>)>>,
}

fn evaluate(inventory: &Inventory, options: ScanOptions) -> Results {
    let policy = Policy::new(inventory);
    let input_policy = Policy::without_builtin(inventory);
    let grants: Vec<Vec<PermissionGrant<'_, '_>>> = Permission::ALL
        .iter()
        .map(|&p| policy.permission_grants(p))
        .collect();
    let objects: HashMap<usize, usize> = inventory
        .objects()
        .iter()
        .enumerate()
        .map(|(index, object)| (std::ptr::from_ref(object) as usize, index))
        .collect();
    let mut results = Results::default();
    for &(rule, collect) in super::COLLECTORS {
        let mut collector = Collector {
            options,
            policy: &policy,
            input_policy: &input_policy,
            grants: &grants,
            objects: &objects,
            findings: Vec::new(),
        };
        collect(inventory, &mut collector);
        results.by_rule.insert(rule.id, collector.findings);
    }
    results
}

/// Reports the findings of `rule`, evaluating the whole family first if no
/// rule of it has run on `inventory` with the same configuration.
pub fn replay(inventory: &Inventory, sink: &mut InventorySink<'_>, rule: &RuleDef) {
    let options = sink.options();
    let key = std::ptr::from_ref(options.config) as usize;
    let cache = inventory.derived(|_| Cache::default());
    let found = {
        let entries = cache.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, r)| r.clone())
    };
    let results = found.unwrap_or_else(|| {
        let results = Arc::new(evaluate(inventory, options));
        let mut entries = cache.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.push((key, results.clone()));
        results
    });
    let objects = inventory.objects();
    for pending in results.by_rule.get(rule.id).into_iter().flatten() {
        sink.report(
            &objects[pending.object],
            pending.pos,
            pending.path.clone(),
            pending.message.clone(),
        );
    }
}

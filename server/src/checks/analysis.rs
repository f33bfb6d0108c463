//! The findings of the whole workspace, kept up to date edit by edit: the one
//! place that runs the rules. Everything that shows a finding (publishing,
//! `kube-lsp check`, hover's link state, code actions) reads it here.
//!
//! Findings are computed per *unit* and cached by document revision:
//!
//! - a document: `yaml-syntax` and the rules that read one object alone;
//! - a tie: one StatefulSet and its governing Service (`service-not-found`,
//!   `service-not-headless`, `selector-mismatch`, shown on both sides);
//! - a Service's ports against the pod templates it selects
//!   (`service-port-mismatch`);
//! - a document's peer addresses (`dns-name-*`): the DNS names its strings
//!   hold, found when it was parsed, resolved against the workspace.
//!
//! An edit replaces some documents of one file (`workspace::Changes`). Their
//! document units are computed again, and so are the ties and port units
//! that could read what changed: the ties whose `serviceName` names an object
//! that went or came (a Service, its Endpoints), and the Services whose
//! selector's first label is carried by a pod template that went or came,
//! and the documents whose peer addresses mention (or nearly mention, for
//! "did you mean") the name of an object that went or came. A reference
//! through a broken tie gives no finding of its own: the tie's finding lists
//! it as "used here", so a StatefulSet's tie is checked again (after the
//! references) when the references through it change.
//! Cached findings are stored against the document they are in (its
//! revision and a range relative to it), so a document that only moved keeps
//! them. Only the files whose findings changed are reported.
//!
//! It knows nothing of LSP, JSON or the terminal.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

use super::code::{Check, RULES};
use super::references::{Reference, TieStates, BROKEN_TIE_CODES};
use super::{apply_configuration, Code, Finding, Related};
use crate::config::Level;
use crate::model::{Object, PodTemplate};
use crate::syntax::TextRange;
use crate::workspace::kustomize::Graph;
use crate::workspace::{join, par_map, threads, Changes, DocumentSlot, FileId, ObjectId, ObjectView, Snapshot};

/// An object by the document revision it was read from: unlike an
/// `ObjectId`, it does not move when a document is added above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct ObjectKey {
    file: FileId,
    revision: u64,
    object: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Unit {
    Document(FileId, u64),
    Tie(ObjectKey),
    Ports(ObjectKey),
    /// A top kustomize build, by its kustomization file.
    Build(FileId),
    /// The peer addresses of a document.
    References(FileId, u64),
}

/// A reference through a StatefulSet's tie, for that tie's "used here".
type Use = (ObjectKey, Anchor);

/// A place in a document, by revision, with a range relative to its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Anchor {
    file: FileId,
    revision: u64,
    range: TextRange,
}

#[derive(Clone, Debug)]
struct Stored {
    at: Anchor,
    code: Code,
    level: Level,
    message: String,
    related: Vec<(Anchor, String)>,
    stateful_set: Option<ObjectKey>,
    service: Option<ObjectKey>,
    /// The kustomize build it was found in, named in its message.
    build: Option<String>,
}

/// Objects by the names and labels other units read of them.
#[derive(Debug, Default)]
struct Tracked {
    /// StatefulSets by the name in their `serviceName`.
    by_service_name: FxHashMap<String, FxHashSet<ObjectKey>>,
    /// Services by their selector's first label.
    by_first_selector_label: FxHashMap<(String, String), FxHashSet<ObjectKey>>,
    /// Objects with a pod template, by each of its labels.
    templates_by_label: FxHashMap<(String, String), FxHashSet<ObjectKey>>,
}

impl Tracked {
    fn track(&mut self, key: ObjectKey, object: &Object) {
        if let Some(name) = object.stateful_set().and_then(|set| set.service_name()) {
            self.by_service_name.entry(name.to_owned()).or_default().insert(key);
        }
        if let Some((first_key, first_value)) = object.service().and_then(|spec| spec.selector.iter().next()) {
            self.by_first_selector_label.entry((first_key.to_owned(), first_value.to_owned())).or_default().insert(key);
        }
        for label in template_labels(object) {
            self.templates_by_label.entry(label).or_default().insert(key);
        }
    }

    fn untrack(&mut self, key: ObjectKey, object: &Object) {
        fn remove<K: std::hash::Hash + Eq>(map: &mut FxHashMap<K, FxHashSet<ObjectKey>>, at: K, key: ObjectKey) {
            if let Some(keys) = map.get_mut(&at) {
                keys.remove(&key);
                if keys.is_empty() {
                    map.remove(&at);
                }
            }
        }
        if let Some(name) = object.stateful_set().and_then(|set| set.service_name()) {
            remove(&mut self.by_service_name, name.to_owned(), key);
        }
        if let Some((first_key, first_value)) = object.service().and_then(|spec| spec.selector.iter().next()) {
            remove(&mut self.by_first_selector_label, (first_key.to_owned(), first_value.to_owned()), key);
        }
        for label in template_labels(object) {
            remove(&mut self.templates_by_label, label, key);
        }
    }

    /// Every object of `snapshot`.
    fn of(snapshot: &Snapshot) -> Tracked {
        let mut tracked = Tracked::default();
        for (file, source) in snapshot.files() {
            for slot in &source.documents {
                for (number, object) in slot.objects.iter().enumerate() {
                    tracked.track(ObjectKey { file, revision: slot.revision, object: number as u32 }, object);
                }
            }
        }
        tracked
    }
}

#[derive(Debug, Default)]
struct Peers {
    /// Reference units by each name their documents' peer addresses mention.
    by_mentioned_name: FxHashMap<String, FxHashSet<Unit>>,
    /// The names each reference unit mentions: `by_mentioned_name` turned
    /// round, to forget them when the document goes.
    mentions: FxHashMap<Unit, Vec<String>>,
    /// The references each reference unit has through a broken tie.
    uses: FxHashMap<Unit, Vec<Use>>,
    /// The reference units with a use of each StatefulSet.
    used_by: FxHashMap<ObjectKey, FxHashSet<Unit>>,
}

/// The workspace's findings, and what is needed to bring them up to date.
#[derive(Debug, Default)]
pub struct Diagnostics {
    units: FxHashMap<Unit, Vec<Stored>>,
    /// The units with a finding or a related place in each file.
    touching: FxHashMap<FileId, FxHashSet<Unit>>,
    /// The objects by what the ties and Services' ports read of them.
    tracked: Tracked,
    /// What the peer-address units need (boxed: the diagnostics travel
    /// between threads by value).
    peers: Box<Peers>,
    /// Each file's findings for the snapshot of the last update, in order.
    by_file: BTreeMap<FileId, Vec<Finding>>,
    /// How many units the last update checked, for logs and tests.
    last_checked: usize,
    /// The kustomization graph of the last update's snapshot.
    graph: std::sync::Arc<Graph>,
    /// Made for one file's requests while the whole analysis runs
    /// (`for_file`): what it knows of other files is incomplete.
    partial: bool,
    /// Each top build's rendered objects and their findings, kept so that
    /// checking a build again re-checks only what changed in it.
    builds: Box<std::sync::Mutex<FxHashMap<FileId, super::builds::BuildState>>>,
}

impl Diagnostics {
    /// The findings of a snapshot, from scratch.
    pub fn of(snapshot: &Snapshot) -> Diagnostics {
        let mut diagnostics = Diagnostics::default();
        diagnostics.update(snapshot, Changes { everything: true, files: Vec::new() });
        diagnostics
    }

    /// Brings the findings up to `snapshot`, which differs from the last one
    /// by `changes`. Returns the files whose findings changed (or that left
    /// the workspace), in order.
    pub fn update(&mut self, snapshot: &Snapshot, changes: Changes) -> Vec<FileId> {
        if changes.everything {
            return self.rebuild(snapshot, Graph::of(snapshot));
        }
        let graph = Graph::of(snapshot);
        if !graph.same_builds(&self.graph) {
            // A file a kustomization names came or went: which files are
            // built changed, so every unit may read differently.
            return self.rebuild(snapshot, graph);
        }
        self.graph = std::sync::Arc::new(graph);
        let mut dirty: FxHashSet<Unit> = FxHashSet::default();
        let mut gone: FxHashSet<Unit> = FxHashSet::default();
        let mut to_assemble: FxHashSet<FileId> = FxHashSet::default();
        let mut names: FxHashSet<String> = FxHashSet::default();
        let mut labels: FxHashSet<(String, String)> = FxHashSet::default();
        // How many objects of each name came, less those that went: only a
        // name that comes or goes for good changes which names are near
        // ("did you mean"); an object parsed again keeps its name.
        let mut name_balance: FxHashMap<String, i64> = FxHashMap::default();
        for (file, document_changes) in &changes.files {
            to_assemble.insert(*file);
            dirty.extend(self.graph.builds_of(*file).map(Unit::Build));
            // Findings elsewhere may point into this file: their places moved.
            for unit in self.touching.get(file).into_iter().flatten() {
                to_assemble.extend(self.units.get(unit).into_iter().flatten().map(|stored| stored.at.file));
            }
            for slot in &document_changes.removed {
                gone.insert(Unit::Document(*file, slot.revision));
                gone.insert(Unit::References(*file, slot.revision));
                self.forget_mentions(Unit::References(*file, slot.revision));
                for (number, object) in slot.objects.iter().enumerate() {
                    let key = ObjectKey { file: *file, revision: slot.revision, object: number as u32 };
                    gone.insert(Unit::Tie(key));
                    gone.insert(Unit::Ports(key));
                    self.tracked.untrack(key, object);
                    touched(object, &mut names, &mut labels);
                    if let Some(name) = object.name() {
                        *name_balance.entry(name.to_owned()).or_default() -= 1;
                    }
                }
            }
            let Some(source) = snapshot.file(*file) else { continue };
            for revision in &document_changes.added {
                let Some((_, slot)) = source.document_by_revision(*revision) else { continue };
                dirty.insert(Unit::Document(*file, *revision));
                dirty.insert(Unit::References(*file, *revision));
                self.mention(Unit::References(*file, *revision), slot, &source.text);
                for (number, object) in slot.objects.iter().enumerate() {
                    let key = ObjectKey { file: *file, revision: *revision, object: number as u32 };
                    self.tracked.track(key, object);
                    touched(object, &mut names, &mut labels);
                    if let Some(name) = object.name() {
                        *name_balance.entry(name.to_owned()).or_default() += 1;
                    }
                    if object.stateful_set().is_some() {
                        dirty.insert(Unit::Tie(key));
                    }
                    if object.service().is_some() {
                        dirty.insert(Unit::Ports(key));
                    }
                }
            }
        }
        for name in &names {
            dirty.extend(self.tracked.by_service_name.get(name).into_iter().flatten().map(|key| Unit::Tie(*key)));
        }
        for name in &names {
            dirty.extend(self.peers.by_mentioned_name.get(name).into_iter().flatten().copied());
        }
        let came_or_went: Vec<&String> =
            name_balance.iter().filter(|(_, balance)| **balance != 0).map(|(name, _)| name).collect();
        // Each pair of a name that came or went and a name mentioned costs an
        // edit distance; past a bound (a file of thousands of objects opened
        // or closed), checking every reference again is cheaper than the
        // pairs, and gives the same findings.
        if came_or_went.len().saturating_mul(self.peers.by_mentioned_name.len()) > NEAR_NAME_PAIRS {
            dirty.extend(self.peers.by_mentioned_name.values().flatten().copied());
        } else if !came_or_went.is_empty() {
            let came_or_went: Vec<super::references::Near> =
                came_or_went.iter().map(|name| super::references::Near::new(name)).collect();
            for (mentioned, units) in &self.peers.by_mentioned_name {
                if came_or_went.iter().any(|name| name.distance(mentioned).is_some()) {
                    dirty.extend(units.iter().copied());
                }
            }
        }
        for label in &labels {
            dirty.extend(
                self.tracked.by_first_selector_label.get(label).into_iter().flatten().map(|key| Unit::Ports(*key)),
            );
        }
        for unit in &gone {
            self.replace(*unit, Vec::new(), &mut to_assemble);
        }
        let dirty: Vec<Unit> =
            dirty.into_iter().filter(|unit| !gone.contains(unit) && !self.checked_in_builds(unit)).collect();
        let (ties, others): (Vec<Unit>, Vec<Unit>) = dirty.into_iter().partition(|unit| matches!(unit, Unit::Tie(_)));
        let mut ties: FxHashSet<Unit> = ties.into_iter().collect();
        let pass = Pass::default();
        let this = &*self;
        let computed: Vec<(Unit, Computed)> = par_map(&others, |&unit| (unit, this.compute(snapshot, &pass, unit)));
        self.last_checked = computed.len();
        for (unit, computed) in computed {
            self.replace(unit, computed.stored, &mut to_assemble);
            ties.extend(self.set_uses(unit, computed.uses).into_iter().map(Unit::Tie));
        }
        for unit in gone.iter().filter(|unit| matches!(unit, Unit::References(..))) {
            ties.extend(self.set_uses(*unit, Vec::new()).into_iter().map(Unit::Tie));
        }
        let ties: Vec<Unit> =
            ties.into_iter().filter(|unit| !gone.contains(unit) && !self.checked_in_builds(unit)).collect();
        let this = &*self;
        let ties: Vec<(Unit, Computed)> = par_map(&ties, |&unit| (unit, this.compute(snapshot, &pass, unit)));
        self.last_checked += ties.len();
        for (unit, computed) in ties {
            self.replace(unit, computed.stored, &mut to_assemble);
        }
        let mut files: Vec<FileId> = to_assemble.into_iter().collect();
        files.sort();
        files.into_iter().filter(|file| self.assemble(snapshot, *file)).collect()
    }

    /// The files whose findings differ between `self` and `other`.
    pub fn files_differing_from(&self, other: &Diagnostics) -> Vec<FileId> {
        let mut files: Vec<FileId> = self
            .by_file
            .keys()
            .chain(other.by_file.keys())
            .copied()
            .filter(|file| self.by_file.get(file) != other.by_file.get(file))
            .collect();
        files.sort();
        files.dedup();
        files
    }

    /// The findings of `file` computed now, for a request while the kept
    /// diagnostics are not up to date (a fresh analysis is running
    /// elsewhere): its documents' units, the ties of its StatefulSets and of
    /// those its Services govern. Service ports are left out (they need the
    /// whole workspace's pod templates). The files those ties show findings
    /// in are assembled too, so a Service's hover sees its StatefulSets'.
    pub fn for_file(snapshot: &Snapshot, file: FileId) -> Diagnostics {
        let mut diagnostics =
            Diagnostics { graph: std::sync::Arc::new(Graph::of(snapshot)), partial: true, ..Diagnostics::default() };
        let Some(source) = snapshot.file(file) else { return diagnostics };
        let mut units: Vec<Unit> = diagnostics.graph.builds_of(file).map(Unit::Build).collect();
        for slot in &source.documents {
            units.push(Unit::Document(file, slot.revision));
            units.push(Unit::References(file, slot.revision));
        }
        for object in snapshot.objects_in_file(file) {
            if object.stateful_set().is_some() {
                units.extend(object_key(snapshot, object.id).map(Unit::Tie));
            } else if object.service().is_some() {
                for governed in snapshot.governed_stateful_sets(&object) {
                    units.extend(object_key(snapshot, governed.id).map(Unit::Tie));
                }
            }
        }
        let mut to_assemble = FxHashSet::default();
        let pass = Pass::default();
        // Ties last: they list the references through them.
        units.sort_by_key(|unit| matches!(unit, Unit::Tie(_)));
        for unit in units {
            let computed = diagnostics.compute(snapshot, &pass, unit);
            diagnostics.replace(unit, computed.stored, &mut to_assemble);
            diagnostics.set_uses(unit, computed.uses);
        }
        to_assemble.insert(file);
        for file in to_assemble {
            diagnostics.assemble(snapshot, file);
        }
        diagnostics
    }

    /// How many rule units (documents, ties, Services' ports) the last
    /// update checked.
    /// The documents whose peer addresses mention `name` (as a pod's
    /// StatefulSet or a Service), by file and revision, in no order; `None`
    /// from diagnostics of one file (`for_file`), which know only its own.
    pub fn documents_mentioning(&self, name: &str) -> Option<Vec<(FileId, u64)>> {
        if self.partial {
            return None;
        }
        let units = self.peers.by_mentioned_name.get(name).into_iter().flatten();
        Some(
            units
                .filter_map(|unit| match *unit {
                    Unit::References(file, revision) => Some((file, revision)),
                    _ => None,
                })
                .collect(),
        )
    }

    pub fn last_checked(&self) -> usize {
        self.last_checked
    }

    /// The kustomization graph of the snapshot these findings are of.
    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Each file's findings, in file order.
    pub fn by_file(&self) -> &BTreeMap<FileId, Vec<Finding>> {
        &self.by_file
    }

    /// One file's findings, sorted by position.
    pub fn file(&self, file: FileId) -> &[Finding] {
        self.by_file.get(&file).map_or(&[], Vec::as_slice)
    }

    /// Every finding, by file and position.
    pub fn all(&self) -> impl Iterator<Item = &Finding> {
        self.by_file.values().flatten()
    }

    fn rebuild(&mut self, snapshot: &Snapshot, graph: Graph) -> Vec<FileId> {
        let before: Vec<FileId> = self.by_file.keys().copied().collect();
        let previous = std::mem::take(&mut self.by_file);
        let mut builds = std::mem::take(self.builds.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()));
        *self = Diagnostics { graph: std::sync::Arc::new(graph), ..Diagnostics::default() };
        builds.retain(|top, _| self.graph.tops.contains(top));
        *self.builds = std::sync::Mutex::new(builds);
        let mut units: Vec<Unit> = self.graph.tops.iter().copied().map(Unit::Build).collect();
        let (mut ports, mut ties) = (Vec::new(), Vec::new());
        for (file, source) in snapshot.files() {
            for slot in &source.documents {
                units.push(Unit::Document(file, slot.revision));
                units.push(Unit::References(file, slot.revision));
                for (number, object) in slot.objects.iter().enumerate() {
                    let key = ObjectKey { file, revision: slot.revision, object: number as u32 };
                    if object.stateful_set().is_some() {
                        ties.push(Unit::Tie(key));
                    }
                    if object.service().is_some() {
                        ports.push(Unit::Ports(key));
                    }
                }
            }
        }
        let mut to_assemble = FxHashSet::default();
        // Each reference unit gives the names its addresses mention as it
        // reads them for its references.
        let pass = Pass { mentions: true, ..Pass::default() };
        self.last_checked = 0;
        // The objects are tracked on one thread while the units that do not
        // read what is tracked are checked on the others; then the Services'
        // ports (which read the pod templates by label), then the ties last
        // (they list the references through them).
        let this = &*self;
        let (first, tracked) =
            join(|| par_map(&units, |&unit| (unit, this.compute(snapshot, &pass, unit))), || Tracked::of(snapshot));
        self.tracked = tracked;
        let mut first = Some(first);
        for units in [units, ports, ties] {
            let this = &*self;
            let computed: Vec<(Unit, Computed)> = match first.take() {
                Some(computed) => computed,
                None => par_map(&units, |&unit| (unit, this.compute(snapshot, &pass, unit))),
            };
            self.last_checked += computed.len();
            let mut mentioned = Vec::new();
            for (unit, computed) in computed {
                self.replace(unit, computed.stored, &mut to_assemble);
                self.set_uses(unit, computed.uses);
                if !computed.mentioned.is_empty() {
                    mentioned.push((unit, computed.mentioned));
                }
            }
            self.note_every_mention(mentioned);
        }
        self.by_file = previous;
        let mut files: Vec<FileId> = to_assemble.into_iter().chain(before).collect();
        files.sort();
        files.dedup();
        files.into_iter().filter(|file| self.assemble(snapshot, *file)).collect()
    }

    /// Notes the names a document's peer addresses mention (`file_text`: the
    /// text of the file that holds it, where the labels are read).
    fn mention(&mut self, unit: Unit, slot: &DocumentSlot, file_text: &str) {
        self.note_mentions(unit, mentioned_names(slot, file_text));
    }

    /// Notes `names` as mentioned by `unit`.
    fn note_mentions(&mut self, unit: Unit, names: Vec<&str>) {
        let mut noted_names: Vec<String> = Vec::new();
        for name in names {
            // Most names are mentioned again: no key is allocated for those.
            let noted = match self.peers.by_mentioned_name.get_mut(name) {
                Some(units) => units.insert(unit),
                None => self.peers.by_mentioned_name.entry(name.to_owned()).or_default().insert(unit),
            };
            if noted {
                noted_names.push(name.to_owned());
            }
        }
        if !noted_names.is_empty() {
            self.peers.mentions.entry(unit).or_default().extend(noted_names);
        }
    }

    /// Notes what each unit mentions, as `note_mentions` would one by one,
    /// on every core: each thread makes the sets of a share of the names.
    fn note_every_mention(&mut self, mentioned: Vec<(Unit, Vec<&str>)>) {
        if mentioned.is_empty() {
            return;
        }
        if !self.peers.by_mentioned_name.is_empty() || !self.peers.mentions.is_empty() {
            for (unit, names) in mentioned {
                self.note_mentions(unit, names);
            }
            return;
        }
        let shares: Vec<usize> = (0..threads().max(1)).collect();
        let share_of = |name: &str| {
            use std::hash::BuildHasher as _;
            rustc_hash::FxBuildHasher.hash_one(name) as usize % shares.len()
        };
        let by_share: Vec<FxHashMap<String, FxHashSet<Unit>>> = par_map(&shares, |&share| {
            let mut by_name: FxHashMap<String, FxHashSet<Unit>> = FxHashMap::default();
            for (unit, names) in &mentioned {
                for name in names.iter().filter(|name| share_of(name) == share) {
                    match by_name.get_mut(*name) {
                        Some(units) => units.insert(*unit),
                        None => by_name.entry((*name).to_owned()).or_default().insert(*unit),
                    };
                }
            }
            by_name
        });
        self.peers.by_mentioned_name.reserve(by_share.iter().map(FxHashMap::len).sum());
        for by_name in by_share {
            self.peers.by_mentioned_name.extend(by_name);
        }
        // Each unit's names are distinct (`compute` dedups them), so each
        // is noted, as `note_mentions` would.
        let owned = par_map(&mentioned, |(unit, names)| (*unit, names.iter().map(|name| (*name).to_owned()).collect()));
        self.peers.mentions.extend(owned);
    }

    /// Forgets the names a document mentioned. Its text may be gone (an edit
    /// replaced the document), so they are the ones `mention` noted.
    fn forget_mentions(&mut self, unit: Unit) {
        for name in self.peers.mentions.remove(&unit).unwrap_or_default() {
            if let Some(units) = self.peers.by_mentioned_name.get_mut(&name) {
                units.remove(&unit);
                if units.is_empty() {
                    self.peers.by_mentioned_name.remove(&name);
                }
            }
        }
    }

    /// Stores a reference unit's uses of ties; returns the StatefulSets
    /// whose uses changed (their ties list them).
    fn set_uses(&mut self, unit: Unit, uses: Vec<Use>) -> FxHashSet<ObjectKey> {
        let old = if uses.is_empty() { self.peers.uses.remove(&unit) } else { self.peers.uses.insert(unit, uses) };
        let new = self.peers.uses.get(&unit);
        if old.as_ref() == new {
            return FxHashSet::default();
        }
        let mut changed = FxHashSet::default();
        for (key, _) in old.iter().flatten() {
            changed.insert(*key);
            if let Some(units) = self.peers.used_by.get_mut(key) {
                units.remove(&unit);
                if units.is_empty() {
                    self.peers.used_by.remove(key);
                }
            }
        }
        for (key, _) in self.peers.uses.get(&unit).into_iter().flatten() {
            changed.insert(*key);
            self.peers.used_by.entry(*key).or_default().insert(unit);
        }
        changed
    }

    /// Stores a unit's findings, noting the files whose findings may change.
    fn replace(&mut self, unit: Unit, stored: Vec<Stored>, to_assemble: &mut FxHashSet<FileId>) {
        let old = if stored.is_empty() { self.units.remove(&unit) } else { self.units.insert(unit, stored) };
        for stored in old.iter().flatten() {
            to_assemble.insert(stored.at.file);
            for file in stored_files(stored) {
                if let Some(units) = self.touching.get_mut(&file) {
                    units.remove(&unit);
                }
            }
        }
        for stored in self.units.get(&unit).into_iter().flatten() {
            to_assemble.insert(stored.at.file);
            for file in stored_files(stored) {
                self.touching.entry(file).or_default().insert(unit);
            }
        }
    }

    /// Gathers one file's findings again; returns whether they changed.
    fn assemble(&mut self, snapshot: &Snapshot, file: FileId) -> bool {
        let mut findings: Vec<(Finding, Option<String>)> = Vec::new();
        if snapshot.file(file).is_some() {
            for unit in self.touching.get(&file).into_iter().flatten() {
                for stored in self.units.get(unit).into_iter().flatten().filter(|stored| stored.at.file == file) {
                    findings.extend(resolve(snapshot, stored).map(|finding| (finding, stored.build.clone())));
                }
            }
        }
        findings.sort_by(|(a, a_build), (b, b_build)| {
            (a.range.start, a.range.end, a.code, a.stateful_set, a.service, a_build, &a.message).cmp(&(
                b.range.start,
                b.range.end,
                b.code,
                b.stateful_set,
                b.service,
                b_build,
                &b.message,
            ))
        });
        let findings = one_per_place_and_code(super::builds::name_builds(findings));
        let changed = self.by_file.get(&file).map_or(!findings.is_empty(), |old| *old != findings);
        if findings.is_empty() {
            self.by_file.remove(&file);
        } else {
            self.by_file.insert(file, findings);
        }
        changed
    }

    /// Whether a unit's rules run inside the kustomize builds that read its
    /// file rather than on the file as written: ties, Services' ports and
    /// peer addresses (a build renames, moves and patches what they read).
    fn checked_in_builds(&self, unit: &Unit) -> bool {
        match *unit {
            Unit::Tie(key) | Unit::Ports(key) => self.graph.is_built(key.file),
            Unit::References(file, _) => self.graph.is_built(file),
            Unit::Document(..) | Unit::Build(_) => false,
        }
    }

    /// Runs the rules of one unit.
    fn compute<'s>(&self, snapshot: &'s Snapshot, pass: &Pass, unit: Unit) -> Computed<'s> {
        let mut findings = Vec::new();
        let mut uses = Vec::new();
        let mut mentioned = Vec::new();
        match unit {
            Unit::Document(file, revision) => {
                let Some(source) = snapshot.file(file) else { return Computed::default() };
                // A file a build reads is checked in its builds, but for its YAML.
                let built = self.graph.is_built(file);
                let Some((document, slot)) = source.document_by_revision(revision) else { return Computed::default() };
                let objects: Vec<ObjectView<'_>> = (0..slot.objects.len())
                    .filter_map(|number| {
                        snapshot.object(ObjectId { file, document: document as u32, object: number as u32 })
                    })
                    .collect();
                for rule in RULES {
                    match rule.check {
                        Check::Document(check) => check(file, source, slot, &mut findings),
                        _ if built => {}
                        Check::StatefulSet(check) => {
                            for object in objects.iter().filter(|object| object.stateful_set().is_some()) {
                                check(snapshot, *object, &mut findings);
                            }
                        }
                        Check::Service(check) => {
                            for object in objects.iter().filter(|object| object.service().is_some()) {
                                check(snapshot, *object, &mut findings);
                            }
                        }
                        Check::Tie(_)
                        | Check::Ports(_)
                        | Check::Kustomization(_)
                        | Check::References(_)
                        | Check::Build(_) => {}
                    }
                }
            }
            Unit::References(file, revision) if self.checked_in_builds(&unit) => {
                // Checked in the builds that read it; its names are noted all the same.
                let mut mentioned = match snapshot.file(file) {
                    Some(source) if pass.mentions => source
                        .document_by_revision(revision)
                        .map(|(_, slot)| mentioned_names(slot, &source.text))
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                mentioned.sort_unstable();
                mentioned.dedup();
                return Computed { mentioned, ..Computed::default() };
            }
            unit if self.checked_in_builds(&unit) => {}
            Unit::Build(top) => {
                let taken = self.builds.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&top);
                let mut state = taken.unwrap_or_default();
                let found = super::builds::check_build(snapshot, &self.graph, top, &mut state);
                self.builds.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(top, state);
                let stored = found
                    .into_iter()
                    .filter_map(|(finding, build)| {
                        let mut stored = store(snapshot, apply_configuration(snapshot, finding)?)?;
                        stored.build = build;
                        Some(stored)
                    })
                    .collect();
                return Computed { stored, ..Computed::default() };
            }
            Unit::Tie(key) => {
                let Some(stateful_set) = view(snapshot, key) else { return Computed::default() };
                for rule in RULES {
                    if let Check::Tie(check) = rule.check {
                        check(snapshot, stateful_set, &mut findings);
                    }
                }
                self.add_uses(snapshot, key, stateful_set.id, &mut findings);
            }
            Unit::References(file, revision) => {
                let Some(source) = snapshot.file(file) else { return Computed::default() };
                let Some((document, slot)) = source.document_by_revision(revision) else { return Computed::default() };
                for number in 0..slot.objects.len() {
                    let id = ObjectId { file, document: document as u32, object: number as u32 };
                    let Some(object) = snapshot.object(id) else { continue };
                    if object.object.addresses.is_empty() {
                        continue;
                    }
                    for address in object.addresses() {
                        if pass.mentions {
                            mentioned.extend(address.names(object.document_text()));
                        }
                        let Some(reference) = Reference::checked(snapshot, object, address) else { continue };
                        let resolution = reference.resolve_with(snapshot, &pass.ties);
                        if resolution.broken_tie {
                            let key = resolution.stateful_set.and_then(|set| object_key(snapshot, set.id));
                            if let Some((key, at)) = key.zip(anchor(snapshot, file, reference.range())) {
                                uses.push((key, at));
                            }
                            continue;
                        }
                        for rule in RULES {
                            if let Check::References(check) = rule.check {
                                check(snapshot, &reference, &resolution, &mut findings);
                            }
                        }
                    }
                }
            }
            Unit::Ports(key) => {
                let Some(service) = view(snapshot, key) else { return Computed::default() };
                let Some(first) = service.service().and_then(|spec| spec.selector.iter().next()) else {
                    return Computed::default();
                };
                let label = (first.0.to_owned(), first.1.to_owned());
                let mut templates: Vec<(ObjectKey, &PodTemplate)> = self
                    .tracked
                    .templates_by_label
                    .get(&label)
                    .into_iter()
                    .flatten()
                    .filter_map(|key| {
                        let object = view(snapshot, *key)?;
                        let template = object.object.pod_template.as_deref()?;
                        (object.namespace() == service.namespace()).then_some((*key, template))
                    })
                    .collect();
                templates.sort_by_key(|(key, _)| *key);
                let templates: Vec<&PodTemplate> = templates.into_iter().map(|(_, template)| template).collect();
                for rule in RULES {
                    if let Check::Ports(check) = rule.check {
                        check(service, &templates, &mut findings);
                    }
                }
            }
        }
        let stored = findings
            .into_iter()
            .filter_map(|finding| apply_configuration(snapshot, finding))
            .filter_map(|finding| store(snapshot, finding))
            .collect();
        // Most names are mentioned many times over (`redis-0.redis`,
        // `redis-1.redis`, …): they are noted once, on one thread, after this.
        mentioned.sort_unstable();
        mentioned.dedup();
        Computed { stored, uses, mentioned }
    }

    /// Lists, on the tie findings of a StatefulSet that break its pods' DNS
    /// names, the references through it ("used here").
    fn add_uses(&self, snapshot: &Snapshot, key: ObjectKey, id: ObjectId, findings: &mut [Finding]) {
        let Some(units) = self.peers.used_by.get(&key) else { return };
        let mut places: Vec<(FileId, TextRange)> = units
            .iter()
            .filter_map(|unit| self.peers.uses.get(unit))
            .flatten()
            .filter(|(used, _)| *used == key)
            .filter_map(|(_, at)| Some((at.file, absolute(snapshot, *at)?)))
            .collect();
        places.sort();
        places.dedup();
        places.truncate(USED_HERE_LIMIT);
        let Some(stateful_set) = snapshot.object(id) else { return };
        // On the StatefulSet's side of the tie only: the Service's side
        // points at the StatefulSet, and every list is published again with
        // each keystroke in the file.
        let document = stateful_set.document.range();
        for finding in findings.iter_mut().filter(|finding| {
            finding.stateful_set == Some(id)
                && BROKEN_TIE_CODES.contains(&finding.code)
                && finding.file == id.file
                && document.contains_inclusive(finding.range.start)
        }) {
            finding.related.extend(places.iter().map(|(file, range)| Related {
                file: *file,
                range: *range,
                message: USED_HERE.to_owned(),
            }));
        }
    }
}

/// The most pairs of (a name that came or went, a name references mention)
/// an update compares by edit distance before it checks every reference
/// again instead.
const NEAR_NAME_PAIRS: usize = 20_000;

/// The message of a related place that is a reference through a broken tie.
pub(super) const USED_HERE: &str = "used here: this DNS name does not resolve until the tie is fixed";

/// What running one unit's rules found.
#[derive(Debug, Default)]
struct Computed<'s> {
    stored: Vec<Stored>,
    /// A reference unit's references through broken ties.
    uses: Vec<Use>,
    /// The names a reference unit's addresses mention, when its pass asks
    /// (`Pass::mentions`): read with its references, not in a pass of their own.
    mentioned: Vec<&'s str>,
}

/// What the units of one update share.
#[derive(Debug, Default)]
struct Pass {
    /// The ties of the snapshot, asked once per StatefulSet.
    ties: TieStates,
    /// Whether reference units give the names they mention (a fresh
    /// analysis notes every document's).
    mentions: bool,
}

/// The most references one tie finding lists: each is a related place the
/// client is sent again whenever the file's findings are published.
const USED_HERE_LIMIT: usize = 10;

/// The labels of an object's pod template, each key once with the value
/// that counts where a key repeats.
fn template_labels(object: &Object) -> Vec<(String, String)> {
    let Some(template) = &object.pod_template else { return Vec::new() };
    let mut labels: Vec<(String, String)> = template
        .labels
        .iter()
        .filter_map(|(key, _)| Some((key.to_owned(), template.labels.get(key)?.to_owned())))
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

/// The names and labels an object that went or came can matter to: its name
/// (to the StatefulSets whose `serviceName` it is) and its template labels
/// (to the Services whose selector starts with one of them).
fn touched(object: &Object, names: &mut FxHashSet<String>, labels: &mut FxHashSet<(String, String)>) {
    if let Some(name) = object.name() {
        names.insert(name.to_owned());
    }
    // An autoscaler bounds the ordinals of the StatefulSet it scales.
    if let Some((_, target)) = object.scale_target() {
        names.insert(target.to_owned());
    }
    labels.extend(template_labels(object));
}

fn view(snapshot: &Snapshot, key: ObjectKey) -> Option<ObjectView<'_>> {
    let (document, _) = snapshot.file(key.file)?.document_by_revision(key.revision)?;
    snapshot.object(ObjectId { file: key.file, document: document as u32, object: key.object })
}

fn object_key(snapshot: &Snapshot, id: ObjectId) -> Option<ObjectKey> {
    let slot = snapshot.file(id.file)?.documents.get(id.document as usize)?;
    Some(ObjectKey { file: id.file, revision: slot.revision, object: id.object })
}

fn object_id(snapshot: &Snapshot, key: ObjectKey) -> Option<ObjectId> {
    let (document, _) = snapshot.file(key.file)?.document_by_revision(key.revision)?;
    Some(ObjectId { file: key.file, document: document as u32, object: key.object })
}

fn anchor(snapshot: &Snapshot, file: FileId, range: TextRange) -> Option<Anchor> {
    let slot: &DocumentSlot = snapshot.file(file)?.document_at(range.start)?;
    let start = range.start.checked_sub(slot.start)?;
    Some(Anchor { file, revision: slot.revision, range: TextRange::new(start, start + range.len()) })
}

fn absolute(snapshot: &Snapshot, anchor: Anchor) -> Option<TextRange> {
    let (_, slot) = snapshot.file(anchor.file)?.document_by_revision(anchor.revision)?;
    Some(anchor.range.shifted(slot.start))
}

fn store(snapshot: &Snapshot, finding: Finding) -> Option<Stored> {
    Some(Stored {
        at: anchor(snapshot, finding.file, finding.range)?,
        code: finding.code,
        level: finding.level,
        related: finding
            .related
            .into_iter()
            .filter_map(|related| Some((anchor(snapshot, related.file, related.range)?, related.message)))
            .collect(),
        message: finding.message,
        stateful_set: finding.stateful_set.and_then(|id| object_key(snapshot, id)),
        service: finding.service.and_then(|id| object_key(snapshot, id)),
        build: None,
    })
}

fn resolve(snapshot: &Snapshot, stored: &Stored) -> Option<Finding> {
    Some(Finding {
        file: stored.at.file,
        range: absolute(snapshot, stored.at)?,
        code: stored.code,
        level: stored.level,
        message: stored.message.clone(),
        related: stored
            .related
            .iter()
            .filter_map(|(anchor, message)| {
                Some(Related { file: anchor.file, range: absolute(snapshot, *anchor)?, message: message.clone() })
            })
            .collect(),
        stateful_set: stored.stateful_set.and_then(|key| object_id(snapshot, key)),
        service: stored.service.and_then(|key| object_id(snapshot, key)),
    })
}

/// One finding per range and code, the first in order: copies of one object
/// (the same StatefulSet in three files, or two StatefulSets governed by one
/// Service) each report at the Service's one place, and an editor would show
/// the same line several times. The first keeps its message and fixes; the
/// places the others point at are added to its related information, so none
/// is lost. `findings` is sorted, so equal places are adjacent.
fn one_per_place_and_code(findings: Vec<Finding>) -> Vec<Finding> {
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings {
        match kept.last_mut() {
            Some(last) if last.range == finding.range && last.code == finding.code => {
                for related in finding.related {
                    if !last.related.contains(&related) {
                        last.related.push(related);
                    }
                }
            }
            _ => kept.push(finding),
        }
    }
    kept
}

/// The files a stored finding is in or points into.
fn stored_files(stored: &Stored) -> impl Iterator<Item = FileId> + '_ {
    std::iter::once(stored.at.file).chain(stored.related.iter().map(|(anchor, _)| anchor.file))
}

/// The names a document's peer addresses mention, as often as they do
/// (`file_text`: the text of the file that holds it).
fn mentioned_names<'t>(slot: &DocumentSlot, file_text: &'t str) -> Vec<&'t str> {
    let text = slot.text(file_text);
    slot.objects
        .iter()
        .flat_map(|object| object.addresses.iter())
        .filter_map(|candidate| candidate.read(text))
        .flat_map(|address| address.names(text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::text::TextEdit;
    use crate::workspace::Workspace;

    const SETS: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: r, ports: [{name: redis, containerPort: 6379}]}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk, namespace: coord}
spec:
  serviceName: zk-hs
  selector: {matchLabels: {app: zk}}
  template: {metadata: {labels: {app: zk}}}
";

    const SERVICES: &str = "\
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  selector: {app: redis}
  ports: [{name: redis, port: 6379, targetPort: redis}]
---
apiVersion: v1
kind: Service
metadata: {name: zk-hs, namespace: coord}
spec: {clusterIP: None, selector: {app: zk}}
";

    #[test]
    fn copies_of_one_stateful_set_give_one_finding_at_the_service() {
        let set = "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
#              ^^^^^ error service-not-headless
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
";
        let service = "\
apiVersion: v1
kind: Service
metadata: {name: redis}
#                ^^^^^ error service-not-headless
spec: {selector: {app: redis}}
";
        let fixture =
            format!("#- /a/redis.yaml\n{set}#- /b/redis.yaml\n{set}#- /c/redis.yaml\n{set}#- /svc.yaml\n{service}");
        // One finding per copy on its `serviceName`, one (not three) on the Service.
        crate::checks::fixture::check_findings(&fixture);
        // The one on the Service points at every copy.
        let parsed = crate::checks::fixture::parse(&fixture);
        let (mut workspace, ids) = crate::checks::fixture::workspace(&parsed);
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        let on_service = diagnostics.file(ids[3]);
        assert_eq!(on_service.len(), 1, "{on_service:#?}");
        let pointed: Vec<FileId> = on_service[0].related.iter().map(|related| related.file).collect();
        assert_eq!(pointed, ids[..3].to_vec());
    }

    /// The units that mention each name, in order, to compare two analyses.
    fn by_mentioned_name(diagnostics: &Diagnostics) -> Vec<(String, Vec<String>)> {
        let mut names: Vec<(String, Vec<String>)> = diagnostics
            .peers
            .by_mentioned_name
            .iter()
            .map(|(name, units)| (name.clone(), units.iter().map(|unit| format!("{unit:?}")).collect()))
            .collect();
        names.iter_mut().for_each(|(_, units)| units.sort());
        names.sort();
        names
    }

    /// Applies `edits` one by one; after each, the diagnostics kept up to
    /// date must equal a fresh check of the same workspace, and the files
    /// reported as changed must be exactly those whose findings changed.
    fn assert_incremental(edits: &[(&str, &str, &str)]) {
        let mut workspace = Workspace::new(Config::default());
        workspace.set_text("/app/sets.yaml".into(), SETS.to_owned(), Some(1));
        workspace.set_text("/app/services.yaml".into(), SERVICES.to_owned(), Some(1));
        let mut diagnostics = Diagnostics::default();
        let snapshot = workspace.snapshot();
        diagnostics.update(&snapshot, workspace.take_changes());
        drop(snapshot);
        for (path, from, to) in edits {
            let before = diagnostics.by_file().clone();
            match workspace.file_id(std::path::Path::new(path)) {
                Some(id) if *from == "<remove>" => {
                    let _ = id;
                    workspace.remove(std::path::Path::new(path));
                }
                Some(id) => {
                    let text = workspace.file(id).expect("file").text.clone();
                    let start = text.find(from).unwrap_or_else(|| panic!("`{from}` in {path}"));
                    let edit = TextEdit::new(TextRange::new(start, start + from.len()), *to);
                    assert!(workspace.edit(id, Some(2), &[edit]));
                }
                None => {
                    workspace.set_text((*path).into(), (*to).to_owned(), Some(1));
                }
            }
            let snapshot = workspace.snapshot();
            let changed = diagnostics.update(&snapshot, workspace.take_changes());
            let fresh = Diagnostics::of(&snapshot);
            assert_eq!(diagnostics.by_file(), fresh.by_file(), "after `{from}` → `{to}` in {path}");
            // The index of mentioned names forgets what went, and only that.
            assert_eq!(by_mentioned_name(&diagnostics), by_mentioned_name(&fresh), "after `{from}` → `{to}` in {path}");
            let mut expected: Vec<FileId> = before
                .keys()
                .chain(fresh.by_file().keys())
                .copied()
                .filter(|file| before.get(file) != fresh.by_file().get(file))
                .collect();
            expected.sort();
            expected.dedup();
            assert_eq!(changed, expected, "changed files after `{from}` → `{to}` in {path}");
        }
    }

    #[test]
    fn edits_to_either_side_of_a_tie_update_both_files() {
        assert_incremental(&[
            ("/app/services.yaml", "  selector: {app: redis}", "  clusterIP: None\n  selector: {app: redis}"),
            ("/app/services.yaml", "{app: redis}", "{app: cache}"),
            ("/app/sets.yaml", "labels: {app: redis}", "labels: {app: cache}"),
            ("/app/sets.yaml", "matchLabels: {app: redis}", "matchLabels: {app: cache}"),
            ("/app/services.yaml", "name: redis}", "name: redis-hs}"),
            ("/app/sets.yaml", "serviceName: redis", "serviceName: redis-hs"),
            ("/app/services.yaml", "targetPort: redis", "targetPort: client"),
            ("/app/sets.yaml", "name: redis, containerPort", "name: client, containerPort"),
            ("/app/services.yaml", "namespace: coord}", "namespace: other}"),
            ("/app/sets.yaml", "zk-hs", "zk"),
        ]);
    }

    #[test]
    fn documents_and_files_that_come_and_go_update_what_named_them() {
        assert_incremental(&[
            // A document above the others moves them all.
            ("/app/services.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: redis}", "kind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}"),
            ("/app/services.yaml", "kind: ConfigMap\nmetadata: {name: c}\n---\n", ""),
            ("/app/more.yaml", "", "apiVersion: v1\nkind: Service\nmetadata: {name: zk-hs}\nspec: {clusterIP: None, selector: {app: zk}}\n"),
            ("/app/services.yaml", "<remove>", ""),
            ("/app/sets.yaml", "metadata: {name: zk, namespace: coord}", "metadata: {name: zk}"),
            ("/app/endpoints.yaml", "", "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {clusterIP: None}\n"),
            ("/app/sets.yaml", "spec:\n  serviceName: redis\n", "spec:\n  # kube-lsp: ignore selector-mismatch\n  serviceName: redis\n"),
            ("/app/sets.yaml", "  selector: {matchLabels: {app: zk}}", "  selector: {matchLabels: {app: zk}\n  broken: ["),
            ("/app/more.yaml", "<remove>", ""),
        ]);
    }

    const PEERS: &str = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: peers}
data:
  redis: \"replicaof redis-0.redis 6379; redis-1.redis\"
  zk: zk-0.zk-hs.coord.svc.cluster.local:2888 zk-0.zk-hs zk-3.zk-hs.coord
  srv: _redis._tcp.redis.default.svc.cluster.local
";

    /// The names a fresh analysis notes on every core are those noted one
    /// document at a time, both ways round.
    #[test]
    fn a_fresh_analysis_notes_the_names_each_document_mentions() {
        // With the ConfigMaps read by a build too: checked in the build,
        // their names are noted all the same.
        for kustomization in [None, Some("resources: [peers.yaml, more.yaml]\n")] {
            notes_the_names_each_document_mentions(kustomization);
        }
    }

    fn notes_the_names_each_document_mentions(kustomization: Option<&str>) {
        let mut workspace = Workspace::new(Config::default());
        workspace.set_text("/app/sets.yaml".into(), SETS.to_owned(), None);
        workspace.set_text("/app/services.yaml".into(), SERVICES.to_owned(), None);
        workspace.set_text("/app/peers.yaml".into(), PEERS.to_owned(), None);
        let more = format!(
            "{}  more: etcd-0.etcd-hs kafka-1.kafka-headless mysql-2.mysql.db\n",
            PEERS.replace("peers}", "more}")
        );
        workspace.set_text("/app/more.yaml".into(), more, None);
        if let Some(kustomization) = kustomization {
            workspace.set_text("/app/kustomization.yaml".into(), kustomization.to_owned(), None);
        }
        let snapshot = workspace.snapshot();
        let fresh = Diagnostics::of(&snapshot);
        let mut one_by_one = Diagnostics::default();
        for (file, source) in snapshot.files() {
            for slot in &source.documents {
                one_by_one.mention(Unit::References(file, slot.revision), slot, &source.text);
            }
        }
        let by_unit = |diagnostics: &Diagnostics| {
            let mut units: Vec<(String, Vec<String>)> =
                diagnostics.peers.mentions.iter().map(|(unit, names)| (format!("{unit:?}"), names.clone())).collect();
            units.iter_mut().for_each(|(_, names)| names.sort());
            units.sort();
            units
        };
        assert_eq!(by_mentioned_name(&fresh), by_mentioned_name(&one_by_one));
        assert_eq!(by_unit(&fresh), by_unit(&one_by_one));
        let redis =
            by_mentioned_name(&fresh).into_iter().find(|(name, _)| name == "redis").map(|(_, units)| units.len());
        assert_eq!(redis, Some(2), "both ConfigMaps mention `redis`");
    }

    #[test]
    fn a_broken_tie_lists_the_references_through_it_and_they_report_nothing() {
        let mut workspace = Workspace::new(Config::default());
        let sets = workspace.set_text("/app/sets.yaml".into(), SETS.to_owned(), None);
        workspace.set_text("/app/services.yaml".into(), SERVICES.to_owned(), None);
        let peers = workspace.set_text("/app/peers.yaml".into(), PEERS.to_owned(), None);
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        let text = &snapshot.file(peers).expect("peers").text;
        let not_headless: Vec<&Finding> =
            diagnostics.file(sets).iter().filter(|finding| finding.code == Code::ServiceNotHeadless).collect();
        assert_eq!(not_headless.len(), 1);
        let used: Vec<&str> = not_headless[0]
            .related
            .iter()
            .filter(|related| related.file == peers)
            .map(|related| &text[related.range.as_range()])
            .collect();
        // redis-1 is past `replicas: 1`, but through a broken tie it reports nothing of its own.
        assert_eq!(used, ["redis-0.redis", "redis-1.redis"]);
        let codes: Vec<(&str, &str)> = diagnostics
            .file(peers)
            .iter()
            .map(|finding| (&text[finding.range.as_range()], finding.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [("zk-0.zk-hs", "dns-name-wrong-namespace"), ("zk-3.zk-hs.coord", "dns-name-ordinal-out-of-range"),]
        );
    }

    /// A file of many objects coming and going takes the path that checks
    /// every reference again (too many near-name pairs to compare), with the
    /// findings of a fresh analysis.
    #[test]
    fn many_names_coming_at_once_check_every_reference_again() {
        // The Services are there from the start; the StatefulSets come
        // later, and only their near names ("did you mean") change the
        // findings on `wbe<n>-0.svc<n>`.
        let configs: String = (0..150)
            .map(|n| {
                format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\ndata: {{peer: \"wbe{n}-0.svc{n}\"}}\n---\n\
                     apiVersion: v1\nkind: Service\nmetadata: {{name: svc{n}}}\nspec: {{clusterIP: None}}\n---\n"
                )
            })
            .collect();
        let sets: String = (0..150)
            .map(|n| {
                format!(
                    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: web{n}}}\nspec: {{serviceName: svc{n}, replicas: 2}}\n---\n"
                )
            })
            .collect();
        assert_incremental(&[
            ("/app/configs.yaml", "", &configs),
            ("/app/many.yaml", "", &sets),
            ("/app/many.yaml", "<remove>", ""),
        ]);
    }

    #[test]
    fn references_are_checked_again_when_a_name_they_mention_changes() {
        assert_incremental(&[
            ("/app/peers.yaml", "", PEERS),
            // The tie is broken (not headless): its finding lists the references, then not.
            ("/app/services.yaml", "  selector: {app: redis}", "  clusterIP: None\n  selector: {app: redis}"),
            ("/app/sets.yaml", "  serviceName: redis\n", "  serviceName: redis\n  replicas: 2\n"),
            ("/app/services.yaml", "name: redis}", "name: redsi}"),
            ("/app/services.yaml", "name: redsi}", "name: redis}"),
            ("/app/sets.yaml", "metadata: {name: zk, namespace: coord}", "metadata: {name: zk, namespace: other}"),
            ("/app/sets.yaml", "namespace: other}", "namespace: coord}"),
            (
                "/app/hpa.yaml",
                "",
                "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: zk, namespace: coord}\nspec:\n  scaleTargetRef: {kind: StatefulSet, name: zk}\n  maxReplicas: 5\n",
            ),
            ("/app/hpa.yaml", "maxReplicas: 5", "maxReplicas: 2"),
            ("/app/services.yaml", "targetPort: redis}", "targetPort: redis}, {name: x, port: 1}"),
            ("/app/services.yaml", "ports: [{name: redis,", "ports: [{name: cache,"),
            ("/app/peers.yaml", "redis-1.redis", "redis-1.redis.other"),
            ("/app/sets.yaml", "  serviceName: zk-hs", "  serviceName: zk-h"),
            ("/app/peers.yaml", "metadata: {name: peers}", "metadata: {name: peers, namespace: coord}"),
            ("/app/hpa.yaml", "<remove>", ""),
            ("/app/services.yaml", "  clusterIP: None\n  selector: {app: redis}", "  selector: {app: redis}"),
            ("/app/peers.yaml", "<remove>", ""),
        ]);
    }

    #[test]
    fn a_file_checked_alone_has_the_findings_of_the_whole_analysis_but_ports() {
        let mut workspace = Workspace::new(Config::default());
        let sets = workspace.set_text("/app/sets.yaml".into(), SETS.to_owned(), Some(1));
        let services = workspace.set_text(
            "/app/services.yaml".into(),
            SERVICES.replace("targetPort: redis", "targetPort: x"),
            None,
        );
        let snapshot = workspace.snapshot();
        let whole = Diagnostics::of(&snapshot);
        for file in [sets, services] {
            let expected: Vec<&Finding> =
                whole.file(file).iter().filter(|finding| finding.code != Code::ServicePortMismatch).collect();
            assert!(!expected.is_empty());
            assert_eq!(Diagnostics::for_file(&snapshot, file).file(file).iter().collect::<Vec<_>>(), expected);
        }
        // A Service's file brings its StatefulSets' files along (hover on a
        // Service shows each one's link).
        assert_eq!(Diagnostics::for_file(&snapshot, services).file(sets), whole.file(sets));
        assert!(whole.file(services).iter().any(|finding| finding.code == Code::ServicePortMismatch));
    }

    #[test]
    fn an_edit_checks_only_what_it_can_change() {
        let mut workspace = Workspace::new(Config::default());
        let mut text = String::new();
        for n in 0..50 {
            text.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: s{n}}}\nspec: {{serviceName: svc{n}, selector: {{matchLabels: {{app: a{n}}}}}, template: {{metadata: {{labels: {{app: a{n}}}}}}}}}\n"
            ));
        }
        let id = workspace.set_text("/app/sets.yaml".into(), text, Some(1));
        let mut diagnostics = Diagnostics::default();
        let snapshot = workspace.snapshot();
        diagnostics.update(&snapshot, workspace.take_changes());
        assert_eq!(diagnostics.last_checked(), 150, "the first update checks every document, its references and tie");
        let at =
            snapshot.file(id).expect("file").text.find("serviceName: svc7").expect("s7") + "serviceName: svc".len();
        drop(snapshot);
        workspace.edit(id, Some(2), &[TextEdit::new(TextRange::new(at, at + 1), "8")]);
        let snapshot = workspace.snapshot();
        diagnostics.update(&snapshot, workspace.take_changes());
        // One document changed: its own unit, its references and its
        // StatefulSet's tie are checked again, nothing else.
        assert_eq!(diagnostics.last_checked(), 3);
        assert_eq!(diagnostics.by_file(), Diagnostics::of(&snapshot).by_file());
    }
}

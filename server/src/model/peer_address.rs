//! Peer addresses: the DNS names of pods and Services written inside string
//! values (`replicaof redis-0.redis 6379`, `$(hostname).redis-headless`),
//! found by one hand-written byte scan of each string scalar's source text
//! when its document is parsed, with the range of every label.
//!
//! It reads text and the span tree only: it does not know which names exist
//! in the workspace, so what it finds are candidates; `checks` keeps the
//! ones whose names the workspace holds (SPEC's false-match guards).

use super::scalar::Scalar;
use crate::syntax::{Document, NodeId, NodeKind, ScalarStyle, TextRange};
use crate::text::CompactRange;
use std::borrow::Cow;

/// One dot-separated label of an address: its range in the document, whose
/// text spells it as it is (the scan takes only runs of `a-z`, `0-9`, `-`,
/// `.` and `_` that match the source byte for byte), so `text` reads it
/// there. A workspace holds hundreds of thousands of labels: a string of
/// their own for each was most of the memory the addresses took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    range: CompactRange,
}

impl Label {
    pub fn new(range: TextRange) -> Label {
        Label { range: CompactRange::new(range) }
    }

    pub fn range(&self) -> TextRange {
        self.range.get()
    }

    /// Its text, read in `document`: the text of the document that holds it
    /// (`ObjectView::label`).
    pub fn text<'t>(&self, document: &'t str) -> &'t str {
        document.get(self.range().as_range()).unwrap_or_default()
    }
}

/// What the first labels of an address name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressKind {
    /// `<sts>-<n>.<svc>…`: pod `ordinal` of StatefulSet `stateful_set`.
    Pod { stateful_set: Label, ordinal: i64 },
    /// `$(VAR).<svc>…` and its kin inside a StatefulSet's pod template.
    ThisPod,
    /// `<svc>.<ns>.svc[.<domain>]`.
    Service,
    /// `_<port>._<proto>.<svc>.<ns>.svc[.<domain>]`.
    Srv(SrvLabels),
}

/// The port and protocol of an SRV name, without their `_`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SrvLabels {
    pub port: Label,
    pub protocol: Label,
}

/// A DNS name inside a string, as written: its labels read from the text
/// (`Candidate::read`), not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddress {
    /// The name from its first label (or `$(VAR)`) to its last, without a
    /// trailing dot or `:port`: 32 bits, like its labels' (`range()`).
    range: CompactRange,
    pub kind: AddressKind,
    pub service: Label,
    pub namespace: Option<Label>,
    /// The labels after `.svc.`, joined (`cluster.local`).
    pub domain: Option<Label>,
    /// Whether the name spells `.svc` (a fully qualified or `….<ns>.svc` form).
    pub has_svc: bool,
}

/// Where a candidate address is, as an object keeps it: its labels are read
/// again from the document's text when they are asked for. Every candidate
/// of every string is kept for as long as its document lives, 197,000 of
/// them on the benchmark's 20 MiB file: kept as read they were 72 bytes
/// each (224 with a heap string per label), 14 MB of the server's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// From the first label, or the this-pod prefix (`$(VAR)`), to the last
    /// label, in the document.
    range: CompactRange,
    /// The this-pod prefix's length with its `.`, 0 for none: where the
    /// labels start. The prefix is recognised once, in the masked value.
    prefix: u32,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Candidate>() <= 12);

impl Candidate {
    /// `prefix`: the bytes of its this-pod prefix, `.` included. One past
    /// 32 bits could only be misread, so it reads as no address instead.
    fn of(address: &PeerAddress, prefix: usize) -> Candidate {
        Candidate { range: address.range, prefix: u32::try_from(prefix).unwrap_or(u32::MAX) }
    }

    /// Where it is in the document.
    pub fn range(&self) -> TextRange {
        self.range.get()
    }

    /// The address, read in `document` (the text of the document that holds
    /// it). The bytes of a name are the value's own (masking only ever
    /// touches bytes that end a name), so this reads what the scan read.
    pub fn read(&self, document: &str) -> Option<PeerAddress> {
        self.read_in(document, 0)
    }

    /// The address, read in `text`, which starts at `base` of the document:
    /// its labels only, since the scan found where the name ends.
    fn read_in(&self, text: &str, base: usize) -> Option<PeerAddress> {
        let range = self.range();
        let name = text.get(range.start.checked_sub(base)?..range.end.checked_sub(base)?)?;
        let prefix = self.prefix as usize;
        read_labels(name.get(prefix..)?, range.start + prefix, (prefix > 0).then_some(range.start))
    }
}

impl PeerAddress {
    /// The name from its first label (or `$(VAR)`) to its last, without a
    /// trailing dot or `:port`.
    pub fn range(&self) -> TextRange {
        self.range.get()
    }

    /// The labels that name objects, for the index of names references
    /// mention, read in `document` (the text of the document that holds it).
    pub fn names<'t>(&self, document: &'t str) -> impl Iterator<Item = &'t str> {
        let stateful_set = match &self.kind {
            AddressKind::Pod { stateful_set, .. } => Some(stateful_set.text(document)),
            _ => None,
        };
        stateful_set.into_iter().chain(std::iter::once(self.service.text(document)))
    }
}

/// The candidate addresses in the string values under `object` (an object's
/// mapping node), except the fields SPEC leaves out: `metadata.name`,
/// `metadata.namespace`, `spec.serviceName`, a Secret's `data`, and every key
/// (label and annotation keys included). `this_pod_under` is the node of a
/// StatefulSet's pod template, where `$(VAR).<svc>` forms count.
pub fn addresses_of_object(
    document: &Document,
    text: &str,
    object: NodeId,
    kind: &str,
    this_pod_under: Option<NodeId>,
) -> Vec<Candidate> {
    let mut found = Vec::new();
    // An explicit stack: (node, depth below the object, its first two keys, inside the pod template).
    type Entry<'d> = (NodeId, u8, Option<&'d str>, Option<&'d str>, bool);
    let mut stack: Vec<Entry<'_>> = vec![(object, 0, None, None, false)];
    let mut budget = document.nodes.len().saturating_mul(2).saturating_add(1);
    while let Some((node, depth, first, second, in_template)) = stack.pop() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        let in_template = in_template || Some(node) == this_pod_under;
        let Some(raw) = document.nodes.get(node.0 as usize) else { continue };
        match raw.kind {
            NodeKind::Scalar { .. } => {
                let Some(scalar) = Scalar::of(document, node) else { continue };
                if scalar.is_null() {
                    continue;
                }
                let Some(source) = text.get(scalar.range.as_range()) else { continue };
                scan(source, scalar.style, scalar.range.start, in_template, &mut found);
            }
            NodeKind::Mapping { .. } => {
                for (key, value) in document.mapping_entries(node).unwrap_or_default().iter().rev() {
                    let Some(key_text) = document.scalar(*key) else { continue };
                    let (first, second) = match depth {
                        0 => (Some(key_text), None),
                        1 => (first, Some(key_text)),
                        _ => (first, second),
                    };
                    let skipped = match (depth, first, second) {
                        (1, Some("metadata"), Some("name" | "namespace")) => true,
                        (1, Some("spec"), Some("serviceName")) => true,
                        (0, Some("data"), None) => kind == "Secret",
                        _ => false,
                    };
                    if !skipped {
                        stack.push((*value, depth.saturating_add(1), first, second, in_template));
                    }
                }
            }
            NodeKind::Sequence { .. } => {
                for item in document.sequence_items(node).unwrap_or_default().iter().rev() {
                    stack.push((*item, depth.saturating_add(1), first, second, in_template));
                }
            }
            // An alias repeats a value scanned where its anchor is.
            NodeKind::Alias { .. } => {}
        }
    }
    found.sort_by_key(|address| address.range().start);
    // Every object keeps its addresses for as long as its document lives:
    // without the slack doubling growth leaves (9 MiB of 184 on the 20 MiB
    // file, by massif and `kube-lsp check`).
    found.shrink_to_fit();
    found
}

/// A byte that stands for an escape whose value is part of a name (`\x2d`)
/// or joins two lines (`\` at a line end): the run it touches cannot be
/// mapped to the source exactly, so it is skipped.
const POISON: u8 = 0x01;

fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'.' | b'-')
}

/// A byte that continues a word: a name next to it is part of something else
/// (`MyRedis-0.redis`, `FOO_redis-0.redis`).
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == POISON
}

/// The value's own text, and where it starts: a block scalar's starts after
/// its header line; a double-quoted scalar's escapes are blanked out in a
/// copy. Every other source is scanned as it is, without a copy.
fn masked(source: &str, style: ScalarStyle) -> (Cow<'_, [u8]>, usize) {
    let bytes = source.as_bytes();
    match style {
        ScalarStyle::Literal | ScalarStyle::Folded => {
            // The header's line break is a boundary, as the start is.
            let header = bytes.iter().position(|byte| *byte == b'\n').map_or(bytes.len(), |end| end + 1);
            (Cow::Borrowed(bytes), header)
        }
        ScalarStyle::DoubleQuoted if bytes.contains(&b'\\') => {
            let mut bytes = bytes.to_vec();
            let mut at = 0;
            while at < bytes.len() {
                if bytes[at] != b'\\' {
                    at += 1;
                    continue;
                }
                let next = bytes.get(at + 1).copied();
                let (length, decoded) = match next {
                    Some(b'x') => (4, decode_hex(source, at + 2, 2)),
                    Some(b'u') => (6, decode_hex(source, at + 2, 4)),
                    Some(b'U') => (10, decode_hex(source, at + 2, 8)),
                    Some(b'\r') if bytes.get(at + 2) == Some(&b'\n') => (3, None),
                    Some(b'\n' | b'\r') => (2, None),
                    Some(b'0' | b'a' | b'b' | b't' | b'\t' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"')
                    | Some(b'/' | b'\\' | b'N' | b'_' | b'L' | b'P') => (2, Some(' ')),
                    _ => (2, None),
                };
                let end = (at + length).min(bytes.len());
                let fill = match decoded {
                    Some(character) if !(character.is_ascii() && is_word_byte(character as u8)) => b' ',
                    _ => POISON,
                };
                bytes[at..end].fill(fill);
                at = end;
            }
            (Cow::Owned(bytes), 0)
        }
        ScalarStyle::DoubleQuoted | ScalarStyle::Plain | ScalarStyle::SingleQuoted => (Cow::Borrowed(bytes), 0),
    }
}

fn decode_hex(source: &str, start: usize, digits: usize) -> Option<char> {
    let hex = source.get(start..start + digits)?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

/// Scans one scalar's source (`base` is its offset in the document) for
/// candidate addresses.
///
/// Only a run of name bytes with a dot in it can be an address, and only a
/// `$` or a backquote can start a this-pod prefix: the scan jumps from one
/// such byte to the next (`memchr`), and reads the run around a dot from
/// its start. Most words of a script or a config file have no dot, and are
/// never read.
pub fn scan(source: &str, style: ScalarStyle, base: usize, this_pod: bool, found: &mut Vec<Candidate>) {
    // Most values hold no dot at all: nothing to do.
    if memchr::memchr(b'.', source.as_bytes()).is_none() {
        return;
    }
    let mut keep = |address: PeerAddress, prefix: usize| {
        let candidate = Candidate::of(&address, prefix);
        debug_assert_eq!(candidate.read_in(source, base), Some(address), "read again from the source");
        found.push(candidate);
    };
    let (bytes, start) = masked(source, style);
    let bytes = &*bytes;
    let mut at = start;
    while let Some(offset) = bytes.get(at..).and_then(|rest| next_mark(rest, this_pod)) {
        let mark = at + offset;
        if bytes[mark] != b'.' {
            // `$` or a backquote, where this pod's forms count.
            if let Some(prefix_end) = this_pod_prefix(bytes, mark) {
                if let Some((address, end)) = read_run(source, bytes, prefix_end + 1, base, Some(mark)) {
                    keep(address, prefix_end + 1 - mark);
                    at = end;
                    continue;
                }
            }
            at = mark + 1;
            continue;
        }
        // The run that holds the dot, from its start. Nothing before `at`
        // is part of it: `at` follows a byte that ends runs (or is a start).
        let mut run = mark;
        while run > at && is_run_byte(bytes[run - 1]) {
            run -= 1;
        }
        // A name starts after a byte that is part of no word or name.
        let after_boundary = run == start || !(is_word_byte(bytes[run - 1]) || is_token_byte(bytes[run - 1]));
        if after_boundary {
            if let Some((address, end)) = read_run(source, bytes, run, base, None) {
                keep(address, 0);
                at = end;
                continue;
            }
        }
        // Skip the rest of this run.
        at = mark + 1;
        while at < bytes.len() && is_run_byte(bytes[at]) {
            at += 1;
        }
    }
}

/// Where the next byte that can begin or hold an address is in `bytes`: a
/// dot, or, where this pod's forms count, a `$` or a backquote.
fn next_mark(bytes: &[u8], this_pod: bool) -> Option<usize> {
    if this_pod {
        memchr::memchr3(b'.', b'$', b'`', bytes)
    } else {
        memchr::memchr(b'.', bytes)
    }
}

/// A byte of a run the scan reads as one name: name bytes, and `_`.
fn is_run_byte(byte: u8) -> bool {
    is_token_byte(byte) || byte == b'_'
}

/// Where a "this pod" prefix at `at` ends (`$(hostname)`, `${POD}`, `$POD`,
/// `` `hostname` ``): the index of the `.` after it.
fn this_pod_prefix(bytes: &[u8], at: usize) -> Option<usize> {
    let end = match (bytes[at], bytes.get(at + 1)) {
        (b'$', Some(b'(')) => at + 2 + bytes.get(at + 2..)?.iter().take(40).position(|byte| *byte == b')')?,
        (b'$', Some(b'{')) => at + 2 + bytes.get(at + 2..)?.iter().take(40).position(|byte| *byte == b'}')?,
        (b'$', Some(first)) if first.is_ascii_alphabetic() || *first == b'_' => {
            let length =
                bytes[at + 1..].iter().take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_').count();
            at + length
        }
        (b'`', _) => {
            let close = at + 1 + bytes.get(at + 1..)?.iter().take(40).position(|byte| *byte == b'`')?;
            let inner = std::str::from_utf8(&bytes[at + 1..close]).ok()?.trim();
            if inner != "hostname" && inner != "hostname -s" {
                return None;
            }
            close
        }
        _ => return None,
    };
    (bytes.get(end + 1) == Some(&b'.')).then_some(end + 1)
}

/// Reads the run of name bytes from `start` (`bytes`: `source` masked);
/// returns the address it spells and where the run ends, or `None` when it
/// is no address.
fn read_run(
    source: &str,
    bytes: &[u8],
    start: usize,
    base: usize,
    this_pod: Option<usize>,
) -> Option<(PeerAddress, usize)> {
    let mut end = start;
    let mut first_dot = None;
    while end < bytes.len() {
        let byte = bytes[end];
        let label_start = end == start || bytes[end - 1] == b'.';
        if is_token_byte(byte) || (byte == b'_' && label_start) {
            if byte == b'.' && first_dot.is_none() {
                first_dot = Some(end);
            }
            end += 1;
        } else {
            break;
        }
    }
    if end < bytes.len() && is_word_byte(bytes[end]) {
        return None;
    }
    let mut name_end = end;
    if name_end > start && bytes[name_end - 1] == b'.' {
        name_end -= 1;
    }
    // Only "this pod" is followed by one label (`$(hostname).redis`); every
    // other form has two at least. Most runs are words of prose or commands.
    if this_pod.is_none() && first_dot.is_none_or(|dot| dot >= name_end) {
        return None;
    }
    // Name bytes are the source's own (masking only ever touches bytes that
    // end a name) and ASCII: the source's text, sliced, needs no decoding.
    let address = read_labels(source.get(start..name_end)?, base + start, this_pod.map(|prefix| base + prefix))?;
    Some((address, end))
}

/// The address that `name` (its labels, from `at` in the document) spells;
/// `this_pod` is where its this-pod prefix starts, if it has one.
fn read_labels(name: &str, at: usize, this_pod: Option<usize>) -> Option<PeerAddress> {
    let labels = Labels::split(name, at)?;
    classify(&labels, this_pod)
}

/// `web-2-1` → (`web-2`, 1): the last `-` followed by digits only, without a
/// leading zero.
pub fn split_pod(label: &str) -> Option<(&str, i64)> {
    let dash = label.as_bytes().iter().rposition(|byte| *byte == b'-')?;
    let (stateful_set, ordinal) = (label.get(..dash)?, label.get(dash + 1..)?);
    if stateful_set.is_empty()
        || ordinal.is_empty()
        || !ordinal.bytes().all(|byte| byte.is_ascii_digit())
        || (ordinal.len() > 1 && ordinal.starts_with('0'))
    {
        return None;
    }
    Some((stateful_set, ordinal.parse().ok()?))
}

/// A label being read, with its text.
#[derive(Clone, Copy)]
struct Part<'t> {
    text: &'t str,
    label: Label,
}

/// The labels of a name, valid ones only, without an allocation (every
/// candidate is read again each time its labels are asked for). SPEC's
/// forms need at most the first six apart: two of SRV, the Service, the
/// namespace, `svc` and the domain's first label; the domain runs from
/// there to the last label.
struct Labels<'t> {
    first: [Part<'t>; TOLD_APART],
    count: usize,
    last: Part<'t>,
    /// The first two start with `_` (`_peer._tcp.…`).
    srv: bool,
}

const TOLD_APART: usize = 6;

impl<'t> Labels<'t> {
    /// `text` split at its dots (`at`: where it starts in the document);
    /// `None` when a label is not a DNS label, or is `_`-prefixed without
    /// being one of the first two of an SRV name.
    fn split(text: &'t str, at: usize) -> Option<Labels<'t>> {
        let empty = Part { text: "", label: Label::new(TextRange::new(at, at)) };
        let mut labels = Labels { first: [empty; TOLD_APART], count: 0, last: empty, srv: false };
        let mut underscored = 0u8;
        let bytes = text.as_bytes();
        // One pass over the bytes, not `str::split` and a check per label:
        // a candidate is read again each time its labels are asked for.
        let (mut start, mut end) = (0, 0);
        loop {
            // The label being read is `start..end`, up to a dot or the end.
            match bytes.get(end) {
                Some(b'a'..=b'z' | b'0'..=b'9' | b'-') => {
                    end += 1;
                    continue;
                }
                Some(b'_') if end == start && labels.count < 2 => {
                    underscored |= 1 << labels.count;
                    end += 1;
                    continue;
                }
                Some(b'.') | None => {}
                Some(_) => return None,
            }
            // A label ends here: 1 to 63 bytes, a letter or digit at each end.
            let index = labels.count;
            let prefixed = index < 2 && underscored & (1 << index) != 0;
            let bare = bytes.get(start + usize::from(prefixed)..end)?;
            if bare.is_empty() || bare.len() > 63 || bare.first() == Some(&b'-') || bare.last() == Some(&b'-') {
                return None;
            }
            let part = Part { text: text.get(start..end)?, label: Label::new(TextRange::new(at + start, at + end)) };
            if let Some(slot) = labels.first.get_mut(index) {
                *slot = part;
            }
            labels.last = part;
            labels.count = index + 1;
            if end == bytes.len() {
                break;
            }
            end += 1;
            start = end;
        }
        labels.srv = match underscored {
            0 => false,
            0b11 => true,
            _ => return None,
        };
        Some(labels)
    }

    /// From label `from` on: `<svc>[.<ns>[.svc[.<domain>]]]`, as (Service,
    /// namespace, whether `svc` is spelt, domain).
    fn tail(&self, from: usize, needs_svc: bool) -> Option<(Label, Option<Label>, bool, Option<Label>)> {
        if self.count <= from {
            return None;
        }
        let service = self.first.get(from)?.label;
        let namespace = if self.count > from + 1 { Some(self.first.get(from + 1)?.label) } else { None };
        if self.count <= from + 2 {
            return (!needs_svc).then_some((service, namespace, false, None));
        }
        if self.first.get(from + 2)?.text != "svc" {
            return None;
        }
        let domain = if self.count > from + 3 {
            let first = self.first.get(from + 3)?.label.range().start;
            Some(Label::new(TextRange::new(first, self.last.label.range().end)))
        } else {
            None
        };
        Some((service, namespace, true, domain))
    }
}

/// Reads the labels as one of SPEC's forms.
fn classify(labels: &Labels<'_>, this_pod: Option<usize>) -> Option<PeerAddress> {
    let first = labels.first[0];
    let start = this_pod.unwrap_or(first.label.range().start);
    let range = CompactRange::new(TextRange::new(start, labels.last.label.range().end));
    if labels.srv {
        let (service, namespace, has_svc, domain) = labels.tail(2, true)?;
        namespace.as_ref()?;
        let strip = |part: Part<'_>| {
            let range = part.label.range();
            Label::new(TextRange::new(range.start + 1, range.end))
        };
        let kind = AddressKind::Srv(SrvLabels { port: strip(first), protocol: strip(labels.first[1]) });
        return Some(PeerAddress { range, kind, service, namespace, domain, has_svc });
    }
    if this_pod.is_some() {
        let (service, namespace, has_svc, domain) = labels.tail(0, false)?;
        return Some(PeerAddress { range, kind: AddressKind::ThisPod, service, namespace, domain, has_svc });
    }
    if labels.count >= 3 && labels.first[2].text == "svc" {
        let (service, namespace, has_svc, domain) = labels.tail(0, true)?;
        return Some(PeerAddress { range, kind: AddressKind::Service, service, namespace, domain, has_svc });
    }
    let (stateful_set, ordinal) = split_pod(first.text)?;
    let start = first.label.range().start;
    let stateful_set = Label::new(TextRange::new(start, start + stateful_set.len()));
    let (service, namespace, has_svc, domain) = labels.tail(1, false)?;
    Some(PeerAddress { range, kind: AddressKind::Pod { stateful_set, ordinal }, service, namespace, domain, has_svc })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each address found in `value` (scanned as `style`), written as the
    /// text of its range and of its labels.
    fn found(value: &str, style: ScalarStyle, this_pod: bool) -> Vec<String> {
        let mut addresses = Vec::new();
        scan(value, style, 0, this_pod, &mut addresses);
        addresses
            .iter()
            .map(|candidate| {
                let address = candidate.read(value).expect("a candidate reads back");
                let text = |label: &Label| &value[label.range().as_range()];
                let kind = match &address.kind {
                    AddressKind::Pod { stateful_set, ordinal } => format!("pod {}/{ordinal}", text(stateful_set)),
                    AddressKind::ThisPod => "this".to_owned(),
                    AddressKind::Service => "service".to_owned(),
                    AddressKind::Srv(srv) => format!("srv {}/{}", text(&srv.port), text(&srv.protocol)),
                };
                format!(
                    "{} = {kind} via {} ns {} domain {}",
                    &value[address.range().as_range()],
                    text(&address.service),
                    address.namespace.as_ref().map_or("-", text),
                    address.domain.as_ref().map_or("-", text),
                )
            })
            .collect()
    }

    fn plain(value: &str) -> Vec<String> {
        found(value, ScalarStyle::Plain, false)
    }

    #[test]
    fn forms_are_read_with_their_labels() {
        assert_eq!(plain("replicaof redis-0.redis 6379"), ["redis-0.redis = pod redis/0 via redis ns - domain -"]);
        assert_eq!(
            plain("zk-0.zk-hs.default.svc.cluster.local:2888:3888"),
            ["zk-0.zk-hs.default.svc.cluster.local = pod zk/0 via zk-hs ns default domain cluster.local"]
        );
        assert_eq!(plain("redis.cache.svc"), ["redis.cache.svc = service via redis ns cache domain -"]);
        assert_eq!(
            plain("_peer._tcp.etcd.db.svc.cluster.local"),
            ["_peer._tcp.etcd.db.svc.cluster.local = srv peer/tcp via etcd ns db domain cluster.local"]
        );
        assert_eq!(plain("web-2-1.nginx"), ["web-2-1.nginx = pod web-2/1 via nginx ns - domain -"]);
    }

    #[test]
    fn a_candidate_reads_its_labels_again_from_the_document() {
        // Offset in its document, after an escape, with a this-pod prefix.
        let value = r#""\tpeer $(hostname).redis-hs:6379, zk-1.zk.""#;
        let document = format!("{}{value}", "#".repeat(100));
        let mut found = Vec::new();
        scan(value, ScalarStyle::DoubleQuoted, 100, true, &mut found);
        let read: Vec<PeerAddress> = found.iter().map(|candidate| candidate.read(&document).expect("reads")).collect();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].kind, AddressKind::ThisPod);
        assert_eq!(&document[read[0].range().as_range()], "$(hostname).redis-hs");
        assert_eq!(read[0].service.text(&document), "redis-hs");
        assert!(matches!(read[1].kind, AddressKind::Pod { ordinal: 1, .. }));
        assert_eq!(&document[read[1].range().as_range()], "zk-1.zk");
        // Text that changed under a candidate reads as no address, not a wrong one.
        let edited = document.replace("redis-hs", "REDIS-HS");
        assert_eq!(found[0].read(&edited), None);
        assert_eq!(found[0].read("short"), None);
    }

    #[test]
    fn trailing_dots_ports_schemes_and_lists() {
        assert_eq!(plain("redis-0.redis."), ["redis-0.redis = pod redis/0 via redis ns - domain -"]);
        assert_eq!(
            plain("--initial-cluster=etcd-0=http://etcd-0.etcd:2380,etcd-1=http://etcd-1.etcd:2380"),
            ["etcd-0.etcd = pod etcd/0 via etcd ns - domain -", "etcd-1.etcd = pod etcd/1 via etcd ns - domain -"]
        );
        assert_eq!(
            plain("a-0.s,a-1.s"),
            ["a-0.s = pod a/0 via s ns - domain -", "a-1.s = pod a/1 via s ns - domain -"]
        );
    }

    #[test]
    fn plain_text_is_no_address() {
        for text in ["redis.conf", "server.1", "web-01.nginx", "MyRedis-0.redis", "FOO_redis-0.redis", "a..b-0.c"] {
            assert_eq!(plain(text), Vec::<String>::new(), "{text}");
        }
        // Four labels without `svc` are no form of ours.
        assert_eq!(plain("web-0.nginx.default.example"), Vec::<String>::new());
        // `web-1.example.com` is read (the guards in `checks` reject it).
        assert_eq!(plain("web-1.example.com"), ["web-1.example.com = pod web/1 via example ns com domain -"]);
    }

    #[test]
    fn every_label_is_a_dns_label() {
        let long = "a".repeat(63);
        let too_long = "a".repeat(64);
        assert_eq!(plain(&format!("redis-0.{long}")).len(), 1);
        for text in [
            format!("redis-0.{too_long}"),
            "redis-0.-redis".to_owned(),
            "redis-0.redis-".to_owned(),
            "_peer.etcd.db.svc".to_owned(),
            "_peer.etcd._tcp.db.svc".to_owned(),
            "__peer._tcp.etcd.db.svc".to_owned(),
            "_._tcp.etcd.db.svc".to_owned(),
        ] {
            assert_eq!(plain(&text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn this_pod_forms_only_where_asked() {
        let line = "$(hostname).redis-headless ${POD}.redis.cache `hostname`.redis $POD_NAME.redis";
        assert_eq!(
            found(line, ScalarStyle::Plain, true),
            [
                "$(hostname).redis-headless = this via redis-headless ns - domain -",
                "${POD}.redis.cache = this via redis ns cache domain -",
                "`hostname`.redis = this via redis ns - domain -",
                "$POD_NAME.redis = this via redis ns - domain -"
            ]
        );
        assert_eq!(found(line, ScalarStyle::Plain, false), Vec::<String>::new());
    }

    #[test]
    fn escapes_inside_a_name_skip_it_and_ranges_point_at_the_source() {
        let source = r#""\nredis-0.redis redis\x2d0.redis a-0.\
  s \x41-0.redis""#;
        assert_eq!(
            found(source, ScalarStyle::DoubleQuoted, false),
            ["redis-0.redis = pod redis/0 via redis ns - domain -"]
        );
        let block = "|2 # c-0.s comment\n  slaveof redis-0.redis 6379\n";
        assert_eq!(found(block, ScalarStyle::Literal, false), ["redis-0.redis = pod redis/0 via redis ns - domain -"]);
        assert_eq!(found("'it''s web-0.nginx'", ScalarStyle::SingleQuoted, false).len(), 1);
    }

    /// The scan as it was first written, byte by byte from the start: the
    /// dot-driven `scan` must find exactly what it finds.
    fn scan_byte_by_byte(source: &str, style: ScalarStyle, base: usize, this_pod: bool) -> Vec<Candidate> {
        let mut found = Vec::new();
        let (bytes, start) = masked(source, style);
        let bytes = &*bytes;
        let mut at = start;
        while at < bytes.len() {
            let byte = bytes[at];
            let after_boundary = at == start || !(is_word_byte(bytes[at - 1]) || is_token_byte(bytes[at - 1]));
            if this_pod && (byte == b'$' || byte == b'`') {
                if let Some(prefix_end) = this_pod_prefix(bytes, at) {
                    if let Some((address, end)) = read_run(source, bytes, prefix_end + 1, base, Some(at)) {
                        found.push(Candidate::of(&address, prefix_end + 1 - at));
                        at = end;
                        continue;
                    }
                }
                at += 1;
                continue;
            }
            if !after_boundary || !(is_token_byte(byte) || byte == b'_') {
                at += 1;
                continue;
            }
            match read_run(source, bytes, at, base, None) {
                Some((address, end)) => {
                    found.push(Candidate::of(&address, 0));
                    at = end;
                }
                None => {
                    at += 1;
                    while at < bytes.len() && (is_token_byte(bytes[at]) || bytes[at] == b'_') {
                        at += 1;
                    }
                }
            }
        }
        found
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn the_scan_by_dots_finds_what_reading_every_byte_finds(
            pieces in proptest::collection::vec(proptest::prop_oneof![
                proptest::string::string_regex("[a-z0-9._$`(){}: /=,\\\"\nA-Z-]{0,6}").expect("a regex"),
                proptest::sample::select(vec![
                    "redis-0", ".redis", ".svc", ".cluster.local", "$(hostname)", "${POD}", "$POD_NAME", "`hostname`",
                    "_peer", "._tcp", "web-2-1", "\\x2d", "\\\n", "..", "-0.", "_", "|2 #\n",
                ]).prop_map(str::to_owned),
            ], 0..14),
            style in proptest::sample::select(vec![
                ScalarStyle::Plain, ScalarStyle::SingleQuoted, ScalarStyle::DoubleQuoted,
                ScalarStyle::Literal, ScalarStyle::Folded,
            ]),
            base in 0usize..1000,
            this_pod: bool,
        ) {
            let source = pieces.concat();
            let mut found = Vec::new();
            scan(&source, style, base, this_pod, &mut found);
            let expected = if source.contains('.') { scan_byte_by_byte(&source, style, base, this_pod) } else { Vec::new() };
            proptest::prop_assert_eq!(found, expected, "{:?}", source);
        }
    }

    #[test]
    fn pods_split_at_the_last_dash() {
        assert_eq!(split_pod("web-2-1"), Some(("web-2", 1)));
        assert_eq!(split_pod("web-0"), Some(("web", 0)));
        assert_eq!(split_pod("web-01"), None);
        assert_eq!(split_pod("web-"), None);
        assert_eq!(split_pod("-1"), None);
        assert_eq!(split_pod("web-99999999999999999999999"), None);
    }
}

//! Label maps and label selectors (`matchLabels` and `matchExpressions`), and
//! whether a selector matches a set of labels.
//!
//! It knows nothing of which object a selector belongs to.

/// Labels in source order. Keys are unique in valid YAML; where a file repeats
/// one anyway, the last wins, as in the tree's `get`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels(pub Vec<(String, String)>);

impl Labels {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `app=redis, tier=cache`, for messages.
    pub fn display(&self) -> String {
        if self.0.is_empty() {
            return "{}".to_owned();
        }
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    /// An operator the API does not know; it rejects the object, so such a
    /// requirement matches nothing.
    Unknown(String),
}

impl Operator {
    pub fn parse(text: &str) -> Operator {
        match text {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => Operator::Unknown(other.to_owned()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    pub fn matches(&self, label: Option<&str>) -> bool {
        match (&self.operator, label) {
            (Operator::In, Some(value)) => self.values.iter().any(|v| v == value),
            (Operator::In, None) => false,
            (Operator::NotIn, Some(value)) => !self.values.iter().any(|v| v == value),
            (Operator::NotIn, None) => true,
            (Operator::Exists, label) => label.is_some(),
            (Operator::DoesNotExist, label) => label.is_none(),
            (Operator::Unknown(_), _) => false,
        }
    }
}

/// A `metav1.LabelSelector`. A Service's selector is a plain map: it is a
/// `LabelSelector` with `match_labels` only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub match_expressions: Vec<Requirement>,
}

impl LabelSelector {
    /// An empty selector. For a StatefulSet the API rejects it; for a Service
    /// it means "no selector": the Service selects no pods by itself.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether the selector matches labels looked up through `label`. An empty
    /// selector matches everything here; callers decide what empty means.
    pub fn matches(&self, label: &dyn Fn(&str) -> Option<String>) -> bool {
        self.match_labels.iter().all(|(key, value)| label(key).as_deref() == Some(value))
            && self.match_expressions.iter().all(|requirement| requirement.matches(label(&requirement.key).as_deref()))
    }

    pub fn matches_labels(&self, labels: &Labels) -> bool {
        self.matches(&|key| labels.get(key).map(str::to_owned))
    }

    /// Every key the selector looks at.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.match_labels
            .iter()
            .map(|(key, _)| key)
            .chain(self.match_expressions.iter().map(|requirement| requirement.key.as_str()))
    }

    /// Every value the selector names for `key`.
    pub fn values_for<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.match_labels.iter().filter(move |(k, _)| *k == key).map(|(_, v)| v).chain(
            self.match_expressions
                .iter()
                .filter(move |requirement| requirement.key == key)
                .flat_map(|requirement| requirement.values.iter().map(String::as_str)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        Labels(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn requirement(key: &str, operator: &str, values: &[&str]) -> Requirement {
        Requirement {
            key: key.to_owned(),
            operator: Operator::parse(operator),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn match_labels_need_every_pair() {
        let selector =
            LabelSelector { match_labels: labels(&[("app", "redis"), ("tier", "cache")]), match_expressions: vec![] };
        assert!(selector.matches_labels(&labels(&[("app", "redis"), ("tier", "cache"), ("x", "y")])));
        assert!(!selector.matches_labels(&labels(&[("app", "redis")])));
        assert!(!selector.matches_labels(&labels(&[("app", "redis"), ("tier", "db")])));
    }

    #[test]
    fn match_expressions_follow_the_api() {
        let pod = labels(&[("app", "redis"), ("role", "primary")]);
        let check = |r: Requirement| {
            LabelSelector { match_labels: Labels::default(), match_expressions: vec![r] }.matches_labels(&pod)
        };
        assert!(check(requirement("app", "In", &["redis", "valkey"])));
        assert!(!check(requirement("app", "In", &["valkey"])));
        assert!(check(requirement("app", "NotIn", &["valkey"])));
        assert!(check(requirement("missing", "NotIn", &["x"])));
        assert!(check(requirement("role", "Exists", &[])));
        assert!(!check(requirement("role", "DoesNotExist", &[])));
        assert!(check(requirement("missing", "DoesNotExist", &[])));
        assert!(!check(requirement("app", "Matches", &["redis"])));
    }

    #[test]
    fn display_lists_pairs() {
        assert_eq!(labels(&[("app", "redis"), ("tier", "cache")]).display(), "app=redis, tier=cache");
        assert_eq!(Labels::default().display(), "{}");
    }
}

//! Kubernetes name formats: DNS-1123 and DNS-1035 labels, IP addresses. Rules
//! in `checks` and rename in `ide` judge names with them.

/// A DNS-1123 label: 1–63 characters of `a-z`, `0-9` and `-`, starting and
/// ending with a letter or digit. StatefulSet names and `serviceName` must be.
pub fn is_dns1123_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A DNS-1035 label: a DNS-1123 label that starts with a letter. Service names
/// must be one until `RelaxedServiceNameValidation` (beta in Kubernetes 1.36,
/// GA in 1.37) relaxes them to DNS-1123 labels.
pub fn is_dns1035_label(name: &str) -> bool {
    is_dns1123_label(name) && name.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

pub fn is_ip_address(text: &str) -> bool {
    text.parse::<std::net::IpAddr>().is_ok()
}

/// A clusterIP value that was meant to be `None`: any spelling that differs
/// only by case or surrounding white space.
pub fn is_near_miss_none(text: &str) -> bool {
    text != "None" && text.trim().eq_ignore_ascii_case("none")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(is_dns1123_label("redis"));
        assert!(is_dns1123_label("0redis"));
        assert!(!is_dns1035_label("0redis"));
        assert!(is_dns1035_label("redis-0"));
        assert!(!is_dns1123_label("Redis"));
        assert!(!is_dns1123_label("redis-"));
        assert!(!is_dns1123_label("-redis"));
        assert!(!is_dns1123_label("re.dis"));
        assert!(!is_dns1123_label(""));
        assert!(is_dns1123_label(&"a".repeat(63)));
        assert!(!is_dns1123_label(&"a".repeat(64)));
    }

    #[test]
    fn cluster_ips() {
        assert!(is_ip_address("10.0.0.1"));
        assert!(is_ip_address("fd00::1"));
        assert!(!is_ip_address("10.0.0.300"));
        assert!(is_near_miss_none("none"));
        assert!(is_near_miss_none("NONE"));
        assert!(is_near_miss_none("None "));
        assert!(!is_near_miss_none("None"));
        assert!(!is_near_miss_none("nothing"));
    }
}

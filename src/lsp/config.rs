//! The `suanpan` configuration section, from `initializationOptions`, `workspace/configuration`
//! or `workspace/didChangeConfiguration`. Read leniently: an unknown key or a bad value is
//! reported as a warning and otherwise ignored, never a reason to stop checking.
//!
//! ```json
//! { "rules": { "number-format": false, "sum-mismatch": "warning" },
//!   "severity": { "unit-scale": "hint" },
//!   "fileTypes": ["txt", "md"],
//!   "debounceMs": 0,
//!   "inlayHints": true,
//!   "assumedUnit": "万元" }
//! ```
//!
//! `assumedUnit` is the unit of a table that declares none (no `单位：万元` above it or in its
//! header): `"none"` (the default: such a table's bare figures are left unread), `"元"`,
//! `"千元"`, `"万元"` or `"亿元"` (see [`crate::Options`]). Unlike the rule switches, which only
//! filter findings, it changes what is read, so a change re-runs the analysis.

use std::collections::HashMap;

use serde_json::Value;

use crate::finding::Severity;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Rules switched off.
    pub disabled: Vec<String>,
    /// Severity overrides per rule.
    pub severity: HashMap<String, Severity>,
    /// File extensions checked (lower case, no dot).
    pub file_types: Vec<String>,
    /// Wait this long after an edit before analysing (0: analyse at once).
    pub debounce_ms: u64,
    pub inlay_hints: bool,
    /// The unit of tables that declare none, as a factor of 元 (`None`: leave them unread).
    pub assumed_unit: Option<u32>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            disabled: Vec::new(),
            severity: HashMap::new(),
            file_types: vec!["txt".into(), "md".into(), "markdown".into()],
            debounce_ms: 0,
            inlay_hints: true,
            assumed_unit: None,
        }
    }
}

impl Config {
    /// Parse a settings object; returns the config and warnings for what was not understood.
    /// Accepts the section itself or an object holding it under `suanpan`.
    pub fn from_json(value: &Value) -> (Config, Vec<String>) {
        let mut c = Config::default();
        let mut warnings = Vec::new();
        let obj = match value.get("suanpan").unwrap_or(value) {
            Value::Object(o) => o,
            Value::Null => return (c, warnings),
            other => {
                warnings.push(format!("settings should be an object, got {other}"));
                return (c, warnings);
            }
        };
        for (key, v) in obj {
            match key.as_str() {
                "rules" => {
                    for (rule, v) in v.as_object().into_iter().flatten() {
                        if !known_rule(rule, &mut warnings) {
                            continue;
                        }
                        match v {
                            Value::Bool(true) => {}
                            Value::Bool(false) => c.disabled.push(rule.clone()),
                            Value::String(s) if s == "off" => c.disabled.push(rule.clone()),
                            Value::String(s) if s == "on" => {}
                            Value::String(s) => match Severity::parse(s) {
                                Some(sev) => {
                                    c.severity.insert(rule.clone(), sev);
                                }
                                None => warnings.push(format!("rules.{rule}: unknown value {s:?}")),
                            },
                            other => warnings.push(format!("rules.{rule}: unknown value {other}")),
                        }
                    }
                }
                "severity" => {
                    for (rule, v) in v.as_object().into_iter().flatten() {
                        if !known_rule(rule, &mut warnings) {
                            continue;
                        }
                        match v.as_str().and_then(Severity::parse) {
                            Some(sev) => {
                                c.severity.insert(rule.clone(), sev);
                            }
                            None => warnings.push(format!(
                                "severity.{rule}: expected error|warning|info|hint, got {v}"
                            )),
                        }
                    }
                }
                "fileTypes" | "filetypes" => match v.as_array() {
                    Some(list) => {
                        c.file_types = list
                            .iter()
                            .filter_map(Value::as_str)
                            .map(|s| s.trim_start_matches('.').to_lowercase())
                            .collect()
                    }
                    None => warnings.push(format!("fileTypes: expected a list, got {v}")),
                },
                "debounceMs" | "debounce_ms" => match v.as_u64() {
                    Some(ms) => c.debounce_ms = ms.min(10_000),
                    None => warnings.push(format!("debounceMs: expected a number, got {v}")),
                },
                "inlayHints" => match v.as_bool() {
                    Some(b) => c.inlay_hints = b,
                    None => warnings.push(format!("inlayHints: expected true/false, got {v}")),
                },
                "assumedUnit" => match v {
                    Value::Null => c.assumed_unit = None,
                    Value::String(s) => match crate::Options::parse_unit(s) {
                        Ok(unit) => c.assumed_unit = unit,
                        Err(e) => warnings.push(format!("assumedUnit: {e}")),
                    },
                    other => warnings.push(format!(
                        "assumedUnit: expected \"none\", \"元\", \"千元\", \"万元\" or \"亿元\", got {other}"
                    )),
                },
                other => warnings.push(format!("unknown setting {other:?}")),
            }
        }
        (c, warnings)
    }

    /// What the analysis itself is told (the settings that change what is read, not what is
    /// shown).
    pub fn options(&self) -> crate::Options {
        crate::Options {
            assumed_unit: self.assumed_unit,
        }
    }

    /// The severity a rule's finding is shown with, or `None` when the rule is off.
    pub fn severity_of(&self, rule: &str, default: Severity) -> Option<Severity> {
        if self.disabled.iter().any(|r| r == rule) {
            return None;
        }
        Some(self.severity.get(rule).copied().unwrap_or(default))
    }

    /// Whether a document is checked, by the extension of its path or, for untitled buffers,
    /// by its language id.
    pub fn checks(&self, uri_path: &str, language_id: &str) -> bool {
        let name = uri_path.rsplit('/').next().unwrap_or("");
        let ext = match name.rsplit_once('.') {
            Some((_, ext)) if !ext.is_empty() => ext.to_lowercase(),
            _ => match language_id {
                "plaintext" | "text" => "txt".into(),
                "markdown" => "md".into(),
                other => other.to_lowercase(),
            },
        };
        self.file_types.contains(&ext)
    }
}

fn known_rule(rule: &str, warnings: &mut Vec<String>) -> bool {
    let known = crate::rules::find(rule).is_some();
    if !known {
        warnings.push(format!("unknown rule {rule:?} (see `suanpan explain`)"));
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_rules_severities_and_file_types() {
        let (c, w) = Config::from_json(&json!({"suanpan": {
            "rules": {"number-format": false, "sum-mismatch": "warning", "nope": true},
            "severity": {"unit-scale": "hint"},
            "fileTypes": [".TXT"],
            "debounceMs": 50,
            "colour": 1
        }}));
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(c.severity_of("number-format", Severity::Warning), None);
        assert_eq!(
            c.severity_of("sum-mismatch", Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(
            c.severity_of("unit-scale", Severity::Error),
            Some(Severity::Hint)
        );
        assert!(c.checks("/a/b/report.txt", "plaintext"));
        assert!(!c.checks("/a/b/report.md", "markdown"));
        assert_eq!(c.debounce_ms, 50);
        let d = Config::default();
        assert!(d.checks("/r.md", "markdown"));
        assert!(d.checks("Untitled-1", "plaintext"));
        assert!(!d.checks("/x.rs", "rust"));
    }

    #[test]
    fn parses_the_assumed_unit() {
        let unit = |v: Value| {
            let (c, w) = Config::from_json(&json!({ "assumedUnit": v }));
            (c.options().assumed_unit, w.len())
        };
        assert_eq!(Config::default().options(), crate::Options::default());
        assert_eq!(unit(json!("万元")), (Some(10_000), 0));
        assert_eq!(unit(json!("元")), (Some(1), 0));
        assert_eq!(unit(json!("千元")), (Some(1_000), 0));
        assert_eq!(unit(json!("亿元")), (Some(100_000_000), 0));
        assert_eq!(unit(json!("none")), (None, 0));
        assert_eq!(unit(Value::Null), (None, 0));
        // A bad value is a warning and leaves the default.
        assert_eq!(unit(json!("美元")), (None, 1));
        assert_eq!(unit(json!(10000)), (None, 1));
    }
}

//! Number formatting for what the IDE shows: thousands separators, percentages, unit scales.

use rust_decimal::prelude::*;

/// `8065382.38` → `8,065,382.38`, keeping the value's own decimals.
pub fn group(d: Decimal) -> String {
    let s = d.to_string();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A value rounded to `dp` decimals and grouped.
pub fn group_dp(d: Decimal, dp: u32) -> String {
    group(d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
}

/// `part / whole` as a percentage with two decimals (`90.61%`); `None` when the whole is 0.
pub fn percent(part: Decimal, whole: Decimal) -> Option<String> {
    if whole.is_zero() {
        return None;
    }
    let p = part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)?;
    Some(format!("{}%", group_dp(p, 2)))
}

/// How many 元 one unit of `unit` is; `None` for units that are not money (`%`, `项`, none).
pub fn money_scale(unit: &str) -> Option<Decimal> {
    match unit {
        "元" => Some(Decimal::ONE),
        "千元" => Some(Decimal::from(1_000)),
        "万元" => Some(Decimal::from(10_000)),
        "百万元" => Some(Decimal::from(1_000_000)),
        "亿元" => Some(Decimal::from(100_000_000)),
        _ => None,
    }
}

/// `value` written in `from`, expressed in `to`; unchanged when either is not money.
pub fn convert(value: Decimal, from: &str, to: &str) -> Decimal {
    match (money_scale(from), money_scale(to)) {
        (Some(f), Some(t)) if f != t => value
            .checked_mul(f)
            .and_then(|v| v.checked_div(t))
            .unwrap_or(value),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn groups_thousands_and_keeps_decimals() {
        assert_eq!(group(d("8065382.38")), "8,065,382.38");
        assert_eq!(group(d("-115469.94")), "-115,469.94");
        assert_eq!(group(d("178")), "178");
        assert_eq!(group(d("100.0")), "100.0");
        assert_eq!(group(d("0")), "0");
    }

    #[test]
    fn percentages_and_scales() {
        assert_eq!(percent(d("1"), d("3")).unwrap(), "33.33%");
        assert_eq!(percent(d("1"), d("0")), None);
        assert_eq!(convert(d("11492964.29"), "元", "万元"), d("1149.296429"));
        assert_eq!(convert(d("3"), "项", "元"), d("3"));
    }
}

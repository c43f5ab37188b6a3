//! Exact money and percentage arithmetic for the generator, and the mutations that turn a
//! correct figure into a wrong one.
//!
//! Amounts live in 分 (i64, 0.01元). A displayed amount is an integer count of hundredths of its
//! display unit: 分 for 元, and `round(分 / 10000)` for 万元. Percentages are integers scaled by
//! 10^decimals. All rounding is half away from zero, like Excel's ROUND, which produced most real
//! reports.

use super::rng::Rng;

/// `round(n / d)` half away from zero, exact (d ≠ 0).
pub fn round_div(n: i128, d: i128) -> i128 {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    if n >= 0 {
        (2 * n + d) / (2 * d)
    } else {
        -((-2 * n + d) / (2 * d))
    }
}

pub fn pow10(e: u32) -> i64 {
    10i64.pow(e)
}

/// `v / 10^dec` as text with `dec` decimals, optional thousands separators.
pub fn fmt_fixed(v: i64, dec: u32, sep: bool) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let p = 10u64.pow(dec);
    let int = (a / p).to_string();
    let frac = a % p;
    let int = if sep { group(&int, ",") } else { int };
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&int);
    if dec > 0 {
        s.push('.');
        s.push_str(&format!("{:0width$}", frac, width = dec as usize));
    }
    s
}

/// Insert `sep` every three digits from the right.
pub fn group(int: &str, sep: &str) -> String {
    let b: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in b.iter().enumerate() {
        if i > 0 && (b.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(*c);
    }
    out
}

/// The exact share `part / whole` in percent, rounded to `dec` decimals, scaled by 10^dec.
pub fn pct(part: i64, whole: i64, dec: u32) -> i64 {
    round_div(part as i128 * 100 * pow10(dec) as i128, whole as i128) as i64
}

/// Interval of `a / b * 100` when each of the displayed hundredths `a`, `b` stands for ± half a
/// hundredth — what a careful checker must accept.
pub fn ratio_interval(a: i64, b: i64) -> (f64, f64) {
    let (a, b) = (a as f64, b as f64);
    let lo_a = (a - 0.5).max(0.0);
    let hi_a = a + 0.5;
    let lo_b = (b - 0.5).max(1e-9);
    let hi_b = b + 0.5;
    (lo_a / hi_b * 100.0, hi_a / lo_b * 100.0)
}

/// Whether a stated percentage `s` (scaled by 10^dec) is provably outside `[lo, hi]` (in
/// percent), with a margin of two units of the stated precision so that no reasonable rounding
/// convention can excuse it.
pub fn provably_outside(s: i64, dec: u32, lo: f64, hi: f64) -> bool {
    let ulp = 1.0 / pow10(dec) as f64;
    let v = s as f64 * ulp;
    let margin = 2.0 * ulp + 0.05;
    v + margin < lo || v - margin > hi
}

/// A wrong version of a displayed amount `v` (hundredths), at least one whole unit away so no
/// rounding slack can explain it. Returns the new value and what was done.
pub fn mutate_amount(rng: &mut Rng, v: i64) -> (i64, String) {
    for _ in 0..20 {
        let style = rng.below(3);
        let cand = match style {
            0 => digit_typo(rng, v),
            1 => transpose(rng, v),
            _ => arbitrary(rng, v),
        };
        if let Some((w, how)) = cand {
            if (w - v).abs() >= 100 && w > 0 {
                return (w, how);
            }
        }
    }
    let w = v + 100 * rng.range(3, 50);
    (w, "arbitrary".to_string())
}

fn digit_typo(rng: &mut Rng, v: i64) -> Option<(i64, String)> {
    let int = (v / 100).to_string();
    if v < 100 {
        return None;
    }
    let mut d: Vec<u8> = int.bytes().collect();
    let i = rng.index(d.len());
    let old = d[i];
    let mut new = b'0' + rng.below(10) as u8;
    if new == old {
        new = b'0' + ((old - b'0' + 1) % 10);
    }
    if i == 0 && new == b'0' {
        new = b'1' + (old - b'0') % 8;
        if new == old {
            new = b'9';
        }
    }
    d[i] = new;
    let w: i64 = String::from_utf8(d).ok()?.parse().ok()?;
    Some((w * 100 + v % 100, "digit typo".to_string()))
}

fn transpose(rng: &mut Rng, v: i64) -> Option<(i64, String)> {
    let int = (v / 100).to_string();
    let d: Vec<u8> = int.bytes().collect();
    let cands: Vec<usize> = (0..d.len().saturating_sub(1))
        .filter(|&i| d[i] != d[i + 1] && !(i == 0 && d[1] == b'0'))
        .collect();
    if cands.is_empty() {
        return None;
    }
    let i = *rng.pick(&cands);
    let mut e = d.clone();
    e.swap(i, i + 1);
    let w: i64 = String::from_utf8(e).ok()?.parse().ok()?;
    Some((w * 100 + v % 100, "transposed digits".to_string()))
}

fn arbitrary(rng: &mut Rng, v: i64) -> Option<(i64, String)> {
    let f = rng.factor(0.05, 0.4);
    let delta = ((v as f64 * f) as i64).max(100 + rng.range(0, 999));
    let w = if rng.chance(0.5) || v - delta <= 0 {
        v + delta
    } else {
        v - delta
    };
    Some((w, "arbitrary change".to_string()))
}

/// Split `total` into `weights.len()` non-negative parts proportional to the weights that add
/// up to `total` exactly (the remainder goes to the largest weight).
pub fn split(total: i64, weights: &[u64]) -> Vec<i64> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        let mut v = vec![0; weights.len()];
        if let Some(x) = v.first_mut() {
            *x = total;
        }
        return v;
    }
    let mut parts: Vec<i64> = weights
        .iter()
        .map(|&w| (total as i128 * w as i128 / sum as i128) as i64)
        .collect();
    let rest = total - parts.iter().sum::<i64>();
    let big = weights
        .iter()
        .enumerate()
        .max_by_key(|(_, w)| **w)
        .map(|(i, _)| i)
        .unwrap_or(0);
    parts[big] += rest;
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_div(5, 10), 1);
        assert_eq!(round_div(-5, 10), -1);
        assert_eq!(round_div(4, 10), 0);
        assert_eq!(fmt_fixed(1234567, 2, true), "12,345.67");
        assert_eq!(fmt_fixed(-5, 2, false), "-0.05");
        assert_eq!(pct(1, 3, 1), 333);
    }
}

//! Rounding-aware arithmetic: every stated figure is an interval of the values that round to it.
//!
//! `890.17` stands for [890.165, 890.175]; a sum of intervals is the interval of sums, a
//! quotient the interval of quotients. A relation is violated only when the interval of the
//! computed side and the interval of the stated side cannot meet (as in XBRL Calculations 1.1).
//! Bounds are closed: a figure at exactly the half-way point may have been rounded either way.

use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub lo: Decimal,
    pub hi: Decimal,
}

impl Interval {
    pub fn exact(v: Decimal) -> Interval {
        Interval { lo: v, hi: v }
    }

    /// `v ± half`.
    pub fn around(v: Decimal, half: Decimal) -> Option<Interval> {
        Some(Interval {
            lo: v.checked_sub(half)?,
            hi: v.checked_add(half)?,
        })
    }

    pub fn mid(self) -> Decimal {
        (self.lo + self.hi) / Decimal::TWO
    }

    pub fn plus(self, o: Interval) -> Option<Interval> {
        Some(Interval {
            lo: self.lo.checked_add(o.lo)?,
            hi: self.hi.checked_add(o.hi)?,
        })
    }

    pub fn minus(self, o: Interval) -> Option<Interval> {
        Some(Interval {
            lo: self.lo.checked_sub(o.hi)?,
            hi: self.hi.checked_sub(o.lo)?,
        })
    }

    pub fn negated(self) -> Interval {
        Interval {
            lo: -self.hi,
            hi: -self.lo,
        }
    }

    pub fn scale(self, k: Decimal) -> Option<Interval> {
        let a = self.lo.checked_mul(k)?;
        let b = self.hi.checked_mul(k)?;
        Some(Interval {
            lo: a.min(b),
            hi: a.max(b),
        })
    }

    /// `self ÷ o`; None when `o` may be zero (the quotient is unbounded) or on overflow.
    pub fn over(self, o: Interval) -> Option<Interval> {
        if o.lo <= Decimal::ZERO && o.hi >= Decimal::ZERO {
            return None;
        }
        let c = [
            self.lo.checked_div(o.lo)?,
            self.lo.checked_div(o.hi)?,
            self.hi.checked_div(o.lo)?,
            self.hi.checked_div(o.hi)?,
        ];
        let lo = c.iter().copied().min()?;
        let hi = c.iter().copied().max()?;
        Some(Interval { lo, hi })
    }

    pub fn meets(self, o: Interval) -> bool {
        self.lo <= o.hi && o.lo <= self.hi
    }

    pub fn sum(items: impl IntoIterator<Item = Interval>) -> Option<Interval> {
        items
            .into_iter()
            .try_fold(Interval::exact(Decimal::ZERO), |acc, i| acc.plus(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn iv(v: &str, dp: u32) -> Interval {
        Interval::around(d(v), crate::extract::number::half_ulp(dp)).unwrap()
    }

    #[test]
    fn rounding_slack_is_not_an_error() {
        // 810.84 + 79.32 = 890.16 against a stated 890.17: each part is ±0.005.
        let s = iv("810.84", 2).plus(iv("79.32", 2)).unwrap();
        assert!(s.meets(iv("890.17", 2)));
        // 890.17 + 255.64 = 1145.81 against 1145.80.
        assert!(iv("890.17", 2)
            .plus(iv("255.64", 2))
            .unwrap()
            .meets(iv("1145.80", 2)));
        // but 0.03 off on two parts is not rounding.
        assert!(!iv("810.84", 2)
            .plus(iv("79.32", 2))
            .unwrap()
            .meets(iv("890.19", 2)));
    }

    #[test]
    fn quotients_propagate_rounding() {
        let q = iv("255.64", 2)
            .over(iv("259.11", 2))
            .unwrap()
            .scale(d("100"))
            .unwrap();
        assert!(q.meets(iv("99", 0)));
        assert!(!q.meets(iv("98", 0)));
        assert!(iv("1", 0).over(iv("0", 2)).is_none());
    }
}

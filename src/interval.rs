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
        // Halved apart only when the sum overflows (bounds near Decimal's limit): a panic,
        // before, on `8元比7789385151184245861628612.0万，增9%`.
        match self.lo.checked_add(self.hi) {
            Some(sum) => sum / Decimal::TWO,
            None => self.lo / Decimal::TWO + self.hi / Decimal::TWO,
        }
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
        // With a divisor of one sign, x / y is monotone in each of x and y, so the bounds are
        // two of the four corner quotients, known in advance (a Decimal division costs ~700
        // instructions): x ≥ 0 shrinks as y grows, x < 0 grows; y > 0 keeps the order of x,
        // y < 0 reverses it. The corner of largest magnitude, the one that may overflow, is
        // always among the two.
        let toward_zero = |x: Decimal| if x >= Decimal::ZERO { o.hi } else { o.lo };
        let away = |x: Decimal| if x >= Decimal::ZERO { o.lo } else { o.hi };
        let (lo, hi) = if o.lo > Decimal::ZERO {
            (
                self.lo.checked_div(toward_zero(self.lo))?,
                self.hi.checked_div(away(self.hi))?,
            )
        } else {
            (
                self.hi.checked_div(toward_zero(self.hi))?,
                self.lo.checked_div(away(self.lo))?,
            )
        };
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

    /// The two corners `over` picks are the minimum and maximum of all four quotients.
    #[test]
    fn quotients_bounds_are_the_extreme_corners() {
        let four = |a: Interval, b: Interval| -> Option<Interval> {
            if b.lo <= Decimal::ZERO && b.hi >= Decimal::ZERO {
                return None;
            }
            let c = [
                a.lo.checked_div(b.lo)?,
                a.lo.checked_div(b.hi)?,
                a.hi.checked_div(b.lo)?,
                a.hi.checked_div(b.hi)?,
            ];
            Some(Interval {
                lo: *c.iter().min()?,
                hi: *c.iter().max()?,
            })
        };
        let mut rng = crate::testing::Lcg::new(5);
        let value = |rng: &mut crate::testing::Lcg| {
            let scale = (rng.next() % 12) as u32;
            let m = (rng.next() % 2_000_000_000) as i64 - 1_000_000_000;
            let big = rng.next() % 10 == 0;
            let v = Decimal::new(m, scale);
            if big {
                v * Decimal::from(10_000_000_000_000_000_i64)
            } else {
                v
            }
        };
        for _ in 0..20_000 {
            let (a, b, c, e) = (
                value(&mut rng),
                value(&mut rng),
                value(&mut rng),
                value(&mut rng),
            );
            let x = Interval {
                lo: a.min(b),
                hi: a.max(b),
            };
            let y = Interval {
                lo: c.min(e),
                hi: c.max(e),
            };
            assert_eq!(x.over(y), four(x, y), "{x:?} / {y:?}");
        }
    }
}

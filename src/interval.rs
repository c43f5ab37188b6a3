//! Rounding-aware arithmetic: every stated figure is an interval of the values that round to it.
//!
//! `890.17` stands for [890.165, 890.175]; a sum of intervals is the interval of sums, a
//! quotient the interval of quotients. A relation is violated only when the interval of the
//! computed side and the interval of the stated side cannot meet (as in XBRL Calculations 1.1).
//! Bounds are closed: a figure at exactly the half-way point may have been rounded either way.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::extract::number::half_ulp;

/// 10^k for the scale differences Decimal aligns in 128 bits (k ≤ 19).
const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut k = 1;
    while k < 20 {
        p[k] = p[k - 1] * 10;
        k += 1;
    }
    p
};

/// `x ≥ 0`, read off the sign bit (-0 is 0): a Decimal comparison is a call.
pub fn non_negative(x: Decimal) -> bool {
    x.is_zero() || x.is_sign_positive()
}

/// `x > 0`, read off the sign bit.
pub fn positive(x: Decimal) -> bool {
    !x.is_zero() && x.is_sign_positive()
}

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

    /// A figure as written: `±value × factor`, give or take half a unit of its `decimals`-th
    /// decimal (× factor). The same bounds, down to the Decimal scale, as
    /// `around(±value × factor, half_ulp(decimals) × factor)` (`of_figure_decimal`), which
    /// stays the path for anything unusual; a plainly written figure (mantissa and factor
    /// under 2^64) is done in integers: the Decimal operations cost ~250 instructions a figure.
    pub fn of_figure(
        value: Decimal,
        negative: bool,
        factor: Decimal,
        decimals: u32,
    ) -> Option<Interval> {
        match Interval::of_figure_integer(value, negative, factor, decimals) {
            Some(iv) => Some(iv),
            None => Interval::of_figure_decimal(value, negative, factor, decimals),
        }
    }

    fn of_figure_decimal(
        value: Decimal,
        negative: bool,
        factor: Decimal,
        decimals: u32,
    ) -> Option<Interval> {
        let v = value.checked_mul(factor)?;
        Interval::around(
            if negative { -v } else { v },
            half_ulp(decimals).checked_mul(factor)?,
        )
    }

    /// `of_figure` where Decimal's result is the exact one at the larger scale (operands under
    /// 2^64, scales at most 19 apart, results under 2^96, scales ≤ 28); None elsewhere. A zero
    /// bound, a negative value and a factor that is not positive are left to Decimal, whose
    /// sign and scale of a zero depend on its path.
    fn of_figure_integer(
        value: Decimal,
        negative: bool,
        factor: Decimal,
        decimals: u32,
    ) -> Option<Interval> {
        // Negative mantissas do not convert; a zero factor is refused.
        let fm = u64::try_from(factor.mantissa()).ok().filter(|&f| f != 0)?;
        let m = u64::try_from(value.mantissa()).ok()?;
        let hm = fm.checked_mul(5)?;
        if decimals >= Decimal::MAX_SCALE {
            return None;
        }
        let sf = factor.scale();
        let sv = value.scale() + sf; // the scale of value × factor
        let sh = decimals + 1 + sf; // the scale of the half unit
        if sv > Decimal::MAX_SCALE || sh > Decimal::MAX_SCALE {
            return None;
        }
        let dec = |m: u128, neg: bool, s: u32| {
            Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, neg, s)
        };
        if m == 0 {
            // value × factor is Decimal::ZERO (scale 0, either sign): `around` gives ∓ the half
            // unit itself.
            return Some(Interval {
                lo: dec(hm as u128, true, sh),
                hi: dec(hm as u128, false, sh),
            });
        }
        let vm = u64::try_from(m as u128 * fm as u128).ok()?;
        let s = sv.max(sh);
        let a = vm as u128 * *POW10.get((s - sv) as usize)? as u128;
        let b = hm as u128 * *POW10.get((s - sh) as usize)? as u128;
        // One of the two is not scaled up: the sum stays within u128.
        let hi = a + b;
        if hi >= 1 << 96 || a == b {
            return None;
        }
        let (lo, hi) = (dec(a.abs_diff(b), a < b, s), dec(hi, false, s));
        Some(if negative {
            Interval { lo: -hi, hi: -lo }
        } else {
            Interval { lo, hi }
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
        // `(a.min(b), a.max(b))` in one comparison instead of two. On a tie both were `a`
        // (rust_decimal's own `min` and `max` return `self`; std's `Ord::max` would not): equal
        // values may differ in scale, which the analysis shows.
        Some(match a.cmp(&b) {
            Ordering::Greater => Interval { lo: b, hi: a },
            Ordering::Less => Interval { lo: a, hi: b },
            Ordering::Equal => Interval::exact(a),
        })
    }

    /// `self ÷ o`; None when `o` may be zero (the quotient is unbounded) or on overflow.
    pub fn over(self, o: Interval) -> Option<Interval> {
        if !positive(o.lo) && non_negative(o.hi) {
            return None;
        }
        // With a divisor of one sign, x / y is monotone in each of x and y, so the bounds are
        // two of the four corner quotients, known in advance (a Decimal division costs ~700
        // instructions): x ≥ 0 shrinks as y grows, x < 0 grows; y > 0 keeps the order of x,
        // y < 0 reverses it. The corner of largest magnitude, the one that may overflow, is
        // always among the two.
        let toward_zero = |x: Decimal| if non_negative(x) { o.hi } else { o.lo };
        let away = |x: Decimal| if non_negative(x) { o.lo } else { o.hi };
        let (lo, hi) = if positive(o.lo) {
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

    /// `self.meets(Interval::exact(Decimal::ZERO))`, from the signs of the bounds.
    pub fn contains_zero(self) -> bool {
        !positive(self.lo) && non_negative(self.hi)
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
        Interval::around(d(v), half_ulp(dp)).unwrap()
    }

    fn bits(i: Option<Interval>) -> Option<([u8; 16], [u8; 16])> {
        i.map(|i| (i.lo.serialize(), i.hi.serialize()))
    }

    /// The integer path gives Decimal's bounds bit for bit (scale and sign of zero included).
    #[test]
    fn figures_in_integers_are_decimals_bit_for_bit() {
        let mut rng = crate::testing::Lcg::new(11);
        let factors = [
            Decimal::ONE,
            Decimal::from(10_000),
            Decimal::from(100_000_000),
            Decimal::from(1000),
            Decimal::ZERO,
            Decimal::new(1, 4),
            Decimal::new(25, 1),
            Decimal::new(-1, 0),
            Decimal::new(12345, 3),
            -Decimal::ZERO,
            Decimal::MAX,
        ];
        for k in 0..200_000u64 {
            let scale = (rng.next() % 29) as u32;
            let m: i128 = match rng.next() % 6 {
                0 => 0,
                1 => (rng.next() % 1000) as i128,
                2 => (rng.next() % 10_000_000_000) as i128,
                3 => (rng.next() as i128) << (rng.next() % 40),
                4 => (1i128 << 64) - 1 - (rng.next() % 3) as i128,
                _ => (rng.next() % 100) as i128 * 10i128.pow((rng.next() % 27) as u32),
            };
            let mut value = Decimal::from_i128_with_scale(m.min((1 << 96) - 1), scale);
            if k % 50 == 0 {
                value = -value;
            }
            let factor = factors[(rng.next() % factors.len() as u64) as usize];
            // half_ulp asserts decimals + 1 ≤ 28, in both paths alike.
            let decimals = (rng.next() % 28) as u32;
            let negative = rng.next() % 3 == 0;
            assert_eq!(
                bits(Interval::of_figure(value, negative, factor, decimals)),
                bits(Interval::of_figure_decimal(
                    value, negative, factor, decimals
                )),
                "{value:?} {negative} {factor:?} {decimals}"
            );
        }
        // Figures as a report writes them, and the zero cases.
        for (v, dp) in [
            ("0", 0),
            ("0.00", 2),
            ("890.17", 2),
            ("0.005", 2),
            ("0.05", 1),
        ] {
            for f in factors {
                for neg in [false, true] {
                    assert_eq!(
                        bits(Interval::of_figure(d(v), neg, f, dp)),
                        bits(Interval::of_figure_decimal(d(v), neg, f, dp)),
                    );
                }
            }
        }
    }

    #[test]
    fn signs_are_comparisons_with_zero() {
        for x in [
            d("0"),
            -d("0"),
            d("0.000"),
            -d("0.000"),
            d("1"),
            d("-1"),
            d("0.0001"),
            d("-0.0001"),
            Decimal::MAX,
            Decimal::MIN,
        ] {
            assert_eq!(non_negative(x), x >= Decimal::ZERO, "{x:?}");
            assert_eq!(positive(x), x > Decimal::ZERO, "{x:?}");
            for y in [d("0"), -d("0"), d("-1"), d("1"), d("0.01")] {
                let i = Interval { lo: x, hi: y };
                let zero = Interval::exact(Decimal::ZERO);
                assert_eq!(i.contains_zero(), i.meets(zero), "{i:?}");
            }
        }
    }

    /// `scale` gives `(a.min(b), a.max(b))` bit for bit, ties of unlike scales included.
    #[test]
    fn scaled_bounds_are_min_and_max() {
        let ks = [
            d("100"),
            d("-1"),
            d("0"),
            d("10000"),
            d("0.0001"),
            d("-2.5"),
        ];
        let vs = [
            d("1.0"),
            d("1.00"),
            d("-3"),
            d("0"),
            -d("0"),
            d("0.005"),
            d("7"),
        ];
        for k in ks {
            for lo in vs {
                for hi in vs {
                    let i = Interval { lo, hi };
                    let want = (|| {
                        let (a, b) = (lo.checked_mul(k)?, hi.checked_mul(k)?);
                        Some(Interval {
                            lo: a.min(b),
                            hi: a.max(b),
                        })
                    })();
                    assert_eq!(bits(i.scale(k)), bits(want), "{i:?} × {k:?}");
                }
            }
        }
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

//! Helpers of the unit tests that hold a fast path equal to its plain reference on many
//! generated inputs (the number lexer, the label word automata, figure formatting).

/// A deterministic stream of pseudo-random numbers (Knuth's MMIX linear congruential
/// generator): the same inputs on every run and every machine.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }

    /// `count` of `pieces`, drawn at random and joined: text where the pieces meet in every
    /// order.
    pub fn join(&mut self, pieces: &[impl AsRef<str>], count: usize) -> String {
        let mut s = String::new();
        for _ in 0..count {
            let i = (self.next() >> 33) as usize % pieces.len();
            s.push_str(pieces[i].as_ref());
        }
        s
    }
}

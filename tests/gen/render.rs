//! Renders a [`Ledger`] as the text of a 部门决算说明 / 部门预算说明, choosing phrasings at random
//! (DOMAIN.md §7) and injecting the errors an [`Injector`] asks for.
//!
//! Every figure is written through a helper that knows its line, so each injected error is
//! recorded with the line where a checker should report it. Relations are only ever broken where
//! they are provable from the text: complete lists (a canonical decomposition, all listed shares,
//! or parts exceeding the total), stated bases, named denominators.

// Parallel arrays (names, amounts, budgets, previous values) are walked by index on purpose.
#![allow(clippy::needless_range_loop)]

use super::ledger::{Ledger, ECON_NAMES, EXPENSE_NAMES, INCOME_NAMES};
use super::num::{
    fmt_fixed, group, mutate_amount, pct, pow10, provably_outside, ratio_interval, round_div,
};
use super::rng::Rng;
use super::{Doc, Expected, Injector, Kind};

/// Per-document presentation choices.
#[derive(Debug, Clone)]
struct Style {
    /// Narrative amounts in 万元 (else 元).
    wan: bool,
    sep: bool,
    sp_unit: bool,
    pct_dec: u32,
    pct_sign: &'static str,
    sp_pct: bool,
    /// Punctuation turned into ASCII (text copied from a web page).
    ascii: bool,
    /// Zero amounts written `0` rather than `0.00`.
    zero_int: bool,
    /// Probability of a PDF-style line break before a sentence-internal comma.
    break_p: f64,
    numbering: usize,
}

/// How a figure is (mis)written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mut {
    None,
    /// A different displayed value (hundredths of the display unit).
    Value(i64),
    /// The other unit (元 ↔ 万元) after the correct number.
    WrongUnit,
    NoUnit,
    FwComma,
}

struct Ctx<'a> {
    d: Doc,
    r: Rng,
    inj: Injector,
    st: Style,
    l: &'a Ledger,
    y: i32,
    /// Lines where a quantity (by key) is stated, for consequential value-mismatch tolerance.
    stated: Vec<(String, usize)>,
    /// Keys of quantities whose statement was falsified, with the index into `inj.pending`/done.
    falsified: Vec<(String, usize)>,
    /// Sections written so far (heading numbers).
    sec_no: usize,
}

pub fn render(seed: u64, k: usize) -> (String, Vec<Expected>) {
    let mut r = Rng::new(seed);
    let l = Ledger::generate(&mut r);
    let st = Style {
        wan: r.chance(0.55),
        sep: r.chance(0.6),
        sp_unit: r.chance(0.2),
        pct_dec: *r.pick(&[0, 1, 1, 2, 2]),
        pct_sign: if r.chance(0.85) { "%" } else { "％" },
        sp_pct: r.chance(0.1),
        ascii: r.chance(0.15),
        zero_int: r.chance(0.5),
        break_p: if r.chance(0.3) { 0.35 } else { 0.0 },
        numbering: r.index(4),
    };
    let y = l.year;
    let mut cx = Ctx {
        d: Doc::default(),
        r,
        inj: Injector::new(seed, k),
        st,
        l: &l,
        y,
        stated: Vec::new(),
        falsified: Vec::new(),
        sec_no: 0,
    };
    cx.title();
    cx.basic_info();
    cx.overall();
    cx.income();
    cx.expense();
    if cx.r.chance(0.5) {
        cx.md_table();
    }
    cx.fin_total();
    cx.gpb();
    if cx.r.chance(0.5) {
        cx.tsv_table();
    }
    cx.basic_expense();
    cx.sangong();
    cx.jiguan();
    cx.procurement();
    cx.assets();
    cx.performance();
    if cx.r.chance(0.6) {
        cx.word_table();
    }
    cx.restatements();
    cx.glossary();
    let end = cx.d.line_no() + 1;
    cx.inj.start_section(end);
    let mut done = std::mem::take(&mut cx.inj.done);
    // A falsified quantity stated again elsewhere (a table, a later paragraph) may rightly be
    // reported there as a value-mismatch: widen that expectation's section to those lines.
    for (key, idx) in &cx.falsified {
        for (k2, line) in &cx.stated {
            if k2 == key {
                if let Some(e) = done.get_mut(*idx) {
                    e.tolerated.push(*line);
                }
            }
        }
    }
    (cx.d.finish(), done)
}

const NUMS_CN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// 0 → 一, 9 → 十, 10 → 十一, 19 → 二十.
fn cn(n: usize) -> String {
    match n {
        0..=9 => NUMS_CN[n].to_string(),
        10..=18 => format!("十{}", NUMS_CN[n - 10]),
        _ => format!(
            "{}十{}",
            NUMS_CN[(n + 1) / 10 - 1],
            if (n + 1) % 10 == 0 {
                String::new()
            } else {
                NUMS_CN[(n + 1) % 10 - 1].to_string()
            }
        ),
    }
}

impl Ctx<'_> {
    // ---- punctuation and number helpers ----

    fn c(&self) -> &'static str {
        if self.st.ascii {
            ","
        } else {
            "，"
        }
    }
    fn sc(&self) -> &'static str {
        if self.st.ascii {
            ";"
        } else {
            "；"
        }
    }
    fn co(&self) -> &'static str {
        if self.st.ascii {
            ":"
        } else {
            "："
        }
    }
    fn lp(&self) -> &'static str {
        if self.st.ascii {
            "("
        } else {
            "（"
        }
    }
    fn rp(&self) -> &'static str {
        if self.st.ascii {
            ")"
        } else {
            "）"
        }
    }
    fn unit(&self) -> &'static str {
        if self.st.wan {
            "万元"
        } else {
            "元"
        }
    }
    fn other_unit(&self) -> &'static str {
        if self.st.wan {
            "元"
        } else {
            "万元"
        }
    }
    fn disp(&self, fen: i64) -> i64 {
        if self.st.wan {
            round_div(fen as i128, 10_000) as i64
        } else {
            fen
        }
    }
    fn num(&self, v: i64) -> String {
        if v == 0 && self.st.zero_int {
            "0".to_string()
        } else {
            fmt_fixed(v, 2, self.st.sep)
        }
    }
    fn amt_text(&self, v: i64, m: Mut) -> String {
        let sp = if self.st.sp_unit { " " } else { "" };
        match m {
            Mut::None => format!("{}{sp}{}", self.num(v), self.unit()),
            Mut::Value(w) => format!("{}{sp}{}", self.num(w), self.unit()),
            Mut::WrongUnit => format!("{}{sp}{}", self.num(v), self.other_unit()),
            Mut::NoUnit => format!("{} ", self.num(v)),
            Mut::FwComma => {
                let s = fmt_fixed(v, 2, false);
                let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
                // One full-width comma as the thousands separator (`478，297.24`), the others ASCII.
                let g = group(int, "\u{1}");
                let n = g.matches('\u{1}').count();
                let which = self.sec_no % n.max(1);
                let mut out = String::new();
                let mut seen = 0;
                for ch in g.chars() {
                    if ch == '\u{1}' {
                        out.push_str(if seen == which {
                            "，"
                        } else {
                            // A writer who types a separator types all of them.
                            ","
                        });
                        seen += 1;
                    } else {
                        out.push(ch);
                    }
                }
                format!("{out}.{frac}{sp}{}", self.unit())
            }
        }
    }
    /// Write an amount; returns its line.
    fn amt(&mut self, fen: i64, m: Mut) -> usize {
        let line = self.d.line_no();
        let t = self.amt_text(self.disp(fen), m);
        self.d.put(&t);
        line
    }
    fn pct_text(&self, v: i64, dec: u32) -> String {
        let sp = if self.st.sp_pct { " " } else { "" };
        let s = if v == 0 && self.st.zero_int {
            "0".to_string()
        } else {
            fmt_fixed(v, dec, false)
        };
        format!("{s}{sp}{}", self.st.pct_sign)
    }
    /// Write a percentage (scaled by 10^pct_dec); returns its line.
    fn pct(&mut self, v: i64) -> usize {
        let line = self.d.line_no();
        let t = self.pct_text(v, self.st.pct_dec);
        self.d.put(&t);
        line
    }
    /// A sentence-internal comma, sometimes preceded by a PDF line break (the next line then
    /// starts with `，`).
    fn comma(&mut self) {
        if self.st.break_p > 0.0 && self.r.chance(self.st.break_p) {
            self.d.nl();
        }
        let c = self.c();
        self.d.put(c);
    }
    fn state(&mut self, key: &str, line: usize) {
        self.stated.push((key.to_string(), line));
    }

    /// A wrong percentage provably outside what displayed `a / b` allows, if one is found.
    fn wrong_pct(&mut self, a: i64, b: i64, stated: i64, dec: u32) -> Option<i64> {
        if b <= 0 {
            return None;
        }
        let (lo, hi) = ratio_interval(a, b);
        for _ in 0..12 {
            let pts = self.r.range(2, 15) * pow10(dec) + self.r.range(0, pow10(dec) - 1);
            let w = if self.r.chance(0.5) || stated - pts < 0 {
                stated + pts
            } else {
                stated - pts
            };
            if provably_outside(w, dec, lo, hi) {
                return Some(w);
            }
        }
        None
    }

    fn value_mut(&mut self, fen: i64) -> (Mut, String) {
        let v = self.disp(fen);
        let (w, how) = mutate_amount(&mut self.r, v);
        (
            Mut::Value(w),
            format!(
                "{how}: {} → {}",
                fmt_fixed(v, 2, true),
                fmt_fixed(w, 2, true)
            ),
        )
    }

    fn record(&mut self, kind: Kind, line: usize, alt: Vec<usize>, fam: &str, note: String) {
        self.inj.record(kind, line, alt, fam, note);
    }
    fn record_rules(
        &mut self,
        kind: Kind,
        rules: Vec<&'static str>,
        line: usize,
        alt: Vec<usize>,
        fam: &str,
        note: String,
    ) {
        self.inj.record(kind, line, alt, fam, note);
        self.inj.last_rules(rules);
    }
    /// Mark the quantity `key` as falsified by the expectation just recorded.
    fn falsify(&mut self, key: &str) {
        let idx = self.inj.done.len() + self.inj.pending_len() - 1;
        self.falsified.push((key.to_string(), idx));
    }

    fn section(&mut self, title: &str) {
        self.d.blank();
        let start = self.d.line_no();
        self.inj.start_section(start);
        let n = self.sec_no;
        self.sec_no += 1;
        let h = match self.st.numbering {
            0 => format!("{}、{title}", cn(n)),
            1 => format!("{}{}{}{title}", self.lp(), cn(n), self.rp()),
            2 => format!("{}.{title}", n + 1),
            _ => format!("第{}部分 {title}", cn(n)),
        };
        self.d.para(&h);
        if self.r.chance(0.5) {
            self.d.blank();
        }
    }
    fn item_no(&mut self, style: usize, i: usize) -> String {
        match style {
            0 => format!("{}.", i + 1),
            1 => format!("{}、", i + 1),
            2 => format!("{}{}{}", self.lp(), cn(i), self.rp()),
            3 => format!("({})", i + 1),
            _ => String::new(),
        }
    }

    fn cmp_prev(&mut self) -> String {
        let budget = self.l.budget_doc;
        let y0 = self.y - 1;
        let opts: Vec<String> = if budget {
            vec![
                "比上年预算".into(),
                "较上年预算".into(),
                format!("与{y0}年预算相比{}", self.c()),
            ]
        } else {
            vec![
                "比上年".into(),
                "较上年".into(),
                "同比".into(),
                format!("与{y0}年度相比{}", self.c()),
                format!("与上年相比{}", self.c()),
                "较上年决算数".into(),
            ]
        };
        self.r.pick(&opts).clone()
    }

    // ---- the change clause: {w1}{D}[，{w2}{r}] ----

    /// Write the change from `prev` to `cur` (the caller wrote the comparison and, when
    /// `prev_stated`, the base). Offers the change-related error kinds.
    fn change(&mut self, cur: i64, prev: i64, prev_stated: bool, with_rate: bool, fam: &str) {
        let diff = cur - prev;
        if diff == 0 {
            let t = self.r.pick(&["无增减变化", "持平", "增加0"]).to_string();
            self.d.put(&t);
            if t == "增加0" {
                let u = self.unit();
                self.d.put(u);
            }
            return;
        }
        let up = diff > 0;
        let (w1, w2) = if up {
            *self.r.pick(&[
                ("增加", "增长"),
                ("增加", "上升"),
                ("增加", "增长"),
                ("增长", "增长"),
            ])
        } else {
            *self.r.pick(&[
                ("减少", "下降"),
                ("减少", "降低"),
                ("减少", "下降"),
                ("下降", "下降"),
            ])
        };
        let dd = self.disp(diff.abs());
        let rate_ok = with_rate && prev > 0;
        let dec = self.st.pct_dec;
        let rate = if rate_ok {
            pct(diff.abs(), prev, dec)
        } else {
            0
        };
        // Interval of the rate a checker can recompute from the displayed figures.
        let (dc, dp) = (self.disp(cur), self.disp(prev));
        let (lo, hi) = if prev_stated {
            let n = (dc - dp).abs() as f64;
            let den = dp as f64;
            (
                ((n - 1.0) / (den + 0.5)) * 100.0,
                ((n + 1.0) / (den - 0.5).max(1e-9)) * 100.0,
            )
        } else {
            let base = if up { dc - dd } else { dc + dd } as f64;
            (
                ((dd as f64 - 0.5) / (base + 1.0)) * 100.0,
                ((dd as f64 + 0.5) / (base - 1.0).max(1e-9)) * 100.0,
            )
        };
        let base_known = (if prev_stated {
            dp
        } else if up {
            dc - dd
        } else {
            dc + dd
        }) > 200;

        let mut kinds = vec![Kind::Sign];
        if prev_stated && dd >= 100 {
            kinds.push(Kind::Change);
        }
        if rate_ok && base_known {
            kinds.push(Kind::Rate);
            if rate >= 3 * pow10(dec) {
                kinds.push(Kind::RateX100);
            }
        }
        if (prev_stated && dd >= 100) || rate_ok {
            kinds.push(Kind::Direction);
        }
        if !self.st.ascii {
            kinds.push(Kind::MissingUnit);
        }
        if dd >= 100_000 {
            kinds.push(Kind::FwComma);
        }
        if up {
            kinds.retain(|&k| k != Kind::Sign);
        }
        let mut site = self.inj.offer(&kinds);
        let mut wrong_rate = None;
        if site == Some(Kind::Rate) {
            for _ in 0..12 {
                let pts = self.r.range(2, 15) * pow10(dec) + self.r.range(0, pow10(dec) - 1);
                let w = if self.r.chance(0.5) || rate - pts < 0 {
                    rate + pts
                } else {
                    rate - pts
                };
                if provably_outside(w, dec, lo, hi) {
                    wrong_rate = Some((w, dec));
                    break;
                }
            }
        } else if site == Some(Kind::RateX100) {
            let w = round_div(diff.unsigned_abs() as i128 * 100, prev as i128) as i64;
            if provably_outside(w, 2, lo, hi) {
                wrong_rate = Some((w, 2));
            }
        }
        if matches!(site, Some(Kind::Rate | Kind::RateX100)) && wrong_rate.is_none() {
            // No provably wrong value at this precision: put the error back for another site.
            self.inj.give_back(site.take().unwrap());
        }
        let sign_on_rate = site == Some(Kind::Sign) && rate_ok && self.r.chance(0.5);
        let flip_w1 = site == Some(Kind::Direction) && prev_stated && dd >= 100;
        let flip_w2 = site == Some(Kind::Direction) && !flip_w1;
        let flip = |w: &str| -> &'static str {
            match w {
                "增加" => "减少",
                "减少" => "增加",
                "增长" => "下降",
                "下降" => "增长",
                "上升" => "下降",
                "降低" => "上升",
                _ => "增加",
            }
        };

        // {w1}
        let w1_line = self.d.line_no();
        let w1t = if flip_w1 { flip(w1) } else { w1 };
        self.d.put(w1t);
        // {D}
        let m = match site {
            Some(Kind::Change) => {
                let (m, note) = self.value_mut(diff.abs());
                let l = self.d.line_no();
                self.record(
                    Kind::Change,
                    l,
                    vec![],
                    fam,
                    format!("change amount {note}"),
                );
                m
            }
            Some(Kind::MissingUnit) => Mut::NoUnit,
            Some(Kind::FwComma) => Mut::FwComma,
            _ => Mut::None,
        };
        let d_line = self.d.line_no();
        if site == Some(Kind::Sign) && !sign_on_rate {
            self.d.put("-");
            self.record(Kind::Sign, d_line, vec![], fam, format!("{w1}-D"));
        }
        self.amt(diff.abs(), m);
        match site {
            Some(Kind::MissingUnit) => self.record(
                Kind::MissingUnit,
                d_line,
                vec![],
                fam,
                "change amount without unit".into(),
            ),
            Some(Kind::FwComma) => self.record(
                Kind::FwComma,
                d_line,
                vec![],
                fam,
                "full-width comma in change amount".into(),
            ),
            _ => {}
        }
        if flip_w1 {
            self.record(
                Kind::Direction,
                w1_line,
                vec![],
                fam,
                format!("{w1} → {w1t} with both values stated"),
            );
        }
        if !rate_ok {
            if flip_w2 {
                // Direction was offered on the rate word only when a rate is written.
                unreachable!()
            }
            if prev == 0 && with_rate {
                let c = self.c();
                self.d.put(&format!("{c}上年无此项，增长率无可比性"));
            }
            return;
        }
        self.comma();
        let w2_line = self.d.line_no();
        let w2t = if flip_w2 {
            flip(w2)
        } else if sign_on_rate && self.r.chance(0.5) {
            "增长"
        } else {
            w2
        };
        self.d.put(w2t);
        if flip_w2 {
            self.record(
                Kind::Direction,
                w2_line,
                vec![w1_line],
                fam,
                format!("rate word {w2} → {w2t} contradicts {w1}"),
            );
        }
        let r_line = self.d.line_no();
        if sign_on_rate {
            self.d.put("-");
            self.record(Kind::Sign, r_line, vec![], fam, format!("{w2t}-r%"));
        }
        match wrong_rate {
            Some((w, wdec)) => {
                let t = self.pct_text(w, wdec);
                self.d.put(&t);
                let kind = site.unwrap();
                self.record(
                    kind,
                    r_line,
                    vec![],
                    fam,
                    format!("rate {} stated as {t}", self.pct_text(rate, dec)),
                );
            }
            None => {
                self.pct(rate);
            }
        }
    }

    // ---- sections ----

    fn title(&mut self) {
        let l = self.l;
        let kind = if l.budget_doc {
            "部门预算说明"
        } else {
            "部门决算说明"
        };
        let yr = if l.budget_doc {
            format!("{}年", self.y)
        } else {
            format!("{}年度", self.y)
        };
        self.d.para(&format!("{}{}{kind}", l.dept, yr));
        self.d.blank();
    }

    fn basic_info(&mut self) {
        let l = self.l;
        self.section("部门基本情况");
        let y = self.y;
        let (c, sc) = (self.c(), self.sc());
        let n1 = self.r.range(2, 9);
        let n2 = self.r.range(1, 4);
        self.d.para(&format!(
            "本部门主要职责是贯彻落实中央和市委、区委的决策部署{c}依据《关于深化机构改革的实施意见》〔{}〕{}号文件设立{c}内设{n1}个科室{c}下设{n2}个事业单位。",
            y - 1 - self.r.range(0, 3) as i32,
            self.r.range(3, 60)
        ));
        let [a, b, cc, d] = l.staff;
        let [r1, r2] = l.retired;
        let intro = self
            .r
            .pick(&["人员构成情况：", "截至年底，", ""])
            .to_string();
        self.d.para(&format!(
            "{intro}行政编制{a}名{c}实际 {b}人{sc}事业编制{cc}名{c}实际{d}人{sc}离退休人员{}人{c}其中{}离休{r1}人{c}退休{r2}人。",
            r1 + r2,
            self.co()
        ));
        let m = self.r.range(1, 12);
        let dd = self.r.range(1, 28);
        self.d.para(&format!(
            "{y}年{m}月{dd}日{c}本部门组织召开第{}届年度工作会议{c}{}余名干部群众参加{c}全年开展培训{}次{c}累计受益{}人次。",
            self.r.range(2, 45),
            self.r.range(1, 30) * 100,
            self.r.range(3, 40),
            self.r.range(50, 3000)
        ));
    }

    fn overall(&mut self) {
        let l = self.l;
        let budget = l.budget_doc;
        self.section(if budget {
            "收支预算总体情况"
        } else {
            "收入支出决算总体情况说明"
        });
        let y = self.y;
        let c = self.c();
        let fam = "总体-收支总计";
        let t = l.total();
        let v = self.r.index(3);
        let yr = if budget {
            format!("{y}年")
        } else {
            format!("{y}年度")
        };
        let mut kinds = vec![];
        if self.disp(t) >= 100_000 {
            kinds.push(Kind::FwComma);
        }
        let site = self.inj.offer(&kinds);
        let m = if site == Some(Kind::FwComma) {
            Mut::FwComma
        } else {
            Mut::None
        };
        let line;
        if budget {
            self.d.put(&format!("{yr}收、支总预算"));
            line = self.amt(t, m);
        } else if v == 0 {
            self.d.put(&format!(
                "{yr}收、支总计{}",
                self.r.pick(&["各为", "均为", ""])
            ));
            line = self.amt(t, m);
        } else {
            self.d.put(&format!("{yr}收入总计"));
            line = self.amt(t, m);
            self.d.put("、支出总计");
            self.amt(t, Mut::None);
        }
        if site == Some(Kind::FwComma) {
            self.record(
                Kind::FwComma,
                line,
                vec![],
                fam,
                "full-width comma in 收支总计".into(),
            );
        }
        self.state("收支总计", line);
        self.comma();
        let stated = !budget && self.r.chance(0.4);
        if stated {
            self.d.put(&format!("比{}年度的", y - 1));
            self.amt(l.total_prev, Mut::None);
            if self.r.chance(0.5) {
                self.d.put(c);
            }
        } else {
            let p = self.cmp_prev();
            self.d.put(&p);
            if !budget && self.r.chance(0.3) {
                self.d.put("收、支总计各");
            }
        }
        self.change(t, l.total_prev, stated, true, fam);
        self.d.put("。");
        let reason = self
            .r
            .pick(&[
                "主要原因是人员调整及项目经费增加。",
                "主要原因是部分项目完成后不再安排。",
                "主要原因：年底新增人员。",
            ])
            .to_string();
        self.d.put(&reason);
        self.d.nl();
    }

    /// The `本年收入合计 / 本年支出合计` paragraph with its complete (or not) list of parts.
    #[allow(clippy::too_many_arguments)]
    fn total_with_parts(
        &mut self,
        key: &str,
        total_label: &str,
        total: i64,
        prev: i64,
        names: &[&str],
        parts: &[i64],
        share_denoms: &[&str],
        fam_base: &str,
    ) {
        let y = self.y;
        let (c, sc) = (self.c(), self.sc());
        // Layout: 0 all inline + shares, 1 nonzero inline + shares, 2 numbered lines + shares,
        // 3 all inline without shares, 4 nonzero inline without shares (incomplete: no sums).
        let layout = self.r.index(5);
        let shares = layout <= 2;
        let all = matches!(layout, 0 | 3) || (layout == 2 && self.r.chance(0.5));
        let idx: Vec<usize> = (0..parts.len()).filter(|&i| all || parts[i] != 0).collect();
        let complete = layout != 4;
        let share_form = self.r.index(4);
        let denom = self.r.pick(share_denoms).to_string();
        let fam = match layout {
            0 => format!("{fam_base}-全列+占比"),
            1 => format!("{fam_base}-非零+占比"),
            2 => format!("{fam_base}-分行编号"),
            3 => format!("{fam_base}-全列无占比"),
            _ => format!("{fam_base}-部分列举"),
        };
        let nonzero: Vec<usize> = idx.iter().copied().filter(|&i| parts[i] != 0).collect();
        let mut kinds = vec![Kind::FwComma];
        if !self.st.ascii {
            kinds.push(Kind::MissingUnit);
        }
        if complete {
            kinds.extend([Kind::SumTotal, Kind::SumPart, Kind::UnitScale]);
        }
        if shares {
            kinds.push(Kind::Share);
        }
        let site = self.inj.offer(&kinds);
        let target = if nonzero.is_empty() {
            idx[0]
        } else {
            nonzero[self.r.index(nonzero.len())]
        };
        let yr = if self.l.budget_doc {
            format!("{y}年")
        } else {
            format!("{y}年度")
        };
        self.d.put(&format!("{yr}{total_label}"));
        let (tm, tnote) = match site {
            Some(Kind::SumTotal) => self.value_mut(total),
            Some(Kind::FwComma) if self.disp(total) >= 100_000 => (Mut::FwComma, String::new()),
            Some(Kind::MissingUnit) => (Mut::NoUnit, String::new()),
            _ => (Mut::None, String::new()),
        };
        let tline = self.amt(total, tm);
        self.state(key, tline);
        match (site, tm) {
            (Some(Kind::SumTotal), _) => {
                self.record(
                    Kind::SumTotal,
                    tline,
                    vec![],
                    &fam,
                    format!("{total_label} {tnote}"),
                );
                self.falsify(key);
            }
            (Some(Kind::FwComma), Mut::FwComma) => self.record(
                Kind::FwComma,
                tline,
                vec![],
                &fam,
                "full-width comma in total".into(),
            ),
            (Some(Kind::MissingUnit), _) => self.record(
                Kind::MissingUnit,
                tline,
                vec![],
                &fam,
                "total without unit".into(),
            ),
            _ => {}
        }
        let site = if site == Some(Kind::FwComma) && tm != Mut::FwComma {
            self.inj.give_back(Kind::FwComma);
            None
        } else {
            site
        };
        if self.r.chance(0.6) && prev > 0 {
            self.comma();
            let p = self.cmp_prev();
            self.d.put(&p);
            let wr = self.r.chance(0.7);
            self.change(total, prev, false, wr, &format!("{fam_base}-增减"));
        }
        let intro = if complete || self.r.chance(0.5) {
            format!("{c}其中{}", self.co())
        } else {
            format!("{c}主要包括{}", self.co())
        };
        self.d.put(&intro);
        let numbered = layout == 2;
        let nstyle = self.r.index(4);
        for (k, &i) in idx.iter().enumerate() {
            if numbered {
                self.d.end();
                let no = self.item_no(nstyle, k);
                self.d.put(&no);
            }
            self.d.put(names[i]);
            let is_t = i == target;
            let (m, note) = match site {
                Some(Kind::SumPart) if is_t => self.value_mut(parts[i]),
                Some(Kind::UnitScale) if is_t => (
                    Mut::WrongUnit,
                    format!("{} written in {}", names[i], self.other_unit()),
                ),
                _ => (Mut::None, String::new()),
            };
            let pline = self.amt(parts[i], m);
            self.state(names[i], pline);
            if is_t {
                match site {
                    Some(Kind::SumPart) => {
                        self.record(
                            Kind::SumPart,
                            tline,
                            vec![pline],
                            &fam,
                            format!("{} {note}", names[i]),
                        );
                        self.falsify(names[i]);
                    }
                    Some(Kind::UnitScale) => {
                        self.record(Kind::UnitScale, pline, vec![tline], &fam, note);
                    }
                    _ => {}
                }
            }
            if shares {
                self.d.put(c);
                let s = pct(parts[i], total, self.st.pct_dec);
                let form = share_form;
                match form {
                    0 => self.d.put("占"),
                    1 => self.d.put(&format!("占{denom}的")),
                    2 => self.d.put("占比"),
                    _ => self.d.put("比重为"),
                }
                if site == Some(Kind::Share) && is_t {
                    let (a, b) = (self.disp(parts[i]), self.disp(total));
                    if let Some(w) = self.wrong_pct(a, b, s, self.st.pct_dec) {
                        let sl = self.pct(w);
                        self.record(
                            Kind::Share,
                            sl,
                            vec![],
                            &fam,
                            format!(
                                "share of {} {} → {}",
                                names[i],
                                self.pct_text(s, self.st.pct_dec),
                                self.pct_text(w, self.st.pct_dec)
                            ),
                        );
                    } else {
                        self.pct(s);
                        self.inj.give_back(Kind::Share);
                    }
                } else {
                    self.pct(s);
                }
            }
            self.d.put(if k + 1 == idx.len() { "。" } else { sc });
        }
        self.d.nl();
    }

    fn income(&mut self) {
        let l = self.l;
        let budget = l.budget_doc;
        self.section(if budget {
            "收入预算情况说明"
        } else {
            "收入决算情况说明"
        });
        let prev: i64 = l.income_prev.iter().sum();
        let label = if budget {
            "收入预算合计"
        } else {
            "本年收入合计"
        };
        self.total_with_parts(
            "本年收入合计",
            label,
            l.income_total(),
            prev,
            &INCOME_NAMES,
            &l.income,
            &["收入合计", "本年收入合计", "总收入"],
            "收入",
        );
    }

    fn expense(&mut self) {
        let l = self.l;
        let budget = l.budget_doc;
        self.section(if budget {
            "支出预算情况说明"
        } else {
            "支出决算情况说明"
        });
        let prev: i64 = l.expense_prev.iter().sum();
        let label = if budget {
            "支出预算合计"
        } else {
            "本年支出合计"
        };
        self.total_with_parts(
            "本年支出合计",
            label,
            l.expense_total(),
            prev,
            &EXPENSE_NAMES,
            &l.expense,
            &["支出合计", "本年支出合计", "总支出"],
            "支出",
        );
    }

    fn fin_total(&mut self) {
        let l = self.l;
        let budget = l.budget_doc;
        self.section(if budget {
            "财政拨款收支预算总体情况"
        } else {
            "财政拨款收入支出决算总体情况说明"
        });
        let y = self.y;
        let yr = if budget {
            format!("{y}年")
        } else {
            format!("{y}年度")
        };
        self.d.put(&format!(
            "{yr}财政拨款收、支总计{}",
            self.r.pick(&["各", "均为", "各为"])
        ));
        let line = self.amt(l.fin_total, Mut::None);
        self.state("财政拨款收支总计", line);
        self.comma();
        let p = self.cmp_prev();
        self.d.put(&p);
        self.change(l.fin_total, l.fin_total_prev, false, true, "财政拨款-总计");
        self.d.put("。");
        self.d.nl();
    }

    fn gpb(&mut self) {
        let l = self.l;
        let budget = l.budget_doc;
        let y = self.y;
        let c = self.c();
        self.section(if budget {
            "一般公共预算财政拨款支出预算情况说明"
        } else {
            "一般公共预算财政拨款支出决算情况说明"
        });
        // (一) total, its share of 本年支出合计, and its change.
        let fam = "一般公共预算-总体";
        let share = pct(l.gpb, l.expense_total(), self.st.pct_dec);
        let site = self.inj.offer(&[Kind::Share]);
        self.d.para(&format!(
            "{}一{}一般公共预算财政拨款支出总体情况",
            self.lp(),
            self.rp()
        ));
        let yr = if budget {
            format!("{y}年")
        } else {
            format!("{y}年度")
        };
        self.d.put(&format!("{yr}一般公共预算财政拨款支出"));
        let gline = self.amt(l.gpb, Mut::None);
        self.state("一般公共预算财政拨款支出", gline);
        self.d.put(&format!("{c}占本年支出合计的"));
        let (a, b) = (self.disp(l.gpb), self.disp(l.expense_total()));
        match site.and_then(|_| self.wrong_pct(a, b, share, self.st.pct_dec)) {
            Some(w) => {
                let sl = self.pct(w);
                self.record(
                    Kind::Share,
                    sl,
                    vec![],
                    fam,
                    format!(
                        "share of 本年支出合计 {} → {}",
                        self.pct_text(share, self.st.pct_dec),
                        self.pct_text(w, self.st.pct_dec)
                    ),
                );
            }
            None => {
                if site.is_some() {
                    self.inj.give_back(Kind::Share);
                }
                self.pct(share);
            }
        }
        self.d.put("。");
        let p = self.cmp_prev();
        self.d.put(&p);
        self.change(l.gpb, l.gpb_prev, false, true, fam);
        self.d.put("。");
        self.d.nl();

        // (二) structure by 类: a complete list (shares add to 100%).
        self.inj.start_section(self.d.line_no());
        let fam = "一般公共预算-主要用于";
        self.d.para(&format!(
            "{}二{}一般公共预算财政拨款支出结构情况",
            self.lp(),
            self.rp()
        ));
        let site = self
            .inj
            .offer(&[Kind::SumTotal, Kind::SumPart, Kind::Share, Kind::UnitScale]);
        let target = self.r.index(l.classes.len());
        self.d.put(&format!("{yr}一般公共预算财政拨款支出"));
        let (tm, tnote) = if site == Some(Kind::SumTotal) {
            self.value_mut(l.gpb)
        } else {
            (Mut::None, String::new())
        };
        let tline = self.amt(l.gpb, tm);
        if site == Some(Kind::SumTotal) {
            self.record_rules(
                Kind::SumTotal,
                vec!["sum-mismatch", "value-mismatch"],
                tline,
                vec![gline],
                fam,
                format!("一般公共预算财政拨款支出 {tnote}"),
            );
            self.falsify("一般公共预算财政拨款支出");
        } else {
            self.state("一般公共预算财政拨款支出", tline);
        }
        let lead = self
            .r
            .pick(&[
                "主要用于以下方面：",
                "主要用于以下方面（按大类）：",
                "按支出功能分类，主要用于：",
            ])
            .to_string();
        self.d.put(c);
        self.d.put(&lead);
        self.d.nl();
        let spaced = self.r.chance(0.5);
        let nstyle = self.r.index(6);
        let name_form = self.r.index(3);
        for (k, cl) in l.classes.iter().enumerate() {
            if spaced {
                self.d.blank();
            }
            let no = self.item_no(nstyle, k);
            self.d.put(&no);
            let base = cl.name.trim_end_matches("支出");
            let nm = match name_form {
                0 => format!("{base}{}类{}支出", self.lp(), self.rp()),
                1 => cl.name.to_string(),
                _ => format!("“{base}{}类{}”支出", self.lp(), self.rp()),
            };
            self.d.put(&nm);
            let is_t = k == target;
            let (m, note) = match site {
                Some(Kind::SumPart) if is_t => self.value_mut(cl.amount),
                Some(Kind::UnitScale) if is_t => (
                    Mut::WrongUnit,
                    format!("{} written in {}", cl.name, self.other_unit()),
                ),
                _ => (Mut::None, String::new()),
            };
            let pl = self.amt(cl.amount, m);
            let key = format!("类:{}", cl.code);
            self.state(&key, pl);
            if is_t {
                match site {
                    Some(Kind::SumPart) => {
                        self.record(
                            Kind::SumPart,
                            tline,
                            vec![pl],
                            fam,
                            format!("{} {note}", cl.name),
                        );
                        self.falsify(&key);
                    }
                    Some(Kind::UnitScale) => {
                        self.record(Kind::UnitScale, pl, vec![tline], fam, note)
                    }
                    _ => {}
                }
            }
            self.d.put(c);
            let form = *self.r.pick(&["占", "占比", "占一般公共预算财政拨款支出的"]);
            self.d.put(form);
            let s = pct(cl.amount, l.gpb, self.st.pct_dec);
            if site == Some(Kind::Share) && is_t {
                let (a, b) = (self.disp(cl.amount), self.disp(l.gpb));
                match self.wrong_pct(a, b, s, self.st.pct_dec) {
                    Some(w) => {
                        let sl = self.pct(w);
                        self.record(
                            Kind::Share,
                            sl,
                            vec![],
                            fam,
                            format!(
                                "share of {} → {}",
                                cl.name,
                                self.pct_text(w, self.st.pct_dec)
                            ),
                        );
                    }
                    None => {
                        self.inj.give_back(Kind::Share);
                        self.pct(s);
                    }
                }
            } else {
                self.pct(s);
            }
            let sc = self.sc();
            self.d.put(if k + 1 == l.classes.len() { "。" } else { sc });
            self.d.nl();
        }

        // (三) per 类: budget vs actual.
        self.inj.start_section(self.d.line_no());
        self.d.blank();
        self.d.para(&format!(
            "{}三{}一般公共预算财政拨款支出具体情况",
            self.lp(),
            self.rp()
        ));
        let variant = if budget { 2 } else { self.r.index(3) };
        for (k, cl) in l.classes.iter().enumerate() {
            self.inj.start_section(self.d.line_no());
            let no = self.item_no(0, k);
            let base = cl.name.trim_end_matches("支出");
            let nm = format!("{base}{}类{}支出", self.lp(), self.rp());
            match variant {
                0 => self.completion(
                    &no,
                    &nm,
                    cl.amount,
                    cl.budget,
                    "年初预算",
                    "一般公共预算-完成率",
                ),
                1 => {
                    let fam = "一般公共预算-比年初预算增减";
                    self.d.put(&format!("{no}“{nm}”{y}年度决算"));
                    let al = self.amt(cl.amount, Mut::None);
                    self.state(&format!("类:{}", cl.code), al);
                    self.comma();
                    self.d.put(&format!("比{y}年年初预算"));
                    self.change(cl.amount, cl.budget, false, true, fam);
                    self.d.put("。");
                    self.d.nl();
                }
                _ => {
                    let fam = "一般公共预算-较X增减";
                    let (w, basis, prev) = if budget {
                        ("预算", "较上年预算", cl.prev)
                    } else {
                        ("决算", "较年初预算", cl.budget)
                    };
                    self.d.put(&format!("{no}{nm}{w}"));
                    let al = self.amt(cl.amount, Mut::None);
                    self.state(&format!("类:{}", cl.code), al);
                    self.comma();
                    self.d.put(basis);
                    self.amt(prev, Mut::None);
                    self.d.put(self.c());
                    let wr = self.r.chance(0.6);
                    self.change(cl.amount, prev, true, wr, fam);
                    self.d.put("。");
                    self.d.nl();
                }
            }
        }
    }

    /// `年初预算为B，支出决算为A，完成年初预算的c%。决算数大于年初预算数…`
    fn completion(
        &mut self,
        no: &str,
        name: &str,
        actual: i64,
        budget: i64,
        basis: &str,
        fam: &str,
    ) {
        let c = self.c();
        let dec = self.st.pct_dec;
        let (da, db) = (self.disp(actual), self.disp(budget));
        let mut kinds = vec![];
        let rate = if budget > 0 {
            pct(actual, budget, dec)
        } else {
            0
        };
        if budget > 0 && db > 200 {
            kinds.push(Kind::Rate);
            if rate >= 3 * pow10(dec) {
                kinds.push(Kind::RateX100);
            }
        }
        let say_cmp = self.r.chance(0.6);
        if say_cmp && (da - db).abs() >= 100 {
            kinds.push(Kind::Direction);
        }
        let site = self.inj.offer(&kinds);
        self.d.put(&format!(
            "{no}{name}{}{basis}为",
            if no.is_empty() { "" } else { "。" }
        ));
        self.amt(budget, Mut::None);
        self.d.put(&format!("{c}支出决算为"));
        self.amt(actual, Mut::None);
        if budget > 0 {
            self.d.put(&format!("{c}完成{basis}的"));
            let (lo, hi) = ratio_interval(da, db);
            let wrong = match site {
                Some(Kind::Rate) => self.wrong_pct(da, db, rate, dec).map(|w| (w, dec)),
                Some(Kind::RateX100) => {
                    let w = round_div(actual as i128 * 100, budget as i128) as i64;
                    provably_outside(w, 2, lo, hi).then_some((w, 2))
                }
                _ => None,
            };
            let rl = self.d.line_no();
            match wrong {
                Some((w, wd)) => {
                    let t = self.pct_text(w, wd);
                    self.d.put(&t);
                    self.record(
                        site.unwrap(),
                        rl,
                        vec![],
                        fam,
                        format!("completion rate {} → {t}", self.pct_text(rate, dec)),
                    );
                }
                None => {
                    if let Some(k @ (Kind::Rate | Kind::RateX100)) = site {
                        self.inj.give_back(k);
                    }
                    self.pct(rate);
                }
            }
        }
        self.d.put("。");
        if say_cmp {
            let truth = match actual.cmp(&budget) {
                std::cmp::Ordering::Greater => "大于",
                std::cmp::Ordering::Less => "小于",
                std::cmp::Ordering::Equal => "等于",
            };
            let said = if site == Some(Kind::Direction) {
                if truth == "大于" {
                    "小于"
                } else {
                    "大于"
                }
            } else {
                truth
            };
            let wl = self.d.line_no();
            self.d.put(&format!("决算数{said}{basis}数"));
            if site == Some(Kind::Direction) {
                self.record(
                    Kind::Direction,
                    wl,
                    vec![],
                    fam,
                    format!("决算数{said}{basis}数 but it is {truth}"),
                );
            }
            if truth != "等于" {
                self.d.put(&format!(
                    "{c}主要原因是{}",
                    self.r
                        .pick(&["人员调整。", "项目实施进度加快。", "严格控制一般性支出。"])
                ));
            } else {
                self.d.put("。");
            }
        }
        self.d.nl();
    }

    fn basic_expense(&mut self) {
        let l = self.l;
        let y = self.y;
        let budget = l.budget_doc;
        let (c, sc) = (self.c(), self.sc());
        self.section(if budget {
            "基本支出预算情况说明"
        } else {
            "财政拨款基本支出决算情况说明"
        });
        let basic = l.expense[0];
        let variant = if budget {
            self.r.index(2) * 2
        } else {
            self.r.index(3)
        };
        let yr = if budget {
            format!("{y}年")
        } else {
            format!("{y}年度")
        };
        match variant {
            0 => {
                let fam = "基本支出-人员经费+公用经费";
                let parts = [("人员经费", l.personnel()), ("公用经费", l.public_use())];
                let site = self.inj.offer(&[
                    Kind::SumTotal,
                    Kind::SumPart,
                    Kind::UnitScale,
                    Kind::FwComma,
                ]);
                let t = self.r.index(2);
                self.d.put(&format!("{yr}一般公共预算财政拨款基本支出"));
                let (tm, tnote) = match site {
                    Some(Kind::SumTotal) => self.value_mut(basic),
                    _ => (Mut::None, String::new()),
                };
                let tl = self.amt(basic, tm);
                self.state("基本支出", tl);
                if site == Some(Kind::SumTotal) {
                    self.record(Kind::SumTotal, tl, vec![], fam, format!("基本支出 {tnote}"));
                    self.falsify("基本支出");
                }
                self.d.put(&format!("{c}其中{}", self.co()));
                let with_share = self.r.chance(0.4);
                for (i, (nm, v)) in parts.iter().enumerate() {
                    self.d.put(nm);
                    let (m, note) = match site {
                        Some(Kind::SumPart) if i == t => self.value_mut(*v),
                        Some(Kind::UnitScale) if i == t => (
                            Mut::WrongUnit,
                            format!("{nm} written in {}", self.other_unit()),
                        ),
                        Some(Kind::FwComma) if i == t && self.disp(*v) >= 100_000 => {
                            (Mut::FwComma, "full-width comma".to_string())
                        }
                        _ => (Mut::None, String::new()),
                    };
                    let pl = self.amt(*v, m);
                    self.state(nm, pl);
                    if i == t {
                        match site {
                            Some(Kind::SumPart) => {
                                self.record(
                                    Kind::SumPart,
                                    tl,
                                    vec![pl],
                                    fam,
                                    format!("{nm} {note}"),
                                );
                                self.falsify(nm);
                            }
                            Some(Kind::UnitScale) => {
                                self.record(Kind::UnitScale, pl, vec![tl], fam, note)
                            }
                            Some(Kind::FwComma) if m == Mut::FwComma => {
                                self.record(Kind::FwComma, pl, vec![], fam, note)
                            }
                            _ => {}
                        }
                    }
                    if with_share {
                        self.d.put(&format!("{c}占基本支出的"));
                        let s = pct(*v, basic, self.st.pct_dec);
                        self.pct(s);
                    }
                    self.d.put(c);
                    if i == 0 {
                        self.d.put(&format!("主要包括基本工资、津贴补贴、奖金、绩效工资、机关事业单位基本养老保险缴费、职业年金缴费、住房公积金、退休费等{sc}"));
                    } else {
                        self.d.put("主要包括办公费、印刷费、水电费、邮电费、差旅费、维修（护）费、会议费、培训费、公务接待费、公务用车运行维护费等。");
                    }
                }
                if site == Some(Kind::FwComma) && !self.inj.has_recorded_kind(Kind::FwComma) {
                    self.inj.give_back(Kind::FwComma);
                }
                self.d.nl();
            }
            1 => {
                // Seed-like: economic classes, each against its 年初预算.
                let fam = "基本支出-经济分类比年初预算";
                let kb: i64 = l.econ_budget.iter().sum();
                let site = self.inj.offer(&[Kind::SumTotal, Kind::SumPart]);
                let t = (0..4)
                    .filter(|&i| l.econ[i] != 0)
                    .nth(self.r.index(3))
                    .unwrap_or(0);
                self.d
                    .put(&format!("{yr}本部门使用一般公共预算财政拨款安排基本支出"));
                let (tm, tnote) = if site == Some(Kind::SumTotal) {
                    self.value_mut(basic)
                } else {
                    (Mut::None, String::new())
                };
                let tl = self.amt(basic, tm);
                self.state("基本支出", tl);
                if site == Some(Kind::SumTotal) {
                    self.record(Kind::SumTotal, tl, vec![], fam, format!("基本支出 {tnote}"));
                    self.falsify("基本支出");
                }
                self.comma();
                self.d.put(&format!("比{y}年年初预算"));
                self.amt(kb, Mut::None);
                self.d.put(c);
                // When the total was falsified, its change no longer fits: keep the change
                // consistent with the true figures (the error is the total, not the change).
                self.change(basic, kb, true, false, "基本支出-总额比年初预算");
                self.d.put(&format!("。其中{}", self.co()));
                self.d.nl();
                let descs = [
                    "包括基本工资、津贴补贴、奖金、伙食补助费、绩效工资、其他社会保障缴费等支出",
                    "包括办公费、印刷费、咨询费、水费、电费、邮电费、差旅费、因公出国（境）费、会议费、培训费、公务接待费、公务用车运行维护费等支出",
                    "包括离休费、退休费、抚恤金、生活补助、医疗费补助、奖励金等支出",
                    "包括办公设备购置、专用设备购置等支出",
                ];
                let long = self.r.chance(0.5);
                for i in 0..4 {
                    self.inj.start_section(self.d.line_no());
                    let no = self.item_no(0, i);
                    self.d.put(&format!("{no}{}", ECON_NAMES[i]));
                    if long {
                        self.d.put(&format!("{}{}  ", self.co(), descs[i]));
                    }
                    let (m, note) = if site == Some(Kind::SumPart) && i == t {
                        self.value_mut(l.econ[i])
                    } else {
                        (Mut::None, String::new())
                    };
                    let pl = self.amt(l.econ[i], m);
                    if site == Some(Kind::SumPart) && i == t {
                        self.record(
                            Kind::SumPart,
                            tl,
                            vec![pl],
                            fam,
                            format!("{} {note}", ECON_NAMES[i]),
                        );
                    }
                    self.d.put(&format!("{c}年初预算"));
                    self.amt(l.econ_budget[i], Mut::None);
                    self.d.put(c);
                    self.change(
                        l.econ[i],
                        l.econ_budget[i],
                        true,
                        false,
                        "基本支出-经济分类比年初预算",
                    );
                    self.d.put(if i == 3 { "。" } else { sc });
                    self.d.nl();
                }
            }
            _ => {
                let fam = "基本支出-经济分类占比";
                let site =
                    self.inj
                        .offer(&[Kind::SumTotal, Kind::SumPart, Kind::Share, Kind::UnitScale]);
                let t = (0..4)
                    .filter(|&i| l.econ[i] != 0)
                    .nth(self.r.index(3))
                    .unwrap_or(0);
                self.d.put(&format!("{yr}基本支出"));
                let (tm, tnote) = if site == Some(Kind::SumTotal) {
                    self.value_mut(basic)
                } else {
                    (Mut::None, String::new())
                };
                let tl = self.amt(basic, tm);
                self.state("基本支出", tl);
                if site == Some(Kind::SumTotal) {
                    self.record(Kind::SumTotal, tl, vec![], fam, format!("基本支出 {tnote}"));
                    self.falsify("基本支出");
                }
                self.d.put(&format!("{c}按经济分类{}", self.co()));
                for i in 0..4 {
                    self.d.put(ECON_NAMES[i]);
                    let (m, note) = match site {
                        Some(Kind::SumPart) if i == t => self.value_mut(l.econ[i]),
                        Some(Kind::UnitScale) if i == t => (
                            Mut::WrongUnit,
                            format!("{} written in {}", ECON_NAMES[i], self.other_unit()),
                        ),
                        _ => (Mut::None, String::new()),
                    };
                    let pl = self.amt(l.econ[i], m);
                    if i == t {
                        match site {
                            Some(Kind::SumPart) => self.record(
                                Kind::SumPart,
                                tl,
                                vec![pl],
                                fam,
                                format!("{} {note}", ECON_NAMES[i]),
                            ),
                            Some(Kind::UnitScale) => {
                                self.record(Kind::UnitScale, pl, vec![tl], fam, note)
                            }
                            _ => {}
                        }
                    }
                    self.d.put(&format!("{c}占"));
                    let s = pct(l.econ[i], basic, self.st.pct_dec);
                    if site == Some(Kind::Share) && i == t {
                        let (a, b) = (self.disp(l.econ[i]), self.disp(basic));
                        match self.wrong_pct(a, b, s, self.st.pct_dec) {
                            Some(w) => {
                                let sl = self.pct(w);
                                self.record(
                                    Kind::Share,
                                    sl,
                                    vec![],
                                    fam,
                                    format!(
                                        "share of {} → {}",
                                        ECON_NAMES[i],
                                        self.pct_text(w, self.st.pct_dec)
                                    ),
                                );
                            }
                            None => {
                                self.inj.give_back(Kind::Share);
                                self.pct(s);
                            }
                        }
                    } else {
                        self.pct(s);
                    }
                    self.d.put(if i == 3 { "。" } else { sc });
                    if self.r.chance(0.3) {
                        self.d.nl();
                    }
                }
                self.d.end();
            }
        }
    }

    fn sangong(&mut self) {
        let l = self.l;
        let y = self.y;
        let budget = l.budget_doc;
        let (c, sc) = (self.c(), self.sc());
        self.section(if budget {
            "“三公”经费预算情况说明"
        } else {
            "“三公”经费财政拨款支出决算情况说明"
        });
        let s = l.sangong;
        let total = l.sangong_total(&s);
        let btotal = l.sangong_total(&l.sangong_budget);
        let car = s[2] + s[3];
        let (lp, rp) = (self.lp(), self.rp());
        let abroad = format!("因公出国{lp}境{rp}费");
        let items: [(String, i64); 3] = [
            (abroad, s[0]),
            ("公务用车购置及运行维护费".to_string(), car),
            ("公务接待费".to_string(), s[1]),
        ];
        let order: [usize; 3] = if self.r.chance(0.5) {
            [0, 1, 2]
        } else {
            [0, 2, 1]
        };
        let variant = if budget || total == 0 {
            1
        } else {
            self.r.index(2)
        };
        let fam = if variant == 0 {
            "三公-完成预算+占比"
        } else {
            "三公-比上年+其中括号"
        };
        let mut kinds = vec![Kind::SumTotal, Kind::SumPart, Kind::UnitScale];
        if variant == 0 {
            kinds.push(Kind::Share);
        }
        let site = self.inj.offer(&kinds);
        // Target: one of the three items or one of the two car sub-items (index 3, 4).
        let nz: Vec<usize> = [0usize, 1, 2, 3, 4]
            .into_iter()
            .filter(|&i| match i {
                0 => s[0] != 0,
                1 => car != 0,
                2 => s[1] != 0,
                3 => s[2] != 0,
                _ => s[3] != 0,
            })
            .filter(|&i| site != Some(Kind::Share) || i < 3)
            .collect();
        let target = if nz.is_empty() {
            9
        } else {
            nz[self.r.index(nz.len())]
        };
        let yr = if budget {
            format!("{y}年")
        } else {
            format!("{y}年度")
        };
        let (tm, tnote) = if site == Some(Kind::SumTotal) {
            self.value_mut(total)
        } else {
            (Mut::None, String::new())
        };
        let tl;
        if variant == 0 {
            self.d.put(&format!("{yr}“三公”经费财政拨款支出年初预算为"));
            self.amt(btotal, Mut::None);
            self.d.put(&format!("{c}支出决算为"));
            tl = self.amt(total, tm);
            if btotal > 0 {
                self.d.put(&format!("{c}完成年初预算的"));
                let r = pct(total, btotal, self.st.pct_dec);
                self.pct(r);
            }
            self.d.put(&format!("。其中{}", self.co()));
        } else {
            self.d.put(&format!(
                "{yr}“三公”经费财政拨款{}",
                if budget { "预算" } else { "支出" }
            ));
            tl = self.amt(total, tm);
            let prev = l.sangong_total(&l.sangong_prev);
            if prev > 0 {
                self.comma();
                let p = self.cmp_prev();
                self.d.put(&p);
                // The error, if any, is in the total: keep the change true to the ledger.
                let wr = self.r.chance(0.5);
                self.change(total, prev, false, wr, "三公-比上年");
            }
            self.d.put(&format!("。其中{}", self.co()));
        }
        if site == Some(Kind::SumTotal) {
            self.record(
                Kind::SumTotal,
                tl,
                vec![],
                fam,
                format!("“三公”经费 {tnote}"),
            );
            self.falsify("三公");
        }
        self.state("三公", tl);
        let split_lines = self.r.chance(0.4);
        let mut car_line = tl;
        for (k, &i) in order.iter().enumerate() {
            if split_lines {
                self.d.end();
                let no = self.item_no(1, k);
                self.d.put(&no);
            }
            let (nm, v) = (&items[i].0, items[i].1);
            self.d.put(nm);
            if variant == 0 {
                self.d.put("支出决算为");
            }
            let (m, note) = match site {
                Some(Kind::SumPart) if i == target => self.value_mut(v),
                Some(Kind::UnitScale) if i == target => (
                    Mut::WrongUnit,
                    format!("{nm} written in {}", self.other_unit()),
                ),
                _ => (Mut::None, String::new()),
            };
            let pl = self.amt(v, m);
            if i == 1 {
                car_line = pl;
            }
            if i == target {
                match site {
                    // Changing the car item breaks both Σ三公 and 购置 + 运行 (when listed).
                    Some(Kind::SumPart) => {
                        self.record(Kind::SumPart, tl, vec![pl], fam, format!("{nm} {note}"))
                    }
                    Some(Kind::UnitScale) => self.record(Kind::UnitScale, pl, vec![tl], fam, note),
                    _ => {}
                }
            }
            if variant == 0 && total > 0 {
                self.d.put(&format!("{c}占"));
                let sh = pct(v, total, self.st.pct_dec);
                if site == Some(Kind::Share) && i == target {
                    let (a, b) = (self.disp(v), self.disp(total));
                    match self.wrong_pct(a, b, sh, self.st.pct_dec) {
                        Some(w) => {
                            let sl = self.pct(w);
                            self.record(
                                Kind::Share,
                                sl,
                                vec![],
                                fam,
                                format!("share of {nm} → {}", self.pct_text(w, self.st.pct_dec)),
                            );
                        }
                        None => {
                            self.inj.give_back(Kind::Share);
                            self.pct(sh);
                        }
                    }
                } else {
                    self.pct(sh);
                }
            }
            if i == 1 && (s[2] != 0 || s[3] != 0 || self.r.chance(0.5)) {
                let paren = variant == 1 && self.r.chance(0.6);
                self.d.put(if paren { lp } else { c });
                self.d.put(&format!(
                    "其中{}公务用车购置费",
                    if paren { "：" } else { "" }
                ));
                let (m3, n3) = if site == Some(Kind::SumPart) && target == 3 {
                    self.value_mut(s[2])
                } else {
                    (Mut::None, String::new())
                };
                let l3 = self.amt(s[2], m3);
                if site == Some(Kind::SumPart) && target == 3 {
                    self.record(
                        Kind::SumPart,
                        car_line,
                        vec![l3],
                        fam,
                        format!("公务用车购置费 {n3}"),
                    );
                }
                self.d.put(&format!("{c}公务用车运行维护费"));
                let (m4, n4) = if site == Some(Kind::SumPart) && target == 4 {
                    self.value_mut(s[3])
                } else {
                    (Mut::None, String::new())
                };
                let l4 = self.amt(s[3], m4);
                if site == Some(Kind::SumPart) && target == 4 {
                    self.record(
                        Kind::SumPart,
                        car_line,
                        vec![l4],
                        fam,
                        format!("公务用车运行维护费 {n4}"),
                    );
                }
                if paren {
                    self.d.put(rp);
                }
            }
            self.d.put(if k == 2 { "。" } else { sc });
        }
        if matches!(site, Some(Kind::SumPart | Kind::UnitScale | Kind::Share)) && target == 9 {
            self.inj.give_back(site.unwrap());
        }
        self.d.nl();
        if !budget && self.r.chance(0.5) {
            let n = l.vehicles.iter().map(|v| v.1).sum::<i64>();
            self.d.para(&format!(
                "{y}年度公务用车保有量{n}辆{c}全年公务接待{}批次、{}人次。",
                self.r.range(0, 40),
                self.r.range(0, 300)
            ));
        }
    }

    fn jiguan(&mut self) {
        let l = self.l;
        let y = self.y;
        self.section("机关运行经费支出情况");
        let yr = if l.budget_doc {
            format!("{y}年")
        } else {
            format!("{y}年度")
        };
        self.d.put(&format!("{yr}本部门机关运行经费支出"));
        let jl = self.amt(l.jiguan, Mut::None);
        self.state("机关运行经费", jl);
        self.comma();
        let p = self.cmp_prev();
        self.d.put(&p);
        self.change(l.jiguan, l.jiguan_prev, false, true, "机关运行经费-比上年");
        self.d.put(&format!(
            "{}主要原因是{}",
            self.c(),
            self.r.pick(&[
                "落实过紧日子要求，压减一般性支出。",
                "办公用房维修支出增加。",
                "人员增加导致公用经费增加。"
            ])
        ));
        self.d.nl();
    }

    fn procurement(&mut self) {
        let l = self.l;
        let y = self.y;
        let c = self.c();
        self.section("政府采购支出情况");
        let p = l.procurement;
        let total: i64 = p.iter().sum();
        if total == 0 {
            self.d.para("本年度本部门无政府采购支出。");
            return;
        }
        let fam = "政府采购-货物工程服务";
        let site = self
            .inj
            .offer(&[Kind::SumTotal, Kind::SumPart, Kind::Share, Kind::UnitScale]);
        let nz: Vec<usize> = (0..3).filter(|&i| p[i] != 0).collect();
        let t = nz[self.r.index(nz.len())];
        self.d.put(&format!("{y}年度本部门政府采购支出总额"));
        let (tm, tnote) = if site == Some(Kind::SumTotal) {
            self.value_mut(total)
        } else {
            (Mut::None, String::new())
        };
        let tl = self.amt(total, tm);
        if site == Some(Kind::SumTotal) {
            self.record(
                Kind::SumTotal,
                tl,
                vec![],
                fam,
                format!("政府采购支出总额 {tnote}"),
            );
        }
        self.d.put(&format!("{c}其中{}", self.co()));
        let names = ["政府采购货物支出", "政府采购工程支出", "政府采购服务支出"];
        for i in 0..3 {
            self.d.put(names[i]);
            let (m, note) = match site {
                Some(Kind::SumPart) if i == t => self.value_mut(p[i]),
                Some(Kind::UnitScale) if i == t => (
                    Mut::WrongUnit,
                    format!("{} written in {}", names[i], self.other_unit()),
                ),
                _ => (Mut::None, String::new()),
            };
            let pl = self.amt(p[i], m);
            if i == t {
                match site {
                    Some(Kind::SumPart) => self.record(
                        Kind::SumPart,
                        tl,
                        vec![pl],
                        fam,
                        format!("{} {note}", names[i]),
                    ),
                    Some(Kind::UnitScale) => self.record(Kind::UnitScale, pl, vec![tl], fam, note),
                    _ => {}
                }
            }
            self.d.put(if i == 2 { "。" } else { "、" });
        }
        // 授予中小企业 share of the total; 小微 share of 中小 or of the total (denominator named).
        let dec = self.st.pct_dec;
        let share_target = self.r.index(2);
        self.d.put("授予中小企业合同金额");
        self.amt(l.sme, Mut::None);
        self.d.put(&format!("{c}占政府采购支出总额的"));
        let s1 = pct(l.sme, total, dec);
        let denom_sme = self.r.chance(0.6);
        let (s2, d2, d2name) = if denom_sme {
            (pct(l.small, l.sme, dec), l.sme, "授予中小企业合同金额")
        } else {
            (pct(l.small, total, dec), total, "政府采购支出总额")
        };
        let put_share = |cx: &mut Self, s: i64, a: i64, b: i64, is_t: bool| {
            if site == Some(Kind::Share) && is_t {
                let (da, db) = (cx.disp(a), cx.disp(b));
                if let Some(w) = cx.wrong_pct(da, db, s, dec) {
                    let sl = cx.pct(w);
                    cx.record(
                        Kind::Share,
                        sl,
                        vec![],
                        fam,
                        format!("procurement share → {}", cx.pct_text(w, dec)),
                    );
                    return;
                }
                cx.inj.give_back(Kind::Share);
            }
            cx.pct(s);
        };
        put_share(self, s1, l.sme, total, share_target == 0);
        self.d
            .put(&format!("{c}其中{}授予小微企业合同金额", self.co()));
        self.amt(l.small, Mut::None);
        self.d.put(&format!("{c}占{d2name}的"));
        put_share(self, s2, l.small, d2, share_target == 1);
        self.d.put("。");
        self.d.nl();
    }

    fn assets(&mut self) {
        let l = self.l;
        let y = self.y;
        let (c, sc) = (self.c(), self.sc());
        self.section("国有资产占用情况");
        let site = self.inj.offer(&[Kind::SumExceed]);
        let which = self.r.index(2);
        // Vehicles: a complete list of categories.
        let n: i64 = l.vehicles.iter().map(|v| v.1).sum();
        let vl = self.d.line_no();
        let stated_n = if site == Some(Kind::SumExceed) && which == 0 && n >= 2 {
            n - self.r.range(1, n.min(3))
        } else {
            n
        };
        self.d.put(&format!(
            "截至{y}年12月31日{c}本部门共有车辆{stated_n}辆{c}其中{}",
            self.co()
        ));
        let parts: Vec<String> = l
            .vehicles
            .iter()
            .map(|(k, v)| format!("{k}{v}辆"))
            .collect();
        self.d.put(&parts.join("、"));
        self.d.put(&format!(
            "{sc}单价50万元以上通用设备{}台{lp}套{rp}{c}单价100万元以上专用设备{}台{lp}套{rp}。",
            self.r.range(0, 5),
            self.r.range(0, 2),
            lp = self.lp(),
            rp = self.rp()
        ));
        self.d.nl();
        if stated_n != n {
            self.record(
                Kind::SumExceed,
                vl,
                vec![],
                "国有资产-车辆",
                format!("共有车辆{stated_n}辆 but categories add to {n}"),
            );
        }
        // Fixed assets: a partial list (parts below the total are legal).
        let parts_sum = self.disp(l.house + l.cars_value);
        self.d.put("固定资产总额");
        let fl = self.d.line_no();
        if site == Some(Kind::SumExceed) && (which == 1 || stated_n == n) {
            let w = (parts_sum as f64 * self.r.factor(0.4, 0.9)) as i64;
            let t = self.amt_text(w, Mut::None);
            self.d.put(&t);
            self.record(
                Kind::SumExceed,
                fl,
                vec![],
                "国有资产-部分列举",
                format!("固定资产总额 {t} below 房屋 + 车辆"),
            );
        } else {
            self.amt(l.fixed_assets, Mut::None);
        }
        self.d.put(&format!(
            "{c}其中{}房屋{}平方米{c}",
            self.co(),
            self.r.range(300, 9000)
        ));
        self.amt(l.house, Mut::None);
        self.d.put(&format!("{sc}车辆"));
        self.amt(l.cars_value, Mut::None);
        self.d.put("。");
        self.d.nl();
    }

    fn performance(&mut self) {
        let l = self.l;
        let y = self.y;
        let c = self.c();
        self.section("预算绩效管理情况");
        let n = l.evaluated_count;
        let good = self.r.range(0, n);
        self.d.put(&format!(
            "根据预算绩效管理要求{c}本部门组织对{y}年度{n}个项目开展绩效自评{c}涉及资金"
        ));
        self.amt(l.evaluated, Mut::None);
        self.d.put(&format!("{c}占项目支出的"));
        let s = pct(l.evaluated, l.expense[1], self.st.pct_dec);
        let site = self.inj.offer(&[Kind::Share]);
        let (a, b) = (self.disp(l.evaluated), self.disp(l.expense[1]));
        match site.and_then(|_| self.wrong_pct(a, b, s, self.st.pct_dec)) {
            Some(w) => {
                let sl = self.pct(w);
                self.record(
                    Kind::Share,
                    sl,
                    vec![],
                    "绩效-占项目支出",
                    format!("evaluated share → {}", self.pct_text(w, self.st.pct_dec)),
                );
            }
            None => {
                if site.is_some() {
                    self.inj.give_back(Kind::Share);
                }
                self.pct(s);
            }
        }
        self.d.put(&format!("。自评结果显示{c}{good}个项目评价等级为“优”（90分以上）{c}{}个项目评价等级为“良”（80-90分）。", n - good));
        self.d.nl();
    }

    /// One cell per line, tab-prefixed, rows separated by a lone tab line (Word table pasted
    /// as text), with the column-number row `1 2 3 4 5=4/3`.
    fn word_table(&mut self) {
        let l = self.l;
        self.section("预算执行情况");
        let fam = "表-Word平铺";
        let eb = l.econ_budget;
        let fb = l.adjust_factor_basic;
        let fp = l.adjust_factor_project;
        let pers_b = eb[0] + eb[2];
        let pub_b = eb[1] + eb[3];
        let pers_a = (pers_b as f64 * fb) as i64;
        let pub_a = (pub_b as f64 * fb) as i64;
        let proj_a = (l.project_budget as f64 * fp) as i64;
        let rows: [(&str, i64, i64, i64); 5] = [
            ("基本支出", pers_b + pub_b, pers_a + pub_a, l.expense[0]),
            ("人员经费", pers_b, pers_a, l.personnel()),
            ("公用经费", pub_b, pub_a, l.public_use()),
            ("项目支出", l.project_budget, proj_a, l.expense[1]),
            (
                "合计",
                pers_b + pub_b + l.project_budget,
                pers_a + pub_a + proj_a,
                l.expense[0] + l.expense[1],
            ),
        ];
        let dec = *self.r.pick(&[0u32, 0, 1, 2]);
        self.d.para(&format!(
            "{}单位：万元",
            if self.r.chance(0.3) { "金额" } else { "" }
        ));
        for h in ["类别", "年初预算数", "调整预算数", "决算数", "预算执行数"] {
            self.d.para(&format!("\t{h}"));
        }
        self.d.para("\t");
        for h in ["1", "2", "3", "4", "5=4/3"] {
            self.d.para(&format!("\t{h}"));
        }
        self.d.para("\t");
        let site = self.inj.offer(&[Kind::TableFormula]);
        let target = *self.r.pick(&[1usize, 2, 3, 4]);
        let mode = self.r.index(2); // 0: the 5=4/3 cell, 1: a 决算 cell of a sub-row
        let target = if mode == 1 {
            self.r.range(1, 2) as usize
        } else {
            target
        };
        let w = |v: i64| round_div(v as i128, 10_000) as i64;
        let mut basic_actual_line = 0;
        for (ri, (nm, b, a, act)) in rows.iter().enumerate() {
            self.d.para(&format!("\t\t{nm}"));
            let pad = if self.r.chance(0.5) { "    " } else { "" };
            self.d
                .para(&format!("\t\t{pad}{} ", fmt_fixed(w(*b), 2, true)));
            self.d
                .para(&format!("\t\t{pad}{} ", fmt_fixed(w(*a), 2, true)));
            let al = self.d.line_no();
            if ri == 0 {
                basic_actual_line = al;
            }
            if site.is_some() && mode == 1 && ri == target {
                let (v2, how) = mutate_amount(&mut self.r, w(*act));
                self.d
                    .para(&format!("\t\t{pad}{} ", fmt_fixed(v2, 2, true)));
                self.inj.record(
                    Kind::TableFormula,
                    al,
                    vec![basic_actual_line],
                    fam,
                    format!("{nm} 决算数 {how}"),
                );
                self.inj.last_rules(vec!["table-formula", "sum-mismatch"]);
                self.falsify(nm);
            } else {
                self.d
                    .para(&format!("\t\t{pad}{} ", fmt_fixed(w(*act), 2, true)));
                self.state(nm, al);
            }
            let r = pct(*act, *a, dec);
            let rl = self.d.line_no();
            if site.is_some() && mode == 0 && ri == target {
                let wr = self.wrong_pct(w(*act), w(*a), r, dec);
                match wr {
                    Some(x) => {
                        self.d.para(&format!("\t\t{}%", fmt_fixed(x, dec, false)));
                        self.inj.record(
                            Kind::TableFormula,
                            rl,
                            vec![],
                            fam,
                            format!(
                                "{nm} 5=4/3 cell {} → {}",
                                fmt_fixed(r, dec, false),
                                fmt_fixed(x, dec, false)
                            ),
                        );
                    }
                    None => {
                        self.d.para(&format!("\t\t{}%", fmt_fixed(r, dec, false)));
                        self.inj.give_back(Kind::TableFormula);
                    }
                }
            } else {
                self.d.para(&format!("\t\t{}%", fmt_fixed(r, dec, false)));
            }
            self.d.para("\t");
        }
    }

    /// A Markdown pipe table: 本年数 / 上年数 / 增减额 / 增减率 with the column-number row.
    fn md_table(&mut self) {
        let l = self.l;
        self.section("收入支出决算总表");
        let fam = "表-Markdown";
        self.d.para("金额单位：万元");
        self.d
            .para("| 项目 | 本年数 | 上年数 | 增减额 | 增减率（%） |");
        self.d.para("| --- | ---: | ---: | ---: | ---: |");
        self.d.para("| 栏次 | 1 | 2 | 3=1-2 | 4=3/2 |");
        let dec = *self.r.pick(&[1u32, 2]);
        let zero = *self.r.pick(&["0.00", "0", ""]);
        let w = |v: i64| round_div(v as i128, 10_000) as i64;
        let cell = |v: i64| {
            if v == 0 {
                zero.to_string()
            } else {
                fmt_fixed(v, 2, true)
            }
        };
        let mut rows: Vec<(String, i64, i64, bool)> = Vec::new();
        for i in 0..6 {
            rows.push((
                INCOME_NAMES[i].to_string(),
                l.income[i],
                l.income_prev[i],
                false,
            ));
        }
        rows.push((
            "本年收入合计".into(),
            l.income_total(),
            l.income_prev.iter().sum(),
            true,
        ));
        for i in 0..5 {
            rows.push((
                EXPENSE_NAMES[i].to_string(),
                l.expense[i],
                l.expense_prev[i],
                false,
            ));
        }
        rows.push((
            "本年支出合计".into(),
            l.expense_total(),
            l.expense_prev.iter().sum(),
            true,
        ));
        let site = self.inj.offer(&[Kind::TableFormula]);
        let cands: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.3 && r.1 != 0 && r.2 != 0)
            .map(|(i, _)| i)
            .collect();
        let target = if cands.is_empty() {
            usize::MAX
        } else {
            cands[self.r.index(cands.len())]
        };
        let mode = self.r.index(3);
        let mut pending_alt = None;
        for (ri, (nm, cur, prev, is_total)) in rows.iter().enumerate() {
            let line = self.d.line_no();
            let diff = cur - prev;
            let mut cur_s = cell(w(*cur));
            let mut diff_s = if diff == 0 {
                zero.to_string()
            } else {
                fmt_fixed(w(diff), 2, true)
            };
            let rate = if *prev > 0 { pct(diff, *prev, dec) } else { 0 };
            let mut rate_s = if *prev > 0 {
                fmt_fixed(rate, dec, false)
            } else {
                String::new()
            };
            if site.is_some() && ri == target {
                match mode {
                    0 => {
                        let (v2, how) = mutate_amount(&mut self.r, w(*cur));
                        cur_s = fmt_fixed(v2, 2, true);
                        self.inj.record(
                            Kind::TableFormula,
                            line,
                            vec![],
                            fam,
                            format!("{nm} 本年数 {how}"),
                        );
                        self.inj.last_rules(vec!["table-formula", "sum-mismatch"]);
                        self.falsify(nm);
                        pending_alt = Some(());
                    }
                    1 => {
                        let (v2, how) = mutate_amount(&mut self.r, w(diff.abs()));
                        diff_s = fmt_fixed(if diff < 0 { -v2 } else { v2 }, 2, true);
                        self.inj.record(
                            Kind::TableFormula,
                            line,
                            vec![],
                            fam,
                            format!("{nm} 增减额 {how}"),
                        );
                        self.inj
                            .last_rules(vec!["table-formula", "change-mismatch"]);
                    }
                    _ => {
                        let (lo, hi) = ratio_interval(w(diff.abs()), w(*prev));
                        let mut done = false;
                        for _ in 0..12 {
                            let pts = self.r.range(2, 15) * pow10(dec);
                            let v = if diff < 0 {
                                -(rate.abs() + pts)
                            } else {
                                rate + pts
                            };
                            if provably_outside(v.abs(), dec, lo, hi) {
                                rate_s = fmt_fixed(v, dec, false);
                                self.inj.record(
                                    Kind::TableFormula,
                                    line,
                                    vec![],
                                    fam,
                                    format!(
                                        "{nm} 增减率 {} → {rate_s}",
                                        fmt_fixed(rate, dec, false)
                                    ),
                                );
                                self.inj.last_rules(vec!["table-formula", "rate-mismatch"]);
                                done = true;
                                break;
                            }
                        }
                        if !done {
                            self.inj.give_back(Kind::TableFormula);
                        }
                    }
                }
            }
            if *is_total && pending_alt.take().is_some() {
                self.inj.add_alt_to_last(line);
            }
            self.d.para(&format!(
                "| {nm} | {cur_s} | {} | {diff_s} | {rate_s} |",
                cell(w(*prev))
            ));
            self.state(nm, line);
        }
        if site.is_some() && target == usize::MAX {
            self.inj.give_back(Kind::TableFormula);
        }
    }

    /// Tab-separated rows of the functional classification (类 / 款 / 项 codes).
    fn tsv_table(&mut self) {
        let l = self.l;
        self.section("一般公共预算财政拨款支出决算表");
        let fam = "表-制表符分隔";
        self.d.para("单位：万元");
        self.d.para("科目编码\t科目名称\t合计\t基本支出\t项目支出");
        if self.r.chance(0.5) {
            self.d.para("栏次\t\t1\t2\t3");
        }
        let w = |v: i64| round_div(v as i128, 10_000) as i64;
        let f = |v: i64| fmt_fixed(w(v), 2, false);
        let site = self.inj.offer(&[Kind::TableFormula]);
        let target = self.r.index(l.leaves.len());
        let mut kuan_line = 0;
        for cl in &l.classes {
            let lv: Vec<_> = l
                .leaves
                .iter()
                .filter(|x| x.class_code == cl.code)
                .collect();
            let b: i64 = lv.iter().map(|x| x.basic).sum();
            let p: i64 = lv.iter().map(|x| x.project).sum();
            let class_line = self.d.line_no();
            self.d.para(&format!(
                "{}\t{}\t{}\t{}\t{}",
                cl.code,
                cl.name,
                f(b + p),
                f(b),
                f(p)
            ));
            self.state(&format!("类:{}", cl.code), class_line);
            let mut last_kuan = "";
            for x in &lv {
                if x.kuan_code != last_kuan {
                    last_kuan = x.kuan_code;
                    let kb: i64 = lv
                        .iter()
                        .filter(|y| y.kuan_code == x.kuan_code)
                        .map(|y| y.basic)
                        .sum();
                    let kp: i64 = lv
                        .iter()
                        .filter(|y| y.kuan_code == x.kuan_code)
                        .map(|y| y.project)
                        .sum();
                    kuan_line = self.d.line_no();
                    self.d.para(&format!(
                        "{}\t{}\t{}\t{}\t{}",
                        x.kuan_code,
                        x.kuan_name,
                        f(kb + kp),
                        f(kb),
                        f(kp)
                    ));
                }
                let li = l
                    .leaves
                    .iter()
                    .position(|y| y.code == x.code && y.class_code == x.class_code)
                    .unwrap_or(usize::MAX);
                let line = self.d.line_no();
                if site.is_some() && li == target && w(x.basic + x.project) > 0 {
                    let (v2, how) = mutate_amount(&mut self.r, w(x.basic + x.project));
                    self.d.para(&format!(
                        "{}\t{}\t{}\t{}\t{}",
                        x.code,
                        x.name,
                        fmt_fixed(v2, 2, false),
                        f(x.basic),
                        f(x.project)
                    ));
                    self.inj.record(
                        Kind::TableFormula,
                        line,
                        vec![kuan_line, class_line],
                        fam,
                        format!("{} {} 合计 {how}", x.code, x.name),
                    );
                    self.inj.last_rules(vec!["table-formula", "sum-mismatch"]);
                } else {
                    if site.is_some() && li == target {
                        self.inj.give_back(Kind::TableFormula);
                    }
                    self.d.para(&format!(
                        "{}\t{}\t{}\t{}\t{}",
                        x.code,
                        x.name,
                        f(x.basic + x.project),
                        f(x.basic),
                        f(x.project)
                    ));
                }
            }
        }
        let tl = self.d.line_no();
        self.d.para(&format!(
            "\t合计\t{}\t{}\t{}",
            f(l.gpb),
            f(l.expense[0]),
            f(l.gpb_project)
        ));
        self.state("一般公共预算财政拨款支出", tl);
    }

    /// Later paragraphs that state a quantity again, possibly in the other unit: the place of
    /// value-mismatch and unit-scale slips (seed E11).
    fn restatements(&mut self) {
        let l = self.l;
        let y = self.y;
        let c = self.c();
        self.section("其他需要说明的情况");
        let cands: Vec<(&str, &str, i64)> = vec![
            ("收支总计", "收、支总计", l.total()),
            ("本年收入合计", "本年收入合计", l.income_total()),
            ("本年支出合计", "本年支出合计", l.expense_total()),
            ("基本支出", "基本支出", l.expense[0]),
        ];
        let cands: Vec<_> = cands
            .into_iter()
            .filter(|(k, _, _)| {
                !self.falsified.iter().any(|(f, _)| f == k)
                    && self.stated.iter().any(|(s, _)| s == k)
            })
            .collect();
        if cands.is_empty() {
            self.d.para("本部门无其他需要说明的情况。");
            return;
        }
        let n = self.r.range(1, cands.len().min(2) as i64) as usize;
        let start = self.r.index(cands.len());
        let saved = self.st.wan;
        for j in 0..n {
            let (key, label, v) = cands[(start + j) % cands.len()];
            // The restatement picks its own unit: text in 元 and summaries in 万元 must agree.
            self.st.wan = self.r.chance(0.5);
            let site = self.inj.offer(&[Kind::ValueMismatch, Kind::UnitScale]);
            let lead = self
                .r
                .pick(&["经核对，", "从预算执行情况看，", "综上，", ""])
                .to_string();
            self.d.put(&format!("{lead}{y}年度本部门{label}"));
            let orig: Vec<usize> = self
                .stated
                .iter()
                .filter(|(s, _)| s == key)
                .map(|(_, l)| *l)
                .collect();
            let (m, note) = match site {
                Some(Kind::ValueMismatch) => self.value_mut(v),
                Some(Kind::UnitScale) => (
                    Mut::WrongUnit,
                    format!("{label} restated in {}", self.other_unit()),
                ),
                _ => (Mut::None, String::new()),
            };
            let line = self.amt(v, m);
            match site {
                Some(Kind::ValueMismatch) => {
                    self.inj.record(
                        Kind::ValueMismatch,
                        line,
                        orig,
                        "重述-同一数值",
                        format!("{label} restated: {note}"),
                    );
                }
                Some(Kind::UnitScale) => {
                    self.inj
                        .record(Kind::UnitScale, line, orig, "重述-单位", note);
                    self.inj.last_rules(vec!["unit-scale", "value-mismatch"]);
                }
                _ => {}
            }
            self.d.put(&format!("{c}与决算报表数据一致。"));
        }
        self.st.wan = saved;
        self.d.nl();
    }

    fn glossary(&mut self) {
        self.section("名词解释");
        let (lp, rp) = (self.lp(), self.rp());
        self.d.para(&format!("1.“三公”经费：是指通过财政拨款资金安排的因公出国{lp}境{rp}费、公务用车购置及运行维护费和公务接待费。"));
        self.d
            .para("2.机关运行经费：是指为保障行政单位运行用于购买货物和服务的各项资金。");
        self.d
            .para("3.基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。");
    }
}

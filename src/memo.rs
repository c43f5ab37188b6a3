//! What each paragraph says, kept while it is unchanged: a keystroke re-reads the paragraph it
//! touches, and takes the others' sentences and statements from here, moved to where they now
//! sit. A paragraph is read alone (`facts::read_block`) from its text, its numbers and the
//! heading above it, and from one thing outside it — whether a label it names (`X中，…`) was
//! stated above — so an entry is used only where all of these are the same again.
//!
//! The numbers are kept line by line the same way (`extract::scan` reads line by line), and
//! tables table by table (`table::read` reads a table's rows and the line above it).
//!
//! Everything after (lists across paragraphs, relations, rules, the IDE's views) is computed
//! afresh each time: it is the part that depends on the whole report.

// Keyed by whole lines and paragraphs, hashed on every keystroke: foldhash is ~10× faster than
// std's SipHash on long keys and, like it, seeded at random.
use foldhash::HashMap;
use std::ops::Range;

use crate::extract::Number;
use crate::facts::{BlockFacts, Move};
use crate::segment::{RawTable, Sentence};
use crate::table::Table;
use crate::text::Span;

/// Where a paragraph sits in its report.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// Byte offset of its first character.
    pub offset: usize,
    /// Index of its first number.
    pub num: usize,
    /// Index of its first sentence.
    pub sentence: usize,
    pub block: usize,
}

impl Place {
    fn to(self) -> Move {
        Move {
            offset: self.offset as isize,
            num: self.num as isize,
            sentence: self.sentence as isize,
            block: self.block,
        }
    }

    fn from(self) -> Move {
        Move {
            offset: -(self.offset as isize),
            num: -(self.num as isize),
            sentence: -(self.sentence as isize),
            block: 0,
        }
    }
}

/// The indices of the report's `numbers` (in text order) that start within `span`.
pub fn numbers_in(numbers: &[Number], span: Span) -> Range<usize> {
    numbers.partition_point(|n| n.span.start < span.start)
        ..numbers.partition_point(|n| n.span.start < span.end)
}

/// Whether `theirs`, moved by `by` bytes, are the numbers `mine` kept.
fn same_numbers(mine: &[Number], theirs: &[Number], by: isize) -> bool {
    mine.len() == theirs.len()
        && mine
            .iter()
            .zip(theirs)
            .all(|(mine, theirs)| *mine == theirs.moved(by))
}

/// A table as read at offset 0 with its first number at index 0.
#[derive(Debug, Clone)]
struct TableEntry {
    raw: RawTable,
    numbers: Vec<Number>,
    assumed_unit: Option<u32>,
    table: Table,
    used: u64,
}

#[derive(Debug, Clone)]
struct Entry {
    /// The text of the numbered heading above (`facts::heading_text`): the label it gives is
    /// made from it.
    heading: Option<String>,
    /// All as if the paragraph were the first thing of its report.
    numbers: Vec<Number>,
    sentences: Vec<Sentence>,
    facts: BlockFacts,
    /// The last `Memo::generation` that used it.
    used: u64,
}

/// The paragraphs and lines of one report, by text.
#[derive(Debug, Default, Clone)]
pub struct Memo {
    paragraphs: HashMap<Box<str>, Vec<Entry>>,
    /// The numbers of each line with digits, as if it were the first line of its report, and
    /// the last generation that used them.
    lines: HashMap<Box<str>, (Vec<Number>, u64)>,
    /// Lines with digits in the last report read.
    lines_used: usize,
    /// Tables by their text from the caption line above to their last row.
    tables: HashMap<Box<str>, Vec<TableEntry>>,
    entries: usize,
    generation: u64,
    used: usize,
    /// Paragraphs read (not found here) since the last `begin`.
    read: usize,
    /// Tables read since the last `begin`.
    tables_read: usize,
}

impl Memo {
    pub fn new() -> Memo {
        Memo::default()
    }

    /// Start reading a report: entries not used by the end of it may be forgotten.
    pub fn begin(&mut self) {
        self.generation += 1;
        self.used = 0;
        self.read = 0;
        self.tables_read = 0;
        self.lines_used = 0;
    }

    /// `extract::scan(text)`, taking the numbers of lines read before from here (`scan`
    /// reads line by line).
    pub fn numbers(&mut self, text: &str) -> Vec<Number> {
        let generation = self.generation;
        let mut out = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            // Most lines of a report have no figure: nothing to look up.
            if line.bytes().any(|b| b.is_ascii_digit()) {
                self.lines_used += 1;
                let by = at as isize;
                match self.lines.get_mut(line) {
                    Some((nums, used)) => {
                        *used = generation;
                        out.extend(nums.iter().map(|n| n.moved(by)));
                    }
                    None => {
                        let nums = crate::extract::scan(line);
                        out.extend(nums.iter().map(|n| n.moved(by)));
                        self.lines.insert(line.into(), (nums, generation));
                    }
                }
            }
            at += line.len();
        }
        out
    }

    /// `table::read` of `raw`, taken from here when a table with the same text (caption line
    /// included), cells, numbers and assumed unit was read before. `numbers` are the report's.
    pub fn table(
        &mut self,
        text: &str,
        raw: &RawTable,
        numbers: &[Number],
        assumed_unit: Option<u32>,
    ) -> Table {
        let start = raw.start();
        let key = &text[start..raw.span.end];
        let nums = numbers_in(numbers, raw.span);
        let (by, num) = (start as isize, nums.start as isize);
        let rel_raw = raw.moved(-by);
        let same = |e: &TableEntry| {
            e.assumed_unit == assumed_unit
                && e.raw == rel_raw
                && same_numbers(&e.numbers, &numbers[nums.clone()], -by)
        };
        let generation = self.generation;
        if let Some(e) = self
            .tables
            .get_mut(key)
            .and_then(|v| v.iter_mut().find(|e| same(e)))
        {
            e.used = generation;
            return e.table.moved(by, num);
        }
        let table = crate::table::read(text, raw, numbers, assumed_unit);
        self.tables_read += 1;
        let entry = TableEntry {
            raw: rel_raw,
            numbers: numbers[nums].iter().map(|n| n.moved(-by)).collect(),
            assumed_unit,
            table: table.moved(-by, -num),
            used: generation,
        };
        self.tables.entry(key.into()).or_default().push(entry);
        table
    }

    /// The sentences and facts of a paragraph read before with the same `text`, `heading` and
    /// `numbers`, and which reads the same below `prior` — moved to `place`.
    pub fn paragraph(
        &mut self,
        text: &str,
        heading: Option<&str>,
        numbers: &[Number],
        prior: &crate::facts::Prior,
        place: Place,
    ) -> Option<(Vec<Sentence>, BlockFacts)> {
        let generation = self.generation;
        let back = place.from();
        let e = self.paragraphs.get_mut(text)?.iter_mut().find(|e| {
            e.heading.as_deref() == heading
                && same_numbers(&e.numbers, numbers, back.offset)
                && e.facts.fits(prior)
        })?;
        if e.used != generation {
            e.used = generation;
            self.used += 1;
        }
        let to = place.to();
        let sentences = e
            .sentences
            .iter()
            .map(|s| s.moved(to.offset, to.block))
            .collect();
        Some((sentences, e.facts.clone().moved(&to)))
    }

    /// Keep what a paragraph read at `place` said.
    pub fn keep(
        &mut self,
        text: &str,
        heading: Option<String>,
        numbers: &[Number],
        sentences: &[Sentence],
        facts: &BlockFacts,
        place: Place,
    ) {
        let back = place.from();
        let entry = Entry {
            heading,
            numbers: numbers.iter().map(|n| n.moved(back.offset)).collect(),
            sentences: sentences.iter().map(|s| s.moved(back.offset, 0)).collect(),
            facts: facts.clone().moved(&back),
            used: self.generation,
        };
        self.used += 1;
        self.read += 1;
        self.entries += 1;
        match self.paragraphs.get_mut(text) {
            Some(v) => v.push(entry),
            None => {
                self.paragraphs.insert(text.into(), vec![entry]);
            }
        }
    }

    /// End of a report: forget what it no longer says once the forgotten would outnumber it
    /// (a paragraph typed key by key leaves one entry per keystroke).
    pub fn sweep(&mut self) {
        let generation = self.generation;
        if self.lines.len() > 2 * self.lines_used + 256 {
            self.lines.retain(|_, (_, used)| *used == generation);
        }
        // Tables are few: those not in the report as last read go.
        self.tables.retain(|_, v| {
            v.retain(|e| e.used == generation);
            !v.is_empty()
        });
        if self.entries <= 2 * self.used + 64 {
            return;
        }
        self.paragraphs.retain(|_, v| {
            v.retain(|e| e.used == generation);
            !v.is_empty()
        });
        self.entries = self.paragraphs.values().map(Vec::len).sum();
    }

    /// How many paragraphs the last report read had to read (the others were found here).
    pub fn read(&self) -> usize {
        self.read
    }

    /// How many tables the last report read had to read.
    pub fn tables_read(&self) -> usize {
        self.tables_read
    }

    /// How many paragraphs it holds.
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Options;
    use crate::engine::{run_report, run_report_with};

    const REPORT: &str = "甲局2022年度部门决算说明
一、收入支出决算总体情况
本年收入合计100.00万元，其中：财政拨款收入60.00万元，其他收入40.00万元。
本年支出合计90.00万元，比上年增加10.00万元，增长12.5%。
二、一般公共预算“三公”经费支出情况
公务用车购置及运行维护费10.00万元。
公务用车购置及运行维护费中，公务用车购置费4.00万元，公务用车运行维护费5.00万元。
三、其他重要事项
机关运行经费支出20.00万元，比上年减少2.00万元。
";

    fn edited(at: &str, from: &str, to: &str) -> String {
        let line = REPORT.find(at).expect("in the report");
        let i = line + REPORT[line..].find(from).expect("after it");
        let mut s = REPORT.to_string();
        s.replace_range(i..i + from.len(), to);
        s
    }

    /// Analyse `texts` in turn with one memo; each analysis must equal a fresh one. Returns
    /// `count` of the memo after each.
    fn counted(texts: &[&str], count: fn(&Memo) -> usize) -> Vec<usize> {
        let mut memo = Memo::new();
        texts
            .iter()
            .map(|t| {
                let got = run_report_with(t, &Options::default(), Some(&mut memo));
                assert!(got == run_report(t, &Options::default()), "differs on\n{t}");
                count(&memo)
            })
            .collect()
    }

    /// How many paragraphs each of `texts` had to read.
    fn reads(texts: &[&str]) -> Vec<usize> {
        counted(texts, Memo::read)
    }

    #[test]
    fn an_edit_rereads_only_its_paragraph() {
        let digit = edited("本年支出合计", "90.00", "95.00");
        // A line inserted above moves every paragraph below: they are still found.
        let line = edited("三、", "三、", "这是新加的一段说明。\n三、");
        // Nine paragraphs: the title, three headings and five paragraphs.
        assert_eq!(reads(&[REPORT, &digit, REPORT, &line]), [9, 1, 0, 1]);
    }

    #[test]
    fn a_paragraph_naming_a_total_above_is_reread_when_the_total_goes() {
        // `公务用车购置及运行维护费中，…` lists the parts of a total stated in the paragraph
        // above; once that statement is gone, the same paragraph reads differently.
        let gone = edited(
            "公务用车购置及运行维护费10",
            "公务用车购置及运行维护费",
            "车辆",
        );
        assert_eq!(reads(&[REPORT, &gone]), [9, 2]);
    }

    #[test]
    fn a_heading_change_rereads_the_paragraph_below() {
        let heading = edited("三、其他", "其他重要事项", "机关运行经费");
        assert_eq!(reads(&[REPORT, &heading]), [9, 2]);
    }

    #[test]
    fn a_table_is_read_again_only_when_it_changes() {
        let table = "表1 收入决算表\n单位：万元\n| 项目 | 决算数 |\n|---|---|\n| 本年收入合计 | 100.00 |\n| 财政拨款收入 | 60.00 |\n| 其他收入 | 30.00 |\n";
        let with_table = format!("{REPORT}{table}");
        let tables = |texts: &[&str]| counted(texts, Memo::tables_read);
        let paragraph = with_table.replacen("90.00", "95.00", 1);
        let cell = with_table.replacen("| 30.00", "| 40.00", 1);
        let unit = with_table.replacen("单位：万元", "单位：元", 1);
        assert_eq!(
            tables(&[&with_table, &paragraph, &cell, &unit]),
            [1, 0, 1, 1]
        );
        // The table is read, not skipped: its 60 + 30 ≠ 100 is a finding of its own.
        let found = |t: &str| run_report(t, &Options::default()).findings.len();
        assert!(found(&with_table) > found(REPORT));
    }

    #[test]
    fn forgets_what_the_report_no_longer_says() {
        let mut memo = Memo::new();
        for k in 0..200 {
            let t = edited("本年支出合计", "90.00", &format!("{}.00", 100 + k));
            run_report_with(&t, &Options::default(), Some(&mut memo));
        }
        assert!(memo.len() <= 2 * 9 + 64, "{} entries kept", memo.len());
        assert!(
            memo.lines.len() <= 2 * 6 + 256,
            "{} lines kept",
            memo.lines.len()
        );
    }
}

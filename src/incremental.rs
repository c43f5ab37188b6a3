//! Incremental analysis: a file kept as its reports (see `bundle`), each with its text and, once
//! computed, its analysis. An edit splices the text of the reports it touches and forgets only
//! their analyses; [`Incremental::analyze`] then reads only those. The result is the analysis
//! of the whole text by construction — a file *is* analysed report by report — and the tests
//! compare the two after random edits all the same.
//!
//! Cloning an `Incremental` is cheap (one `Arc` per report), so a server can analyse a clone off
//! its main loop and hand the analyses back with [`Incremental::adopt`].

use std::sync::{Arc, Mutex};

use crate::analysis::{Analysis, Options};
use crate::finding::Finding;
use crate::memo::Memo;
use crate::text::{floor_char_boundary, Span};

/// One report of the file.
#[derive(Debug, Clone)]
pub struct Report {
    pub text: Arc<str>,
    /// `None` until analysed, and again after an edit to this report.
    pub analysis: Option<Arc<Analysis>>,
    /// Its paragraphs as last read: an edit re-reads only those it changed. Shared by clones;
    /// one analysis uses it at a time, another meanwhile reads without it.
    memo: Arc<Mutex<Memo>>,
}

impl Report {
    fn new(text: &str) -> Report {
        Report {
            text: text.into(),
            analysis: None,
            memo: Arc::default(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Incremental {
    options: Options,
    reports: Vec<Report>,
    /// Byte offset of each report in the file.
    starts: Vec<usize>,
    len: usize,
}

impl Incremental {
    /// The file `text`, split into reports, not yet analysed.
    pub fn new(text: &str, options: Options) -> Incremental {
        let mut inc = Incremental {
            options,
            reports: split(text),
            starts: Vec::new(),
            len: 0,
        };
        inc.reindex();
        inc
    }

    pub fn options(&self) -> Options {
        self.options
    }

    /// New options: every report is read again.
    pub fn set_options(&mut self, options: Options) {
        if options != self.options {
            self.options = options;
            self.reports.iter_mut().for_each(|r| r.analysis = None);
        }
    }

    /// Length of the file in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Replace the bytes of `span` with `new_text`. A span past the end is clamped to it; a
    /// span that cuts a character re-reads the whole file rather than corrupt it.
    pub fn edit(&mut self, span: Span, new_text: &str) {
        let end = span.end.min(self.len);
        let start = span.start.min(end);
        if !self.is_boundary(start) || !self.is_boundary(end) {
            let mut text = self.text();
            let s = floor_char_boundary(&text, start);
            let e = floor_char_boundary(&text, end).max(s);
            text.replace_range(s..e, new_text);
            *self = Incremental::new(&text, self.options);
            return;
        }
        if self.edit_within_a_line(start, end, new_text) {
            return;
        }
        // The reports the edit touches; an edit at a boundary touches both sides.
        let mut a = self
            .starts
            .partition_point(|&s| s < start)
            .saturating_sub(1);
        if a > 0 && self.starts[a] == start {
            a -= 1;
        }
        let mut b = self.starts.partition_point(|&s| s <= end).saturating_sub(1);
        let mut region =
            String::with_capacity(self.end_of(b) - self.starts[a] - (end - start) + new_text.len());
        region.push_str(&self.slice(self.starts[a], start));
        region.push_str(new_text);
        region.push_str(&self.slice(end, self.end_of(b)));
        // A region whose first line is no longer a title belongs to the report before it; one
        // whose last line lost its line break joins the title line after it.
        loop {
            if a > 0 && !crate::bundle::is_title(first_line(&region)) {
                a -= 1;
                region.insert_str(0, &self.reports[a].text);
            } else if b + 1 < self.reports.len() && !region.ends_with(['\n', '\r']) {
                b += 1;
                region.push_str(&self.reports[b].text);
            } else {
                break;
            }
        }
        let mut new = split(&region);
        // The new reports read their paragraphs with the memos of those they replace.
        for (r, old) in new.iter_mut().zip(&self.reports[a..=b]) {
            r.memo = Arc::clone(&old.memo);
        }
        self.reports.splice(a..=b, new);
        self.reindex();
    }

    /// The common keystroke, done without re-splitting its report: an edit inside one report
    /// (not at either end) that neither removes nor types a line break, on a line that is a
    /// title before and after it or neither. The report's title lines are then the same, so
    /// splitting it again (a copy and a title test of every line) would give it back whole.
    /// Returns whether the edit was made.
    fn edit_within_a_line(&mut self, start: usize, end: usize, new_text: &str) -> bool {
        const BREAKS: [char; 2] = ['\n', '\r'];
        let i = self
            .starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let base = self.starts[i];
        if start <= base || end >= self.end_of(i) || new_text.contains(BREAKS) {
            return false;
        }
        let text = &self.reports[i].text;
        let (s, e) = (start - base, end - base);
        if text[s..e].contains(BREAKS) {
            return false;
        }
        let line_start = text[..s].rfind(BREAKS).map_or(0, |p| p + 1);
        let line_end = text[e..].find(BREAKS).map_or(text.len(), |p| e + p);
        let new_line = [&text[line_start..s], new_text, &text[e..line_end]].concat();
        if crate::bundle::is_title(&text[line_start..line_end])
            != crate::bundle::is_title(&new_line)
        {
            return false;
        }
        let edited = [&text[..s], new_text, &text[e..]].concat();
        let r = &mut self.reports[i];
        r.text = edited.into();
        r.analysis = None;
        self.reindex();
        true
    }

    /// The bytes of the reports that have no analysis: what `analyze` will read.
    pub fn unanalysed_bytes(&self) -> usize {
        self.reports
            .iter()
            .filter(|r| r.analysis.is_none())
            .map(|r| r.text.len())
            .sum()
    }

    /// A copy that learns on its own: its reports remember what this file's remember now, but
    /// what its analyses learn stays with it (a clone shares one memory per report). For
    /// measuring a keystroke as the first time it is typed.
    pub fn detached(&self) -> Incremental {
        let mut copy = self.clone();
        for r in &mut copy.reports {
            let memo = r.memo.lock().map(|m| m.clone()).unwrap_or_default();
            r.memo = Arc::new(Mutex::new(memo));
        }
        copy
    }

    /// Analyse every report that has no analysis yet; returns how many were analysed.
    pub fn analyze(&mut self) -> usize {
        let todo: Vec<usize> = (0..self.reports.len())
            .filter(|&i| self.reports[i].analysis.is_none())
            .collect();
        let options = self.options;
        let reports = &self.reports;
        let done = crate::engine::par_map(&todo, |&i| {
            let r = &reports[i];
            let mut memo = r.memo.try_lock().ok();
            Arc::new(crate::engine::run_report_with(
                &r.text,
                &options,
                memo.as_deref_mut(),
            ))
        });
        for (&i, a) in todo.iter().zip(done) {
            self.reports[i].analysis = Some(a);
        }
        todo.len()
    }

    /// Take the analyses `other` (a clone of an earlier state of this file, since analysed)
    /// made of reports whose text is unchanged here.
    pub fn adopt(&mut self, other: &Incremental) {
        if other.options != self.options {
            return;
        }
        // The same text allocation is the same text: an edit makes a new one.
        // Keyed by addresses, not document text: Fx hashing.
        let theirs: rustc_hash::FxHashMap<*const u8, &Arc<Analysis>> = other
            .reports
            .iter()
            .filter_map(|r| Some((r.text.as_ptr(), r.analysis.as_ref()?)))
            .collect();
        for r in self.reports.iter_mut().filter(|r| r.analysis.is_none()) {
            if let Some(&a) = theirs.get(&r.text.as_ptr()) {
                r.analysis = Some(a.clone());
            }
        }
    }

    /// The reports with their byte offsets in the file.
    pub fn reports(&self) -> impl Iterator<Item = (usize, &Report)> {
        self.starts.iter().copied().zip(&self.reports)
    }

    /// The report holding byte `offset` (the last one for the end of the file), with its start.
    pub fn report_at(&self, offset: usize) -> (usize, &Report) {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        (self.starts[i], &self.reports[i])
    }

    /// The reports that overlap `span` (or touch it, for an empty span), with their starts.
    pub fn reports_in(&self, span: Span) -> impl Iterator<Item = (usize, &Report)> {
        let a = self
            .starts
            .partition_point(|&s| s <= span.start)
            .saturating_sub(1);
        let b = self
            .starts
            .partition_point(|&s| s < span.end.max(span.start + 1));
        self.starts[a..b.max(a + 1)]
            .iter()
            .copied()
            .zip(&self.reports[a..b.max(a + 1)])
    }

    /// Every finding of the file, in file order (reports not analysed yet contribute none).
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (start, r) in self.reports() {
            for f in r.analysis.iter().flat_map(|a| &a.findings) {
                let mut f = f.clone();
                f.shift(start);
                out.push(f);
            }
        }
        out
    }

    /// The analysis of the whole file, as `analyze_with` gives it.
    pub fn analysis(&self) -> Analysis {
        let mut out = Analysis::default();
        for (start, r) in self.reports() {
            match &r.analysis {
                Some(a) => out.append((**a).clone(), start),
                None => out.append(crate::engine::run_report(&r.text, &self.options), start),
            }
        }
        out
    }

    /// The whole text.
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(self.len);
        self.reports.iter().for_each(|r| s.push_str(&r.text));
        s
    }

    fn reindex(&mut self) {
        if self.reports.is_empty() {
            self.reports.push(Report::new(""));
        }
        self.starts.clear();
        let mut at = 0;
        for r in &self.reports {
            self.starts.push(at);
            at += r.text.len();
        }
        self.len = at;
    }

    fn end_of(&self, i: usize) -> usize {
        self.starts[i] + self.reports[i].text.len()
    }

    /// The file's bytes `from..to`, both within one report or across several.
    fn slice(&self, from: usize, to: usize) -> String {
        let mut s = String::new();
        for (start, r) in self.reports_in(Span::new(from, to)) {
            let a = from.saturating_sub(start).min(r.text.len());
            let b = to.saturating_sub(start).min(r.text.len());
            s.push_str(&r.text[a..b]);
        }
        s
    }

    fn is_boundary(&self, offset: usize) -> bool {
        let (start, r) = self.report_at(offset);
        r.text.is_char_boundary(offset - start)
    }
}

fn split(text: &str) -> Vec<Report> {
    crate::bundle::reports(text)
        .map(|r| Report::new(&text[r]))
        .collect()
}

fn first_line(s: &str) -> &str {
    s.split(['\n', '\r']).next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "甲局2022年度部门决算说明\n基本支出100.00万元，其中：人员经费60.00万元，公用经费40.00万元。\n乙局2022年度部门决算说明\n基本支出100.00万元，其中：人员经费60.00万元，公用经费40.00万元。\n";

    fn fresh(text: &str) -> Vec<Finding> {
        crate::analysis::analyze(text).findings
    }

    #[test]
    fn an_edit_rereads_only_its_report() {
        let mut inc = Incremental::new(TWO, Options::default());
        assert_eq!(inc.analyze(), 2);
        let at = TWO.rfind("40.00").expect("second report");
        inc.edit(Span::new(at, at + 1), "5");
        assert_eq!(inc.analyze(), 1, "only the second report is read again");
        let text = inc.text();
        assert_eq!(inc.findings(), fresh(&text));
        assert_eq!(inc.findings().len(), 1);
    }

    #[test]
    fn titles_made_and_unmade_by_an_edit() {
        let mut inc = Incremental::new(TWO, Options::default());
        inc.analyze();
        // Break the second title: the two reports become one.
        let at = TWO.rfind("说明").expect("title");
        inc.edit(Span::new(at, at + "说明".len()), "");
        assert_eq!(inc.reports().count(), 1);
        // Join the second title to the line above: still one report.
        let mut text = inc.text();
        assert_eq!(inc.findings(), Vec::new());
        inc.edit(Span::new(at, at), "说明");
        text.insert_str(at, "说明");
        assert_eq!(inc.reports().count(), 2);
        let nl = text.find("。\n乙").expect("line end") + "。".len();
        inc.edit(Span::new(nl, nl + 1), "");
        text.replace_range(nl..nl + 1, "");
        assert_eq!(inc.text(), text);
        assert_eq!(inc.reports().count(), 1);
        inc.analyze();
        assert_eq!(inc.findings(), fresh(&text));
        // Past the end and inside a character: clamped, never a panic.
        inc.edit(Span::new(text.len() + 5, text.len() + 9), "。");
        inc.edit(Span::new(1, 2), "x");
        inc.analyze();
        assert_eq!(inc.findings(), fresh(&inc.text()));
    }

    #[test]
    fn a_detached_copy_learns_on_its_own() {
        let remembered = |inc: &Incremental| inc.reports[1].memo.lock().map_or(0, |m| m.len());
        let mut inc = Incremental::new(TWO, Options::default());
        inc.analyze();
        let before = remembered(&inc);
        let at = TWO.rfind("40.00").expect("second report");
        let mut copy = inc.detached();
        copy.edit(Span::new(at, at + 1), "5");
        copy.analyze();
        assert!(remembered(&copy) > before);
        assert_eq!(remembered(&inc), before);
        // A clone shares what its reports remember.
        let mut clone = inc.clone();
        clone.edit(Span::new(at, at + 1), "5");
        clone.analyze();
        assert!(remembered(&inc) > before);
    }

    #[test]
    fn adopt_keeps_analyses_of_unchanged_reports() {
        let mut inc = Incremental::new(TWO, Options::default());
        let mut worker = inc.clone();
        worker.analyze();
        let at = TWO.rfind("40.00").expect("second report");
        inc.edit(Span::new(at, at + 1), "5");
        inc.adopt(&worker);
        assert_eq!(inc.analyze(), 1);
    }
}

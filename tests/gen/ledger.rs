//! The underlying ledger of one department: every amount in 分, generated so that every
//! canonical relation of DOMAIN.md §2 holds exactly. The renderer only ever derives displayed
//! figures from here (rounding them), so a clean document is correct by construction and all
//! its apparent discrepancies are rounding slack.

// Parallel arrays (names, amounts, budgets, previous values) are walked by index on purpose.
#![allow(clippy::needless_range_loop)]

use super::num::split;
use super::rng::Rng;

pub const INCOME_NAMES: [&str; 6] = [
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
];
pub const EXPENSE_NAMES: [&str; 5] = [
    "基本支出",
    "项目支出",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
];
pub const ECON_NAMES: [&str; 4] = [
    "工资福利支出",
    "商品和服务支出",
    "对个人和家庭的补助",
    "资本性支出",
];

/// A functional-classification leaf (项) with its 款 and 类.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub class_code: &'static str,
    pub kuan_code: &'static str,
    pub kuan_name: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub basic: i64,
    pub project: i64,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub code: &'static str,
    pub name: &'static str,
    pub amount: i64,
    pub budget: i64,
    pub prev: i64,
}

/// (类 code, 类 name, [(款 code, 款 name, [(项 code, 项 name)])]); `basic_only` leaves carry
/// no project money (pensions, medical insurance, housing fund).
type Catalog = (
    &'static str,
    &'static str,
    &'static [(
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    )],
);

const CATALOG: &[Catalog] = &[
    (
        "201",
        "一般公共服务支出",
        &[
            (
                "20101",
                "人大事务",
                &[("2010101", "行政运行"), ("2010102", "一般行政管理事务")],
            ),
            (
                "20103",
                "政府办公厅（室）及相关机构事务",
                &[("2010301", "行政运行"), ("2010350", "事业运行")],
            ),
            (
                "20129",
                "群众团体事务",
                &[("2012901", "行政运行"), ("2012999", "其他群众团体事务支出")],
            ),
        ],
    ),
    (
        "204",
        "公共安全支出",
        &[(
            "20402",
            "公安",
            &[("2040201", "行政运行"), ("2040299", "其他公安支出")],
        )],
    ),
    (
        "205",
        "教育支出",
        &[
            ("20501", "教育管理事务", &[("2050101", "行政运行")]),
            (
                "20502",
                "普通教育",
                &[("2050201", "学前教育"), ("2050202", "小学教育")],
            ),
        ],
    ),
    (
        "206",
        "科学技术支出",
        &[
            ("20601", "科学技术管理事务", &[("2060101", "行政运行")]),
            (
                "20607",
                "科学技术普及",
                &[("2060701", "机构运行"), ("2060702", "科普活动")],
            ),
        ],
    ),
    (
        "207",
        "文化旅游体育与传媒支出",
        &[(
            "20701",
            "文化和旅游",
            &[("2070101", "行政运行"), ("2070109", "群众文化")],
        )],
    ),
    (
        "208",
        "社会保障和就业支出",
        &[(
            "20805",
            "行政事业单位养老支出",
            &[
                ("2080501", "行政单位离退休"),
                ("2080505", "机关事业单位基本养老保险缴费支出"),
                ("2080506", "机关事业单位职业年金缴费支出"),
            ],
        )],
    ),
    (
        "210",
        "卫生健康支出",
        &[(
            "21011",
            "行政事业单位医疗",
            &[("2101101", "行政单位医疗"), ("2101102", "事业单位医疗")],
        )],
    ),
    (
        "212",
        "城乡社区支出",
        &[(
            "21201",
            "城乡社区管理事务",
            &[("2120101", "行政运行"), ("2120104", "城管执法")],
        )],
    ),
    (
        "213",
        "农林水支出",
        &[(
            "21301",
            "农业农村",
            &[("2130101", "行政运行"), ("2130104", "事业运行")],
        )],
    ),
    (
        "221",
        "住房保障支出",
        &[(
            "22102",
            "住房改革支出",
            &[("2210201", "住房公积金"), ("2210203", "购房补贴")],
        )],
    ),
];

fn basic_only(class_code: &str) -> bool {
    matches!(class_code, "208" | "210" | "221")
}

#[derive(Debug, Clone)]
pub struct Ledger {
    pub year: i32,
    pub dept: String,
    /// 部门预算说明 rather than 部门决算说明.
    pub budget_doc: bool,
    pub income: [i64; 6],
    pub income_prev: [i64; 6],
    pub expense: [i64; 5],
    pub expense_prev: [i64; 5],
    /// 年初结转和结余 and 年末结转和结余.
    pub carry_in: i64,
    pub carry_out: i64,
    pub total_prev: i64,
    pub econ: [i64; 4],
    pub econ_budget: [i64; 4],
    /// 一般公共预算财政拨款支出 = Σ leaves; its basic part equals 基本支出.
    pub gpb: i64,
    pub gpb_prev: i64,
    pub gpb_project: i64,
    pub leaves: Vec<Leaf>,
    pub classes: Vec<Class>,
    /// 财政拨款收、支总计 and its previous value.
    pub fin_total: i64,
    pub fin_total_prev: i64,
    /// 因公出国（境）费, 公务接待费, 公务用车购置费, 公务用车运行维护费 — 决算, 年初预算, 上年.
    pub sangong: [i64; 4],
    pub sangong_budget: [i64; 4],
    pub sangong_prev: [i64; 4],
    pub jiguan: i64,
    pub jiguan_prev: i64,
    /// 货物, 工程, 服务; then 授予中小企业, 其中小微企业.
    pub procurement: [i64; 3],
    pub sme: i64,
    pub small: i64,
    pub fixed_assets: i64,
    pub house: i64,
    pub cars_value: i64,
    /// 共有车辆 by category (complete list).
    pub vehicles: Vec<(&'static str, i64)>,
    pub staff: [i64; 4],
    pub retired: [i64; 2],
    /// 项目支出 年初预算 and the adjusted budgets of the Word execution table.
    pub project_budget: i64,
    pub adjust_factor_basic: f64,
    pub adjust_factor_project: f64,
    /// Amount of project money covered by performance self-evaluation (≤ 项目支出).
    pub evaluated: i64,
    pub evaluated_count: i64,
}

/// A random amount in 分 between `lo` and `hi` 元, usually with non-zero 分 so that rounding to
/// 万元 is never exact.
fn yuan(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    let y = rng.range(lo, hi);
    let fen = if rng.chance(0.85) {
        rng.range(0, 99)
    } else {
        0
    };
    y * 100 + fen
}

fn near(rng: &mut Rng, v: i64, lo: f64, hi: f64) -> i64 {
    if v == 0 {
        return 0;
    }
    let f = rng.factor(lo, hi);
    ((v as f64 * f) as i64).max(1)
}

const DISTRICTS: &[&str] = &[
    "门头沟区",
    "朝阳区",
    "武侯区",
    "江北区",
    "雁塔区",
    "鼓楼区",
    "天河区",
    "和平区",
    "南岗区",
    "滨湖区",
    "西湖区",
    "思明区",
];
const AGENCIES: &[&str] = &[
    "科学技术协会",
    "文化和旅游局",
    "农业农村局",
    "司法局",
    "档案馆",
    "统计局",
    "体育局",
    "市场监督管理局",
    "卫生健康委员会",
    "城市管理委员会",
    "妇女联合会",
    "退役军人事务局",
];

impl Ledger {
    pub fn generate(rng: &mut Rng) -> Ledger {
        let year = rng.range(2019, 2024) as i32;
        let dept = format!("{}{}", rng.pick(DISTRICTS), rng.pick(AGENCIES));
        let budget_doc = rng.chance(0.3);

        // Basic expenditure by economic class.
        let wages = yuan(rng, 1_500_000, 60_000_000);
        let goods = near(rng, wages, 0.08, 0.35);
        let family = near(rng, wages, 0.005, 0.12);
        let capital = if rng.chance(0.5) {
            0
        } else {
            near(rng, wages, 0.001, 0.05)
        };
        let econ = [wages, goods, family, capital];
        let basic: i64 = econ.iter().sum();
        let mut econ_budget = [0; 4];
        for (b, &e) in econ_budget.iter_mut().zip(econ.iter()) {
            *b = if rng.chance(0.15) {
                e
            } else {
                near(rng, e, 0.85, 1.15)
            };
            if e == 0 && rng.chance(0.3) {
                *b = 0;
            }
        }

        let project = near(rng, basic, 0.05, 1.8);
        let mut expense = [basic, project, 0, 0, 0];
        for e in expense.iter_mut().skip(2) {
            if rng.chance(0.2) {
                *e = near(rng, basic, 0.01, 0.2);
            }
        }
        let expense_total: i64 = expense.iter().sum();

        // Income: mostly appropriations, sometimes other sources.
        let mut income = [0i64; 6];
        income[0] = near(rng, expense_total, 0.8, 1.0);
        for i in 1..6 {
            if rng.chance(0.25) {
                income[i] = near(rng, expense_total, 0.005, 0.1);
            }
        }
        let income_total: i64 = income.iter().sum();
        let carry_in = (expense_total - income_total).max(0) + near(rng, expense_total, 0.0, 0.08);
        let carry_out = income_total + carry_in - expense_total;
        debug_assert!(carry_out >= 0);

        let mut income_prev = [0i64; 6];
        for (p, &c) in income_prev.iter_mut().zip(income.iter()) {
            *p = if c == 0 && rng.chance(0.8) {
                0
            } else {
                near(rng, c.max(100_000), 0.6, 1.4)
            };
        }
        let mut expense_prev = [0i64; 5];
        for (p, &c) in expense_prev.iter_mut().zip(expense.iter()) {
            *p = if c == 0 && rng.chance(0.8) {
                0
            } else {
                near(rng, c.max(100_000), 0.6, 1.4)
            };
        }
        let total = income_total + carry_in;
        let total_prev = if rng.chance(0.05) {
            total
        } else {
            near(rng, total, 0.6, 1.4)
        };

        // 一般公共预算财政拨款支出: all basic expenditure plus part of the projects.
        let gpb_project = if rng.chance(0.4) {
            project
        } else {
            near(rng, project, 0.5, 1.0)
        };
        let gpb = basic + gpb_project;
        let gpb_prev = near(rng, gpb, 0.6, 1.4);

        let nclass = rng.range(2, 5) as usize;
        let mut idx: Vec<usize> = (0..CATALOG.len()).collect();
        // Deterministic partial shuffle, then keep catalog (code) order as real tables do.
        for i in 0..idx.len() {
            let j = i + rng.index(idx.len() - i);
            idx.swap(i, j);
        }
        let mut chosen: Vec<usize> = idx[..nclass].to_vec();
        if !chosen.iter().any(|&i| !basic_only(CATALOG[i].0)) {
            chosen[0] = 0; // at least one class able to carry project money
        }
        chosen.sort();
        chosen.dedup();
        let mut leaves = Vec::new();
        for &ci in &chosen {
            let (ccode, _, kuans) = CATALOG[ci];
            let nk = rng.range(1, kuans.len() as i64) as usize;
            for &(kcode, kname, items) in &kuans[..nk] {
                let ni = rng.range(1, items.len() as i64) as usize;
                for &(code, name) in &items[..ni] {
                    leaves.push(Leaf {
                        class_code: ccode,
                        kuan_code: kcode,
                        kuan_name: kname,
                        code,
                        name,
                        basic: 0,
                        project: 0,
                    });
                }
            }
        }
        let bw: Vec<u64> = leaves.iter().map(|_| rng.range(1, 100) as u64).collect();
        let pw: Vec<u64> = leaves
            .iter()
            .map(|l| {
                if basic_only(l.class_code) {
                    0
                } else {
                    rng.range(0, 100) as u64
                }
            })
            .collect();
        for (l, b) in leaves.iter_mut().zip(split(basic, &bw)) {
            l.basic = b;
        }
        let pw = if pw.iter().all(|&w| w == 0) {
            leaves
                .iter()
                .map(|l| u64::from(!basic_only(l.class_code)))
                .collect()
        } else {
            pw
        };
        for (l, p) in leaves.iter_mut().zip(split(gpb_project, &pw)) {
            l.project = p;
        }
        let mut classes: Vec<Class> = Vec::new();
        for &ci in &chosen {
            let (ccode, cname, _) = CATALOG[ci];
            let amount: i64 = leaves
                .iter()
                .filter(|l| l.class_code == ccode)
                .map(|l| l.basic + l.project)
                .sum();
            let budget = if rng.chance(0.12) {
                amount
            } else {
                near(rng, amount, 0.7, 1.3)
            };
            let prev = near(rng, amount, 0.6, 1.4);
            classes.push(Class {
                code: ccode,
                name: cname,
                amount,
                budget,
                prev,
            });
        }

        let fin_total = income[0] + near(rng, carry_in, 0.0, 1.0);
        let fin_total_prev = near(rng, fin_total, 0.6, 1.4);

        // “三公”经费: small amounts, often zero items.
        let abroad = if rng.chance(0.7) {
            0
        } else {
            yuan(rng, 5_000, 200_000)
        };
        let recep = if rng.chance(0.2) {
            0
        } else {
            yuan(rng, 1_000, 150_000)
        };
        let car_buy = if rng.chance(0.75) {
            0
        } else {
            yuan(rng, 100_000, 300_000)
        };
        let car_run = if rng.chance(0.1) {
            0
        } else {
            yuan(rng, 2_000, 200_000)
        };
        let mut sangong = [abroad, recep, car_buy, car_run];
        if sangong.iter().all(|&x| x == 0) {
            sangong[1] = yuan(rng, 1_000, 50_000);
        }
        let mut sangong_budget = [0; 4];
        let mut sangong_prev = [0; 4];
        for i in 0..4 {
            sangong_budget[i] = if sangong[i] == 0 && rng.chance(0.6) {
                0
            } else if rng.chance(0.2) {
                sangong[i]
            } else {
                near(rng, sangong[i].max(100_000), 0.8, 1.5)
            };
            sangong_prev[i] = if sangong[i] == 0 && rng.chance(0.6) {
                0
            } else {
                near(rng, sangong[i].max(100_000), 0.6, 1.4)
            };
        }

        let jiguan = near(rng, goods, 0.4, 0.95);
        let jiguan_prev = near(rng, jiguan, 0.6, 1.4);

        let procurement = if rng.chance(0.15) {
            [0, 0, 0]
        } else {
            [
                near(rng, goods, 0.05, 0.5),
                if rng.chance(0.6) {
                    0
                } else {
                    near(rng, project, 0.05, 0.5)
                },
                near(rng, project.max(goods), 0.05, 0.6),
            ]
        };
        let ptotal: i64 = procurement.iter().sum();
        let sme = near(rng, ptotal, 0.5, 1.0);
        let small = near(rng, sme, 0.3, 1.0);

        let fixed_assets = yuan(rng, 2_000_000, 80_000_000);
        let house = near(rng, fixed_assets, 0.1, 0.6);
        let cars_value = near(rng, fixed_assets, 0.01, 0.2);
        let cats = [
            "主要领导干部用车",
            "机要通信用车",
            "应急保障用车",
            "执法执勤用车",
            "特种专业技术用车",
            "离退休干部服务用车",
            "其他用车",
        ];
        let mut vehicles: Vec<(&'static str, i64)> = cats
            .iter()
            .map(|&c| (c, if rng.chance(0.5) { rng.range(1, 6) } else { 0 }))
            .collect();
        if vehicles.iter().all(|v| v.1 == 0) {
            vehicles[2].1 = 1;
        }
        let staff = [rng.range(5, 60), 0, rng.range(0, 80), 0];
        let staff = [
            staff[0],
            (staff[0] - rng.range(0, 3)).max(1),
            staff[2],
            (staff[2] - rng.range(0, 5)).max(0),
        ];
        let retired = [rng.range(0, 3), rng.range(2, 40)];

        let project_budget = near(rng, project, 0.6, 1.3);
        let evaluated = near(rng, project, 0.3, 1.0);
        Ledger {
            year,
            dept,
            budget_doc,
            income,
            income_prev,
            expense,
            expense_prev,
            carry_in,
            carry_out,
            total_prev,
            econ,
            econ_budget,
            gpb,
            gpb_prev,
            gpb_project,
            leaves,
            classes,
            fin_total,
            fin_total_prev,
            sangong,
            sangong_budget,
            sangong_prev,
            jiguan,
            jiguan_prev,
            procurement,
            sme,
            small,
            fixed_assets,
            house,
            cars_value,
            vehicles,
            staff,
            retired,
            project_budget,
            adjust_factor_basic: rng.factor(0.97, 1.08),
            adjust_factor_project: rng.factor(0.9, 1.4),
            evaluated,
            evaluated_count: rng.range(2, 30),
        }
    }

    pub fn income_total(&self) -> i64 {
        self.income.iter().sum()
    }
    pub fn expense_total(&self) -> i64 {
        self.expense.iter().sum()
    }
    pub fn total(&self) -> i64 {
        self.income_total() + self.carry_in
    }
    pub fn sangong_total(&self, which: &[i64; 4]) -> i64 {
        which.iter().sum()
    }
    pub fn personnel(&self) -> i64 {
        self.econ[0] + self.econ[2]
    }
    pub fn public_use(&self) -> i64 {
        self.econ[1] + self.econ[3]
    }

    /// Every canonical relation, in exact arithmetic (used by the generator's own unit test).
    pub fn check(&self) -> Result<(), String> {
        let e = |c: bool, what: &str| if c { Ok(()) } else { Err(what.to_string()) };
        e(
            self.expense[0] == self.econ.iter().sum::<i64>(),
            "基本支出 = Σ经济分类",
        )?;
        e(
            self.expense[0] == self.personnel() + self.public_use(),
            "基本支出 = 人员 + 公用",
        )?;
        e(
            self.total() == self.expense_total() + self.carry_out,
            "收入总计 = 支出总计",
        )?;
        e(self.carry_out >= 0, "年末结转 ≥ 0")?;
        e(
            self.gpb == self.leaves.iter().map(|l| l.basic + l.project).sum::<i64>(),
            "一般公共预算 = Σ项",
        )?;
        e(
            self.gpb == self.classes.iter().map(|c| c.amount).sum::<i64>(),
            "一般公共预算 = Σ类",
        )?;
        e(
            self.leaves.iter().map(|l| l.basic).sum::<i64>() == self.expense[0],
            "T5 基本 = T6",
        )?;
        e(
            self.sme <= self.procurement.iter().sum::<i64>(),
            "中小企业 ≤ 采购总额",
        )?;
        e(self.small <= self.sme, "小微 ≤ 中小")?;
        e(
            self.house + self.cars_value < self.fixed_assets,
            "其中 partial",
        )?;
        e(self.jiguan <= self.public_use(), "机关运行经费 ≤ 公用经费")?;
        e(self.evaluated <= self.expense[1], "评价金额 ≤ 项目支出")?;
        Ok(())
    }
}

//! The diagnosis in words, in Russian and English: which person, how sure, and what to look at.
//! "Markedly worse" is the model's range for a weak link: a conversion at 30–80 % of the others'
//! (`DiagnosisConfig::weak_ratio`); the probability is the posterior probability that this person
//! is the one weak link of the department, against everyone else and against "no one".
//! The Russian sentences keep the person's name as a label (never inflected), since names come
//! from the caller of the API in the nominative.

use super::{
    Conclusion, DataShortage, Diagnosis, PersonAssessment, RateInterval, Role, Shortage, Verdict,
};

/// The language of [`Diagnosis::explain`]: the catalog's.
pub use baton_catalog::Lang;

/// A share as a percentage with one decimal: `12.5%` or `12,5 %`.
fn percent(x: f64, lang: Lang) -> String {
    let digits = format!("{:.1}", x * 100.0);
    match lang {
        Lang::En => format!("{digits}%"),
        Lang::Ru => format!("{} %", digits.replace('.', ",")),
    }
}

/// A probability; above 99.9 % and below 0.1 % it is written as a bound so as not to round to
/// certainty either way.
fn probability(p: f64, lang: Lang) -> String {
    if p > 0.999 {
        match lang {
            Lang::En => "> 99.9%".to_owned(),
            Lang::Ru => "> 99,9 %".to_owned(),
        }
    } else if p < 0.001 {
        match lang {
            Lang::En => "< 0.1%".to_owned(),
            Lang::Ru => "< 0,1 %".to_owned(),
        }
    } else {
        percent(p, lang)
    }
}

fn interval(r: &RateInterval, lang: Lang) -> String {
    format!("{}–{}", percent(r.low, lang), percent(r.high, lang))
}

fn role_word(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::Caller, Lang::En) => "caller",
        (Role::SalesManager, Lang::En) => "sales manager",
        (Role::Caller, Lang::Ru) => "колл-менеджер",
        (Role::SalesManager, Lang::Ru) => "менеджер по привлечению",
    }
}

fn list(people: &[&PersonAssessment], names: &dyn Fn(Role, i64) -> String) -> String {
    // A universal manager is on both sides of the matrix: named once.
    let mut out: Vec<String> = Vec::new();
    for p in people {
        let n = names(p.role, p.id);
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out.join(", ")
}

pub(super) fn explain(d: &Diagnosis, lang: Lang, names: &dyn Fn(Role, i64) -> String) -> String {
    let mut lines: Vec<String> = Vec::new();
    match &d.conclusion {
        Conclusion::WeakLink { role, id, .. } => {
            if let Some(person) = d.person(*role, *id) {
                weak_link(&mut lines, d, person, lang, names);
            }
            // The other readings of the same data: the runner-up and "no one".
            let runner_up = d
                .people
                .iter()
                .filter(|p| !(p.role == *role && p.id == *id))
                .filter_map(|p| p.probability_below.map(|q| (p, q)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            let mut other = Vec::new();
            if let Some(p0) = d.probability_no_one {
                other.push(match lang {
                    Lang::En => format!("no weak link at all, {}", probability(p0, lang)),
                    Lang::Ru => format!("слабого звена нет — {}", probability(p0, lang)),
                });
            }
            if let Some((p, q)) = runner_up {
                other.push(format!(
                    "{} ({}){} {}",
                    names(p.role, p.id),
                    role_word(p.role, lang),
                    match lang {
                        Lang::En => ",",
                        Lang::Ru => " —",
                    },
                    probability(q, lang)
                ));
            }
            if !other.is_empty() {
                lines.push(match lang {
                    Lang::En => format!("Other readings of the data: {}.", other.join("; ")),
                    Lang::Ru => format!("Другие объяснения данных: {}.", other.join("; ")),
                });
            }
        }
        Conclusion::MostLikely {
            role,
            id,
            probability: prob,
            probability_no_one,
        } => {
            let name = names(*role, *id);
            let role = role_word(*role, lang);
            let (prob, p0) = (
                probability(*prob, lang),
                probability(*probability_no_one, lang),
            );
            let required = probability(d.config.threshold, lang);
            lines.push(match lang {
                Lang::En => format!(
                    "Most likely the weak link is {name} ({role}), but not yet certain: probability \
                     {prob}, short of the {required} required to name anyone; the probability that \
                     no one is a weak link: {p0}."
                ),
                Lang::Ru => format!(
                    "Скорее всего, слабое звено — {name} ({role}), но уверенности пока нет: \
                     вероятность {prob}, а чтобы назвать, нужно не меньше {required}; вероятность \
                     того, что слабого звена нет, — {p0}."
                ),
            });
        }
        Conclusion::NoOneBelow => {
            lines.push(
                match lang {
                    Lang::En => "No one is credibly below the others.",
                    Lang::Ru => "Никто не оказался достоверно ниже остальных.",
                }
                .to_owned(),
            );
            most_likely(&mut lines, d, lang, names);
            let p0 = d.probability_no_one.unwrap_or(0.0);
            lines.push(if p0 >= d.config.clear_probability {
                let p0 = probability(p0, lang);
                match lang {
                    Lang::En => format!("The probability that no one is a weak link: {p0}."),
                    Lang::Ru => format!("Вероятность того, что слабого звена нет: {p0}."),
                }
            } else {
                let power = probability(d.config.clearing_power, lang);
                match lang {
                    Lang::En => format!(
                        "Everyone judged has enough accepted leads that a conversion at half the \
                         others' would have been named with a probability of at least {power}."
                    ),
                    Lang::Ru => format!(
                        "У всех оценённых достаточно принятых лидов, чтобы вдвое худшая конверсия \
                         была названа с вероятностью не меньше {power}."
                    ),
                }
            });
        }
        Conclusion::NotEnoughData { shortage } => {
            not_enough(&mut lines, d, shortage, lang, names);
        }
    }
    not_judged(&mut lines, d, lang, names);
    lines.push(match lang {
        Lang::En => format!(
            "Department: {} of {} accepted leads converted to a first payment ({}).",
            d.converted,
            d.accepted,
            percent(d.overall.rate, lang)
        ),
        Lang::Ru => format!(
            "Отдел: {} из {} принятых лидов дошли до первой оплаты ({}).",
            d.converted,
            d.accepted,
            percent(d.overall.rate, lang)
        ),
    });
    lines.join("\n")
}

/// The weak link's range as percentages of the others' conversion: "30–80%".
fn ratio_range(d: &Diagnosis, lang: Lang) -> String {
    let (low, high) = d.config.weak_ratio;
    let whole = |x: f64| format!("{:.0}", x * 100.0);
    match lang {
        Lang::En => format!("{}–{}%", whole(low), whole(high)),
        Lang::Ru => format!("{}–{} %", whole(low), whole(high)),
    }
}

fn weak_link(
    lines: &mut Vec<String>,
    d: &Diagnosis,
    p: &PersonAssessment,
    lang: Lang,
    names: &dyn Fn(Role, i64) -> String,
) {
    let name = names(p.role, p.id);
    let prob = probability(p.probability_below.unwrap_or(0.0), lang);
    let rate = percent(p.conversion.rate, lang);
    let ci = interval(&p.conversion, lang);
    let adjusted = percent(p.adjusted_conversion, lang);
    let others = percent(p.others_adjusted_conversion, lang);
    let (y, n) = (p.converted, p.accepted);
    let range = ratio_range(d, lang);
    match (lang, p.role) {
        (Lang::En, Role::Caller) => {
            lines.push(format!(
                "{name} (caller) is the weak link: the probability that leads from {name} \
                 convert markedly worse than the other callers' (at {range} of their rate) while \
                 everyone else converts alike is {prob}."
            ));
            lines.push(format!(
                "Conversion of {name}'s accepted leads: {rate} ({y} of {n}, 95% interval {ci}); \
                 with the sales managers' mix taken out, {adjusted} against {others} for the \
                 other callers."
            ));
            lines.push(format!(
                "What to look at: why sales managers reject {name}'s leads (the rejection \
                 reasons), and what became of {name}'s accepted leads: where they stop — before \
                 the first meeting, after it, or before the first payment."
            ));
        }
        (Lang::En, Role::SalesManager) => {
            lines.push(format!(
                "{name} (sales manager) is the weak link: the probability that leads handled by \
                 {name} convert markedly worse than the other sales managers' (at {range} of \
                 their rate) while everyone else converts alike is {prob}."
            ));
            lines.push(format!(
                "Conversion of the leads {name} accepted: {rate} ({y} of {n}, 95% interval \
                 {ci}); with the callers' mix taken out, {adjusted} against {others} for the \
                 other sales managers."
            ));
            lines.push(format!(
                "What to look at: the time from acceptance to the first meeting for {name}'s \
                 leads, and the reasons {name} gives when rejecting leads."
            ));
        }
        (Lang::Ru, Role::Caller) => {
            lines.push(format!(
                "Слабое звено — колл-менеджер {name}. Вероятность того, что лиды этого \
                 колл-менеджера конвертируются заметно хуже, чем у остальных \
                 колл-менеджеров ({range} их конверсии), а все остальные работают одинаково: \
                 {prob}."
            ));
            lines.push(format!(
                "Конверсия принятых лидов: {rate} ({y} из {n}, 95 % интервал {ci}); с поправкой \
                 на то, каким менеджерам по привлечению достались лиды, — {adjusted} против \
                 {others} у остальных колл-менеджеров."
            ));
            lines.push(
                "На что посмотреть: причины, по которым менеджеры по привлечению отклоняют \
                 лиды этого колл-менеджера, и судьбу принятых лидов — где они \
                 останавливаются: до первой встречи, после встречи или до первой оплаты."
                    .to_owned(),
            );
        }
        (Lang::Ru, Role::SalesManager) => {
            lines.push(format!(
                "Слабое звено — менеджер по привлечению {name}. Вероятность того, что у этого \
                 менеджера лиды конвертируются заметно хуже, чем у остальных менеджеров по \
                 привлечению ({range} их конверсии), а все остальные работают одинаково: \
                 {prob}."
            ));
            lines.push(format!(
                "Конверсия принятых лидов: {rate} ({y} из {n}, 95 % интервал {ci}); с поправкой \
                 на то, от каких колл-менеджеров пришли лиды, — {adjusted} против {others} у \
                 остальных менеджеров по привлечению."
            ));
            lines.push(
                "На что посмотреть: время от принятия лида до первой встречи и причины, по \
                 которым этот менеджер отклоняет лиды."
                    .to_owned(),
            );
        }
    }
}

/// The most probable weak link when no one is named, with how far it is from a name.
fn most_likely(
    lines: &mut Vec<String>,
    d: &Diagnosis,
    lang: Lang,
    names: &dyn Fn(Role, i64) -> String,
) {
    let top = d
        .people
        .iter()
        .filter_map(|p| match p.verdict {
            Verdict::NotBelow { probability } => Some((p, probability)),
            _ => None,
        })
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((p, prob)) = top {
        let name = names(p.role, p.id);
        let role = role_word(p.role, lang);
        let prob = probability(prob, lang);
        let required = probability(d.config.threshold, lang);
        lines.push(match lang {
            Lang::En => format!(
                "The most likely weak link: {name} ({role}), probability {prob}, short of the \
                 {required} required to name anyone."
            ),
            Lang::Ru => format!(
                "Наиболее вероятное слабое звено: {name} ({role}) — вероятность {prob}; чтобы \
                 назвать кого-то, нужно не меньше {required}."
            ),
        });
    }
}

/// Everyone with at least a one-in-ten probability of being the weak link, most probable first.
fn suspects(
    lines: &mut Vec<String>,
    d: &Diagnosis,
    lang: Lang,
    names: &dyn Fn(Role, i64) -> String,
) {
    let mut likely: Vec<(&PersonAssessment, f64)> = d
        .people
        .iter()
        .filter_map(|p| p.probability_below.map(|q| (p, q)))
        .filter(|&(_, q)| q >= 0.1)
        .collect();
    likely.sort_by(|a, b| b.1.total_cmp(&a.1));
    if likely.is_empty() {
        return most_likely(lines, d, lang, names);
    }
    let who: Vec<String> = likely
        .iter()
        .map(|(p, q)| {
            format!(
                "{} ({}){} {}",
                names(p.role, p.id),
                role_word(p.role, lang),
                match lang {
                    Lang::En => ",",
                    Lang::Ru => " —",
                },
                probability(*q, lang)
            )
        })
        .collect();
    let required = probability(d.config.threshold, lang);
    lines.push(match lang {
        Lang::En => format!(
            "Most likely weak links: {}; {required} is required to name anyone.",
            who.join("; ")
        ),
        Lang::Ru => format!(
            "Наиболее вероятные слабые звенья: {}; чтобы назвать кого-то, нужно не меньше \
             {required}.",
            who.join("; ")
        ),
    });
}

fn not_enough(
    lines: &mut Vec<String>,
    d: &Diagnosis,
    shortage: &DataShortage,
    lang: Lang,
    names: &dyn Fn(Role, i64) -> String,
) {
    let min = d.config.min_accepted;
    match shortage {
        DataShortage::NoConversions => lines.push(
            match lang {
                Lang::En => {
                    "Not enough data: no accepted lead converted to a first payment in this \
                     window, so there is nothing to compare."
                }
                Lang::Ru => {
                    "Недостаточно данных: ни один принятый лид в этом периоде не дошёл до \
                     первой оплаты — сравнивать нечего."
                }
            }
            .to_owned(),
        ),
        DataShortage::TooFewPeople => lines.push(match lang {
            Lang::En => format!(
                "Not enough data: in neither role do two people have at least {min} accepted \
                 leads, so no one can be compared with the others yet."
            ),
            Lang::Ru => format!(
                "Недостаточно данных: ни в одной роли нет двух человек хотя бы с {min} \
                 принятыми лидами — сравнивать пока не с кем."
            ),
        }),
        DataShortage::CannotRuleOutHalving { people } => {
            let thin: Vec<&PersonAssessment> = people
                .iter()
                .filter_map(|(role, id)| d.person(*role, *id))
                .filter(|p| matches!(p.verdict, Verdict::NotBelow { .. }))
                .collect();
            // When a weak link is more likely than not but no one person stands out, that is
            // what the user needs to hear, rather than a list of everyone who cannot be cleared.
            let suspected = d.probability_no_one.is_some_and(|p0| p0 < 0.5);
            let head = if suspected {
                let p0 = probability(d.probability_no_one.unwrap_or(0.0), lang);
                // Is the most likely weak link someone with too few leads to be named?
                let top_unjudged = d
                    .people
                    .iter()
                    .filter(|p| p.probability_below.is_some())
                    .max_by(|a, b| {
                        let pa = a.probability_below.unwrap_or(0.0);
                        pa.total_cmp(&b.probability_below.unwrap_or(0.0))
                    })
                    .is_some_and(|p| !p.judged());
                match (lang, top_unjudged) {
                    (Lang::En, false) => format!(
                        "Not enough data to name anyone: there is probably a weak link (the \
                         probability that there is none is {p0}), but the data do not single out \
                         one person (there may be more than one)."
                    ),
                    (Lang::En, true) => format!(
                        "Not enough data to name anyone: there is probably a weak link (the \
                         probability that there is none is {p0}), but the most likely one has too \
                         few accepted leads to be named."
                    ),
                    (Lang::Ru, false) => format!(
                        "Недостаточно данных, чтобы кого-то назвать: слабое звено, вероятно, есть \
                         (вероятность того, что его нет, — {p0}), но данные не указывают на \
                         одного человека (возможно, их несколько)."
                    ),
                    (Lang::Ru, true) => format!(
                        "Недостаточно данных, чтобы кого-то назвать: слабое звено, вероятно, есть \
                         (вероятность того, что его нет, — {p0}), но у наиболее вероятного \
                         слишком мало принятых лидов, чтобы его назвать."
                    ),
                }
            } else if thin.is_empty() {
                match lang {
                    Lang::En => {
                        "Not enough data to clear everyone: no one is named as the weak link, \
                         but some people have too few accepted leads to be judged (listed below)."
                            .to_owned()
                    }
                    Lang::Ru => {
                        "Недостаточно данных, чтобы снять подозрения со всех: достоверно ниже \
                         остальных никто не оказался, но у некоторых слишком мало принятых лидов \
                         для оценки (они перечислены ниже)."
                            .to_owned()
                    }
                }
            } else {
                let who = list(&thin, names);
                match lang {
                    Lang::En => format!(
                        "Not enough data to clear everyone: no one is named as the weak link, \
                         but for {who} even a conversion at half the others' might well not have \
                         been named yet."
                    ),
                    Lang::Ru => format!(
                        "Недостаточно данных, чтобы снять подозрения со всех: достоверно ниже \
                         остальных никто не оказался, но по этим людям данных пока мало — даже \
                         вдвое худшую конверсию диагноз мог бы ещё не заметить: {who}."
                    ),
                }
            };
            lines.push(head);
            lines.push(
                match lang {
                    Lang::En => "A longer window (6–12 months) gives a firmer answer.",
                    Lang::Ru => "Более длинный период (6–12 месяцев) даст более надёжный ответ.",
                }
                .to_owned(),
            );
            if suspected {
                suspects(lines, d, lang, names);
            } else {
                most_likely(lines, d, lang, names);
            }
        }
    }
}

fn not_judged(
    lines: &mut Vec<String>,
    d: &Diagnosis,
    lang: Lang,
    names: &dyn Fn(Role, i64) -> String,
) {
    let few: Vec<&PersonAssessment> = d
        .people
        .iter()
        .filter(|p| {
            matches!(
                p.verdict,
                Verdict::NotEnoughData {
                    shortage: Shortage::TooFewLeads { .. }
                }
            )
        })
        .collect();
    let alone: Vec<&PersonAssessment> = d
        .people
        .iter()
        .filter(|p| {
            matches!(
                p.verdict,
                Verdict::NotEnoughData {
                    shortage: Shortage::NoPeers
                }
            )
        })
        .collect();
    let min = d.config.min_accepted;
    if !few.is_empty() {
        let who = list(&few, names);
        lines.push(match lang {
            Lang::En => format!("Not judged, fewer than {min} accepted leads: {who}."),
            Lang::Ru => format!("Не оценены, меньше {min} принятых лидов: {who}."),
        });
    }
    if !alone.is_empty() {
        let who = list(&alone, names);
        lines.push(match lang {
            Lang::En => format!("Not judged, no one else in the same role to compare with: {who}."),
            Lang::Ru => format!("Не оценены, в той же роли не с кем сравнить: {who}."),
        });
    }
}

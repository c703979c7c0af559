//! Exact numbers for plans: decimal literals, percentages and small products or quotients
//! («7%», «50000/600000», «50000/600000*1.25»), so a plan can state a rate as the director
//! derived it instead of a rounded 8.33 %.

use rust_decimal::prelude::*;

pub fn parse_number(text: &str) -> Result<Decimal, String> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect::<String>()
        .replace(',', ".");
    if s.is_empty() {
        return Err("a number is expected here".into());
    }
    let mut acc: Option<Decimal> = None;
    let mut op = '*';
    let mut token = String::new();
    let flush = |acc: &mut Option<Decimal>, op: char, token: &str| -> Result<(), String> {
        let (lit, pct) = match token.strip_suffix('%') {
            Some(t) => (t, true),
            None => (token, false),
        };
        let mut v = Decimal::from_str(lit).map_err(|_| {
            format!("«{token}» is not a number; write e.g. 0.07, 7% or 50000/600000")
        })?;
        if pct {
            v /= Decimal::ONE_HUNDRED;
        }
        *acc = Some(match (*acc, op) {
            (None, _) => v,
            (Some(a), '*') => a.checked_mul(v).ok_or("the number is too large")?,
            (Some(a), _) => {
                if v.is_zero() {
                    return Err("division by zero".into());
                }
                a.checked_div(v).ok_or("the number is too large")?
            }
        });
        Ok(())
    };
    for ch in s.chars() {
        if (ch == '*' || ch == '/') && !token.is_empty() {
            flush(&mut acc, op, &token)?;
            token.clear();
            op = ch;
        } else {
            token.push(ch);
        }
    }
    flush(&mut acc, op, &token)?;
    acc.ok_or_else(|| "a number is expected here".into())
}

/// Rounds to kopecks, half away from zero (PRODUCT.md §4.2).
pub fn round_money(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A decimal as people read it in Russian: «0,915», «1 234 567,89».
pub fn human(v: Decimal) -> String {
    let v = v.normalize();
    let s = v.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    let sign = if v.is_sign_negative() && !v.is_zero() {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// Money with two decimals and the ruble sign.
pub fn rubles(v: Decimal) -> String {
    let r = round_money(v);
    let k = (r * Decimal::ONE_HUNDRED).to_i64().unwrap_or(0);
    baton_domain::Money::from_kopecks(k).to_human()
}

/// Money in JSON: always a string with two decimals (`"10000.00"`), whatever the value's
/// scale, so a client never meets `"40000"`, `"10000.0"` and `"1600.00"` side by side.
pub fn money_text<S: serde::Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    s.serialize_str(&format!("{r:.2}"))
}

/// [`money_text`] for an optional amount.
pub fn money_text_opt<S: serde::Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => money_text(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_percentages_and_fractions() {
        assert_eq!(
            parse_number("7%").unwrap(),
            Decimal::from_str("0.07").unwrap()
        );
        assert_eq!(
            parse_number("0,5").unwrap(),
            Decimal::from_str("0.5").unwrap()
        );
        assert_eq!(parse_number("40 000").unwrap(), Decimal::from(40_000));
        let r = parse_number("50000/600000").unwrap();
        assert_eq!(
            round_money(r * Decimal::from(600_000)),
            Decimal::from(50_000)
        );
        assert_eq!(
            round_money(parse_number("28000/12*1.25").unwrap() * Decimal::from(3)),
            Decimal::from(8_750)
        );
        assert!(parse_number("1/0").is_err());
        assert!(parse_number("abc").is_err());
        assert!(parse_number("").is_err());
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(
            round_money(Decimal::from_str("0.005").unwrap()),
            Decimal::from_str("0.01").unwrap()
        );
        assert_eq!(
            round_money(Decimal::from_str("-0.005").unwrap()),
            Decimal::from_str("-0.01").unwrap()
        );
        assert_eq!(
            round_money(Decimal::from_str("0.0049").unwrap()),
            Decimal::ZERO
        );
        assert_eq!(
            human(Decimal::from_str("1234567.50").unwrap()),
            "1\u{a0}234\u{a0}567,5"
        );
    }
}

//! Text for spreadsheets (ASVS L2 5.3, CSV/formula injection): a cell that begins with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice, so a company named
//! `=HYPERLINK(…)` would run when the export is opened. Such text gets a leading `'`, which the
//! spreadsheet shows as text. A real number (a negative amount) stays a number. Every CSV and
//! XLSX writer sends its text cells through `cell`.

use std::borrow::Cow;

/// `s` as a spreadsheet text cell that cannot start a formula.
pub fn cell(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// `-1234,56`, `+5`, `-0.5`: a sign, digits and at most one decimal separator.
fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut seps = 0;
    let mut any = false;
    for c in digits.chars() {
        match c {
            '0'..='9' => any = true,
            '.' | ',' => seps += 1,
            _ => return false,
        }
    }
    any && seps <= 1
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_become_text_and_numbers_stay() {
        assert_eq!(
            cell("=HYPERLINK(\"http://evil\",\"x\")"),
            "'=HYPERLINK(\"http://evil\",\"x\")"
        );
        assert_eq!(cell("+7 912 000"), "'+7 912 000");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("\r=1"), "'\r=1");
        assert_eq!(cell("-1234,56"), "-1234,56");
        assert_eq!(cell("-100.00"), "-100.00");
        assert_eq!(cell("+5"), "+5");
        assert_eq!(cell("ООО «Ромашка»"), "ООО «Ромашка»");
        assert_eq!(cell("-"), "'-");
    }
}

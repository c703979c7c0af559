//! A file a user downloaded from their CRM or spreadsheet, read into rows of text cells.
//! XLSX through `calamine`; Bitrix24's "Excel" export (an HTML table saved as `.xls`) through
//! `scraper`; CSV through `csv`, after the encoding (UTF-8, with or without BOM, or
//! Windows-1251 through `encoding_rs`) and the delimiter (`;`, `,` or tab) are found.

use std::io::Cursor;

/// One file's rows; `lines[i]` is where `rows[i]` starts in the file, for problem reports
/// (the CSV line, the spreadsheet's row number, the HTML table's row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub header_line: u64,
    pub rows: Vec<Vec<String>>,
    pub lines: Vec<u64>,
}

/// What kind of file it turned out to be (shown in the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    HtmlXls,
    Csv,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the file is empty or has no header row")]
    Empty,
    #[error("the spreadsheet cannot be read: {0}")]
    Xlsx(String),
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("the file is an old binary Excel workbook (.xls); save it as .xlsx or CSV")]
    BinaryXls,
}

pub fn read(bytes: &[u8]) -> Result<(Table, Format), TableError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok((read_xlsx(bytes)?, Format::Xlsx));
    }
    // A real BIFF/OLE .xls starts with the compound-file signature.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(TableError::BinaryXls);
    }
    let text = decode(bytes);
    let head = text.trim_start().get(..2048.min(text.trim_start().len()));
    let head = head.unwrap_or_default().to_lowercase();
    if head.starts_with('<') && (head.contains("<table") || head.contains("<html")) {
        return Ok((read_html(&text)?, Format::HtmlXls));
    }
    Ok((read_csv(&text)?, Format::Csv))
}

/// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1251: the two
/// encodings amoCRM and Bitrix24 export in.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1251.decode(bytes).0.into_owned(),
    }
}

/// The delimiter of the header line: the most frequent of `;`, tab and `,` outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let first = first_record(text);
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for ch in first.bytes() {
        if ch == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == ch {
                    c.1 += 1;
                }
            }
        }
    }
    // Ties go to `;` (Russian Excel's own CSV delimiter), then tab, then comma.
    let mut best = (b',', 0);
    for c in counts {
        if c.1 > best.1 {
            best = c;
        }
    }
    best.0
}

/// The first record's text: up to the first line break outside quotes.
fn first_record(text: &str) -> &str {
    let mut quoted = false;
    for (i, ch) in text.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => return &text[..i],
            _ => {}
        }
    }
    text
}

fn read_csv(text: &str) -> Result<Table, TableError> {
    let delimiter = sniff_delimiter(text);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    // A record's line is counted from its byte offset: `csv`'s own line count depends on
    // whether the file ends lines with CRLF or LF.
    let (mut at, mut line) = (0usize, 1u64);
    let bytes = text.as_bytes();
    let mut line_of = |byte: usize| {
        // `csv` may place a record's start on the previous line's break or on blank lines
        // before it: the record begins at the first byte that is not a line break.
        let mut byte = byte.min(bytes.len());
        while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= at {
            line += bytes[at..byte].iter().filter(|&&b| b == b'\n').count() as u64;
            at = byte;
        }
        line
    };
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte() as usize));
                return Err(TableError::Csv {
                    line,
                    message: e.to_string(),
                });
            }
        };
        let line = rec.position().map_or(0, |p| line_of(p.byte() as usize));
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        push(&mut table, cells, line);
    }
    finish(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, TableError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| TableError::Xlsx(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(TableError::Empty)?
        .map_err(|e| TableError::Xlsx(e.to_string()))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.trim().to_string(),
                Data::Float(f) => float_text(*f),
                Data::Int(n) => n.to_string(),
                Data::Bool(b) => b.to_string(),
                // Dates as the CSV export writes them, so one parser reads both.
                Data::DateTime(d) => match d.as_datetime() {
                    Some(t) if t.time() == chrono::NaiveTime::MIN => {
                        t.format("%d.%m.%Y").to_string()
                    }
                    Some(t) => t.format("%d.%m.%Y %H:%M:%S").to_string(),
                    None => d.to_string(),
                },
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("{e:?}"),
            })
            .collect();
        push(&mut table, cells, u64::from(first_row) + i as u64 + 1);
    }
    finish(table)
}

/// A number cell as text without a float's noise: 12500 not 12500.0, and an ИНН typed as a
/// number keeps all its digits. Money columns are parsed exactly from this text later.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn read_html(text: &str) -> Result<Table, TableError> {
    use scraper::{Html, Selector};
    let doc = Html::parse_document(text);
    let (Ok(tr), Ok(cell)) = (Selector::parse("tr"), Selector::parse("th, td")) else {
        return Err(TableError::Empty);
    };
    let mut table = Table::default();
    for (i, row) in doc.select(&tr).enumerate() {
        let cells = row
            .select(&cell)
            .map(|c| {
                c.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        push(&mut table, cells, i as u64 + 1);
    }
    finish(table)
}

/// Blank rows are skipped; the first row with text is the header row.
fn push(table: &mut Table, cells: Vec<String>, line: u64) {
    if cells.iter().all(|c| c.is_empty()) {
        return;
    }
    if table.headers.is_empty() {
        table.headers = cells;
        table.header_line = line;
    } else {
        table.rows.push(cells);
        table.lines.push(line);
    }
}

fn finish(table: Table) -> Result<Table, TableError> {
    if table.headers.is_empty() {
        return Err(TableError::Empty);
    }
    Ok(table)
}

/// The column's spreadsheet letter (0 → A, 26 → AA), for problem reports.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_in_cp1251_are_read() {
        let text = "Название;ИНН\r\n\"ООО \"\"Ромашка\"\"; склад\";7707083893\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let (t, f) = read(&bytes).unwrap();
        assert_eq!(f, Format::Csv);
        assert_eq!(t.headers, ["Название", "ИНН"]);
        assert_eq!(t.rows, [["ООО \"Ромашка\"; склад", "7707083893"]]);
        assert_eq!(t.lines, [2]);
    }

    #[test]
    fn commas_with_bom_and_blank_lines() {
        let text = "\u{feff}ID,Название сделки,Бюджет\n\n1,\"Поставка, 2 шт\",1500\n";
        let (t, _) = read(text.as_bytes()).unwrap();
        assert_eq!(t.headers, ["ID", "Название сделки", "Бюджет"]);
        assert_eq!(t.rows, [["1", "Поставка, 2 шт", "1500"]]);
        assert_eq!(t.lines, [3]);
    }

    #[test]
    fn tabs_are_sniffed() {
        let (t, _) = read(b"a\tb\n1\t2\n\n3\t\"x\ny\"\n4\t5").unwrap();
        assert_eq!(t.rows, [["1", "2"], ["3", "x\ny"], ["4", "5"]]);
        assert_eq!(
            t.lines,
            [2, 4, 6],
            "LF lines, a blank one, a quoted line break"
        );
    }

    #[test]
    fn bitrix_html_xls() {
        let html = "<html><head><meta charset=utf-8></head><body><table border=1>\
            <tr><th>ID</th><th>Компания: Название компании</th></tr>\
            <tr><td>7</td><td>ООО  &laquo;Альфа&raquo;\n</td></tr></table></body></html>";
        let (t, f) = read(html.as_bytes()).unwrap();
        assert_eq!(f, Format::HtmlXls);
        assert_eq!(t.headers, ["ID", "Компания: Название компании"]);
        assert_eq!(t.rows, [["7", "ООО «Альфа»"]]);
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn empty_is_refused() {
        assert_eq!(read(b"\n\n").unwrap_err(), TableError::Empty);
        assert_eq!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0]).unwrap_err(),
            TableError::BinaryXls
        );
    }
}
